import { assertNever } from '../diagnostics/assert-never.js';
import { type ConditionOperator, conditionBounds } from '../correlation/render-helpers.js';
import { CorrelationIndex, type ResolvedInput } from '../correlation/resolve.js';
import type { CorrelationBounds, CorrelationType, SigmaCorrelation } from '../rule/model.js';
import type { ParsedFile } from '../rule/parse-documents.js';
import type { CorpusIndex } from './corpus-index.js';
import { explainRule } from './explain.js';
import type { RuleExplanation } from './explanation.js';
import { renderExplanation, stableJson, type ExplainFormat } from './render.js';

/**
 * What `explain` says about a correlation rule: its type in words, the rules it combines (each explained
 * with its stages, as `explain` shows a detection rule; a chained correlation explained in turn),
 * group-by, window and condition, with the meaning the README's "Correlation rules" section defines.
 */
export interface CorrelationExplanation {
  readonly kind: 'correlation';
  readonly title: string;
  readonly id?: string;
  readonly name?: string;
  readonly file: string;
  readonly type: CorrelationType;
  /** The aggregate in words. */
  readonly measures: string;
  readonly groupBy: readonly string[];
  readonly aliases: readonly { readonly alias: string; readonly fields: readonly string[] }[];
  readonly timespan: string;
  readonly window: string;
  readonly condition: string;
  readonly generate: boolean;
  readonly inputs: readonly CorrelationInputExplanation[];
}

export type CorrelationInputExplanation =
  | { readonly reference: string; readonly kind: 'rule'; readonly explanation: RuleExplanation }
  | { readonly reference: string; readonly kind: 'correlation'; readonly explanation: CorrelationExplanation }
  | { readonly reference: string; readonly kind: 'unresolved'; readonly problem: string };

export type Explained = RuleExplanation | CorrelationExplanation;

function measures(c: SigmaCorrelation): string {
  const field = c.field?.value ?? '?';
  switch (c.type) {
    case 'event_count':
      return 'the number of events in the window';
    case 'value_count':
      return `the number of distinct values of ${field} in the window`;
    case 'value_sum':
      return `the sum of the numeric values of ${field} in the window`;
    case 'value_avg':
      return `the average of the numeric values of ${field} in the window`;
    case 'value_percentile':
      return `the share (percent) of the window's values of ${field} equal to the anchor event's value`;
    case 'temporal':
      return 'how many of the rules matched in the window (any order)';
    case 'temporal_ordered':
      return 'whether the rules matched in the window in the listed order, the last one at the anchor event';
    default:
      return assertNever(c.type, 'correlation type');
  }
}

/** The comparison as explain writes it. */
const WORDS_COMPARISON: Readonly<Record<ConditionOperator, string>> = { gt: '>', gte: '>=', lt: '<', lte: '<=', eq: '=', neq: '!=' };

function conditionText(c: SigmaCorrelation): string {
  const what = c.type === 'temporal' || c.type === 'temporal_ordered' ? 'rules matched' : c.field === null ? c.type : `${c.type}(${c.field.value})`;
  const bounds: CorrelationBounds = Object.keys(c.condition).length === 0 ? { gte: c.rules.length } : c.condition;
  const parts = conditionBounds(bounds).map(([k, v]) => `${what} ${WORDS_COMPARISON[k]} ${String(v)}`);
  const text = parts.join(' and ');
  return c.type === 'temporal_ordered' ? `all ${c.rules.length} rules, in order` : Object.keys(c.condition).length === 0 ? `${text} (all of them, the default)` : text;
}

function windowText(c: SigmaCorrelation): string {
  return `${c.timespan} look-back from each event: the events of its group at most ${c.timespanSeconds} s older (exactly ${c.timespan} older is outside)`;
}

