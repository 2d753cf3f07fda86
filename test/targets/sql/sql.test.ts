import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Expr, match, not, or } from '../../../src/ast/expr.js';
import type { SigmaValue, StringPart } from '../../../src/ast/value.js';
import { pointSpan } from '../../../src/diagnostics/span.js';
import { convertExpr } from '../../../src/lower/convert-expr.js';
import { sqlColumns } from '../../../src/targets/sql/columns.js';
import { pcreToAre } from '../../../src/targets/sql/pcre-to-are.js';
import { decimalRangeGlobs } from '../../../src/targets/sql/sql-ip.js';
import { caseForms } from '../../../src/targets/sql/sql-text.js';
import { pcreWithFlags } from '../../../src/value/check-regex.js';
import { psexecExpr } from '../../support/psexec-expr.js';
import { runSqlite, type SqlEvent, sqlFor } from './engines.js';
import { cidrProperty, pattern, stringProperty, text } from './string-props.js';

const span = pointSpan('rule.yml', 7, 9);
const lit = (t: string): StringPart => ({ kind: 'literal', text: t });
const star: StringPart = { kind: 'wildcard-multi' };
const str = (parts: StringPart[], cased = false): SigmaValue => ({ kind: 'string', parts, cased });
const m = (value: SigmaValue, field: string | null = 'F'): Expr => match(field, value, span);
const noFlags = { ignoreCase: false, multiline: false, dotAll: false };

function where(e: Expr, postgres = false): string {
  return sqlFor(e, postgres).replace(/^SELECT \* FROM "events" WHERE /, '');
}

function errors(e: Expr, postgres = false): string[] {
  const r = convertExpr(e, 'sql', { targetOptions: { postgres } });
  return r.ok ? [] : r.diagnostics.map((d) => `${d.code}: ${d.message}`);
}

describe('sql query text', () => {
  it('escapes LIKE metacharacters, quotes and identifiers', () => {
    expect(where(m(str([lit("a\\b%c_d'e")]), 'c-uri'))).toBe(`"c-uri" LIKE 'a\\\\b\\%c\\_d''e' ESCAPE '\\'`);
    expect(where(m(str([star, lit('\\cmd.exe')]), 'we"ird'))).toBe(`"we""ird" LIKE '%\\\\cmd.exe' ESCAPE '\\'`);
    expect(where(m(str([lit('\\\\*\\IPC$')]), 'ShareName'), true)).toBe(`"ShareName" ILIKE '\\\\\\\\*\\\\IPC$' ESCAPE '\\'`);
  });

  it('writes * alone as presence, and the empty string as LIKE', () => {
    expect(where(m(str([star])))).toBe('"F" IS NOT NULL');
    expect(where(not(m(str([star])), span))).toBe('"F" IS NULL');
    expect(where(m(str([])))).toBe(`"F" LIKE '' ESCAPE '\\'`);
  });

  it('pushes NOT to the leaves so an absent field makes it true', () => {
    expect(where(not(or([m(str([lit('a')])), m({ kind: 'number', value: 3 }, 'G')], span), span))).toBe(
      `("F" IS NULL OR "F" NOT LIKE 'a' ESCAPE '\\') AND ("G" IS NULL OR "G" NOT IN (3, '3'))`,
    );
  });

  it('uses GLOB for cased values and case classes for non-ASCII letters', () => {
    expect(where(m(str([lit('A*b?[')], true)))).toBe(`"F" GLOB 'A[*]b[?][[]'`);
    expect(where(m(str([star, lit('Жук')])))).toBe(`"F" GLOB '*[Жж][Уу][Кк]'`);
    expect(where(m(str([star, lit('Жук.')])), true)).toBe(`"F" ~ '^.*[Жж][Уу][Кк]\\.$'`);
    expect(where(m(str([lit('Ab%')], true)), true)).toBe(`"F" LIKE 'Ab\\%' ESCAPE '\\'`);
    expect(caseForms('ß')).toEqual(['ß']);
    expect(caseForms('a')).toEqual(['A', 'a']);
  });

  it('folds number lists into IN', () => {
    expect(where(or([m({ kind: 'number', value: 4688 }), m({ kind: 'number', value: 1 }), m(str([lit('x')]))], span))).toBe(
      `"F" IN (4688, '4688', 1, '1') OR "F" LIKE 'x' ESCAPE '\\'`,
    );
    expect(where(or([m({ kind: 'number', value: 4688 }), m({ kind: 'number', value: 1 })], span), true)).toBe(`"F" IN ('4688', '1')`);
  });

  it('passes a regex to SQLite REGEXP with one leading flag group', () => {
    expect(where(m({ kind: 'regex', pattern: "a'b", flags: { ...noFlags, ignoreCase: true } }))).toBe(`"F" REGEXP '(?i)a''b'`);
    expect(pcreWithFlags({ kind: 'regex', pattern: '(?i)x', flags: { ...noFlags, dotAll: true } })).toBe('(?is)x');
    expect(where(not(m({ kind: 'regex', pattern: 'x', flags: noFlags }), span))).toBe(`"F" IS NULL OR "F" NOT REGEXP 'x'`);
  });

  it('names the table from the source, schema-qualified when dotted', () => {
    expect(sqlFor(m(str([lit('a')])), false, 'main.win"log')).toBe(`SELECT * FROM "main"."win""log" WHERE "F" LIKE 'a' ESCAPE '\\'`);
  });

  it('lists the columns a query reads', () => {
    expect(sqlColumns(psexecExpr)).toEqual(['EventID', 'ShareName', 'RelativeTargetName']);
    expect(sqlColumns(or([m({ kind: 'fieldref', field: 'B', match: 'equals', cased: false }, 'A'), m(str([lit('k')]), null)], span))).toEqual(['A', 'B', '_raw']);
  });
});

