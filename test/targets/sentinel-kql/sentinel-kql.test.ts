import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { and, type Expr, match, not, or } from '../../../src/ast/expr.js';
import type { RegexValue, SigmaValue, StringPart } from '../../../src/ast/value.js';
import { pointSpan } from '../../../src/diagnostics/span.js';
import { convertExpr } from '../../../src/lower/convert-expr.js';
import { lowerExpr } from '../../../src/lower/engine.js';
import { kustoField, kustoName, kustoString, regularLiteral } from '../../../src/targets/sentinel-kql/kusto-literal.js';
import { pcreToRe2 } from '../../../src/targets/sentinel-kql/re2.js';
import { LONG_LIST, sentinelKql } from '../../../src/targets/sentinel-kql/sentinel-kql.js';
import { arbitraryExpr, arbitraryString } from '../../support/arbitrary-expr.js';
import { kustoDiagnostics, kustoKeywords, kustoLiteralValue, kustoLiteralValues, type KustoSchema, stringSchema } from '../../support/kusto.js';
import { sigmaPattern } from '../../support/evaluate-expr.js';
import { type PatternPart } from '../../../src/lower/string-shape.js';
import { normalizeParts } from '../../../src/value/sigma-string.js';
import { sigmaStringToRe2 } from '../../../src/targets/sentinel-kql/sentinel-kql.js';
import { psexecExpr } from '../../support/psexec-expr.js';

const span = pointSpan('rule.yml', 7, 9);
const lit = (text: string): StringPart => ({ kind: 'literal', text });
const star: StringPart = { kind: 'wildcard-multi' };
const one: StringPart = { kind: 'wildcard-single' };
const str = (parts: StringPart[], cased = false): SigmaValue => ({ kind: 'string', parts, cased });
const m = (value: SigmaValue, field: string | null = 'F'): Expr => match(field, value, span);
const re = (pattern: string, flags: Partial<RegexValue['flags']> = {}): SigmaValue => ({
  kind: 'regex',
  pattern,
  flags: { ignoreCase: false, multiline: false, dotAll: false, ...flags },
});

/** Columns every test query may use: strings, plus typed ones for the numeric kinds. */
const SCHEMA: KustoSchema = {
  tables: {
    SigmaEvents: { F: 'string', G: 'string', 'c-uri': 'string', type: 'string', N: 'int', R: 'real', D: 'dynamic', T: 'datetime' },
  },
};

/** The query for an expression; it must analyse with zero diagnostics against SCHEMA. */
function query(e: Expr, schema: KustoSchema = SCHEMA): string {
  const r = convertExpr(e, 'sentinel-kql');
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  expect(kustoDiagnostics(r.value.query, schema), r.value.query).toEqual([]);
  return r.value.query;
}

/** Just the where expression. */
function where(e: Expr, schema?: KustoSchema): string {
  return query(e, schema).replace(/^SigmaEvents\n\| where /, '');
}

function errors(e: Expr): string[] {
  const r = lowerExpr(e, sentinelKql);
  return r.ok ? [] : r.diagnostics.map((d) => `${d.code} ${d.span.line}:${d.span.column}: ${d.message}`);
}

describe('the Kusto parser wrapper', () => {
  it('finds a syntax error, an unknown column and an unknown function', () => {
    expect(kustoDiagnostics('T | where a == "x"')).toEqual([]);
    expect(kustoDiagnostics('T | where a == "x')).not.toEqual([]);
    expect(kustoDiagnostics('T | where a == "\\z"')).not.toEqual([]); // an unknown escape
    expect(kustoDiagnostics('T | where a == @"x\ny"')).not.toEqual([]); // verbatim literals hold no line break
    expect(kustoDiagnostics('SigmaEvents | where Nope == "x"', SCHEMA).join()).toMatch(/KS142/);
    expect(kustoDiagnostics('SigmaEvents | where nope_fn(F)', SCHEMA)).not.toEqual([]);
    expect(kustoDiagnostics('SigmaEvents | where N startswith "5"', SCHEMA).join()).toMatch(/not defined for the operand types int and string/);
  });
});

