import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { match } from '../../../src/ast/expr.js';
import type { StringPart } from '../../../src/ast/value.js';
import { pointSpan } from '../../../src/diagnostics/span.js';
import { convertExpr } from '../../../src/lower/convert-expr.js';
import { sigmaPattern } from '../../support/evaluate-expr.js';
import { luceneMatches } from '../../support/lucene-regex.js';

/*
 * Escaping, layer by layer, for arbitrary strings: a Sigma string on a keyword field becomes
 * `TO_LOWER(f) == "<literal>"` or `... LIKE "<literal>"` (`f RLIKE "<literal>"` with both cases of each
 * letter when it has non-ASCII letters). The literal is decoded as Elastic's lexer reads
 * it (lexer/Expression.g4: `\` followed by t n r " \ is an escape, any other `\`, a raw `"` or a line
 * break cannot occur), then the LIKE pattern as ES|QL reads it (`*` any run, `?` one character, `\`
 * escapes the next character), and the match must agree with Sigma's reference meaning
 * (test/support/evaluate-expr.ts) on arbitrary values over the same alphabet.
 */

const span = pointSpan('rule.yml', 1, 1);
const ALPHABET = ['a', 'B', 'é', 'Ж', '\\', '*', '?', '"', '\n', '\t', ' ', '%', '_', '.', '$'];

/** Decodes a double-quoted ES|QL string literal, or throws if the lexer would not accept it. */
function decodeLiteral(literal: string): string {
  expect(literal.startsWith('"') && literal.endsWith('"') && literal.length >= 2).toBe(true);
  const body = literal.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] ?? '';
    if (c === '\r' || c === '\n' || c === '"') throw new Error(`raw ${JSON.stringify(c)} in a string literal`);
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = body[++i] ?? '';
    const decoded = { t: '\t', n: '\n', r: '\r', '"': '"', '\\': '\\' }[next];
    if (decoded === undefined) throw new Error(`bad escape \\${next}`);
    out += decoded;
  }
  return out;
}

/** ES|QL LIKE as a JavaScript regex over the whole value. */
function likeRegex(pattern: string): RegExp {
  let body = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '\\' && i + 1 < pattern.length) body += escape(pattern[++i] ?? '');
    else if (c === '*') body += '[\\s\\S]*';
    else if (c === '?') body += '[\\s\\S]';
    else body += escape(c);
  }
  return new RegExp(`^${body}$`, 'u');
}

const escape = (c: string): string => c.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');

/** Evaluates the one-leaf WHERE the target writes for a string match on a keyword field. */
function evaluateLeaf(where: string, value: string): boolean {
  const m = /^(TO_LOWER\(file\.path\)|file\.path) (==|LIKE|RLIKE) ("(?:[^"\\]|\\.)*")$/su.exec(where);
  if (m === null) {
    if (where === 'file.path IS NOT NULL') return true;
    throw new Error(`unexpected leaf: ${where}`);
  }
  // Elasticsearch runs `TO_LOWER(f) == "v"` and `TO_LOWER(f) LIKE "p"` as ASCII-case-insensitive
  // comparisons on f (the optimizer's rewrite, see test/support/esql-evaluator.ts).
  const left = m[1]?.startsWith('TO_LOWER') ? value.replace(/[A-Z]/g, (c) => c.toLowerCase()) : value;
  const right = decodeLiteral(m[3] ?? '');
  if (m[2] === 'RLIKE') return luceneMatches(right, left);
  return m[2] === '==' ? left === right : likeRegex(right).test(left);
}

const part: fc.Arbitrary<StringPart> = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.constantFrom(...ALPHABET), { minLength: 1, maxLength: 4 }).map((a): StringPart => ({ kind: 'literal', text: a.join('') })) },
  { weight: 1, arbitrary: fc.constant<StringPart>({ kind: 'wildcard-multi' }) },
  { weight: 1, arbitrary: fc.constant<StringPart>({ kind: 'wildcard-single' }) },
);

