import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { and, type Expr, match, not, or } from '../../../src/ast/expr.js';
import type { SigmaValue, StringPart } from '../../../src/ast/value.js';
import { pointSpan } from '../../../src/diagnostics/span.js';
import { convertExpr } from '../../../src/lower/convert-expr.js';
import { lowerExpr } from '../../../src/lower/engine.js';
import { type PatternPart, partsToRegex } from '../../../src/lower/string-shape.js';
import { normalizeParts } from '../../../src/value/sigma-string.js';
import { sigmaStringToPcre, splunk } from '../../../src/targets/splunk/splunk.js';
import { arbitraryEvent, arbitraryExpr, arbitraryString, arbitraryText } from '../../support/arbitrary-expr.js';
import { evaluateExpr, sigmaPattern } from '../../support/evaluate-expr.js';
import { evaluateSearch, parseSearch } from './search-evaluator.js';
import { evaluateWhere, parseWhere, pcreFromEvalLiteral } from './where-evaluator.js';

const span = pointSpan('rule.yml', 7, 9);
const lit = (text: string): PatternPart => ({ kind: 'literal', text });
const star: PatternPart = { kind: 'wildcard-multi' };
const qm: PatternPart = { kind: 'wildcard-single' };
const str = (parts: StringPart[], cased = false): SigmaValue => ({ kind: 'string', parts, cased });
const m = (value: SigmaValue, field: string | null = 'F'): Expr => match(field, value, span);

function query(e: Expr, source?: string): string {
  const r = convertExpr(e, 'splunk', source === undefined ? {} : { source });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.value.query;
}

function errors(e: Expr): string[] {
  const r = lowerExpr(e, splunk);
  return r.ok ? [] : r.diagnostics.map((d) => `${d.code}: ${d.message}`);
}

describe('splunk search escaping', () => {
  // docs "Backslashes": \\ is a backslash, \" a quote inside a quoted search string.
  it.each([
    ['backslash', 'a\\b', 'F="a\\\\b"'],
    ['trailing backslash', 'a\\', 'F="a\\\\"'],
    ['only a backslash', '\\', 'F="\\\\"'],
    ['quote', 'say "hi"', 'F="say \\"hi\\""'],
    ['pipe', 'a | b', 'F="a | b"'],
    ['equals and parentheses', 'x=(1)', 'F="x=(1)"'],
    ['boolean words', 'a OR b AND NOT c', 'F="a OR b AND NOT c"'],
    ['empty string', '', 'F=""'],
    ['mixed', '\\"\\', 'F="\\\\\\"\\\\"'],
  ])('%s', (_name, text, expected) => {
    expect(query(m(str(text === '' ? [] : [lit(text)])))).toBe(expected);
  });

  it('keeps wildcards and a backslash before a wildcard', () => {
    expect(query(m(str([star, lit('\\cmd.exe')])))).toBe('F="*\\\\cmd.exe"');
    expect(query(m(str([lit('C:\\'), star])))).toBe('F="C:\\\\*"');
    expect(query(m(str([star])))).toBe('F="*"');
  });

  it('folds same-field alternatives into IN', () => {
    expect(query(or([m(str([lit('a')])), m(str([star, lit('b')])), m({ kind: 'number', value: 3 }, 'G')], span))).toBe(
      'F IN ("a", "*b") OR G=3',
    );
  });
});

describe('splunk exact post-filter', () => {
  it('sends a literal * to where and keeps a wildcard superset in search', () => {
    expect(query(m(str([lit('a*b')])))).toBe('F="a*b"\n| where match(F, "(?i)^a\\\\*b\\\\z")');
  });

  it('sends ? to where (never as *)', () => {
    expect(query(m(str([lit('a'), qm, lit('c')])))).toBe('F="a*c"\n| where match(F, "(?is)^a.c\\\\z")');
  });

  it('sends cased to where with a case-sensitive regex', () => {
    expect(query(m(str([lit('Ab'), star], true)))).toBe('F="Ab*"\n| where match(F, "^Ab")');
  });

  it('keeps a regex inside an OR inside one where expression', () => {
    const re: SigmaValue = { kind: 'regex', pattern: 'a\\d"', flags: { ignoreCase: true, multiline: false, dotAll: false } };
    expect(query(or([m(re), m(str([lit('x')]), 'G')], span))).toBe(
      // The regex has no superset in search, so the pre-filter of the OR is every event.
      '*\n| where match(F, "(?i)a\\\\d\\"") OR match(G, "(?i)^x\\\\z")',
    );
  });

  it('writes NOT in where so that an absent field counts as not matching', () => {
    expect(query(and([m({ kind: 'number', value: 1 }, 'E'), not(m(str([lit('a*')])), span)], span))).toBe(
      'E=1\n| where isnull(F) OR NOT match(F, "(?i)^a\\\\*\\\\z")',
    );
  });

  it('names an index when a source is given', () => {
    expect(query(or([m(str([lit('a')]), 'F'), m(str([lit('b')]), 'G')], span), 'wineventlog')).toBe('index=wineventlog (F="a" OR G="b")');
  });
});

