import type { WrittenValues } from './written-values.js';
import { assertNever } from '../diagnostics/assert-never.js';
import type { Expr } from '../ast/expr.js';
import type { MatchKind, MatchOption, Outline } from './explanation.js';
import { describeMatch } from './describe-match.js';

/** A value with the form it is compared in (for the corpus key). */
export interface LineValue {
  readonly value: string;
  readonly normalized: string;
}

/** One folded line: a field compared one way with values that are ORed (`any`) or ANDed (`all`). */
export interface Line {
  readonly field: string | null;
  readonly kind: MatchKind;
  readonly options: readonly MatchOption[];
  readonly values: readonly LineValue[];
  /** `one` for a single item; `any`/`all` once alternatives or `|all` values are folded together. */
  readonly join: 'one' | 'any' | 'all';
}

export type Tree =
  | { readonly op: 'all' | 'any'; readonly items: readonly Tree[] }
  | { readonly op: 'not'; readonly item: Tree }
  | ({ readonly op: 'match' } & Line);

/**
 * Folds an expression into catalog lines. Inside an `or`, items on the same field with the same kind
 * become one line whose values are alternatives (`RelativeTargetName ends_with -stdin, -stdout`); inside
 * an `and`, they become one `|all` line. Nested operators of the same kind are flattened (they mean the
 * same), and a group of one item is that item.
 */
export function buildTree(expr: Expr, written: WrittenValues = () => undefined): Tree {
  switch (expr.kind) {
    case 'match': {
      const d = describeMatch(expr.value, written(expr.span));
      return {
        op: 'match',
        field: expr.field,
        kind: d.kind,
        options: d.options,
        values: [{ value: d.value, normalized: d.normalized }],
        join: 'one',
      };
    }
    case 'not':
      return { op: 'not', item: buildTree(expr.operand, written) };
    case 'and':
    case 'or': {
      const op = expr.kind === 'and' ? 'all' : 'any';
      const flat: Tree[] = [];
      for (const operand of expr.operands) {
        const t = buildTree(operand, written);
        if (t.op === op) flat.push(...t.items);
        else flat.push(t);
      }
      const items = fold(flat, op);
      const only = items[0];
      return items.length === 1 && only !== undefined ? only : { op, items };
    }
    default:
      return assertNever(expr, 'expression');
  }
}

function lineKey(l: Line): string {
  return `${l.field ?? '\u0001'}\u0000${l.kind}\u0000${l.options.join('|')}`;
}

function fold(items: readonly Tree[], op: 'all' | 'any'): Tree[] {
  const out: Tree[] = [];
  const open = new Map<string, number>();
  for (const item of items) {
    if (item.op !== 'match' || !(item.join === 'one' || item.join === op)) {
      out.push(item);
      continue;
    }
    const key = lineKey(item);
    const at = open.get(key);
    const prev = at === undefined ? undefined : out[at];
    if (at === undefined || prev === undefined || prev.op !== 'match') {
      open.set(key, out.length);
      out.push(item);
      continue;
    }
    const values = [...prev.values];
    for (const v of item.values) if (!values.some((w) => w.value === v.value)) values.push(v);
    out[at] = { ...prev, values, join: values.length > 1 ? op : 'one' };
  }
  return out;
}

/** The tree as the explanation shows it: `|all` as an option, compare forms left out. */
export function toOutline(tree: Tree): Outline {
  switch (tree.op) {
    case 'all':
    case 'any':
      return { op: tree.op, items: tree.items.map(toOutline) };
    case 'not':
      return { op: 'not', item: toOutline(tree.item) };
    case 'match':
      return {
        op: 'match',
        field: tree.field,
        kind: tree.kind,
        options: lineOptions(tree),
        values: tree.values.map((v) => v.value),
      };
    default:
      return assertNever(tree, 'outline');
  }
}

export function lineOptions(line: Line): readonly MatchOption[] {
  return line.join === 'all' ? [...line.options, 'all'] : line.options;
}

/** Every line of a tree with whether it sits under an odd number of `not` (starting from `negated`). */
export function linesOf(tree: Tree, negated: boolean, visit: (line: Line, negated: boolean) => void): void {
  switch (tree.op) {
    case 'all':
    case 'any':
      for (const item of tree.items) linesOf(item, negated, visit);
      return;
    case 'not':
      linesOf(tree.item, !negated, visit);
      return;
    case 'match':
      visit(tree, negated);
      return;
    default:
      assertNever(tree, 'outline');
  }
}
