import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StringPart } from '../../src/ast/value.js';
import { modifierFor } from '../../src/check/values.js';
import { normalizeParts, parseSigmaString } from '../../src/value/sigma-string.js';

const STAR: StringPart = { kind: 'wildcard-multi' };

/** What `Field|<modifier>: value` matches, as string parts (contains/startswith/endswith add `*`). */
function withModifier(modifier: string, value: string): StringPart[] {
  const parts = parseSigmaString(value);
  switch (modifier) {
    case 'contains':
      return normalizeParts([STAR, ...parts, STAR]);
    case 'startswith':
      return normalizeParts([...parts, STAR]);
    case 'endswith':
      return normalizeParts([STAR, ...parts]);
    default:
      throw new Error(`unexpected modifier ${modifier}`);
  }
}

describe('wildcard-instead-of-modifier', () => {
  it('every suggestion matches exactly what the value matched (escapes, backslashes, ?, **)', () => {
    const value = fc.array(fc.constantFrom('a', 'B', '\\', '*', '?', '.', ' '), { maxLength: 10 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(value, (v) => {
        const s = modifierFor(v);
        if (s === undefined) return;
        expect(withModifier(s.modifier, s.value)).toEqual(normalizeParts(parseSigmaString(v)));
        // The suggested value itself has no wildcard at the end the modifier adds.
        expect(parseSigmaString(s.value).some((p) => p.kind !== 'literal')).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });
});