describe('splunk value kinds', () => {
  it.each<[string, SigmaValue, string]>([
    ['number', { kind: 'number', value: 5145 }, 'F=5145'],
    ['boolean', { kind: 'boolean', value: false }, 'F="false"'],
    ['null', { kind: 'null' }, 'NOT F=*'],
    ['exists', { kind: 'exists', exists: true }, 'F=*'],
    ['not exists', { kind: 'exists', exists: false }, 'NOT F=*'],
    ['cidr v4', { kind: 'cidr', network: '10.0.0.0/8', version: 4, prefixLength: 8 }, 'F="10.0.0.0/8"'],
    ['cidr v6', { kind: 'cidr', network: '2001:db8::/32', version: 6, prefixLength: 32 }, 'F="2001:db8::/32"'],
    ['compare', { kind: 'compare', op: 'gte', value: 5 }, 'F=*\n| where tonumber(F)>=5'],
    ['fieldref', { kind: 'fieldref', field: 'G', match: 'equals', cased: false }, '*\n| where lower(F)==lower(G)'],
    ['fieldref cased startswith', { kind: 'fieldref', field: 'G', match: 'startswith', cased: true }, '*\n| where substr(F, 1, len(G))==G'],
  ])('%s', (_name, value, expected) => {
    expect(query(m(value))).toBe(expected);
  });

  it('writes keywords as quoted full-text terms', () => {
    expect(query(or([m(str([lit('evil "x"')]), null), m(str([star, lit('a\\b'), star]), null)], span))).toBe(
      '"evil \\"x\\"" OR "*a\\\\b*"',
    );
  });

  it('quotes awkward field names in where and refuses them in search', () => {
    expect(errors(m(str([lit('a')]), 'my field'))).toEqual([
      "unsupported-construct: splunk cannot express the field name 'my field' exactly: Splunk search cannot write it bare; rename it with a pipeline; convert this rule for another target, or skip it (--skip-unsupported)",
    ]);
    expect(query(m(str([lit('a*')]), 'a.b'))).toBe('a.b="a*"\n| where match(\'a.b\', "(?i)^a\\\\*\\\\z")');
  });
});

describe('splunk refusals', () => {
  it('refuses time parts, fieldref contains, and keywords it cannot make exact', () => {
    expect(errors(m({ kind: 'timepart', part: 'hour', value: 3 }))).toEqual([
      'unsupported-construct: splunk cannot express a time-part match (minute/hour/day/week/month/year) exactly: Splunk cannot extract a date part from an arbitrary field without knowing its format; convert this rule for another target, or skip it (--skip-unsupported)',
    ]);
    expect(errors(m({ kind: 'fieldref', field: 'G', match: 'contains', cased: false }))).toEqual([
      'unsupported-construct: splunk cannot express a fieldref contains match exactly: Splunk eval has no substring test between two fields (like() and match() would read the field as a pattern); convert this rule for another target, or skip it (--skip-unsupported)',
    ]);
    expect(errors(m(str([lit('a'), qm]), null))).toEqual([
      'unsupported-construct: splunk cannot express this keyword exactly: Splunk search has no single-character wildcard (?), and full-text search has no exact fallback; convert this rule for another target, or skip it (--skip-unsupported)',
    ]);
    expect(errors(m(str([lit('Ab')], true), null))).toEqual([
      'unsupported-construct: splunk cannot express a case-sensitive keyword (cased) exactly: Splunk full-text search is case-insensitive; convert this rule for another target, or skip it (--skip-unsupported)',
    ]);
  });
});

