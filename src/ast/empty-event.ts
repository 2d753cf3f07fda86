import { assertNever } from '../diagnostics/assert-never.js';
import { matchesOf, type Expr, type ExprMatch } from './expr.js';
import type { SigmaValue } from './value.js';

/**
 * Whether a detection is true for "the empty event": an event that has none of the rule's fields and
 * matches no keyword. A query for such a rule, run over events of other log sources, matches nearly every
 * one of them (they lack the rule's fields too), so it needs a source condition to mean what the rule says.
 *
 * Sigma's meaning (SPEC-DIGEST §detection values and modifiers): a comparison with an absent field is
 * false, except `field: null` (the field is null, empty or missing) and `field|exists: false` (the field
 * is absent), which are true; a keyword is a search over the event's values, false when it has none;
 * `not` negates (true on an absent field); and/or as usual. `x of` is already resolved into and/or here,
 * and an and/or always has an operand (src/ast/expr.ts), so no empty-set case arises.
 */
export function matchesEmptyEvent(expr: Expr): boolean {
  switch (expr.kind) {
    case 'and':
      return expr.operands.every(matchesEmptyEvent);
    case 'or':
      return expr.operands.some(matchesEmptyEvent);
    case 'not':
      return !matchesEmptyEvent(expr.operand);
    case 'match':
      return expr.field !== null && valueMatchesAbsent(expr.value);
    default:
      return assertNever(expr);
  }
}

/**
 * Whether `expr` is false for every event that has none of the fields of `items` (some of its detection
 * items), whatever else the event holds: the detection then only matches events that have those fields,
 * e.g. a source condition an `add_condition` ANDed to it. An item that holds on an absent field (`null`,
 * `exists: false`) requires nothing; a `not` requires the items only when everything under it is one of
 * them (its value on such an event is then known); any other item may hold, so it requires nothing.
 */
export function requiresItems(expr: Expr, items: ReadonlySet<ExprMatch>): boolean {
  switch (expr.kind) {
    case 'and':
      return expr.operands.some((o) => requiresItems(o, items));
    case 'or':
      return expr.operands.every((o) => requiresItems(o, items));
    case 'not':
      return matchesOf(expr.operand).every((m) => items.has(m)) && matchesEmptyEvent(expr.operand);
    case 'match':
      return items.has(expr) && !matchesEmptyEvent(expr);
    default:
      return assertNever(expr);
  }
}

/** Whether a comparison holds when its field is absent. */
function valueMatchesAbsent(value: SigmaValue): boolean {
  switch (value.kind) {
    case 'null':
      return true;
    case 'exists':
      return !value.exists;
    case 'string':
    case 'number':
    case 'boolean':
    case 'regex':
    case 'cidr':
    case 'compare':
    case 'fieldref':
    case 'timepart':
      return false;
    default:
      return assertNever(value);
  }
}
