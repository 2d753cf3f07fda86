import { expect } from 'vitest';
import type { Expr } from '../../src/ast/expr.js';
import { describeParts, printExpr } from '../../src/ast/print-expr.js';
import type { FieldRefValue, SigmaValue, StringPart } from '../../src/ast/value.js';
import type { Diagnostic, Result } from '../../src/diagnostics/diagnostic.js';
import { pointSpan } from '../../src/diagnostics/span.js';
import { parsePipelineText } from '../../src/pipeline/load-pipeline.js';
import type { ProcessingPipeline } from '../../src/pipeline/types.js';
import type { LogSource, SigmaRule } from '../../src/rule/model.js';
import { parseSigmaString } from '../../src/value/sigma-string.js';

export const span = pointSpan('rule.yml');

/** A string value from Sigma text (wildcards and escapes as in a rule). */
export function str(text: string): SigmaValue {
  return { kind: 'string', parts: parseSigmaString(text), cased: false };
}

export function parts(...p: StringPart[]): SigmaValue {
  return { kind: 'string', parts: p, cased: false };
}

/** A reference to another field of the event (`X|fieldref: field`, without case). */
export function ref(field: string, match: FieldRefValue['match'] = 'equals'): FieldRefValue {
  return { kind: 'fieldref', field, match, cased: false };
}

export const m = (field: string | null, value: SigmaValue | string | number): Expr => ({
  kind: 'match',
  field,
  value: typeof value === 'string' ? str(value) : typeof value === 'number' ? { kind: 'number', value } : value,
  span,
});
export const all = (...operands: Expr[]): Expr => ({ kind: 'and', operands, span });
export const any = (...operands: Expr[]): Expr => ({ kind: 'or', operands, span });
export const neg = (operand: Expr): Expr => ({ kind: 'not', operand, span });

export function rule(detection: Expr, logsource: LogSource = { product: 'windows', category: 'process_creation' }, extra: Partial<SigmaRule> = {}): SigmaRule {
  return {
    kind: 'rule',
    file: 'rule.yml',
    documentIndex: 0,
    span,
    title: 'test rule',
    references: [],
    tags: [],
    falsepositives: [],
    fields: [],
    related: [],
    logsource,
    identifiers: [],
    conditions: [],
    detection,
    source: { kind: 'map', entries: [], span },
    ...extra,
  };
}

/** Loads a pipeline from YAML text and fails the test with its diagnostics if it does not load. */
export function pipeline(text: string, id = 'test.yml'): ProcessingPipeline {
  const r = parsePipelineText(text, id);
  if (!r.ok) throw new Error(r.diagnostics.map(show).join('\n'));
  return r.value;
}

export function show(d: Diagnostic): string {
  return `${d.span.file}:${d.span.line}:${d.span.column}: ${d.severity}[${d.code}] ${d.message}`;
}

export function errors<T>(r: Result<T>): string[] {
  return r.diagnostics.filter((d) => d.severity === 'error').map(show);
}

export function okValue<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected success, got:\n${r.diagnostics.map(show).join('\n')}`);
  return r.value;
}

/** The tree as indented text: field names, values and structure, the way assertions read best. */
export function tree(e: Expr): string {
  return printExpr(e);
}

export { describeParts, expect };