describe('sql long value lists', () => {
  it('nests a list of thousands of values so SQLite accepts it (expression depth 1000), with the same meaning', () => {
    const values = Array.from({ length: 2500 }, (_, i) => `h${i}`);
    const list = or(values.map((v) => m(str([star, lit(v)]))), span);
    const events: SqlEvent[] = [{ F: 'xH2499' }, { F: 'h1x' }, { F: 'zzh0' }, {}, { F: 'h2500x' }];
    expect(runSqlite(list, events)).toEqual([0, 2]);
    expect(runSqlite(not(list, span), events)).toEqual([1, 3, 4]);
    expect(where(or([m(str([lit('a')])), m({ kind: 'number', value: 1 }), m(str([star])), m({ kind: 'number', value: 2 })], span))).toBe(
      `"F" LIKE 'a' ESCAPE '\\' OR "F" IN (1, '1', 2, '2') OR "F" IS NOT NULL`,
    );
    expect(where(not(or([m(str([lit('a')])), m({ kind: 'number', value: 1 }), m({ kind: 'number', value: 2 })], span), span))).toBe(
      `"F" IS NULL OR ("F" NOT LIKE 'a' ESCAPE '\\' AND "F" NOT IN (1, '1', 2, '2'))`,
    );
  });
});

describe('sql long and/or chains (not list folds)', () => {
  // SQLite parses `a OR b OR ...` left-deep and refuses more than 1000 levels (limits.html); the
  // engine groups chains longer than the declared maxChain.
  const rx = (p: string): SigmaValue => ({ kind: 'regex', pattern: p, flags: noFlags });

  it('1500 regexes on one field run in SQLite, negated too', () => {
    const list = or(Array.from({ length: 1500 }, (_, i) => m(rx(`^r${i}$`))), span);
    const events: SqlEvent[] = [{ F: 'r1499' }, { F: 'r0' }, { F: 'r1500' }, {}];
    expect(runSqlite(list, events)).toEqual([0, 1]);
    expect(runSqlite(not(list, span), events)).toEqual([2, 3]);
  });

  it('1500 keywords run in SQLite (regex and string keywords)', () => {
    const words = or(Array.from({ length: 1500 }, (_, i) => m(str([lit(`w${i}x`)]), null)), span);
    const regexes = or(Array.from({ length: 1500 }, (_, i) => m(rx(`k${i}y`), null)), span);
    const events = [{ _raw: 'a w1499x b' }, { _raw: 'k77y' }, { _raw: 'nothing' }];
    expect(runSqlite(words, events)).toEqual([0]);
    expect(runSqlite(regexes, events)).toEqual([1]);
    expect(runSqlite(not(words, span), events)).toEqual([1, 2]);
  });

  it('groups a chain in parentheses of at most 100 operands, nested or not', () => {
    const q = where(or(Array.from({ length: 250 }, (_, i) => m(rx(`r${i}`))), span));
    expect(q.startsWith(`("F" REGEXP 'r0' OR `)).toBe(true);
    expect(q.split(') OR (')).toHaveLength(3);
    // nested ors whose text would be inlined are counted by their operands
    const nested = or(Array.from({ length: 30 }, (_, j) => or(Array.from({ length: 10 }, (_, i) => m(rx(`r${j}-${i}`))), span)), span);
    expect(where(nested).split(') OR (')).toHaveLength(3);
  });
});

