import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toLuceneRegex } from '../../src/value/regex/lucene.js';
import { esqlWhere, evaluateEsql, type EsqlEvalOptions, type EsqlEvent } from '../support/esql-evaluator.js';
import { parseEsqlExpression } from '../support/esql-parser.js';

/** The value of an expression on an event: true / false / null, or 'error: ...'. */
function ev(expr: string, event: EsqlEvent = {}, options: EsqlEvalOptions = {}): unknown {
  const p = parseEsqlExpression(expr);
  if (!p.ok) throw new Error(`syntax: ${p.message} at ${p.offset}`);
  const r = evaluateEsql(p.expr, event, options);
  return r.ok ? r.value.value : `error: ${r.error}`;
}

/** An ES|QL "..." literal holding `text` (escapes per lexer/Expression.g4). */
const esqlString = (text: string): string => `"${text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
/** A LIKE pattern matching exactly `text`. */
const likeLiteral = (text: string): string => text.replace(/[\\*?]/g, (c) => `\\${c}`);

describe('ES|QL evaluator: documented examples', () => {
  it('LIKE: * and ? wildcards over the whole value, \\ escapes, case-sensitive', () => {
    // esql LIKE docs: `WHERE message LIKE "foo \\* bar"` and `"""foo \* bar"""` match "foo * bar".
    expect(ev('message LIKE "foo \\\\* bar"', { message: 'foo * bar' })).toBe(true);
    expect(ev('message LIKE """foo \\* bar"""', { message: 'foo * bar' })).toBe(true);
    expect(ev('message LIKE """foo \\* bar"""', { message: 'foo x bar' })).toBe(false);
    expect(ev('first_name LIKE "?b*"', { first_name: 'Ebbe' })).toBe(true);
    expect(ev('first_name LIKE "?b*"', { first_name: 'ebbe' })).toBe(true);
    expect(ev('first_name LIKE "b*"', { first_name: 'Ebbe' })).toBe(false); // whole value
    expect(ev('first_name LIKE "E*"', { first_name: 'ebbe' })).toBe(false); // case-sensitive
    expect(ev('a LIKE """x\\\\y"""', { a: 'x\\y' })).toBe(true);
    expect(ev('a LIKE """x\\y"""', { a: 'xy' })).toMatch(/^error: Invalid pattern/);
    expect(ev('a LIKE """x\\"""', { a: 'x' })).toMatch(/^error: Invalid pattern/);
    expect(ev('a NOT LIKE ("x*", "y*")', { a: 'yes' })).toBe(false);
  });
  it('RLIKE: Lucene syntax anchored to the whole value', () => {
    // esql RLIKE docs: `WHERE first_name RLIKE """.leja.*"""` matches Alejandro.
    expect(ev('first_name RLIKE """.leja.*"""', { first_name: 'Alejandro' })).toBe(true);
    expect(ev('first_name RLIKE "leja"', { first_name: 'Alejandro' })).toBe(false);
    expect(ev('a RLIKE "a@"', { a: 'a@' })).toBe(true); // @ is "any string" under RegExp.ALL
    expect(ev('a RLIKE "a\\\\@"', { a: 'a@' })).toBe(true);
    expect(ev('a RLIKE "a\\\\@"', { a: 'ab' })).toBe(false);
    expect(ev('a RLIKE "[a"', { a: 'a' })).toMatch(/^error: invalid RLIKE pattern/);
  });
  it('three-valued logic as SQL; WHERE keeps only true', () => {
    const e = { t: true, f: false };
    expect(ev('n AND f', e)).toBe(false);
    expect(ev('n AND t', e)).toBe(null);
    expect(ev('n OR t', e)).toBe(true);
    expect(ev('n OR f', e)).toBe(null);
    expect(ev('NOT n', e)).toBe(null);
    expect(ev('NOT (a == "x")', {})).toBe(null); // absent field: null, and NOT null is null
    expect(ev('a IS NULL', {})).toBe(true);
    expect(ev('a IS NOT NULL', { a: '' })).toBe(true);
    expect(esqlWhere('FROM x | WHERE NOT a == "x"', {})).toEqual({ ok: true, matches: false, warnings: [] });
    expect(esqlWhere('FROM x | WHERE a IS NULL OR NOT a == "x"', {})).toEqual({ ok: true, matches: true, warnings: [] });
  });
  it('typing: comparisons need matching types; no coercion', () => {
    expect(ev('a == 1', { a: '1' })).toMatch(/^error: first argument of \[==\] is \[keyword\]/);
    expect(ev('TO_STRING(a) == "1"', { a: 1 })).toBe(true);
    expect(ev('a == 1.0', { a: 1 })).toBe(true);
    expect(ev('a LIKE "1*"', { a: 10 })).toMatch(/^error: first argument of \[LIKE\] must be \[string\]/);
    expect(ev('a AND TRUE', { a: 'x' })).toMatch(/^error: argument of \[AND\] must be \[boolean\]/);
    expect(ev('a == 1', {}, { types: { a: 'keyword' } })).toMatch(/^error/); // a mapped keyword, even when absent
    expect(ev('a == 1', {})).toBe(null); // unmapped and absent: unknown type
    expect(ev('a > "b"', { a: 'c' })).toBe(true);
    expect(ev('a < 10', { a: 9 })).toBe(true);
  });
  it('IN with nulls, =~, STARTS_WITH, ENDS_WITH, TO_LOWER, TO_UPPER, LENGTH, CONCAT, COALESCE', () => {
    expect(ev('a IN ("x", "y")', { a: 'y' })).toBe(true);
    expect(ev('a IN ("x", b)', { a: 'y' })).toBe(null);
    expect(ev('a NOT IN ("x", "z")', { a: 'y' })).toBe(true);
    expect(ev('a =~ "HeLLo"', { a: 'hello' })).toBe(true);
    expect(ev('STARTS_WITH(a, "ab")', { a: 'abc' })).toBe(true);
    expect(ev('ENDS_WITH(a, "bc")', { a: 'abc' })).toBe(true);
    expect(ev('ends_with(a, "x")', {})).toBe(null);
    expect(ev('TO_LOWER(a) == "straße"', { a: 'STRAßE' })).toBe(true);
    expect(ev('TO_UPPER(a)', { a: 'abc' })).toBe('ABC');
    expect(ev('LENGTH(a)', { a: 'a😀' })).toBe(2);
    expect(ev('CONCAT(a, "-", b)', { a: 'x', b: 'y' })).toBe('x-y');
    expect(ev('COALESCE(a, "d")', {})).toBe('d');
    expect(ev('NO_SUCH(a)', {})).toMatch(/^error: Unknown function/);
  });
  it('CIDR_MATCH: IPv4 and IPv6, needs an ip (TO_IP for keywords)', () => {
    // esql CIDR_MATCH docs: CIDR_MATCH(ip1, "127.0.0.2/32", "127.0.0.3/32")
    const ip = { types: { ip1: 'ip' as const } };
    expect(ev('CIDR_MATCH(ip1, "127.0.0.2/32", "127.0.0.3/32")', { ip1: '127.0.0.3' }, ip)).toBe(true);
    expect(ev('CIDR_MATCH(ip1, "127.0.0.2/32")', { ip1: '127.0.0.3' }, ip)).toBe(false);
    expect(ev('CIDR_MATCH(ip1, "10.0.0.0/8")', { ip1: '10.255.1.2' }, ip)).toBe(true);
    expect(ev('CIDR_MATCH(ip1, "fe80::/10")', { ip1: 'fe80::1' }, ip)).toBe(true);
    expect(ev('CIDR_MATCH(ip1, "fe80::/10")', { ip1: 'fec0::1' }, ip)).toBe(false);
    expect(ev('CIDR_MATCH(ip1, "::/0")', { ip1: '10.0.0.1' }, ip)).toBe(true); // IPv4 is IPv4-mapped IPv6
    expect(ev('CIDR_MATCH(a, "10.0.0.0/8")', { a: '10.0.0.1' })).toMatch(/^error: first argument of \[CIDR_MATCH\] must be \[ip\]/);
    expect(ev('CIDR_MATCH(TO_IP(a), "10.0.0.0/8")', { a: '10.0.0.1' })).toBe(true);
    expect(ev('CIDR_MATCH(TO_IP(a), "10.0.0.0/8")', { a: 'not an ip' })).toBe(null);
    expect(ev('ip1 == "10.0.0.1"', { ip1: '10.0.0.1' }, ip)).toBe(true); // implicit cast of the literal
  });
  it('multi-valued fields: single-value operators give null with a warning; IS NULL is false', () => {
    const mv = { a: ['x', 'y'] };
    expect(ev('a == "x"', mv)).toBe(null);
    expect(ev('a LIKE "x"', mv)).toBe(null);
    expect(ev('a IS NULL', mv)).toBe(false);
    expect(ev('TO_LOWER(a)', { a: ['X', 'Y'] })).toEqual(['x', 'y']);
    const r = esqlWhere('FROM i | WHERE a == "x"', mv);
    expect(r).toMatchObject({ ok: true, matches: false });
    expect(r.ok && r.warnings[0]).toContain('multi-value');
  });
  it('EVAL then WHERE, and arithmetic', () => {
    expect(esqlWhere('FROM i | EVAL b = a * 2 + 1 | WHERE b == 7', { a: 3 })).toMatchObject({ ok: true, matches: true });
    expect(ev('7 / 2')).toBe(3);
    expect(ev('7.0 / 2')).toBe(3.5);
    expect(ev('-a % 4', { a: 7 })).toBe(-3);
    expect(ev('1 / 0')).toBe(null);
  });
});

describe('ES|QL evaluator: escaping properties (fast-check)', () => {
  const text = fc.string({ unit: fc.constantFrom('a', 'B', '*', '?', '\\', '"', '\n', '\t', '\r', ' ', 'é', '@', '#', '&', '~', '<', '>', '.', '[', '(', '|', '{'), maxLength: 12 });
  it('a LIKE pattern made from any string matches exactly that string', () => {
    fc.assert(
      fc.property(text, text, (s, other) => {
        const q = `FROM i | WHERE a LIKE ${esqlString(likeLiteral(s))}`;
        expect(esqlWhere(q, { a: s })).toMatchObject({ ok: true, matches: true });
        expect(esqlWhere(q, { a: other })).toMatchObject({ ok: true, matches: other === s });
      }),
      { numRuns: 300 },
    );
  });
  it('an RLIKE pattern from toLuceneRegex(^literal$) matches exactly that string (and a trailing newline)', () => {
    fc.assert(
      fc.property(text, text, (s, other) => {
        const pcre = `^${s.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`).replace(/\n/g, '\\n')}$`;
        const lucene = toLuceneRegex(pcre, { ignoreCase: false, multiline: false, dotAll: false });
        if (!lucene.ok) throw new Error(lucene.reason);
        const q = `FROM i | WHERE a RLIKE ${esqlString(lucene.text)}`;
        expect(esqlWhere(q, { a: s })).toMatchObject({ ok: true, matches: true });
        expect(esqlWhere(q, { a: other })).toMatchObject({ ok: true, matches: other === s || other === `${s}\n` });
      }),
      { numRuns: 300 },
    );
  });
});
