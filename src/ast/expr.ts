import type { SourceSpan } from '../diagnostics/span.js';
import type { SigmaValue } from './value.js';

/**
 * The meaning of a rule's detection: the condition with every search identifier and `x of` replaced by
 * the detection items it stands for. This is what pipelines transform and targets lower.
 *
 * `and`/`or` have at least one operand. `match` with `field: null` is a keyword (full-text) search.
 */
export type Expr = ExprAnd | ExprOr | ExprNot | ExprMatch;

export interface ExprAnd {
  readonly kind: 'and';
  readonly operands: readonly Expr[];
  readonly span: SourceSpan;
}

export interface ExprOr {
  readonly kind: 'or';
  readonly operands: readonly Expr[];
  readonly span: SourceSpan;
}

export interface ExprNot {
  readonly kind: 'not';
  readonly operand: Expr;
  readonly span: SourceSpan;
}

export interface ExprMatch {
  readonly kind: 'match';
  /** The event field, or null for a keyword search over the whole event. */
  readonly field: string | null;
  readonly value: SigmaValue;
  /** Where the value (or its key) stands in the YAML file. */
  readonly span: SourceSpan;
}

export type ExprKind = Expr['kind'];

export function and(operands: readonly Expr[], span: SourceSpan): Expr {
  return operands.length === 1 && operands[0] ? operands[0] : { kind: 'and', operands, span };
}

export function or(operands: readonly Expr[], span: SourceSpan): Expr {
  return operands.length === 1 && operands[0] ? operands[0] : { kind: 'or', operands, span };
}

export function not(operand: Expr, span: SourceSpan): Expr {
  return { kind: 'not', operand, span };
}

export function match(field: string | null, value: SigmaValue, span: SourceSpan): Expr {
  return { kind: 'match', field, value, span };
}

/** Every match (leaf) of an expression, left to right, for passes that only look at leaves. */
export function matchesOf(expr: Expr): ExprMatch[] {
  const out: ExprMatch[] = [];
  const stack: Expr[] = [expr];
  while (stack.length > 0) {
    const e = stack.pop();
    if (e === undefined) break;
    if (e.kind === 'match') out.push(e);
    else if (e.kind === 'not') stack.push(e.operand);
    else for (let i = e.operands.length - 1; i >= 0; i--) stack.push(e.operands[i] as Expr);
  }
  return out;
}