describe('sql refusals', () => {
  it('refuses IPv6 cidr in SQLite and names the postgres option', () => {
    const v6: SigmaValue = { kind: 'cidr', network: 'fe80::/10', version: 6, prefixLength: 10 };
    expect(errors(m(v6))).toEqual([
      "unsupported-construct: sql cannot express an IPv6 cidr match exactly: SQLite has no address type, and IPv6 text has many spellings of one address; the target option 'postgres' makes it exact if your data fits (your events are in PostgreSQL, in text columns); otherwise skip the rule (--skip-unsupported)",
    ]);
    expect(errors(m(v6), true)).toEqual([]);
  });

  it('refuses week numbers, NUL, long PostgreSQL names and PCRE-only regex syntax', () => {
    expect(errors(m({ kind: 'timepart', part: 'week', value: 3 }))[0]).toContain('week numbers have several definitions');
    expect(errors(m(str([lit('a\u0000b')])))[0]).toContain('SQL text cannot contain the NUL character');
    expect(errors(m(str([lit('a')]), 'x'.repeat(64)), true)[0]).toContain('PostgreSQL truncates identifiers to 63 bytes');
    expect(errors(m(str([lit('a')]), 'x'.repeat(64)))[0]).toContain('PostgreSQL truncates identifiers to 63 bytes');
    expect(errors(or([m(str([lit('a')]), 'x'.repeat(64)), m(str([lit('b')]), 'x'.repeat(64))], span), true)[0]).toContain('63 bytes');
    expect(errors(m({ kind: 'regex', pattern: '(?<n>a)', flags: noFlags }), true)[0]).toContain("the group '(?<n' (named, atomic");
    expect(errors(m({ kind: 'regex', pattern: '(?<n>a)', flags: noFlags }))).toEqual([]);
  });

  it('refuses a lone UTF-16 surrogate (no UTF-8 form), and runs a surrogate pair in SQLite', () => {
    // better-sqlite3 would send the lone surrogate as U+FFFD: the query would test other text than the rule's.
    for (const postgres of [false, true]) {
      expect(errors(m(str([lit('a\ud800b')])), postgres)[0]).toContain('lone UTF-16 surrogate');
      expect(errors(m(str([lit('a\udc00')])), postgres)[0]).toContain('lone UTF-16 surrogate');
      expect(errors(m(str([lit('a😀b')])), postgres)).toEqual([]);
    }
    expect(runSqlite(m(str([lit('a😀'), star])), [{ F: 'a😀b' }, { F: 'a\ufffdb' }, { F: 'ab' }])).toEqual([0]);
  });
});

const W = '[A-Za-z0-9_]';
const B = `(?:(?<=${W})(?!${W})|(?<!${W})(?=${W}))`;
const NB = `(?:(?<=${W})(?=${W})|(?<!${W})(?!${W}))`;

