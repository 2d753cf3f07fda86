import { describe, expect, it } from 'vitest';
import { and, type Expr, match, not, or } from '../../../src/ast/expr.js';
import type { SigmaValue, StringPart } from '../../../src/ast/value.js';
import { pointSpan } from '../../../src/diagnostics/span.js';
import { convertExpr } from '../../../src/lower/convert-expr.js';
import type { PatternPart } from '../../../src/lower/string-shape.js';
import { fieldKind } from '../../../src/targets/elastic-esql/ecs-types.js';
import { asciiCased, esqlFieldName, esqlString, likePattern } from '../../../src/targets/elastic-esql/esql-text.js';
import { runCli } from '../../../src/cli/program.js';
import { memoryIo } from '../../support/memory-io.js';
import { esqlWhere } from '../../support/esql-evaluator.js';
import { parseEsql } from '../../support/esql-parser.js';
import { PSEXEC_RULE } from '../../support/paths.js';

const span = pointSpan('rule.yml', 7, 9);
const lit = (t: string): PatternPart => ({ kind: 'literal', text: t });
const star: PatternPart = { kind: 'wildcard-multi' };
const one: PatternPart = { kind: 'wildcard-single' };
const str = (parts: StringPart[], cased = false): SigmaValue => ({ kind: 'string', parts, cased });
const m = (value: SigmaValue, field: string | null = 'F'): Expr => match(field, value, span);
const num = (value: number): SigmaValue => ({ kind: 'number', value });

/** The WHERE expression of the query for `e` (no pipeline: fields keep their names). */
function where(e: Expr, source?: string): string {
  const r = convertExpr(e, 'elastic-esql', source === undefined ? {} : { source });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  const parsed = parseEsql(r.value.query);
  expect(parsed.ok, `${r.value.query}: ${parsed.ok ? '' : parsed.message}`).toBe(true);
  const [from, cond] = r.value.query.split('\n');
  expect(from).toBe(`FROM ${source ?? 'logs-*'}`);
  return (cond ?? '').replace(/^\| WHERE /, '');
}

function errors(e: Expr): string[] {
  const r = convertExpr(e, 'elastic-esql');
  return r.ok ? [] : r.diagnostics.map((d) => `${d.code}: ${d.message}`);
}

