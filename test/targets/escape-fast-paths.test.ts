import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backslashEach, escapeRegexLiteral, isCaseless, type PatternPart } from '../../src/lower/string-shape.js';
import { asciiCased, likePattern as esqlLikePattern, toLowerRoot } from '../../src/targets/elastic-esql/esql-text.js';
import { kustoString, regularLiteral } from '../../src/targets/sentinel-kql/kusto-literal.js';
import { quote } from '../../src/targets/splunk/spl-text.js';
import { caseForms, hasNonAsciiCase, likePattern as sqlLikePattern, sqlString } from '../../src/targets/sql/sql-text.js';

/*
 * The escapers skip their replaces when a test finds nothing to escape, and decide ASCII text by one
 * search (issue #13). Each is compared here with the plain form it replaced (a replace over every text, a
 * walk over every character), on text made of what each one escapes, non-ASCII letters with and without
 * case, astral characters, lone surrogates and `$` patterns: a test that missed a character would write
 * that character unescaped.
 */

const UNITS = [
  'a', 'Z', '0', ' ', '\\', '"', "'", '*', '?', '%', '_', '\t', '\r', '\n', '\u0000', '\u007f', '\u0080', 'é', 'É', 'ß',
  'İ', 'ı', '\u212a', 'Σ', 'ς', 'ﬀ', 'ǅ', '\u0345', '\u00a0', '\u200b', '\u2028', '😀', '𐐀', '𐐨', '\ud800', '\udc00',
  '$&', '$1', '$$', '@', '{', '}',
];
const text = fc.oneof(
  fc.array(fc.constantFrom(...UNITS), { maxLength: 10 }).map((units) => units.join('')),
  fc.string({ unit: 'binary', maxLength: 10 }),
);
const parts = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: text.map((t): PatternPart => ({ kind: 'literal', text: t })) },
    { weight: 1, arbitrary: fc.constantFrom<PatternPart>({ kind: 'wildcard-multi' }, { kind: 'wildcard-single' }) },
  ),
  { maxLength: 6 },
);

/** The writers as they were: every literal through its replace. */
function plainMap(ps: readonly PatternPart[], literal: (t: string) => string, multi: string, single: string): string {
  return ps.map((p) => (p.kind === 'literal' ? literal(p.text) : p.kind === 'wildcard-multi' ? multi : single)).join('');
}

const RUNS = { numRuns: 3000 };

describe('escapers with a nothing-to-escape test write what the plain replace wrote', () => {
  it('splunk quote', () => {
    fc.assert(fc.property(text, (t) => {
        expect(quote(t)).toBe(`"${t.replace(/[\\"]/g, (c) => `\\${c}`)}"`);
      }), RUNS);
  });

  it('sql string and LIKE pattern', () => {
    fc.assert(fc.property(text, (t) => {
        expect(sqlString(t)).toBe(`'${t.replace(/'/g, "''")}'`);
      }), RUNS);
    fc.assert(
      fc.property(parts, (ps) => {
        expect(sqlLikePattern(ps)).toBe(plainMap(ps, (t) => t.replace(/[\\%_]/g, (c) => `\\${c}`), '%', '_'));
      }),
      RUNS,
    );
  });

  it('es|ql LIKE pattern, lowered or not', () => {
    fc.assert(
      fc.property(parts, fc.boolean(), (ps, lower) => {
        expect(esqlLikePattern(ps, lower)).toBe(plainMap(ps, (t) => (lower ? toLowerRoot(t) : t).replace(/[\\*?]/g, '\\$&'), '*', '?'));
      }),
      RUNS,
    );
  });

  it('kusto regular literal in either quote, and the regex escape', () => {
    const invisibleAll = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]|(?! )\p{Zs}/gu;
    const short: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };
    const plainLiteral = (t: string, q: '"' | "'"): string =>
      q +
      t
        .replace(q === '"' ? /[\\"]/g : /[\\']/g, (c) => `\\${c}`)
        .replace(invisibleAll, (c) => short[c] ?? Array.from({ length: c.length }, (_, i) => `\\u${c.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0')}`).join('')) +
      q;
    fc.assert(
      fc.property(text, fc.constantFrom<'"' | "'">('"', "'"), (t, q) => {
        expect(regularLiteral(t, q)).toBe(plainLiteral(t, q));
        expect(escapeRegexLiteral(t)).toBe(t.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`));
      }),
      RUNS,
    );
  });

  it("backslashEach does not depend on the global regex's lastIndex", () => {
    const specials = /[\\"]/g;
    const cases: [string, string][] = [['a"b', 'a\\"b'], ['abc', 'abc'], ['x"\\', 'x\\"\\\\'], ['"', '\\"']];
    for (const [input, written] of cases) {
      specials.lastIndex = 2; // as a previous exec or test with the regex could leave it
      expect(backslashEach(input, specials)).toBe(written);
    }
  });

  it('kusto string: verbatim only with a backslash and nothing invisible, quotes doubled', () => {
    const invisible = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]|(?! )\p{Zs}/u;
    fc.assert(
      fc.property(text, (t) => {
        expect(kustoString(t)).toBe(t.includes('\\') && !invisible.test(t) ? `@"${t.replace(/"/g, '""')}"` : regularLiteral(t));
      }),
      RUNS,
    );
  });
});

describe('case decisions that answer ASCII text by one search agree with the walk per character', () => {
  it('isCaseless, es|ql asciiCased, sql hasNonAsciiCase', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(isCaseless(t)).toBe(t.toLowerCase() === t && t.toUpperCase() === t);
        let cased = true;
        for (const c of t) if ((c.codePointAt(0) ?? 0) > 0x7f && !(c.toLowerCase() === c && c.toUpperCase() === c)) cased = false;
        expect(asciiCased(t)).toBe(cased);
        expect(hasNonAsciiCase(t)).toBe([...t].some((c) => c.charCodeAt(0) > 0x7f && caseForms(c).length > 1));
      }),
      RUNS,
    );
  });
});