describe('PCRE to PostgreSQL ARE (text)', () => {
  it.each([
    ['a.b', noFlags, 'a[^\\n]b'],
    ['a.b', { ...noFlags, dotAll: true }, 'a.b'],
    ['^ab$', noFlags, '^ab(?=\\n?$)'],
    ['^ab$', { ...noFlags, multiline: true }, '(?:^|(?<=\\n)(?!$))ab(?=\\n|$)'],
    ['\\bcmd\\d+\\B', noFlags, `${B}cmd[0-9]+${NB}`],
    ['[\\w.-]+\\s', noFlags, '[A-Za-z0-9_.-]+[\\t\\n\\v\\f\\r ]'],
    ['(?i)\\x41{2,3}?', noFlags, '(?i)\\u0041{2,3}?'],
    ['a{x}]', noFlags, 'a\\{x\\}\\]'],
    ['(a)\\1', noFlags, '(a)\\1'],
    ['(?:a|b)(?=c)(?<!d)', noFlags, '(?:a|b)(?=c)(?<!d)'],
    ['[]a]', noFlags, '[]a]'],
    ['[^\\\\]{1,256}', noFlags, '(?:[^\\\\]){1}(?:[^\\\\]){0,255}'],
    ['(?:ab){300,}', noFlags, '(?:ab){255}(?:ab){45}(?:ab)*'],
    ['😀{2}', noFlags, '😀{2}'],
    // `(?=` inside brackets or after an escape is no lookaround, so back references stay allowed
    ['[(?=](a)\\1', noFlags, '[(?=](a)\\1'],
    ['\\(?=x(a)\\1', noFlags, '\\(?=x(a)\\1'],
    // a group around a lookaround is an atom again, and can be repeated
    ['(a(?=b))+', noFlags, '(a(?=b))+'],
  ])('%s', (pattern, flags, expected) => {
    expect(pcreToAre(pattern, flags)).toEqual({ ok: true, text: expected });
  });

  it.each([
    '(?<name>a)', '(?>a)', 'a++', 'a(?i)b', '\\p{L}', '\\Qa\\E', '\\K', 'a{,3}', '(a){256}', 'a{3,2}', '[[:alpha:]]', '[\\D]',
    '(a)(?=b)\\1', '\\10', '\\0', '\\v', '\\h', '(?=a)*', '\\2', '(*UTF)a', '[a',
  ])('refuses %s', (pattern) => {
    expect(pcreToAre(pattern, noFlags).ok).toBe(false);
  });
});

describe('IPv4 partial octets as GLOB decimal ranges', () => {
  const globToRegex = (g: string) => new RegExp(`^${g}$`);
  it('matches exactly low..high for every aligned range (each cidr prefix) and random ranges', () => {
    const check = (low: number, high: number) => {
      const res = decimalRangeGlobs(low, high).map(globToRegex);
      for (let n = 0; n <= 255; n++) {
        for (const text of [String(n), `0${n}`]) {
          const expected = text === String(n) && n >= low && n <= high;
          expect(res.some((r) => r.test(text)), `${low}-${high}: ${text}`).toBe(expected);
        }
      }
    };
    for (let size = 1; size <= 256; size *= 2) for (let low = 0; low < 256; low += size) check(low, low + size - 1);
    fc.assert(fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), (a, b) => check(Math.min(a, b), Math.max(a, b))), { numRuns: 100 });
  });
});

describe('sql on SQLite: properties against a reference matcher', () => {
  it('a Sigma-escaped literal string matches exactly the events equal to it (case-insensitively)', () => {
    fc.assert(
      fc.property(text, fc.array(text, { maxLength: 4 }), fc.boolean(), (value, others, negate) => {
        const p = stringProperty(value === '' ? [] : [{ kind: 'lit', text: value }], others, false, negate);
        expect(runSqlite(p.expr, p.events), p.yaml).toEqual(p.matches);
      }),
      { numRuns: 300 },
    );
  });

  it('wildcard patterns, case-insensitive and cased, match what the reference matcher says', () => {
    fc.assert(
      fc.property(pattern, fc.array(text, { maxLength: 4 }), fc.boolean(), fc.boolean(), (tokens, others, cased, negate) => {
        const p = stringProperty(tokens, others, cased, negate);
        expect(runSqlite(p.expr, p.events), p.yaml).toEqual(p.matches);
      }),
      { numRuns: 300 },
    );
  });

  it('IPv4 cidr matches what address arithmetic says', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 32 }), fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { maxLength: 8 }), (net, prefix, addrs) => {
        const p = cidrProperty(net, prefix, addrs);
        expect(runSqlite(p.expr, p.events), p.network).toEqual(p.matches);
      }),
      { numRuns: 150 },
    );
  });
});
