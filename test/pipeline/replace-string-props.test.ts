/**
 * replace_string tells "the regex finds nothing" without reading the value back (src/pipeline/
 * item-rewrites.ts, replaceStringItem). Whatever the value and regex, the result must be what reading
 * the replaced text back gives (pySigma's way, the reference below): no change exactly when that reads
 * back as the value, else those parts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExprMatch } from '../../src/ast/expr.js';
import type { StringPart } from '../../src/ast/value.js';
import { DROPPED, NO_FACTS, replaceStringItem } from '../../src/pipeline/item-rewrites.js';
import { compilePythonRegex } from '../../src/pipeline/python-regex.js';
import type { Transformation } from '../../src/pipeline/types.js';
import { normalizeParts, parseSigmaString, printSigmaString } from '../../src/value/sigma-string.js';
import { span } from './helpers.js';

const none = { conditions: [], combine: { kind: 'and' as const, operands: [] } };

const partArb: fc.Arbitrary<StringPart> = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'H', 'K', '\\', '*', '?', '%', 'x'), maxLength: 5 }).map((text): StringPart => ({ kind: 'literal', text })),
  fc.constant<StringPart>({ kind: 'wildcard-multi' }),
  fc.constant<StringPart>({ kind: 'wildcard-single' }),
);

const regexArb = fc.constantFrom('^HK\\\\', 'a', '^a', 'x$', '\\*', '\\\\', 'zz', '(?i)^h', '.');

describe('replace_string', () => {
  it('gives what reading the replaced text back gives, for values without placeholders (normal or not)', () => {
    fc.assert(
      fc.property(fc.array(partArb, { maxLength: 5 }), regexArb, fc.constantFrom('', 'HKEY\\\\', 'b'), fc.boolean(), (parts, source, replacement, normalFirst) => {
        const regex = compilePythonRegex(source, 'g');
        if (typeof regex === 'string') throw new Error(regex);
        const t: Extract<Transformation, { type: 'replace_string' }> = {
          id: 'r',
          span,
          ruleConditions: none,
          fieldNameConditions: none,
          detectionItemConditions: none,
          type: 'replace_string',
          regex,
          replacement,
          skipSpecial: false,
          interpretSpecial: false,
        };
        const value = normalFirst ? normalizeParts(parts) : parts;
        const m: ExprMatch = { kind: 'match', field: 'F', value: { kind: 'string', parts: value, cased: false }, span };
        // Twice: a global regex keeps state between uses (lastIndex), which must not leak into a result.
        for (let round = 0; round < 2; round++) {
          const got = replaceStringItem(t, m, NO_FACTS);
          const replaced = normalizeParts(parseSigmaString(printSigmaString(value).replace(regex, replacement)));
          if (printSigmaString(replaced) === printSigmaString(value)) {
            expect(got).toBeUndefined();
          } else {
            if (got === undefined || got === DROPPED || 'refused' in got) throw new Error('expected a rewrite');
            expect(got.expr).toEqual({ ...m, value: { ...m.value, parts: replaced } });
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
