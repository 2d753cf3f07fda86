import type { ConditionNode } from '../ast/condition.js';
import type { SigmaRule } from '../rule/model.js';
import { attackCoverage, nonAttackTags } from './attack.js';
import { conjuncts, identifierUses, printConditionNode } from './condition-walk.js';
import type { CorpusIndex } from './corpus-index.js';
import { eventCoverage } from './coverage.js';
import type { Exclusion, ExplanationMeta, MatchRow, RuleExplanation, Stage } from './explanation.js';
import { corpusKey, identifierTrees, indicatorLines, ruleIdentity, type IdentifierLine } from './indicators.js';
import { lineOptions, linesOf, toOutline, type Tree } from './outline.js';

/**
 * Explains a rule the way a detection catalog shows it: metadata, ATT&CK coverage, event coverage,
 * the condition in stages, what it excludes and what it looks for (with corpus counts when an index
 * is given).
 *
 * Definitions (the tests hold them):
 * - Stages: stage 0 is the condition; then each search identifier the condition uses, in order of first
 *   use, with `polarity` `negated` when every use is under an odd number of `not`, `both` when used
 *   both ways, and `via` naming the `x of` terms that reach it.
 * - Exclusions: the conjuncts of a condition (its top-level `and`, with nested `and`s flattened) that are
 *   negated. `not (a or b)` and `not 1 of filter_*` are split into one exclusion per operand or
 *   identifier (De Morgan); `not (a and b)` and `not all of x_*` stay one exclusion, because only the
 *   combination is excluded. `not not x` is not an exclusion. Inside an exclusion, an item under a
 *   further `not` is listed with `negated: true` (the exclusion does not apply when it matches). A rule
 *   whose condition is an `or` at the top has no exclusions: no `not` in it suppresses every match.
 * - Indicators: every item matched positively (under an even number of `not`), see `indicatorLines`.
 */
export function explainRule(rule: SigmaRule, corpus?: CorpusIndex): RuleExplanation {
  const trees = identifierTrees(rule);
  const self = ruleIdentity(rule);
  const indicators = indicatorLines(rule, trees).map((l) => indicatorRow(l, corpus, self));
  return {
    meta: meta(rule),
    attack: attackCoverage(rule.tags),
    coverage: eventCoverage(rule),
    stages: stages(rule, trees),
    exclusions: exclusions(rule, trees),
    indicators,
    ...(corpus === undefined ? {} : { corpus: { rules: corpus.rules } }),
  };
}

function meta(rule: SigmaRule): ExplanationMeta {
  const optional = {
    id: rule.id,
    status: rule.status,
    level: rule.level,
    author: rule.author,
    date: rule.date,
    modified: rule.modified,
    description: rule.description,
  };
  const present = Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)) as Partial<
    Record<keyof typeof optional, string>
  >;
  return {
    title: rule.title,
    file: rule.file,
    ...present,
    references: rule.references,
    falsepositives: rule.falsepositives,
    tags: nonAttackTags(rule.tags),
  };
}

function stages(rule: SigmaRule, trees: ReadonlyMap<string, Tree>): Stage[] {
  const out: Stage[] = [{ index: 0, conditions: rule.conditions.map((c) => c.text) }];
  const order: string[] = [];
  const uses = new Map<string, { positive: boolean; negated: boolean; via: string[] }>();
  for (const condition of rule.conditions) {
    for (const use of identifierUses(condition.node, rule.identifiers)) {
      let u = uses.get(use.name);
      if (u === undefined) {
        uses.set(use.name, (u = { positive: false, negated: false, via: [] }));
        order.push(use.name);
      }
      if (use.negated) u.negated = true;
      else u.positive = true;
      if (use.via !== undefined && !u.via.includes(use.via)) u.via.push(use.via);
    }
  }
  for (const name of order) {
    const u = uses.get(name);
    const tree = trees.get(name);
    if (u === undefined) continue;
    out.push({
      index: out.length,
      identifier: name,
      polarity: u.positive && u.negated ? 'both' : u.negated ? 'negated' : 'positive',
      ...(u.via.length === 0 ? {} : { via: u.via }),
      ...(tree === undefined ? {} : { outline: toOutline(tree) }),
    });
  }
  return out;
}

function exclusions(rule: SigmaRule, trees: ReadonlyMap<string, Tree>): Exclusion[] {
  const out: Exclusion[] = [];
  rule.conditions.forEach((condition, index) => {
    for (const c of conjuncts(condition.node, rule.identifiers)) {
      if (!c.negated) continue;
      const rows: MatchRow[] = [];
      const names: string[] = [];
      for (const use of identifierUses(c.node, rule.identifiers)) {
        if (!names.includes(use.name)) names.push(use.name);
        const tree = trees.get(use.name);
        if (tree === undefined) continue;
        linesOf(tree, use.negated, (line, negated) => {
          rows.push({
            identifier: use.name,
            field: line.field,
            kind: line.kind,
            options: lineOptions(line),
            values: line.values.map((v) => ({ value: v.value })),
            ...(negated ? { negated: true } : {}),
          });
        });
      }
      out.push({
        excludes: excludedText(c.node),
        identifiers: names,
        condition: index,
        ...(c.via === undefined ? {} : { via: c.via }),
        rows,
      });
    }
  });
  return out;
}

function excludedText(node: ConditionNode): string {
  const text = printConditionNode(node);
  return node.kind === 'and' || node.kind === 'or' ? `(${text})` : text;
}

function indicatorRow(l: IdentifierLine, corpus: CorpusIndex | undefined, self: string): MatchRow {
  const base = { identifier: l.identifier, field: l.line.field, kind: l.line.kind, options: l.options };
  if (corpus === undefined) return { ...base, values: l.line.values.map((v) => ({ value: v.value })) };
  const union = new Set<string>();
  const values = l.line.values.map((v) => {
    const rules = corpus.lookup(corpusKey(l.line.field, l.line, v.normalized));
    for (const r of rules) union.add(r);
    return { value: v.value, corpus: rules.size };
  });
  const specific = union.size === 0 || (union.size === 1 && union.has(self));
  return { ...base, values, corpus: { rules: union.size, specific } };
}