describe('splunk search meaning (round trip through a search-language evaluator)', () => {
  // Characters that stress quoting; no literal * (that goes to where) and letters in both cases.
  const CHARS = ['a', 'B', '\\', '"', ' ', '|', '(', 'OR', 'NOT ', '='];
  it('the search text matches exactly the events the rule matches', () => {
    fc.assert(
      fc.property(arbitraryExpr(arbitraryString(CHARS, true)), fc.array(arbitraryEvent(CHARS), { maxLength: 10 }), (expr, events) => {
        const r = lowerExpr(expr, splunk);
        if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
        expect(r.value.postFilter).toBeNull();
        const parsed = parseSearch(r.value.expression);
        for (const event of events) expect(evaluateSearch(parsed, event)).toBe(evaluateExpr(expr, event));
      }),
      { numRuns: Number(process.env.RUNS ?? 400) },
    );
  });
});

describe('splunk search and where meaning (round trip through both evaluators)', () => {
  // Literal * and ? (search cannot say them), wildcards of both kinds, random cased: the post-filter.
  const CHARS = ['a', 'B', '*', '?', '\\', '"', ' ', '.', '$', '(', 'OR', 'NOT ', '\n'];
  const part = fc.oneof(
    { weight: 3, arbitrary: arbitraryText(CHARS).map((text): StringPart => ({ kind: 'literal', text })) },
    { weight: 1, arbitrary: fc.constant<StringPart>(star) },
    { weight: 1, arbitrary: fc.constant<StringPart>(qm) },
  );
  const value = fc
    .tuple(fc.array(part, { minLength: 1, maxLength: 3 }), fc.boolean())
    .map(([parts, cased]): SigmaValue => ({ kind: 'string', parts: normalizeParts(parts.filter((p) => p.kind !== 'literal' || p.text !== '') as PatternPart[]), cased }));
  const leaf = fc.oneof(
    { weight: 6, arbitrary: value },
    { weight: 1, arbitrary: fc.constant<SigmaValue>({ kind: 'null' }) },
    { weight: 1, arbitrary: fc.boolean().map((exists): SigmaValue => ({ kind: 'exists', exists })) },
  );
  it('evaluateSearch(pre) && (no post-filter || evaluateWhere(post)) is the rule', () => {
    let withPost = 0;
    fc.assert(
      fc.property(arbitraryExpr(leaf), fc.array(arbitraryEvent(CHARS), { maxLength: 10 }), (expr, events) => {
        const r = lowerExpr(expr, splunk);
        if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
        const pre = parseSearch(r.value.expression);
        const post = r.value.postFilter === null ? null : parseWhere(r.value.postFilter);
        if (post !== null) withPost++;
        for (const event of events) {
          expect(evaluateSearch(pre, event) && (post === null || evaluateWhere(post, event))).toBe(evaluateExpr(expr, event));
        }
      }),
      { numRuns: Number(process.env.RUNS ?? 400) },
    );
    expect(withPost).toBeGreaterThan(50); // the post-filter is really exercised
  });

  it('the where evaluator keeps eval three-valued logic (NOT of an absent field is not true)', () => {
    expect(evaluateWhere(parseWhere('NOT match(F, "^a")'), {})).toBe(false);
    expect(evaluateWhere(parseWhere('isnull(F) OR NOT match(F, "^a")'), {})).toBe(true);
    expect(evaluateWhere(parseWhere('isnull(tonumber(F)) OR NOT tonumber(F)>=5'), { F: 'x' })).toBe(true);
    expect(evaluateWhere(parseWhere("lower(F)==lower('a.b')"), { F: 'X', 'a.b': 'x' })).toBe(true);
    expect(() => parseWhere('match(xor, "a")')).toThrow(/eval keyword/);
  });
});

