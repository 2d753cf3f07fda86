import { assertNever } from '../diagnostics/assert-never.js';
import type { Expr } from './expr.js';
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
