import { assertNever } from '../../src/diagnostics/assert-never.js';
import type { Expr } from '../../src/ast/expr.js';
import type { FieldRefValue, SigmaValue, StringPart } from '../../src/ast/value.js';

/** An event for the reference evaluator: absent fields are missing keys. */
export type TestEvent = Readonly<Record<string, string>>;

/** How a test reads a field reference (`field|fieldref: value.field`); without it a reference throws. */
export type FieldRefReading = (field: string, value: FieldRefValue, event: TestEvent) => boolean;

/**
 * Sigma's reference meaning (TARGETS.md table) for the value kinds the round-trip tests generate:
 * string (whole value, case-insensitive unless cased, * and ?), number (text equality), boolean (its
 * text, case-insensitive), null, exists,
 * and/or/not with `not` true on an absent field; field references only through `fieldref`.
 */
export function evaluateExpr(expr: Expr, event: TestEvent, fieldref?: FieldRefReading): boolean {
  switch (expr.kind) {
    case 'and':
      return expr.operands.every((o) => evaluateExpr(o, event, fieldref));
    case 'or':
      return expr.operands.some((o) => evaluateExpr(o, event, fieldref));
    case 'not':
      return !evaluateExpr(expr.operand, event, fieldref);
    case 'match':
      if (expr.field === null) throw new Error('keywords are not evaluated');
      if (expr.value.kind === 'fieldref' && fieldref !== undefined) return fieldref(expr.field, expr.value, event);
      return matchValue(expr.value, event[expr.field]);
    default:
      return assertNever(expr);
  }
}

function matchValue(value: SigmaValue, actual: string | undefined): boolean {
  switch (value.kind) {
    case 'string':
      return actual !== undefined && sigmaPattern(value.parts, value.cased).test(actual);
    case 'number':
      return actual !== undefined && actual === String(value.value);
    case 'boolean':
      // As text, case-insensitively (Splunk's where and Sentinel's =~ do the same).
      return actual !== undefined && actual.toLowerCase() === String(value.value);
    case 'null':
      return actual === undefined;
    case 'exists':
      return (actual !== undefined) === value.exists;
    default:
      throw new Error(`not generated: ${value.kind}`);
  }
}

export function sigmaPattern(parts: readonly StringPart[], cased: boolean): RegExp {
  const body = parts
    .map((p) => {
      switch (p.kind) {
        case 'literal':
          return p.text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
        case 'wildcard-multi':
          return '[\\s\\S]*';
        case 'wildcard-single':
          return '[\\s\\S]';
        case 'placeholder':
          throw new Error('placeholder');
      }
    })
    .join('');
  return new RegExp(`^${body}$`, cased ? 'u' : 'iu');
}