describe('splunk field names that are operators', () => {
  it.each(['NOT', 'AND', 'OR', 'IN'])('refuses %s in search (Splunk reads NOT="x" as the operator)', (name) => {
    expect(errors(m(str([lit('x')]), name))).toEqual([
      `unsupported-construct: splunk cannot express the field name '${name}' exactly: Splunk search reads it as an operator; rename it with a pipeline; convert this rule for another target, or skip it (--skip-unsupported)`,
    ]);
  });

  it('keeps lower-case operator words bare in search (they are terms there)', () => {
    expect(query(m(str([lit('x')]), 'not'))).toBe('not="x"');
  });

  it.each(['not', 'Not', 'and', 'or', 'xor', 'XOR', 'like', 'Like'])('single-quotes %s in where (eval keywords ignore case)', (name) => {
    const e = and([m(str([lit('a*b')]), name), m(str([lit('c')], true), 'G')], span);
    const r = lowerExpr(e, splunk);
    if (!r.ok || r.value.postFilter === null) throw new Error('expected a post-filter');
    expect(r.value.postFilter).toBe(`match('${name}', "(?i)^a\\\\*b\\\\z") AND match(G, "^c\\\\z")`);
    const pre = parseSearch(r.value.expression);
    const post = parseWhere(r.value.postFilter);
    for (const event of [{ [name]: 'A*B', G: 'c' }, { [name]: 'aXb', G: 'c' }, { [name]: 'a*b', G: 'C' }, { G: 'c' }]) {
      expect(evaluateSearch(pre, event) && evaluateWhere(post, event)).toBe(evaluateExpr(e, event));
    }
    expect(query(m({ kind: 'fieldref', field: name, match: 'equals', cased: true }))).toBe(`*\n| where F=='${name}'`);
  });
});

describe('splunk where regex (two backslash layers)', () => {
  const quote = (s: string) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  const part = fc.oneof(
    arbitraryText(['a', 'B', '*', '?', '\\', '"', '.', '$', '^', '\n']).map((text): PatternPart => ({ kind: 'literal', text })),
    fc.constant<PatternPart>({ kind: 'wildcard-multi' }),
    fc.constant<PatternPart>({ kind: 'wildcard-single' }),
  );
  it('matches exactly what the Sigma string matches', () => {
    fc.assert(
      fc.property(fc.array(part, { maxLength: 4 }), fc.boolean(), fc.array(arbitraryText(['a', 'b', 'B', '*', '?', '\\', '"', '.', '$', '\n']), { maxLength: 12 }), (parts, cased, samples) => {
        const literal = quote(sigmaStringToPcre(parts, cased));
        const re = pcreFromEvalLiteral(literal);
        const reference = sigmaPattern(parts, cased);
        for (const s of samples) expect(re.test(s)).toBe(reference.test(s));
      }),
      { numRuns: 500 },
    );
  });

  it('escapes the PsExec share name through both layers', () => {
    expect(sigmaStringToPcre([lit('\\\\*\\IPC$')], false)).toBe('(?i)^\\\\\\\\\\*\\\\IPC\\$\\z');
    expect(partsToRegex([lit('a.b')], { multi: '.*', single: '.' })).toBe('a\\.b');
  });
});

describe('splunk PsExec on sample events', () => {
  it('the pre-filter keeps a superset and the where stage makes it exact', async () => {
    const { psexecExpr } = await import('../../support/psexec-expr.js');
    const r = lowerExpr(psexecExpr, splunk);
    if (!r.ok || r.value.postFilter === null) throw new Error('expected a post-filter');
    const search = parseSearch(r.value.expression);
    const where = /^match\(ShareName, ("(?:[^"\\]|\\.)*")\)$/.exec(r.value.postFilter);
    expect(where).not.toBeNull();
    const inner = where![1]!.slice(1, -1).replace(/\\([\\"])/g, '$1');
    const re = new RegExp(inner.replace(/^\(\?i\)/, '').replace(/\\z$/, '$'), 'iu');
    const base = { EventID: '5145', ShareName: '\\\\*\\ipc$' };
    const events = [
      { ...base, RelativeTargetName: 'evil-stdin' },
      { ...base, RelativeTargetName: 'PSEXESVC-host-stdin' },
      { ...base, ShareName: '\\\\host\\IPC$', RelativeTargetName: 'evil-stdin' },
    ];
    // The third event passes search (its * is a wildcard) and is removed by where.
    expect(events.map((e) => evaluateSearch(search, e))).toEqual([true, false, true]);
    expect(events.map((e) => evaluateSearch(search, e) && re.test(e.ShareName))).toEqual([true, false, false]);
    expect(events.map((e) => evaluateExpr(psexecExpr, e))).toEqual([true, false, false]);
  });
});