describe('elastic-esql strings', () => {
  it('lowercases both sides for a case-insensitive value with letters, and uses == without wildcards', () => {
    expect(where(m(str([lit('CMD.exe')]), 'winlog.event_data.Image'))).toBe('TO_LOWER(winlog.event_data.Image) == "cmd.exe"');
    expect(where(m(str([star, lit('\\CMD.exe')]), 'process.executable'))).toBe('TO_LOWER(process.executable) LIKE "*\\\\\\\\cmd.exe"');
  });

  it('reads a field of unknown type through TO_STRING (LIKE on a long would fail the query)', () => {
    expect(where(m(str([lit('a'), star])))).toBe('TO_LOWER(TO_STRING(F)) LIKE "a*"');
    expect(where(m(str([lit('12'), star]), 'process.pid'))).toBe('TO_STRING(process.pid) LIKE "12*"');
  });

  it('compares values without letters, cased values and canonical spellings as they are', () => {
    expect(where(m(str([lit('12-34')]), 'event.code'))).toBe('event.code == "12-34"');
    expect(where(m(str([lit('Ab'), star], true), 'user.name'))).toBe('user.name LIKE "Ab*"');
    const canonical: SigmaValue = { kind: 'string', parts: [lit('Security')], cased: false, canonical: true };
    expect(where(m(canonical, 'winlog.channel'))).toBe('winlog.channel == "Security"');
  });

  it('escapes LIKE wildcards and backslashes, then the string literal', () => {
    // The text a*b?c\d with literal * ? \ and a real * wildcard at the end.
    expect(where(m(str([lit('a*b?c\\d'), star]), 'file.path'))).toBe('TO_LOWER(file.path) LIKE "a\\\\*b\\\\?c\\\\\\\\d*"');
    expect(where(m(str([lit('x'), one, lit('"y"')]), 'file.path'))).toBe('TO_LOWER(file.path) LIKE "x?\\"y\\""');
    expect(where(m(str([lit('a\nb\r\tc')]), 'file.path'))).toBe('TO_LOWER(file.path) == "a\\nb\\r\\tc"');
    expect(likePattern([lit('A*'), star, one], true)).toBe('a\\**?');
    expect(esqlString('\\"')).toBe('"\\\\\\""');
  });

  it('refuses a lone UTF-16 surrogate (no UTF-8 form), alone or in a list; a surrogate pair is written as it is', () => {
    expect(errors(m(str([lit('a\ud800b')]), 'file.path'))[0]).toContain('lone UTF-16 surrogate');
    expect(errors(or([m(str([lit('a')]), 'file.path'), m(str([lit('\udc00')]), 'file.path')], span))[0]).toContain('lone UTF-16 surrogate');
    expect(where(m(str([lit('a😀')], true), 'file.path'))).toBe('file.path == "a😀"');
  });

  it('writes * alone as presence and the empty string as == ""', () => {
    expect(where(m(str([star]), 'file.path'))).toBe('file.path IS NOT NULL');
    expect(where(not(m(str([star]), 'file.path'), span))).toBe('file.path IS NULL');
    expect(where(m(str([]), 'file.path'))).toBe('file.path == ""');
  });

  it('matches non-ASCII letters through RLIKE with both cases (the optimizer folds only ASCII after TO_LOWER)', () => {
    expect(where(m(str([star, lit('Ж.')]), 'file.path'))).toBe('file.path RLIKE ".*[Жж]\\\\."');
    expect(where(not(m(str([lit('é'), one]), 'file.path'), span))).toBe('file.path IS NULL OR file.path NOT RLIKE "[Éé]."');
    expect(where(m(str([lit('ΟΣ')]), 'G'))).toBe('TO_STRING(G) RLIKE "[Οο][Σςσ]"');
    expect(where(m(str([lit('İk')]), 'file.path'))).toBe('file.path RLIKE "İ[Kk\u212a]"');
    // not folded into an IN list with ASCII values
    expect(where(or([m(str([lit('a')]), 'file.path'), m(str([lit('b')]), 'file.path'), m(str([lit('ж')]), 'file.path')], span))).toBe(
      'TO_LOWER(file.path) IN ("a", "b") OR file.path RLIKE "[Жж]"',
    );
    expect(asciiCased('Straße')).toBe(false);
    expect(asciiCased('a–b 5')).toBe(true);
    // cased values are compared as they are
    expect(where(m(str([lit('İ')], true), 'file.path'))).toBe('file.path == "İ"');
  });

  it('matches a case-insensitive LIKE with @ or ~ through RLIKE (some versions read them as Lucene operators after TO_LOWER)', () => {
    expect(where(m(str([star, lit('PROGRA~1')]), 'file.path'))).toBe('file.path RLIKE ".*[Pp][Rr][Oo][Gg][Rr][Aa]\\\\~1"');
    expect(where(m(str([lit('a@b'), star]), 'file.path'))).toBe('file.path RLIKE "[Aa]\\\\@[Bb].*"');
    // == is not read as a regexp, and a cased LIKE has no TO_LOWER to rewrite
    expect(where(m(str([lit('a@b')]), 'file.path'))).toBe('TO_LOWER(file.path) == "a@b"');
    expect(where(m(str([lit('a~'), star], true), 'file.path'))).toBe('file.path LIKE "a~*"');
    expect(where(m(str([lit('@~'), star]), 'file.path'))).toBe('file.path LIKE "@~*"');
  });
});