describe('elastic-esql string escaping (property)', () => {
  it('agrees with Sigma for arbitrary values with backslashes, wildcards, quotes and line breaks', () => {
    fc.assert(
      fc.property(
        fc.array(part, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        fc.array(fc.array(fc.constantFrom(...ALPHABET, 'A', 'b', 'É', 'ж'), { maxLength: 8 }).map((a) => a.join('')), { minLength: 1, maxLength: 6 }),
        (parts, cased, values) => {
          const expr = match('file.path', { kind: 'string', parts, cased }, span);
          const r = convertExpr(expr, 'elastic-esql');
          if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
          const where = (r.value.query.split('\n')[1] ?? '').replace(/^\| WHERE /, '');
          const reference = sigmaPattern(parts, cased);
          for (const v of values) {
            // The pattern may also match the value built from itself: the interesting case.
            // Values built from the pattern itself: as written, and with its literal special characters
            // replaced by others (a literal * or ? read as a wildcard would then match).
            const built = (swap: boolean): string =>
              parts.map((p) => (p.kind === 'literal' ? (swap ? p.text.replace(/[*?\\]/g, 'x') : p.text) : p.kind === 'wildcard-single' ? 'x' : v)).join('');
            for (const candidate of [v, built(false), built(true), built(false).toUpperCase()]) {
              expect(evaluateLeaf(where, candidate), `${where} on ${JSON.stringify(candidate)}`).toBe(reference.test(candidate));
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

/*
 * Regular expressions, the same way: the RLIKE literal is decoded as the lexer reads it, then matched as
 * Lucene reads it (test/support/lucene-regex.ts, an independent matcher), against PCRE's unanchored
 * meaning (JavaScript's RegExp agrees with PCRE on these patterns once a final `$` is given PCRE's meaning).
 */
const REGEXES: readonly { pattern: string; flags: string }[] = [
  { pattern: 'a\\.b', flags: '' },
  { pattern: '^cmd\\.exe$', flags: 'i' },
  { pattern: '\\\\[a-z]+\\.(dll|exe)', flags: '' },
  { pattern: '"[^"]*"', flags: '' },
  { pattern: '\\d{2,3}-x', flags: '' },
  { pattern: 'a@b#c&d<e>f~g', flags: '' },
  { pattern: 'line\\nbreak|^x', flags: 's' },
];

describe('elastic-esql RLIKE escaping (property)', () => {
  it('agrees with the PCRE for arbitrary values, through the literal and Lucene', () => {
    const chars = ['a', 'b', 'A', '.', '\\', '"', '0', '5', '-', 'x', '\n', 'c', 'm', 'd', 'e', 'l', '@', '#', '&', '<', '>', '~'];
    for (const { pattern, flags } of REGEXES) {
      const value = { kind: 'regex' as const, pattern, flags: { ignoreCase: flags.includes('i'), multiline: false, dotAll: flags.includes('s') } };
      const r = convertExpr(match('file.path', value, span), 'elastic-esql');
      if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
      const where = (r.value.query.split('\n')[1] ?? '').replace(/^\| WHERE /, '');
      const m = /^file\.path RLIKE ("(?:[^"\\]|\\.)*")$/su.exec(where);
      expect(m, where).not.toBeNull();
      const lucene = decodeLiteral(m?.[1] ?? '""');
      // PCRE's final `$` (without m) also matches before a final line break; JavaScript's does not.
      const reference = new RegExp(pattern.replace(/\$$/, '(?=\\n?$)'), flags);
      fc.assert(
        fc.property(fc.array(fc.constantFrom(...chars), { maxLength: 12 }).map((a) => a.join('')), fc.string({ maxLength: 3 }), (v, pad) => {
          for (const candidate of [v, `${pad}${v}`, `cmd.exe`, `CMD.EXE\n`, `\\x.dll`, `"q"`, `12-x`, 'a@b#c&d<e>f~g', 'line\nbreak']) {
            expect(luceneMatches(lucene, candidate), `${lucene} on ${JSON.stringify(candidate)}`).toBe(reference.test(candidate));
          }
        }),
        { numRuns: 100 },
      );
    }
  });
});
