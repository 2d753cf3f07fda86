import { assertNever } from '../diagnostics/assert-never.js';
import { printCondition } from '../ast/print-condition.js';
import { selectIdentifiers } from '../condition/resolve.js';
import type { CondOf, ConditionNode } from '../ast/condition.js';
import type { SearchIdentifier } from '../rule/model.js';

/** The search identifiers an `x of` term covers, by the condition resolver's own rules. */
function identifiersOf(node: CondOf, identifiers: readonly SearchIdentifier[]): string[] {
  return selectIdentifiers(node, identifiers).map((i) => i.name);
}

/** A condition node in canonical condition syntax. */
export const printConditionNode: (node: ConditionNode) => string = printCondition;

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