describe('elastic-esql NOT (three-valued logic)', () => {
  it('pushes NOT to the leaves so an absent field makes it true', () => {
    expect(where(not(or([m(str([lit('a')]), 'file.path'), m(num(3), 'process.pid')], span), span))).toBe(
      '(file.path IS NULL OR TO_LOWER(file.path) != "a") AND (process.pid IS NULL OR process.pid != 3)',
    );
    expect(where(not(and([m(str([lit('a'), star]), 'file.path'), m({ kind: 'null' }, 'G')], span), span))).toBe(
      'file.path IS NULL OR TO_LOWER(file.path) NOT LIKE "a*" OR G IS NOT NULL',
    );
  });

  it('negates converting tests with COALESCE, true for text that does not convert', () => {
    expect(where(not(m({ kind: 'cidr', network: '10.0.0.0/8', version: 4, prefixLength: 8 }, 'winlog.event_data.IpAddress'), span))).toBe(
      'NOT COALESCE(CIDR_MATCH(TO_IP(winlog.event_data.IpAddress), "10.0.0.0/8"), FALSE)',
    );
    expect(where(not(m({ kind: 'compare', op: 'gt', value: 5 }, 'G'), span))).toBe('NOT COALESCE(TO_DOUBLE(G) > 5, FALSE)');
  });
});

describe('elastic-esql numbers, booleans, null, exists', () => {
  it('writes a number by the field type: numeric, keyword, unknown', () => {
    expect(where(m(num(4688), 'process.pid'))).toBe('process.pid == 4688');
    expect(where(m(num(4688), 'event.code'))).toBe('event.code == "4688"');
    expect(where(m(num(4688), 'EventID'))).toBe('TO_STRING(EventID) == "4688"');
    expect(errors(m(num(Number.NaN)))[0]).toMatch(/the number NaN/);
  });

  it('matches booleans as their text in any case, null and exists as IS NULL', () => {
    expect(where(m({ kind: 'boolean', value: true }, 'G'))).toBe('TO_LOWER(TO_STRING(G)) == "true"');
    expect(where(m({ kind: 'null' }, 'G'))).toBe('G IS NULL');
    expect(where(m({ kind: 'exists', exists: true }, 'G'))).toBe('G IS NOT NULL');
    expect(where(not(m({ kind: 'exists', exists: false }, 'G'), span))).toBe('G IS NOT NULL');
  });
});

describe('elastic-esql cidr, comparisons, fieldref, time parts', () => {
  it('uses CIDR_MATCH directly on ip fields and through TO_IP elsewhere, IPv4 and IPv6', () => {
    expect(where(m({ kind: 'cidr', network: 'fe80::/10', version: 6, prefixLength: 10 }, 'source.ip'))).toBe('CIDR_MATCH(source.ip, "fe80::/10")');
    expect(where(not(m({ kind: 'cidr', network: '10.0.0.0/8', version: 4, prefixLength: 8 }, 'source.ip'), span))).toBe(
      'source.ip IS NULL OR NOT CIDR_MATCH(source.ip, "10.0.0.0/8")',
    );
    expect(where(m({ kind: 'cidr', network: '10.0.0.0/8', version: 4, prefixLength: 8 }, 'G'))).toBe('CIDR_MATCH(TO_IP(G), "10.0.0.0/8")');
  });

  it('compares numbers directly on numeric fields, through TO_DOUBLE elsewhere, and refuses ip fields', () => {
    expect(where(m({ kind: 'compare', op: 'gte', value: 1024 }, 'destination.port'))).toBe('destination.port >= 1024');
    expect(where(m({ kind: 'compare', op: 'lt', value: 2.5 }, 'G'))).toBe('TO_DOUBLE(G) < 2.5');
    expect(errors(m({ kind: 'compare', op: 'lt', value: 5 }, 'source.ip'))[0]).toMatch(/numeric comparison of the ip field/);
  });

  it('compares two fields as text, lowercased unless cased, NULL-safe under NOT', () => {
    const ref = (match: 'equals' | 'startswith' | 'endswith' | 'contains', cased = false): SigmaValue => ({ kind: 'fieldref', field: 'user.name', match, cased });
    expect(where(m(ref('equals'), 'G'))).toBe('TO_LOWER(TO_STRING(G)) == TO_LOWER(user.name)');
    expect(where(m(ref('startswith', true), 'G'))).toBe('STARTS_WITH(TO_STRING(G), user.name)');
    expect(where(m(ref('endswith'), 'file.name'))).toBe('ENDS_WITH(TO_LOWER(file.name), TO_LOWER(user.name))');
    expect(where(m(ref('contains'), 'file.name'))).toBe('LOCATE(TO_LOWER(file.name), TO_LOWER(user.name)) > 0');
    expect(where(not(m(ref('equals', true), 'file.name'), span))).toBe('file.name IS NULL OR user.name IS NULL OR NOT file.name == user.name');
  });

  it('extracts time parts of date fields only, and refuses weeks', () => {
    expect(where(m({ kind: 'timepart', part: 'hour', value: 3 }, '@timestamp'))).toBe('DATE_EXTRACT("hour_of_day", @timestamp) == 3');
    expect(errors(m({ kind: 'timepart', part: 'hour', value: 3 }, 'G'))[0]).toMatch(/DATE_EXTRACT needs a date-typed field/);
    expect(errors(m({ kind: 'timepart', part: 'week', value: 3 }, '@timestamp'))[0]).toMatch(/week numbers/);
  });
});

