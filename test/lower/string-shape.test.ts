import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeRegexLiteral, isCaseless, literalChars, mapParts, type PatternPart } from '../../src/lower/string-shape.js';
import { isNormalParts, normalizeParts } from '../../src/value/sigma-string.js';

const part: fc.Arbitrary<PatternPart> = fc.oneof(
  fc.string({ maxLength: 3 }).map((text): PatternPart => ({ kind: 'literal', text })),
  fc.constant<PatternPart>({ kind: 'wildcard-multi' }),
  fc.constant<PatternPart>({ kind: 'wildcard-single' }),
);

describe('string-shape helpers', () => {
  it('normalizeParts merges literals and runs of * (returning normal parts as they are)', () => {
    // Written independently: the parts as a string of tokens, literals merged, empty ones and repeated `*` dropped.
    const reference = (parts: readonly PatternPart[]): PatternPart[] => {
      const out: PatternPart[] = [];
      for (const p of parts) {
        const last = out.at(-1);
        if (p.kind === 'literal' && p.text === '') continue;
        if (p.kind === 'literal' && last?.kind === 'literal') out.splice(-1, 1, { kind: 'literal', text: last.text + p.text });
        else if (!(p.kind === 'wildcard-multi' && last?.kind === 'wildcard-multi')) out.push(p);
      }
      return out;
    };
    fc.assert(
      fc.property(fc.array(part, { maxLength: 8 }), (parts) => {
        const before = JSON.stringify(parts);
        const normal = normalizeParts(parts);
        expect(normal).toEqual(reference(parts));
        expect(JSON.stringify(parts)).toBe(before); // the input is never changed
        expect(normalizeParts(normal)).toBe(normal);
        expect(isNormalParts(parts)).toBe(JSON.stringify(normal) === before);
        if (isNormalParts(parts)) expect(normalizeParts(parts)).toBe(parts);
      }),
    );
  });

  it('isCaseless: neither case mapping changes the text', () => {
    const unit = fc.oneof(fc.constantFrom('a', 'Z', '0', '@', '[', '`', '{', 'é', 'ß', 'İ', 'ǅ', '\u0345', 'ж', '1', ' '), fc.string({ maxLength: 1, unit: 'grapheme' }));
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 6 }).map((units) => units.join('')), (text) => {
        expect(isCaseless(text)).toBe(text.toLowerCase() === text && text.toUpperCase() === text);
      }),
      { numRuns: 1000 },
    );
  });

  it('mapParts and literalChars write each part in order', () => {
    fc.assert(
      fc.property(fc.array(part, { maxLength: 8 }), (parts) => {
        const written = parts.map((p) => (p.kind === 'literal' ? `<${p.text}>` : p.kind === 'wildcard-multi' ? 'M' : 'S')).join('');
        expect(mapParts(parts, { literal: (t) => `<${t}>`, multi: 'M', single: 'S' })).toBe(written);
        expect(literalChars(parts)).toBe(parts.map((p) => (p.kind === 'literal' ? p.text : '')).join(''));
      }),
    );
  });

  it('escapeRegexLiteral escapes each metacharacter with a backslash', () => {
    expect(escapeRegexLiteral('a.b*c\\d$(e)[f]{g}|h?+^')).toBe('a\\.b\\*c\\\\d\\$\\(e\\)\\[f\\]\\{g\\}\\|h\\?\\+\\^');
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(new RegExp(`^${escapeRegexLiteral(text)}$`, 'u').test(text)).toBe(true);
      }),
    );
  });
});
