import type { ConvertedRule } from '../convert.js';
import { convertExpr } from '../lower/convert-expr.js';
import type { TargetDeclaration, TargetOptionValues } from '../lower/target.js';
import type { SigmaCorrelation } from '../rule/model.js';
import { parseSigmaText } from '../rule/parse-documents.js';
import { isTargetId } from '../targets/registry.js';
import type { Result } from '../diagnostics/diagnostic.js';
import { buildPlan } from './build-plan.js';
import type { CorrelationPlan } from './plan.js';
import { CorrelationIndex } from './resolve.js';

/**
 * The correlation part of the support matrix: one canonical correlation per type (plus a chain), planned
 * like a real run and given to the target's renderer, so the README table cannot drift from the code.
 * exact: the renderer's query; approximate: it warned (a "should" aspect); option: only under a target
 * option; no: refused (the note is the reason).
 */
export interface CorrelationSupportEntry {
  readonly kind: string;
  readonly description: string;
  readonly level: 'exact' | 'approximate' | 'option' | 'no';
  readonly note: string;
}

const RULES = ['a', 'b']
  .map((k) => `title: Rule ${k}\nname: rule_${k}\nlogsource: {product: test}\ndetection:\n    sel:\n        Kind: ${k}\n    condition: sel\n`)
  .join('---\n');

const CANONICAL: readonly (readonly [string, string, string])[] = [
  ['event_count', '`event_count` (`gte: 10` per group)', 'type: event_count\n    rules: [rule_a]\n    group-by: [Host]\n    timespan: 5m\n    condition: {gte: 10}'],
  ['value_count', '`value_count` (distinct values)', 'type: value_count\n    rules: [rule_a]\n    group-by: [Host]\n    timespan: 5m\n    condition: {field: User, gte: 10}'],
  ['temporal', '`temporal` (all rules, any order)', 'type: temporal\n    rules: [rule_a, rule_b]\n    group-by: [Host]\n    timespan: 5m'],
  ['temporal_ordered', '`temporal_ordered` (all rules, in order)', 'type: temporal_ordered\n    rules: [rule_a, rule_b]\n    group-by: [Host]\n    timespan: 5m'],
  ['value_sum', '`value_sum`', 'type: value_sum\n    rules: [rule_a]\n    group-by: [Host]\n    timespan: 5m\n    condition: {field: Bytes, gt: 1000}'],
  ['value_avg', '`value_avg`', 'type: value_avg\n    rules: [rule_a]\n    group-by: [Host]\n    timespan: 5m\n    condition: {field: Bytes, gt: 1000}'],
  ['value_percentile', '`value_percentile` (share of the anchor value)', 'type: value_percentile\n    rules: [rule_a]\n    group-by: [Host]\n    timespan: 5m\n    condition: {field: Image, lte: 1}'],
  ['range', 'a range condition (`gt: 1, lte: 5`)', 'type: event_count\n    rules: [rule_a]\n    group-by: [Host]\n    timespan: 5m\n    condition: {gt: 1, lte: 5}'],
  ['no-group', 'no `group-by` (one group)', 'type: event_count\n    rules: [rule_a]\n    timespan: 5m\n    condition: {gte: 10}'],
  ['chain', 'a chained correlation', 'type: temporal_ordered\n    rules: [inner, rule_b]\n    group-by: [Host]\n    timespan: 5m'],
];

const INNER = 'title: Inner\nname: inner\ncorrelation:\n    type: event_count\n    rules: [rule_a]\n    group-by: [Host]\n    timespan: 5m\n    condition: {gte: 10}\n';

function attempt(target: TargetDeclaration, body: string, options: TargetOptionValues): { ok: true; warnings: readonly string[] } | { ok: false; reason: string } {
  const render = target.correlation;
  if (typeof render !== 'function') return { ok: false, reason: render.reason };
  const id = target.id;
  if (!isTargetId(id)) return { ok: false, reason: 'unknown target' };
  const files = [parseSigmaText(RULES, 'rules.yml'), parseSigmaText(INNER, 'inner.yml'), parseSigmaText(`title: C\ncorrelation:\n    ${body}\n`, 'c.yml')];
  const doc = files[2]?.documents[0]?.document;
  if (doc?.kind !== 'correlation') return { ok: false, reason: 'the canonical correlation does not parse' };
  const index = new CorrelationIndex(files);
  const resolved = index.resolve(doc);
  if (resolved.value === null) return { ok: false, reason: resolved.diagnostics[0]?.message ?? 'unresolved' };
  const convertRule = (rule: { detection: Parameters<typeof convertExpr>[0] }): ConvertedRule => {
    const r = convertExpr(rule.detection, id, { targetOptions: options });
    if (!r.ok) return { output: null, diagnostics: r.diagnostics };
    const { query, parts } = r.value;
    return { output: query, diagnostics: r.diagnostics, formatInput: { query, expression: parts.expression, postFilter: parts.postFilter, source: parts.source, state: {}, targetOptions: options } };
  };
  const plan = buildPlan(resolved.value, { convertRule, pipelines: [], target: id, memo: new Map<SigmaCorrelation, Result<CorrelationPlan>>() });
  if (!plan.ok) return { ok: false, reason: plan.diagnostics[0]?.message ?? 'no plan' };
  const defaults: Record<string, boolean | string> = {};
  for (const o of target.options) defaults[o.name] = o.default;
  const out = render(plan.value, { ...defaults, ...options });
  return out.kind === 'unsupported' ? { ok: false, reason: out.reason } : { ok: true, warnings: out.warnings };
}

export function correlationSupport(target: TargetDeclaration): readonly CorrelationSupportEntry[] {
  return CANONICAL.map(([kind, description, body]) => {
    const plain = attempt(target, body, {});
    if (plain.ok) return { kind, description, level: plain.warnings.length > 0 ? 'approximate' : 'exact', note: plain.warnings.join(' ') };
    for (const option of target.options) {
      if (typeof option.default !== 'boolean') continue;
      const withOption = attempt(target, body, { [option.name]: !option.default });
      if (withOption.ok) return { kind, description, level: 'option', note: `with ${option.name}` };
    }
    return { kind, description, level: 'no', note: plain.reason };
  });
}

/** The correlation rows of the top-level README: a row per canonical correlation, a column per target. */
export function correlationOverview(targets: readonly TargetDeclaration[]): string {
  const matrices = targets.map((t) => correlationSupport(t));
  const header = `| correlation | ${targets.map((t) => `[${t.id}](src/targets/${t.id}/README.md)`).join(' | ')} |`;
  const rule = `|---|${targets.map(() => '---').join('|')}|`;
  const rows = CANONICAL.map(([, description], i) => {
    const cells = matrices.map((m) => {
      const e = m[i];
      if (e === undefined) return '';
      if (e.level === 'option') return `with \`-O ${e.note.replace(/^with /, '')}\``;
      return e.level;
    });
    return `| ${description.replace(/\|/g, '\\|')} | ${cells.join(' | ')} |`;
  });
  return [header, rule, ...rows].join('\n');
}
