import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Diagnostic, diagnosticKey, error, warning } from '../../src/diagnostics/diagnostic.js';
import { pointSpan } from '../../src/diagnostics/span.js';
import { dedupe } from '../../src/lower/engine-diagnostics.js';

describe('dedupe (the engine reports each diagnostic once)', () => {
  const here = pointSpan('r.yml', 3, 5);
  const there = pointSpan('r.yml', 4, 5);
  it('drops only a repeat of the same code, place and message, and keeps the order', () => {
    const a = error('unsupported-construct', 'cannot A', here);
    const aAgain = error('unsupported-construct', 'cannot A', here);
    const b = error('unsupported-construct', 'cannot B', here);
    const aThere = error('unsupported-construct', 'cannot A', there);
    const otherCode = error('unresolved-placeholder', 'cannot A', here);
    const asWarning = warning('unsupported-construct', 'cannot A', here);
    const bAgain = error('unsupported-construct', 'cannot B', here);
    // The key is diagnosticKey's: code, place and words (not the severity).
    const out = dedupe([a, aAgain, b, aThere, otherCode, bAgain, asWarning]);
    expect(out).toHaveLength(4);
    expect(out[0]).toBe(a);
    expect(out[1]).toBe(b);
    expect(out[2]).toBe(aThere);
    expect(out[3]).toBe(otherCode);
  });

  it('keeps exactly the first of each code, place and message, whatever the places and their numbers', () => {
    // Few values for each field, so places collide often (the same numbers from different places too:
    // offset 1 line 0 and offset 0 line 961 give the same number), and NaN places.
    const small = fc.constantFrom(0, -0, 1, 2, 31, 961, Number.NaN, Number.POSITIVE_INFINITY);
    const diagnostic = fc
      .record({
        code: fc.constantFrom('unsupported-construct' as const, 'unresolved-placeholder' as const),
        file: fc.constantFrom('a.yml', 'b.yml', '__proto__'),
        line: small,
        column: small,
        offset: small,
        endOffset: small,
        message: fc.constantFrom('cannot A', 'cannot B', 'toString'),
        warn: fc.boolean(),
      })
      .map(({ code, file, line, column, offset, endOffset, message, warn }): Diagnostic => {
        const span = { file, line, column, endLine: line, endColumn: column, offset, endOffset };
        return warn ? warning(code, message, span) : error(code, message, span);
      });
    fc.assert(
      fc.property(fc.array(diagnostic, { maxLength: 40 }), (diagnostics) => {
        const seen = new Set<string>();
        const expected = diagnostics.filter((d) => {
          const key = diagnosticKey(d);
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        });
        const out = dedupe(diagnostics);
        expect(out).toHaveLength(expected.length);
        out.forEach((d, i) => expect(d).toBe(expected[i]));
      }),
      { numRuns: 500 },
    );
  });
});
