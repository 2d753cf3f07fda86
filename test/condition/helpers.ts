import type { ConditionNode } from '../../src/ast/condition.js';
import { stripSpans } from '../../src/ast/strip-spans.js';
import { textOrigin } from '../../src/condition/condition-origin.js';
import { parseCondition } from '../../src/condition/parse.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';

/** Span-free condition shapes for readable expectations. */
export const ref = (name: string) => ({ kind: 'ref', name });
export const and = (...operands: unknown[]) => ({ kind: 'and', operands });
export const or = (...operands: unknown[]) => ({ kind: 'or', operands });
export const not = (operand: unknown) => ({ kind: 'not', operand });
export const of = (quantifier: '1' | 'any' | 'all', pattern: string | null) => ({
  kind: 'of',
  quantifier,
  target: pattern === null ? { kind: 'them' } : { kind: 'pattern', pattern },
});

export function parseOk(text: string): ConditionNode {
  const r = parseCondition(text, textOrigin(text));
  if (!r.ok) throw new Error(`${text}: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  return r.value;
}

export function shape(text: string): unknown {
  return stripSpans(parseOk(text));
}

export function parseErr(text: string): Diagnostic {
  const r = parseCondition(text, textOrigin(text));
  if (r.ok) throw new Error(`${text}: parsed, expected an error`);
  const [d] = r.diagnostics;
  if (!d || r.diagnostics.length !== 1) throw new Error(`${text}: expected one diagnostic`);
  return d;
}
