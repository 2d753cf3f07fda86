import type { MatchOption } from './explanation.js';
import type { SigmaRule } from '../rule/model.js';
import { identifierUses } from './condition-walk.js';
import { writtenValues } from './written-values.js';
import { buildTree, lineOptions, linesOf, type Line, type Tree } from './outline.js';

/** A folded line of one search identifier, with the options the explanation shows. */
export interface IdentifierLine {
  readonly identifier: string;
  readonly line: Line;
  readonly options: readonly MatchOption[];
}

/** Per rule, each identifier's tree is built once. */
export function identifierTrees(rule: SigmaRule): ReadonlyMap<string, Tree> {
  const trees = new Map<string, Tree>();
  const written = writtenValues(rule.source);
  for (const id of rule.identifiers) trees.set(id.name, buildTree(id.expr, written));
  return trees;
}

/**
 * The rule's indicators: every line that the detection matches positively, i.e. under an even number
 * of `not` counting both the condition's and the expression's (`neq`). An item under an odd number is
 * something the rule excludes or does without, never an indicator. Lines of one identifier with the
 * same field, kind and options are merged (values in first-seen order), except `|all` lines, whose
 * values must hold together.
 */
export function indicatorLines(rule: SigmaRule, trees = identifierTrees(rule)): IdentifierLine[] {
  const out: IdentifierLine[] = [];
  const merged = new Map<string, number>();
  for (const condition of rule.conditions) {
    for (const use of identifierUses(condition.node, rule.identifiers)) {
      const tree = trees.get(use.name);
      if (tree === undefined) continue;
      linesOf(tree, use.negated, (line, negated) => {
        if (negated) return;
        const options = lineOptions(line);
        const isAll = options.includes('all');
        const allValues = isAll ? line.values.map((v) => v.value).join('\u0000') : '';
        const key = [use.name, line.field ?? '\u0001', line.kind, options.join('|'), allValues].join('\u0000');
        const at = merged.get(key);
        const prev = at === undefined ? undefined : out[at];
        if (at === undefined || prev === undefined) {
          merged.set(key, out.length);
          out.push({ identifier: use.name, line, options });
          return;
        }
        if (isAll) return;
        const values = [...prev.line.values];
        for (const v of line.values) if (!values.some((w) => w.value === v.value)) values.push(v);
        out[at] = { ...prev, line: { ...prev.line, values } };
      });
    }
  }
  return out;
}

/**
 * The corpus key of one value: field, kind, the options that change what matches (`cased`, regex
 * flags; not `all`, which only links values), and the value as compared (lower-cased unless cased).
 */
export function corpusKey(field: string | null, line: Pick<Line, 'kind' | 'options'>, normalized: string): string {
  const options = line.options.filter((o) => o !== 'all');
  return [field === null ? '\u0001keyword' : field, line.kind, options.join('|'), normalized].join('\u0000');
}

/** What identifies a rule in corpus counts: its id, or where it stands when it has none. */
export function ruleIdentity(rule: SigmaRule): string {
  return rule.id ?? `${rule.file}#${rule.documentIndex}`;
}
