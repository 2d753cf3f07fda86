import fc from 'fast-check';
import type { Expr } from '../../src/ast/expr.js';
import type { SigmaValue, StringPart } from '../../src/ast/value.js';
import { pointSpan } from '../../src/diagnostics/span.js';

export const FIELDS = ['A', 'B', 'C'] as const;
const span = pointSpan('<arbitrary>');

/** Literal text from characters that stress escaping; `letters` false keeps case out of play. */
export function arbitraryText(chars: readonly string[]): fc.Arbitrary<string> {
  return fc.array(fc.constantFrom(...chars), { minLength: 0, maxLength: 4 }).map((a) => a.join(''));
}

export function arbitraryString(chars: readonly string[], wildcards: boolean): fc.Arbitrary<SigmaValue> {
  const part: fc.Arbitrary<StringPart> = wildcards
    ? fc.oneof(
        { weight: 3, arbitrary: arbitraryText(chars).map((text): StringPart => ({ kind: 'literal', text })) },
        { weight: 1, arbitrary: fc.constant<StringPart>({ kind: 'wildcard-multi' }) },
      )
    : arbitraryText(chars).map((text): StringPart => ({ kind: 'literal', text }));
  return fc.array(part, { minLength: 1, maxLength: 3 }).map((parts) => ({
    kind: 'string',
    parts: normalise(parts),
    cased: false,
  }));
}

function normalise(parts: readonly StringPart[]): StringPart[] {
  const out: StringPart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (p.kind === 'literal' && p.text === '') continue;
    if (p.kind === 'literal' && last?.kind === 'literal') out[out.length - 1] = { kind: 'literal', text: last.text + p.text };
    else if (p.kind === 'wildcard-multi' && last?.kind === 'wildcard-multi') continue;
    else out.push(p);
  }
  return out;
}

export function arbitraryExpr(value: fc.Arbitrary<SigmaValue>): fc.Arbitrary<Expr> {
  const leaf = fc.record({ field: fc.constantFrom(...FIELDS), value }).map(
    ({ field, value }): Expr => ({ kind: 'match', field, value, span }),
  );
  const tree = fc.letrec<{ expr: Expr }>((tie) => ({
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.array(tie('expr'), { minLength: 2, maxLength: 3 }).map((operands): Expr => ({ kind: 'and', operands, span })),
      fc.array(tie('expr'), { minLength: 2, maxLength: 3 }).map((operands): Expr => ({ kind: 'or', operands, span })),
      tie('expr').map((operand): Expr => ({ kind: 'not', operand, span })),
    ),
  }));
  return tree.expr;
}

/** Events over FIELDS whose values come from the same alphabet (absent fields included). */
export function arbitraryEvent(chars: readonly string[]): fc.Arbitrary<Record<string, string>> {
  return fc.record(
    { A: arbitraryText(chars), B: arbitraryText(chars), C: arbitraryText(chars) },
    { requiredKeys: [] },
  );
}