describe('sentinel-kql string literals', () => {
  // Each case: the text, the literal we write, and (checked for all) the parser reads the text back.
  it.each([
    ['plain', 'cmd.exe', '"cmd.exe"'],
    ['a Windows path is verbatim', 'C:\\Windows\\System32\\', '@"C:\\Windows\\System32\\"'],
    ['verbatim doubles quotes', 'a\\"b', '@"a\\""b"'],
    ['a quote without backslash', 'say "hi"', '"say \\"hi\\""'],
    ['single quote', "it's", '"it\'s"'],
    ['at sign', '@"x', '"@\\"x"'],
    ['tab', 'a\tb', '"a\\tb"'],
    ['newline forces a regular literal, even with a backslash', 'C:\\a\nb', '"C:\\\\a\\nb"'],
    ['carriage return', 'a\r\n', '"a\\r\\n"'],
    ['control character', 'a\u0001b', '"a\\u0001b"'],
    ['NUL', 'a\u0000b', '"a\\u0000b"'],
    ['no-break space is shown', 'a\u00a0b', '"a\\u00A0b"'],
    ['line separator', 'a\u2028b', '"a\\u2028b"'],
    ['zero-width joiner', 'a\u200db', '"a\\u200Db"'],
    ['lone surrogate', 'a\ud800b', '"a\\uD800b"'],
    ['non-ASCII stays readable', 'é中😀', '"é中😀"'],
    ['wildcard characters are literal text', '*?%_|()":<>{}', '"*?%_|()\\":<>{}"'],
    ['the PsExec share name', '\\\\*\\IPC$', '@"\\\\*\\IPC$"'],
    ['empty', '', '""'],
  ])('%s', (_name, text, expected) => {
    expect(kustoString(text)).toBe(expected);
    expect(kustoLiteralValue(expected)).toEqual({ value: text, diagnostics: [] });
  });

  it('single-quoted literals (for names) round-trip too', () => {
    for (const text of ["a'b", 'a\\b', 'a"b', 'a\nb', "'"]) {
      expect(kustoLiteralValue(regularLiteral(text, "'"))).toEqual({ value: text, diagnostics: [] });
    }
  });

  const CHARS = ['\\', '"', "'", '@', '*', '?', '%', '_', '|', '(', ')', ':', '<', '>', '{', '}', ' ', '\t', '\n', '\r', 'a', 'Z', 'é', '中', '😀', '\u0000', '\u00a0', '\u2028', '$', '^', '.', '[', ']', '+'];
  const text = fc.array(fc.constantFrom(...CHARS), { maxLength: 12 }).map((a) => a.join(''));

  it('every text round-trips through the parser (property)', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(kustoLiteralValue(kustoString(t))).toEqual({ value: t, diagnostics: [] });
      }),
      { numRuns: 400 },
    );
  });

  it('also arbitrary Unicode text, including lone surrogates (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 12 }), (t) => {
        expect(kustoLiteralValue(kustoString(t))).toEqual({ value: t, diagnostics: [] });
      }),
      { numRuns: 300 },
    );
  });
});

