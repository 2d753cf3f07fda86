import { assertNever } from '../diagnostics/assert-never.js';
import type { CondOf, ConditionNode } from '../ast/condition.js';
import type { SearchIdentifier } from '../rule/model.js';

/**
 * The search identifiers an `x of` term covers (SPEC-DIGEST §6): `them` is every identifier not
 * starting with `_`; a pattern matches whole names with `*` as any run of characters, and skips
 * `_`-names unless the pattern itself starts with `_`. Names are in file order.
 *
 * TODO: use the condition resolver's own matcher once src/condition/ lands, so both always agree.
 */
export function identifiersOf(node: CondOf, identifiers: readonly SearchIdentifier[]): string[] {
  const names = identifiers.map((i) => i.name);
  if (node.target.kind === 'them') return names.filter((n) => !n.startsWith('_'));
  const pattern = node.target.pattern;
  const re = new RegExp(
    '^' +
      pattern
        .split('*')
        .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*') +
      '$',
    's',
  );
  return names.filter((n) => re.test(n) && (pattern.startsWith('_') || !n.startsWith('_')));
}

/**
 * Prints a condition node in condition syntax. A same-kind child or an `or` under an `and` is
 * parenthesised (the parser flattens unparenthesised chains, so such a child was written in
 * parentheses), and so is an `and`/`or` under `not`.
 *
 * TODO: switch to printCondition from src/ast/print-condition.ts once it lands.
 */
export function printConditionNode(node: ConditionNode): string {
  switch (node.kind) {
    case 'ref':
      return node.name;
    case 'of':
      return `${node.quantifier} of ${node.target.kind === 'them' ? 'them' : node.target.pattern}`;
    case 'not': {
      const inner = printConditionNode(node.operand);
      return node.operand.kind === 'and' || node.operand.kind === 'or' ? `not (${inner})` : `not ${inner}`;
    }
    case 'and':
    case 'or':
      return node.operands
        .map((o) => {
          const text = printConditionNode(o);
          const wrap = o.kind === node.kind || (node.kind === 'and' && o.kind === 'or');
          return wrap ? `(${text})` : text;
        })
        .join(` ${node.kind} `);
    default:
      return assertNever(node, 'condition node');
  }
}

/** One use of a search identifier in a condition. */
export interface IdentifierUse {
  readonly name: string;
  /** Under an odd number of `not`. */
  readonly negated: boolean;
  /** The `x of` term that reached it, printed. */
  readonly via?: string;
}

/** Every use of a search identifier in a condition, left to right, with its polarity. */
export function identifierUses(
  node: ConditionNode,
  identifiers: readonly SearchIdentifier[],
  negated = false,
  out: IdentifierUse[] = [],
): IdentifierUse[] {
  switch (node.kind) {
    case 'ref':
      out.push({ name: node.name, negated });
      break;
    case 'of': {
      const via = printConditionNode(node);
      for (const name of identifiersOf(node, identifiers)) out.push({ name, negated, via });
      break;
    }
    case 'not':
      identifierUses(node.operand, identifiers, !negated, out);
      break;
    case 'and':
    case 'or':
      for (const o of node.operands) identifierUses(o, identifiers, negated, out);
      break;
    default:
      assertNever(node, 'condition node');
  }
  return out;
}

/** A conjunct of a condition after pushing `not` inwards over `or` (De Morgan) and `1 of` lists. */
export interface Conjunct {
  readonly node: ConditionNode;
  readonly negated: boolean;
  /** The `not 1 of ...` term it was expanded from. */
  readonly via?: string;
}

/**
 * Splits a condition into the terms that must all hold. `a and (b and c)` gives a, b, c; `not (a or b)`
 * gives not a, not b; `not 1 of filter_*` gives `not` of each filter (not (f1 or f2) = not f1 and not
 * f2); `all of sel_*` gives each selection; `not not x` is x. Anything else (an `or`, `not (a and b)`,
 * `not all of ...`) is one conjunct as it stands.
 */
export function conjuncts(
  node: ConditionNode,
  identifiers: readonly SearchIdentifier[],
  negated = false,
  via?: string,
): Conjunct[] {
  switch (node.kind) {
    case 'not':
      return conjuncts(node.operand, identifiers, !negated, via);
    case 'and':
      return negated ? [{ node, negated, ...(via === undefined ? {} : { via }) }] : node.operands.flatMap((o) => conjuncts(o, identifiers, false));
    case 'or':
      if (!negated) return [{ node, negated }];
      return node.operands.flatMap((o) => conjuncts(o, identifiers, true, via ?? `not (${printConditionNode(node)})`));
    case 'of': {
      const splits = (negated && node.quantifier !== 'all') || (!negated && node.quantifier === 'all');
      if (!splits) return [{ node, negated, ...(via === undefined ? {} : { via }) }];
      const from = via ?? (negated ? `not ${printConditionNode(node)}` : printConditionNode(node));
      return identifiersOf(node, identifiers).map((name) => ({
        node: { kind: 'ref', name, span: node.span },
        negated,
        via: from,
      }));
    }
    case 'ref':
      return [{ node, negated, ...(via === undefined ? {} : { via }) }];
    default:
      return assertNever(node, 'condition node');
  }
}