export function explainCorrelation(c: SigmaCorrelation, index: CorrelationIndex, corpus?: CorpusIndex, depth = 0): CorrelationExplanation {
  const resolved = index.resolve(c);
  const byRef = new Map<string, ResolvedInput>((resolved.value?.inputs ?? []).map((i) => [i.ref.value, i]));
  const inputs: CorrelationInputExplanation[] = c.ruleRefs.map((ref) => {
    const input = byRef.get(ref.value);
    if (input === undefined) {
      const found = index.lookup(ref);
      const problem = 'problem' in found ? found.problem.message : resolved.diagnostics.find((d) => d.span === ref.span)?.message ?? 'cannot be resolved';
      return { reference: ref.value, kind: 'unresolved', problem };
    }
    if (input.kind === 'rule') return { reference: ref.value, kind: 'rule', explanation: explainRule(input.rule, corpus) };
    if (depth >= 8) return { reference: ref.value, kind: 'unresolved', problem: 'chained too deep to explain here; explain it on its own' };
    return { reference: ref.value, kind: 'correlation', explanation: explainCorrelation(input.resolved.correlation, index, corpus, depth + 1) };
  });
  return {
    kind: 'correlation',
    title: c.title,
    ...(c.id !== undefined ? { id: c.id } : {}),
    ...(c.name !== undefined ? { name: c.name } : {}),
    file: c.file,
    type: c.type,
    measures: measures(c),
    groupBy: c.groupBy,
    aliases: c.aliases.map((a) => ({ alias: a.name, fields: a.fields.map((f) => `${f.rule}: ${f.field}`) })),
    timespan: c.timespan,
    window: windowText(c),
    condition: conditionText(c),
    generate: c.generate,
    inputs,
  };
}

/** Explains every correlation of the files, resolving references among all of them. */
export function correlationIndex(files: readonly ParsedFile[]): CorrelationIndex {
  return new CorrelationIndex(files);
}

const isCorrelation = (e: Explained): e is CorrelationExplanation => 'kind' in e && e.kind === 'correlation';

/** Several explanations (rules and correlations): text and markdown one after another, JSON as one array. */
export function renderAll(expls: readonly Explained[], format: ExplainFormat): string {
  if (format === 'json') return stableJson(expls) + '\n';
  return expls.map((e) => (isCorrelation(e) ? renderCorrelation(e, format) : renderExplanation(e, format))).join(format === 'markdown' ? '\n---\n\n' : '\n' + '='.repeat(72) + '\n\n');
}

function renderCorrelation(e: CorrelationExplanation, format: 'text' | 'markdown', level = 1): string {
  const md = format === 'markdown';
  const code = (s: string): string => (md ? `\`${s}\`` : s);
  const lines: string[] = [];
  const heading = `Correlation: ${e.title}`;
  lines.push(md ? `${'#'.repeat(Math.min(level, 6))} ${heading}` : heading);
  if (!md) lines.push('='.repeat(heading.length));
  lines.push('');
  const item = (label: string, value: string): string => (md ? `- **${label}:** ${value}` : `${label}: ${value}`);
  if (e.id !== undefined) lines.push(item('id', code(e.id)));
  if (e.name !== undefined) lines.push(item('name', code(e.name)));
  lines.push(item('file', e.file));
  lines.push(item('type', `${code(e.type)}: ${e.measures}`));
  lines.push(item('group-by', e.groupBy.length === 0 ? 'none (one group for all events)' : e.groupBy.map(code).join(', ')));
  for (const a of e.aliases) lines.push(item(`alias ${a.alias}`, a.fields.map(code).join(', ')));
  lines.push(item('window', e.window));
  lines.push(item('condition', e.condition));
  lines.push(item('fires', 'at each event whose window meets the condition: its time and group-by values'));
  lines.push(item('generate', e.generate ? 'true: the rules are also emitted on their own' : 'false: the rules are emitted only as part of this correlation'));
  lines.push('');
  lines.push(md ? `${'#'.repeat(Math.min(level + 1, 6))} Rules combined (${e.inputs.length})` : `Rules combined (${e.inputs.length}):`);
  lines.push('');
  e.inputs.forEach((input, i) => {
    const title = `${i + 1}. ${code(input.reference)}`;
    switch (input.kind) {
      case 'unresolved':
        lines.push(`${title}: not resolved: ${input.problem}`, '');
        return;
      case 'rule': {
        lines.push(`${title}: rule "${input.explanation.meta.title}"`, '');
        const body = renderExplanation(input.explanation, format).trimEnd();
        lines.push(...(md ? demote(body, level + 1) : indent(body)), '');
        return;
      }
      case 'correlation': {
        lines.push(`${title}: correlation "${input.explanation.title}"`, '');
        const body = renderCorrelation(input.explanation, format, level + 2).trimEnd();
        lines.push(...(md ? [body] : indent(body)), '');
        return;
      }
      default:
        return assertNever(input, 'correlation input');
    }
  });
  return lines.join('\n').trimEnd() + '\n';
}

function indent(text: string): string[] {
  return text.split('\n').map((l) => (l === '' ? '' : `    ${l}`));
}

/** Markdown headings of a nested explanation, pushed `by` levels down. */
function demote(text: string, by: number): string[] {
  return text.split('\n').map((l) => (/^#+ /.test(l) ? `${'#'.repeat(by)}${l}` : l));
}