describe('sentinel-kql names', () => {
  it('brackets every keyword the parser knows', () => {
    const bare = kustoKeywords().filter((k) => kustoName(k) === k);
    expect(bare).toEqual([]);
  });

  it.each([
    ['Image', 'Image'],
    ['EventID', 'EventID'],
    ['c-uri', "['c-uri']"],
    ['a.b', "['a.b']"],
    ['type', "['type']"],
    ['True', "['True']"],
    ["it's", "['it\\'s']"],
    ['__crossCluster', "['__crossCluster']"],
  ])('%s -> %s', (name, expected) => {
    expect(kustoName(name)).toBe(expected);
  });

  it('any name refers to its own column (property)', () => {
    const name = fc.string({ minLength: 1, maxLength: 8 }).filter((n) => n.trim() === n && n !== '');
    fc.assert(
      fc.property(name, (n) => {
        const q = `SigmaEvents | where ${kustoName(n)} =~ "x"`;
        expect(kustoDiagnostics(q, { tables: { SigmaEvents: { [n]: 'string' } } }), q).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ['Image', 'Image'],
    ['EventData.ScriptBlockText', 'tostring(EventData.ScriptBlockText)'],
    ['winlog.event_data.Image', "tostring(['winlog']['event_data'].Image)"],
    ['EventData.type', "tostring(EventData['type'])"],
    ['EventData.a b', "tostring(EventData['a b'])"],
  ])('field %s -> %s', (name, expected) => {
    expect(kustoField(name)).toBe(expected);
  });

  it('refuses a dotted field with an empty part', () => {
    for (const name of ['a..b', '.a', 'a.']) expect(errors(m(str([lit('x')]), name))[0], name).toMatch(/needs a name in every part/);
  });

  it('any dotted field is a path into its dynamic column (property)', () => {
    const part = fc.string({ minLength: 1, maxLength: 6 }).filter((n) => n.trim() === n && n !== '' && !n.includes('.'));
    fc.assert(
      fc.property(part, fc.array(part, { minLength: 1, maxLength: 3 }), (column, keys) => {
        const field = [column, ...keys].join('.');
        const q = `SigmaEvents | where ${kustoField(field) ?? ''} =~ "x"`;
        expect(kustoDiagnostics(q, { tables: { SigmaEvents: { [column]: 'dynamic' } } }), q).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses an empty field name and writes the table name', () => {
    expect(errors(m(str([lit('x')]), ''))[0]).toMatch(/an empty field name/);
    const r = convertExpr(m(str([lit('x')])), 'sentinel-kql', { source: 'My-Table' });
    expect(r.ok && r.value.query).toBe("['My-Table']\n| where F =~ \"x\"");
  });
});

describe('sentinel-kql strings', () => {
  it.each([
    ['exact', [lit('cmd.exe')], false, 'F =~ "cmd.exe"'],
    ['exact cased', [lit('Cmd.exe')], true, 'F == "Cmd.exe"'],
    ['prefix', [lit('C:\\Win'), star], false, 'F startswith @"C:\\Win"'],
    ['suffix', [star, lit('\\cmd.exe')], false, 'F endswith @"\\cmd.exe"'],
    ['contains', [star, lit('-enc '), star], false, 'F contains "-enc "'],
    ['cased contains', [star, lit('X'), star], true, 'F contains_cs "X"'],
    ['cased prefix', [lit('X'), star], true, 'F startswith_cs "X"'],
    ['cased suffix', [star, lit('X')], true, 'F endswith_cs "X"'],
    ['any', [star], false, 'isnotempty(F)'],
    ['empty string', [], false, 'isempty(F)'],
    // a*b is not startswith+endswith ("ab" overlaps for `ab*b`): a regex, anchored, dot-all.
    ['inner wildcard', [lit('a'), star, lit('b')], false, 'F matches regex "(?is)^a.*b$"'],
    ['single wildcard', [lit('prog'), one, lit('.exe')], false, 'F matches regex @"(?is)^prog.\\.exe$"'],
    ['single wildcard without letters', [lit('1'), one, lit('2')], false, 'F matches regex "(?s)^1.2$"'],
    ['cased pattern', [lit('A'), one], true, 'F matches regex "(?s)^A.$"'],
    ['free start', [star, lit('a'), star, lit('b')], false, 'F matches regex "(?is)a.*b$"'],
    ['free end', [lit('a'), star, lit('b'), star], false, 'F matches regex "(?is)^a.*b"'],
    ['regex metacharacters are escaped', [lit('a.b$(c)[d]{e}|f+^\\'), one], false, 'F matches regex @"(?is)^a\\.b\\$\\(c\\)\\[d\\]\\{e\\}\\|f\\+\\^\\\\.$"'],
    ['literal * and ? stay literal', [lit('*?'), star, lit('x')], false, 'F matches regex @"(?is)^\\*\\?.*x$"'],
    ['a newline in a pattern', [lit('a\n'), star, lit('b')], false, 'F matches regex "(?is)^a\\n.*b$"'],
  ])('%s', (_name, parts, cased, expected) => {
    expect(where(m(str(parts, cased)))).toBe(expected);
  });

  it('the generated wildcard regex means the Sigma pattern (checked with a JS engine, same syntax here)', () => {
    const r = convertExpr(m(str([lit('ab'), star, lit('b')])), 'sentinel-kql');
    expect(r.ok && r.value.query).toContain('"(?is)^ab.*b$"');
    const js = /^ab[\s\S]*b$/i;
    expect(js.test('ab')).toBe(false); // startswith "ab" and endswith "b" would match "ab"
    expect(js.test('AbXb')).toBe(true);
  });

  it('folds plain values into in~, numbers into tostring() in', () => {
    expect(where(or([m(str([lit('a')])), m(str([lit('B\\c')]))], span))).toBe('F in~ ("a", @"B\\c")');
    expect(where(or([m({ kind: 'number', value: 4624 }, 'N'), m({ kind: 'number', value: 4625 }, 'N')], span))).toBe(
      'tostring(N) in ("4624", "4625")',
    );
    expect(where(or([m({ kind: 'number', value: 200 }), m(str([lit('OK')]))], span))).toBe('tostring(F) in~ ("200", "OK")');
    // cased, wildcard and empty values stay separate comparisons
    expect(where(or([m(str([lit('a')], true)), m(str([lit('b')], true))], span))).toBe('F == "a" or F == "b"');
    expect(where(or([m(str([lit('a')])), m(str([]))], span))).toBe('F =~ "a" or isempty(F)');
    // the in~ list stands where its first member stood; other tests keep their order
    expect(where(or([m(str([star, lit('x')])), m(str([lit('a')])), m(str([lit('y'), star])), m(str([lit('b')]))], span))).toBe(
      'F endswith "x" or F in~ ("a", "b") or F startswith "y"',
    );
  });

  it('writes a long wildcard list as one regex alternation (the parser rejects ~450 chained ors)', () => {
    const values = Array.from({ length: LONG_LIST + 1 }, (_, i) => m(str([star, lit(`.x${i}`), star])));
    const q = where(or([...values, m(str([lit('Exact')])), m(str([lit('P'), star], true))], span));
    const alternatives = Array.from({ length: LONG_LIST + 1 }, (_, i) => `\\.x${i}`).join('|');
    expect(q).toBe(`F matches regex @"(?i:${alternatives})|^P" or F =~ "Exact"`);
    // each branch keeps its own flags when they differ; a single shared set is hoisted
    const same = Array.from({ length: LONG_LIST + 1 }, (_, i) => m(str([lit(`a${i}`), star])));
    expect(where(or(same, span))).toBe(`F matches regex "(?i)${same.map((_, i) => `^a${i}`).join('|')}"`);
    // a hash list of 600 values stays within the parser's limits
    const hashes = Array.from({ length: 600 }, (_, i) => m(str([star, lit(`MD5=${i.toString(16).padStart(32, '0')}`), star]), 'Hashes'));
    query(or(hashes, span), stringSchema('SigmaEvents', ['Hashes']));
  });
});

describe('sentinel-kql long and/or chains', () => {
  // Microsoft's parser: "KS245 Query syntax depth exceeds maximum safe limit" at about 450 chained ors.
  const hashes = stringSchema('SigmaEvents', ['F', 'G']);

  it('1500 regexes on one field parse', () => {
    query(or(Array.from({ length: 1500 }, (_, i) => m(re(`^r${i}$`))), span), hashes);
    query(not(or(Array.from({ length: 1500 }, (_, i) => m(re(`^r${i}$`))), span), span), hashes);
  });

  it('1500 keywords parse (strings and regexes)', () => {
    query(or(Array.from({ length: 1500 }, (_, i) => m(str([lit(`w${i}`)]), null)), span), hashes);
    query(or(Array.from({ length: 1500 }, (_, i) => m(re(`k${i}y`), null)), span), hashes);
  });

  it('1500 cased values on one field parse (separate == tests inside the list fold)', () => {
    query(or(Array.from({ length: 1500 }, (_, i) => m(str([lit(`v${i}`)], true))), span), hashes);
  });

  it('an and-chain of 1500 parses', () => {
    query(and(Array.from({ length: 1500 }, (_, i) => m(str([star, lit(`v${i}`), star]), i % 2 === 0 ? 'F' : 'G')), span), hashes);
  });
});

describe('sentinel-kql other value kinds', () => {
  it.each<[string, SigmaValue, string, string?]>([
    ['number on an int column', { kind: 'number', value: 5145 }, 'tostring(N) == "5145"', 'N'],
    ['number on a string column', { kind: 'number', value: 5145 }, 'tostring(F) == "5145"'],
    ['negative and fractional numbers', { kind: 'number', value: -1.5 }, 'tostring(R) == "-1.5"', 'R'],
    ['boolean', { kind: 'boolean', value: false }, 'tostring(F) =~ "false"'],
    ['null', { kind: 'null' }, 'isempty(F)'],
    ['null on a dynamic column', { kind: 'null' }, 'isempty(D)', 'D'],
    ['exists', { kind: 'exists', exists: true }, 'isnotempty(F)'],
    ['not exists', { kind: 'exists', exists: false }, 'isempty(F)'],
    ['cidr v4', { kind: 'cidr', network: '10.0.0.0/8', version: 4, prefixLength: 8 }, 'coalesce(ipv4_is_in_range(F, "10.0.0.0/8"), false)'],
    ['cidr v6', { kind: 'cidr', network: 'fc00::/7', version: 6, prefixLength: 7 }, 'coalesce(ipv6_is_match(F, "fc00::/7"), false)'],
    // ::/0 contains ::ffff:0:0/96, which ipv6_is_match uses for IPv4 text: only IPv6 text may match.
    ['cidr v6 over the IPv4-mapped range', { kind: 'cidr', network: '::/0', version: 6, prefixLength: 0 }, 'F contains ":" and coalesce(ipv6_is_match(F, "::/0"), false)'],
    ['cidr v6 inside the IPv4-mapped range', { kind: 'cidr', network: '::ffff:a00:0/104', version: 6, prefixLength: 104 }, 'F contains ":" and coalesce(ipv6_is_match(F, "::ffff:a00:0/104"), false)'],
    ['cidr v6 beside it', { kind: 'cidr', network: '::fffe:0:0/96', version: 6, prefixLength: 96 }, 'coalesce(ipv6_is_match(F, "::fffe:0:0/96"), false)'],
    ['gt', { kind: 'compare', op: 'gt', value: 5 }, 'coalesce(toreal(F) > 5, false)'],
    ['lte on an int column', { kind: 'compare', op: 'lte', value: 2.5 }, 'coalesce(toreal(N) <= 2.5, false)', 'N'],
    ['fieldref', { kind: 'fieldref', field: 'G', match: 'equals', cased: false }, 'isnotempty(F) and tostring(F) =~ tostring(G)'],
    ['fieldref cased', { kind: 'fieldref', field: 'G', match: 'equals', cased: true }, 'isnotempty(F) and tostring(F) == tostring(G)'],
    ['fieldref startswith', { kind: 'fieldref', field: 'G', match: 'startswith', cased: false }, 'isnotempty(G) and tostring(F) startswith tostring(G)'],
    ['fieldref endswith', { kind: 'fieldref', field: 'G', match: 'endswith', cased: true }, 'isnotempty(G) and tostring(F) endswith_cs tostring(G)'],
    ['fieldref contains, quoted name', { kind: 'fieldref', field: 'c-uri', match: 'contains', cased: false }, "isnotempty(['c-uri']) and tostring(F) contains tostring(['c-uri'])"],
    ['hour', { kind: 'timepart', part: 'hour', value: 3 }, 'datetime_part("hour", todatetime(T)) == 3', 'T'],
    ['week of a string column', { kind: 'timepart', part: 'week', value: 10 }, 'datetime_part("week_of_year", todatetime(F)) == 10'],
    ['regex', re('a.c'), 'F matches regex "a.c"'],
    ['regex flags', re('^a.c$', { ignoreCase: true, multiline: true, dotAll: true }), 'F matches regex "(?ims)^a.c$"'],
    ['regex with backslashes', re('\\\\Temp\\\\[a-z]+\\.exe'), 'F matches regex @"\\\\Temp\\\\[a-z]+\\.exe"'],
    ['regex named group', re('(?<x>ab)+'), 'F matches regex "(?P<x>ab)+"'],
    ['regex inline flag kept', re('(?i)abc'), 'F matches regex "(?i)abc"'],
    ['regex with a quote', re('"a"'), 'F matches regex "\\"a\\""'],
  ])('%s', (_name, value, expected, field = 'F') => {
    expect(where(m(value, field))).toBe(expected);
  });

  it.each([
    ['minute', 'minute'],
    ['hour', 'hour'],
    ['day', 'day'],
    ['week', 'week_of_year'],
    ['month', 'month'],
    ['year', 'year'],
  ] as const)('time part %s is datetime_part("%s")', (part, kusto) => {
    expect(where(m({ kind: 'timepart', part, value: 2 }, 'T'))).toBe(`datetime_part("${kusto}", todatetime(T)) == 2`);
  });

  it('parenthesises an and-shaped leaf inside or and not', () => {
    const ref = m({ kind: 'fieldref', field: 'G', match: 'equals', cased: false });
    expect(where(or([ref, m(str([lit('x')]))], span))).toBe('(isnotempty(F) and tostring(F) =~ tostring(G)) or F =~ "x"');
    expect(where(not(ref, span))).toBe('not(isnotempty(F) and tostring(F) =~ tostring(G))');
  });

  it('keywords search every column for a substring', () => {
    expect(where(m(str([lit('evil')]), null))).toBe('* contains "evil"');
    expect(where(m(str([star, lit('C:\\x'), star]), null))).toBe('* contains @"C:\\x"');
    expect(where(m(str([lit('Evil')], true), null))).toBe('* contains_cs "Evil"');
    expect(where(m(str([lit('a'), star, lit('b')]), null))).toBe('* matches regex "(?is)a.*b"');
    expect(where(m({ kind: 'number', value: 200 }, null))).toBe('* contains "200"');
    expect(where(m(re('a+b'), null))).toBe('* matches regex "a+b"');
    expect(where(m(str([star]), null))).toBe('true');
    expect(errors(m({ kind: 'null' }, null))[0]).toMatch(/a null keyword/);
  });
});

describe('sentinel-kql regular expressions (PCRE subset -> RE2)', () => {
  it.each([
    ['(?=x)', 'a lookahead'],
    ['a(?!x)', 'a lookahead'],
    ['(?<=x)a', 'a lookbehind'],
    ['(?<!x)a', 'a lookbehind'],
    ['(a)\\1', 'the backreference \\1'],
    ['(?<n>a)\\k<n>', 'the backreference \\k'],
    ['(?P<n>a)(?P=n)', 'a named backreference'],
    ['(?>a+)', 'an atomic group'],
    ['a++', 'a possessive quantifier'],
    ['a{2}+', 'a possessive quantifier'],
    ['(?R)', 'a recursive pattern'],
    ['(?(1)a|b)', 'a conditional group'],
    ['(?#note)a', 'a comment group'],
    ['(?x) a', 'the extended flag (?x)'],
    ['a\\Z', 'the end-of-text anchor \\Z'],
    ['\\h', 'the horizontal-space class \\h'],
    ['\\v', 'the escape \\v'],
    ['[\\b]', '\\b inside a character class'],
    ['a{1001}', 'a repetition count above 1000'],
    ['a{,3}', 'the quantifier {,n}'],
    ['\\q', 'the escape \\q'],
    ['(*UTF)a', 'a backtracking verb'],
    ['[\\S]', '\\S inside a character class'],
    ['a$\\n', 'a `$` followed by more pattern'],
    ['(?m)^a$', 'an inline m flag'],
  ])('refuses %s', (pattern, construct) => {
    const r = pcreToRe2(pattern);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.construct).toContain(construct);
  });

  it.each([
    // \s gains the vertical tab (PCRE2's \s has it, RE2's does not).
    ['\\d+\\.\\w\\s\\S\\b\\B\\A\\z', '\\d+\\.\\w[\\s\\v][^\\s\\v]\\b\\B\\A\\z'],
    ['[\\s,]', '[\\s\\v,]'],
    // Without m, PCRE's $ also matches before a final line break.
    ['a$', 'a(?:\\n?\\z)'],
    ['(a$|b$)', '(a(?:\\n?\\z)|b(?:\\n?\\z))'],
    ['[a-z\\d_.-]+', '[a-z\\d_.-]+'],
    ['[]a]', '[\\]a]'],
    ['[^]a]', '[^\\]a]'],
    ['[[:alpha:]]', '[[:alpha:]]'],
    ['\\x41\\x{263a}\\0\\012', '\\x41\\x{263a}\\0\\012'],
    ['\\p{Greek}\\pL', '\\p{Greek}\\pL'],
    ['\\Qa.b\\E+', 'a\\.b+'],
    ['a{2,3}?b{4}c{5,}', 'a{2,3}?b{4}c{5,}'],
    ['{x}', '\\{x}'],
    ['(?i:a)(?-s)(?U)', '(?i:a)(?-s)(?U)'],
    ['\\é', 'é'],
  ])('passes %s', (pattern, expected) => {
    expect(pcreToRe2(pattern)).toEqual({ ok: true, pattern: expected });
  });

  it('keeps $ as is under the m flag, where PCRE and RE2 agree', () => {
    expect(pcreToRe2('^a$', true)).toEqual({ ok: true, pattern: '^a$' });
  });

  it('refuses turning m off inline in a multiline pattern (the $ after it would read differently)', () => {
    for (const pattern of ['a(?-m)$', '(?i-m:x$)']) {
      const r = pcreToRe2(pattern, true);
      expect(r.ok, pattern).toBe(false);
      if (!r.ok) expect(r.construct).toContain('turning m off');
    }
  });

  // Under m, PCRE's ^ does not match after a line break that ends the text; RE2's does ("a\n" and
  // `(?m)^$`). Where a character must follow the ^ the two agree; elsewhere: refused.
  it.each([
    ['^$'],
    ['a\\n^'],
    ['^x?$'],
    ['^x*$'],
    ['^x{0,2}$'],
    ['^(a?)$'],
    ['b|^$'],
    ['(a|^)$'],
  ])('refuses %s under the m flag (^ could match after a final line break)', (pattern) => {
    const r = pcreToRe2(pattern, true);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.construct).toContain('`^` under the m flag');
  });

  it.each([
    ['^a.c$', '^a.c$'],
    ['^\\d+', '^\\d+'],
    ['^[a-z]{2}', '^[a-z]{2}'],
    ['^[]x]', '^[\\]x]'],
    ['^.+', '^.+'],
    ['x|^\\.y', 'x|^\\.y'],
  ])('keeps ^ before a character to match under the m flag: %s', (pattern, expected) => {
    expect(pcreToRe2(pattern, true)).toEqual({ ok: true, pattern: expected });
  });

  it('reports a refusal at the match, naming RE2', () => {
    expect(errors(m(re('foo(?=bar)')))).toEqual([
      "unsupported-construct 7:9: sentinel-kql cannot express a lookahead in a regular expression exactly: Kusto's matches regex uses RE2, which has no such construct; convert this rule for another target, or skip it (--skip-unsupported)",
    ]);
  });
});

describe('sentinel-kql not() is Sigma\'s not', () => {
  it('writes not() around the operand; and binds tighter than or, mixed groups are parenthesised', () => {
    const a = m(str([lit('a')]));
    const b = m(str([lit('b')]), 'G');
    expect(where(not(a, span))).toBe('not(F =~ "a")');
    expect(where(not(or([a, b], span), span))).toBe('not(F =~ "a" or G =~ "b")');
    expect(where(or([and([a, b], span), not(a, span)], span))).toBe('(F =~ "a" and G =~ "b") or not(F =~ "a")');
    expect(where(and([or([a, b], span), a], span))).toBe('(F =~ "a" or G =~ "b") and F =~ "a"');
    expect(where(not(not(a, span), span))).toBe('F =~ "a"');
  });

  it('every leaf that could be null is total (coalesce, ==, or a filtering operator)', () => {
    // The kinds whose Kusto test is a function or an ordering (null on an absent value) are wrapped.
    for (const value of [
      { kind: 'compare', op: 'gt', value: 1 },
      { kind: 'cidr', network: '10.0.0.0/8', version: 4, prefixLength: 8 },
      { kind: 'cidr', network: 'fc00::/7', version: 6, prefixLength: 7 },
    ] as const) {
      expect(where(not(m(value), span))).toMatch(/^not\(coalesce\(/);
    }
  });

  it('random trees over escaping-heavy strings always analyse cleanly (property)', () => {
    const chars = ['\\', '"', "'", '*', '?', 'a', 'B', ' ', '\n', 'é', '@', '$', '.', '('];
    fc.assert(
      fc.property(arbitraryExpr(arbitraryString(chars, true)), (e) => {
        query(e, stringSchema('SigmaEvents', ['A', 'B', 'C']));
      }),
      { numRuns: 300 },
    );
  });
});

describe('sentinel-kql meaning of the generated values (properties)', () => {
  const CHARS = ['\\', '"', "'", '*', '?', '%', '_', '|', '(', ')', ':', '<', '>', '{', '}', ' ', '\n', '\t', 'a', 'B', 'é', '.', '$', '^', '[', '+'];
  const literalPart = fc.array(fc.constantFrom(...CHARS), { minLength: 1, maxLength: 4 }).map((a): PatternPart => ({ kind: 'literal', text: a.join('') }));
  const parts = fc
    .array(fc.oneof({ weight: 3, arbitrary: literalPart }, fc.constant<PatternPart>({ kind: 'wildcard-multi' }), fc.constant<PatternPart>({ kind: 'wildcard-single' })), { maxLength: 4 })
    .map((p) => [...normalizeParts(p)]);

  it('the string literal of every leaf says exactly the text (or the RE2 pattern) intended', () => {
    fc.assert(
      fc.property(parts, fc.boolean(), (p, cased) => {
        const q = query(m(str(p, cased)));
        const shape = q.match(/ (=~|==|startswith(_cs)?|endswith(_cs)?|contains(_cs)?|matches regex) /)?.[1];
        const values = kustoLiteralValues(q);
        if (shape === 'matches regex') expect(values).toEqual([sigmaStringToRe2(p, cased)]);
        else if (shape !== undefined) expect(values).toEqual([p.map((x) => (x.kind === 'literal' ? x.text : '')).join('')]);
        else expect(values).toEqual([]); // isempty / isnotempty
      }),
      { numRuns: 400 },
    );
  });

  /** Our RE2 patterns use a subset JavaScript reads the same way: inline (?is) -> flags, $ = end. */
  function asJs(re2: string): RegExp {
    const flags = /^\(\?([is]+)\)/.exec(re2);
    return new RegExp(flags ? re2.slice(flags[0].length) : re2, `u${flags?.[1] ?? ''}`);
  }

  it('the wildcard regex matches exactly what the Sigma pattern matches', () => {
    const subject = fc.array(fc.constantFrom(...CHARS, 'A', 'b', 'É'), { maxLength: 8 }).map((a) => a.join(''));
    fc.assert(
      fc.property(parts, fc.boolean(), subject, (p, cased, s) => {
        expect(asJs(sigmaStringToRe2(p, cased)).test(s)).toBe(sigmaPattern(p, cased).test(s));
      }),
      { numRuns: 2000 },
    );
    // and on subjects built from the pattern itself (so matches are common, not rare)
    fc.assert(
      fc.property(parts, fc.boolean(), fc.array(fc.constantFrom('', 'x', '\n', 'Ab'), { minLength: 5, maxLength: 5 }), (p, cased, fill) => {
        const s = p.map((x, i) => (x.kind === 'literal' ? (i % 2 ? x.text.toUpperCase() : x.text) : x.kind === 'wildcard-single' ? 'é' : fill[i] ?? '')).join('');
        expect(asJs(sigmaStringToRe2(p, cased)).test(s)).toBe(sigmaPattern(p, cased).test(s));
      }),
      { numRuns: 2000 },
    );
  });

  const value: fc.Arbitrary<SigmaValue> = fc.oneof(
    fc.tuple(parts, fc.boolean()).map(([p, cased]) => str(p, cased)),
    fc.integer({ min: -5, max: 70000 }).map((n): SigmaValue => ({ kind: 'number', value: n })),
    fc.constantFrom<SigmaValue>({ kind: 'null' }, { kind: 'exists', exists: true }, { kind: 'exists', exists: false }, { kind: 'boolean', value: true }),
    fc.constantFrom('a.c', '^x$', '\\\\Temp\\\\', '[a-z]{2,}', '(?i)ab|cd').map((p) => re(p)),
    fc.constantFrom<SigmaValue>({ kind: 'cidr', network: '10.0.0.0/8', version: 4, prefixLength: 8 }, { kind: 'compare', op: 'gte', value: 3 }, { kind: 'fieldref', field: 'B', match: 'contains', cased: false }),
  );

  it('random trees of every value kind analyse cleanly', () => {
    fc.assert(
      fc.property(arbitraryExpr(value), (e) => {
        query(e, stringSchema('SigmaEvents', ['A', 'B', 'C']));
      }),
      { numRuns: 300 },
    );
  });
});

describe('sentinel-kql PsExec', () => {
  it('analyses against the SecurityEvent schema with zero diagnostics', () => {
    // Columns as Microsoft's SecurityEvent table reference types them (Azure Monitor Logs reference).
    const schema: KustoSchema = {
      tables: {
        SecurityEvent: {
          TimeGenerated: 'datetime',
          EventID: 'int',
          Computer: 'string',
          Account: 'string',
          ShareName: 'string',
          ShareLocalPath: 'string',
          RelativeTargetName: 'string',
          IpAddress: 'string',
          SubjectUserName: 'string',
        },
      },
    };
    const r = convertExpr(psexecExpr, 'sentinel-kql', { source: 'SecurityEvent' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.query).toBe(
      'SecurityEvent\n| where tostring(EventID) == "5145" and ShareName =~ @"\\\\*\\IPC$" and ' +
        '(RelativeTargetName endswith "-stdin" or RelativeTargetName endswith "-stdout" or RelativeTargetName endswith "-stderr") and ' +
        'not(RelativeTargetName startswith "PSEXESVC")',
    );
    expect(kustoDiagnostics(r.value.query, schema)).toEqual([]);
    // the share name literal means exactly \\*\IPC$ (a literal *)
    expect(kustoLiteralValue('@"\\\\*\\IPC$"').value).toBe('\\\\*\\IPC$');
  });
});