describe('elastic-esql converting tests in the evaluator', () => {
  const q = (e: Expr): string => {
    const r = convertExpr(e, 'elastic-esql');
    if (!r.ok) throw new Error('refused');
    return r.value.query;
  };
  const matches = (query: string, event: Record<string, string | number>, types: Record<string, 'keyword' | 'long' | 'ip'> = {}): boolean => {
    const r = esqlWhere(query, event, { types });
    if (!r.ok) throw new Error(r.error);
    return r.matches;
  };
  const cidr: SigmaValue = { kind: 'cidr', network: '10.0.0.0/8', version: 4, prefixLength: 8 };

  it('cidr on a keyword field: in, out, not an address, absent; and its negation', () => {
    const pos = q(m(cidr, 'G'));
    const neg = q(not(m(cidr, 'G'), span));
    const types = { G: 'keyword' as const };
    expect([matches(pos, { G: '10.1.2.3' }, types), matches(pos, { G: '11.1.2.3' }, types), matches(pos, { G: 'nope' }, types), matches(pos, {}, types)]).toEqual([true, false, false, false]);
    expect([matches(neg, { G: '10.1.2.3' }, types), matches(neg, { G: '11.1.2.3' }, types), matches(neg, { G: 'nope' }, types), matches(neg, {}, types)]).toEqual([false, true, true, true]);
  });

  it('gt on text and on a long, and its negation on text that is not a number', () => {
    const gt: SigmaValue = { kind: 'compare', op: 'gt', value: 5 };
    expect(matches(q(m(gt, 'G')), { G: '7' }, { G: 'keyword' })).toBe(true);
    expect(matches(q(m(gt, 'G')), { G: 'x' }, { G: 'keyword' })).toBe(false);
    expect(matches(q(not(m(gt, 'G'), span)), { G: 'x' }, { G: 'keyword' })).toBe(true);
    expect(matches(q(m(gt, 'process.pid')), { 'process.pid': 6 }, { 'process.pid': 'long' })).toBe(true);
    expect(matches(q(not(m(gt, 'process.pid'), span)), {}, { 'process.pid': 'long' })).toBe(true);
  });

  it('fieldref compares as text, case-insensitively, and its negation holds when either field is absent', () => {
    const ref: SigmaValue = { kind: 'fieldref', field: 'H', match: 'endswith', cased: false };
    const types = { G: 'keyword' as const, H: 'keyword' as const };
    expect(matches(q(m(ref, 'G')), { G: 'C:\\X.EXE', H: 'x.exe' }, types)).toBe(true);
    expect(matches(q(m(ref, 'G')), { G: 'a', H: 'b' }, types)).toBe(false);
    expect(matches(q(not(m(ref, 'G'), span)), { G: 'a' }, types)).toBe(true);
  });
});

describe('elastic-esql regular expressions', () => {
  const re = (pattern: string, ignoreCase = false): SigmaValue => ({ kind: 'regex', pattern, flags: { ignoreCase, multiline: false, dotAll: false } });

  it('writes RLIKE with the Lucene translation inside a string literal, NULL-safe under NOT', () => {
    expect(where(m(re('\\.exe$'), 'file.path'))).toBe('file.path RLIKE ".*\\\\.exe\\n?"');
    expect(where(m(re('^a'), 'G'))).toBe('TO_STRING(G) RLIKE "a.*"');
    expect(where(not(m(re('^a', true), 'file.path'), span))).toBe('file.path IS NULL OR file.path NOT RLIKE "[Aa].*"');
  });

  it('refuses what Lucene cannot say, naming the construct', () => {
    expect(errors(m(re('a(?=b)'), 'file.path'))[0]).toMatch(/^unsupported-construct: elastic-esql cannot express .*lookahead/i);
  });
});

describe('elastic-esql lists, keywords, names, sources', () => {
  it('folds values without wildcards into IN lists, one per left-hand side', () => {
    const e = or([m(str([lit('A')]), 'file.name'), m(str([lit('b'), star]), 'file.name'), m(str([lit('C')]), 'file.name'), m(num(5), 'file.name')], span);
    // The folded comparisons stand where the first folded value stood.
    expect(where(e)).toBe('TO_LOWER(file.name) IN ("a", "c") OR file.name == "5" OR TO_LOWER(file.name) LIKE "b*"');
    expect(where(not(e, span))).toBe(
      '(file.name IS NULL OR (TO_LOWER(file.name) NOT IN ("a", "c") AND file.name != "5")) AND (file.name IS NULL OR TO_LOWER(file.name) NOT LIKE "b*")',
    );
    expect(where(or([m(num(1), 'event.code'), m(num(2), 'event.code')], span))).toBe('event.code IN ("1", "2")');
    expect(where(or([m(num(1), 'process.pid'), m(num(2), 'process.pid')], span))).toBe('process.pid IN (1, 2)');
  });

  it('searches keywords as case-insensitive substrings of message', () => {
    expect(where(m(str([lit('Mimikatz')]), null))).toBe('TO_LOWER(message) LIKE "*mimikatz*"');
    expect(where(not(m(num(42), null), span))).toBe('message IS NULL OR message NOT LIKE "*42*"');
  });

  it('quotes field names that are not plain identifiers or that spell a keyword', () => {
    expect(esqlFieldName('winlog.event_data.ShareName')).toBe('winlog.event_data.ShareName');
    expect(esqlFieldName('@timestamp')).toBe('@timestamp');
    expect(esqlFieldName('c-uri')).toBe('`c-uri`');
    expect(esqlFieldName('a.not.b')).toBe('`a.not.b`');
    expect(esqlFieldName('Some Field')).toBe('`Some Field`');
    expect(esqlFieldName('_')).toBe('`_`');
    expect(where(m(str([lit('x')]), 'a b'))).toBe('TO_LOWER(TO_STRING(`a b`)) == "x"');
    expect(errors(m(str([lit('x')]), 'a`b'))[0]).toMatch(/backquote/);
  });

  it('writes the source as index patterns and refuses others', () => {
    const ok = convertExpr(m(num(1), 'process.pid'), 'elastic-esql', { source: 'winlogbeat-*,logs-*' });
    expect(ok.ok && ok.value.query).toBe('FROM winlogbeat-*, logs-*\n| WHERE process.pid == 1');
    const r = convertExpr(m(num(1), 'process.pid'), 'elastic-esql', { source: 'bad|index' });
    expect(r.ok).toBe(false);
  });

  it('knows the ECS types of the fields ecs-windows writes', () => {
    expect(fieldKind('winlog.event_data.CommandLine')).toBe('string');
    expect(fieldKind('winlog.event_data.')).toBe('unknown');
    expect(fieldKind('source.ip')).toBe('ip');
    expect(fieldKind('Image')).toBe('unknown');
  });

  it('converts PsExec through the CLI with the ecs-windows pipeline and its index patterns', async () => {
    const io = memoryIo();
    expect(await runCli(['convert', '-t', 'elastic-esql', PSEXEC_RULE], io)).toBe(0);
    expect(io.out).toMatch(/^FROM winlogbeat-\*, logs-\*\n\| WHERE winlog\.channel == "Security" AND event\.code == "5145" AND /);
  });
});
