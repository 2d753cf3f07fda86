import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { and, type Expr, match, not, or } from '../../../src/ast/expr.js';
import type { SigmaValue, StringPart } from '../../../src/ast/value.js';
import { pointSpan } from '../../../src/diagnostics/span.js';
import { convertExpr } from '../../../src/lower/convert-expr.js';
import { lowerExpr } from '../../../src/lower/engine.js';
import { CASE_INSENSITIVE_FIELDS, elasticKql, escapeUnquoted } from '../../../src/targets/elastic-kql/elastic-kql.js';
import { arbitraryEvent, arbitraryExpr, arbitraryString } from '../../support/arbitrary-expr.js';
import { evaluateExpr } from '../../support/evaluate-expr.js';
import { evaluateKql, parseKql } from './kql-evaluator.js';

const span = pointSpan('rule.yml', 7, 9);
const lit = (text: string): StringPart => ({ kind: 'literal', text });
const star: StringPart = { kind: 'wildcard-multi' };
const str = (parts: StringPart[], cased = false): SigmaValue => ({ kind: 'string', parts, cased });
const m = (value: SigmaValue, field: string | null = 'F'): Expr => match(field, value, span);
const CI = { [CASE_INSENSITIVE_FIELDS]: true };

function query(e: Expr, targetOptions: Record<string, boolean> = CI): string {
  const r = convertExpr(e, 'elastic-kql', { targetOptions });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  parseKql(r.value.query); // every emitted query must parse with Kibana's grammar
  return r.value.query;
}

function errors(e: Expr, targetOptions: Record<string, boolean> = CI): string[] {
  const r = lowerExpr(e, elasticKql, { targetOptions });
  return r.ok ? [] : r.diagnostics.map((d) => `${d.code} ${d.span.line}:${d.span.column}: ${d.message}`);
}

describe('elastic-kql values without wildcards are quoted phrases', () => {
  it.each([
    ['plain', 'cmd.exe', 'F:"cmd.exe"'],
    ['backslash', 'C:\\Windows', 'F:"C:\\\\Windows"'],
    ['trailing backslash', 'a\\', 'F:"a\\\\"'],
    ['quote', 'say "hi"', 'F:"say \\"hi\\""'],
    ['literal star needs no escape in quotes', 'a*b', 'F:"a*b"'],
    ['keywords stay inside quotes', 'a or b and not c', 'F:"a or b and not c"'],
    ['specials', '():<>{}|', 'F:"():<>{}|"'],
    ['tab and newline', 'a\tb\nc', 'F:"a\\tb\\nc"'],
    ['edge spaces are kept in quotes', ' a ', 'F:" a "'],
    ['empty string', '', 'F:""'],
    ['the PsExec share name', '\\\\*\\IPC$', 'F:"\\\\\\\\*\\\\IPC$"'],
  ])('%s', (_name, text, expected) => {
    expect(query(m(str(text === '' ? [] : [lit(text)])))).toBe(expected);
  });
});

describe('elastic-kql wildcard values are escaped unquoted literals', () => {
  it.each([
    ['each special character', '\\():<>"*{}', '\\\\\\(\\)\\:\\<\\>\\"\\*\\{\\}'],
    ['literal star', 'a*b', 'a\\*b'],
    ['keywords between spaces', 'x or y and z', 'x \\or y \\and z'],
    // `\not` would read as a line break + "ot"; the t is written as a unicode escape instead.
    ['not before a space, anywhere', 'cannot stop', 'canno\\u0074 stop'],
    ['NOT before NBSP', 'NOT\u00a0x', 'NO\\u0054\u00a0x'],
    ['keywords at the end (a joiner may follow)', 'x or', 'x \\or'],
    ['not at the end', 'cannot', 'canno\\u0074'],
    ['keywords not between spaces stay', 'color andy', 'color andy'],
    ['upper-case keywords', 'A OR B', 'A \\OR B'],
    ['whitespace escapes', 'a\tb\r\n', 'a\\tb\\r\\n'],
  ])('%s', (_name, text, expected) => {
    expect(escapeUnquoted(text)).toBe(expected);
    expect(query(m(str([lit(text), star])))).toBe(`F:${expected}*`);
  });

  it('writes contains, startswith, endswith and a lone *', () => {
    expect(query(m(str([star, lit('a b'), star])))).toBe('F:*a b*');
    expect(query(m(str([lit('PSEXESVC'), star])))).toBe('F:PSEXESVC*');
    expect(query(m(str([star, lit('.exe')])))).toBe('F:*.exe');
    expect(query(m(str([star])))).toBe('F:*');
  });

  it('refuses a wildcard value with edge whitespace (KQL trims unquoted values)', () => {
    expect(errors(m(str([lit(' a'), star])))).toEqual([
      'unsupported-construct 7:9: elastic-kql cannot express a wildcard value that starts or ends with whitespace exactly: KQL trims unquoted values, and quoted values have no wildcards; convert this rule for another target, or skip it (--skip-unsupported)',
    ]);
  });
});

describe('elastic-kql structure and value kinds', () => {
  it('folds lists and keeps precedence', () => {
    expect(query(and([or([m(str([lit('a')])), m(str([lit('b'), star]))], span), not(m(str([lit('c')]), 'G'), span)], span))).toBe(
      'F:("a" or b*) and not G:"c"',
    );
    expect(query(or([and([m(str([lit('a')])), m(str([lit('b')]), 'G')], span), m({ kind: 'number', value: 1 }, 'H')], span))).toBe(
      '(F:"a" and G:"b") or H:1',
    );
    expect(query(not(m({ kind: 'null' }), span))).toBe('not (not F:*)');
  });

  it.each<[string, SigmaValue, string]>([
    ['number', { kind: 'number', value: 5145 }, 'F:5145'],
    ['boolean', { kind: 'boolean', value: true }, 'F:true'],
    ['null', { kind: 'null' }, 'not F:*'],
    ['exists', { kind: 'exists', exists: true }, 'F:*'],
    ['not exists', { kind: 'exists', exists: false }, 'not F:*'],
    ['cidr v4', { kind: 'cidr', network: '10.0.0.0/8', version: 4, prefixLength: 8 }, 'F:10.0.0.0/8'],
    ['cidr v6', { kind: 'cidr', network: '2001:db8::/32', version: 6, prefixLength: 32 }, 'F:2001\\:db8\\:\\:/32'],
    ['compare', { kind: 'compare', op: 'lt', value: 10 }, 'F < 10'],
  ])('%s', (_name, value, expected) => {
    expect(query(m(value))).toBe(expected);
  });

  it('writes keywords as free text', () => {
    expect(query(or([m(str([lit('evil "x"')]), null), m(str([star, lit('mimikatz'), star]), null)], span))).toBe(
      '"evil \\"x\\"" or *mimikatz*',
    );
  });

  it('escapes field names', () => {
    expect(query(m(str([lit('1')]), 'a:b*c'))).toBe('a\\:b\\*c:"1"');
  });
});

describe('elastic-kql refusals', () => {
  const re: SigmaValue = { kind: 'regex', pattern: 'a.c', flags: { ignoreCase: false, multiline: false, dotAll: false } };
  it.each<[string, SigmaValue, string]>([
    ['regex', re, 'a regular expression (re) exactly: KQL has no regular expressions'],
    ['single wildcard', str([lit('a'), { kind: 'wildcard-single' }]), 'a single-character wildcard (?) exactly: KQL has no single-character wildcard'],
    ['fieldref', { kind: 'fieldref', field: 'G', match: 'equals', cased: false }, 'a field reference (fieldref) exactly: KQL cannot compare two fields'],
    ['timepart', { kind: 'timepart', part: 'month', value: 2 }, 'a time-part match (minute/hour/day/week/month/year) exactly: KQL cannot extract a part of a date'],
  ])('%s', (_name, value, text) => {
    expect(errors(m(value))).toEqual([
      `unsupported-construct 7:9: elastic-kql cannot express ${text}; convert this rule for another target, or skip it (--skip-unsupported)`,
    ]);
  });

  it('refuses case-insensitive letters by default and names the option', () => {
    expect(errors(m(str([lit('cmd')])), {})).toEqual([
      "unsupported-construct 7:9: elastic-kql cannot express a case-insensitive match of 'cmd' exactly: KQL matches keyword fields as the mapping says, case-sensitively by default (--target elastic-esql matches case-insensitively with no assumption about the mapping); the target option 'case-insensitive-fields' makes it exact if your data fits (your string fields match case-insensitively, e.g. keyword fields with a lowercase normalizer); otherwise skip the rule (--skip-unsupported)",
    ]);
    // Without letters, case cannot matter; cased is exact on case-sensitive keyword fields.
    expect(query(m(str([lit('5-1')])), {})).toBe('F:"5-1"');
    expect(query(m(str([lit('Cmd')], true)), {})).toBe('F:"Cmd"');
  });

  it('refuses cased when fields are declared case-insensitive', () => {
    expect(errors(m(str([lit('Cmd')], true)))).toEqual([
      "unsupported-construct 7:9: elastic-kql cannot express a case-sensitive match (cased) of 'Cmd' exactly: with 'case-insensitive-fields' set, fields are declared to match case-insensitively; convert this rule for another target, or skip it (--skip-unsupported)",
    ]);
  });
});

describe('elastic-kql meaning (round trip through a parser written from Kibana\'s grammar)', () => {
  const CHARS = ['a', 'B', '\\', '"', ' ', '*', '(', ':', 'or', 'and ', 'not ', '\t', '{', ')', '<', '>', '}', '\n', '\r', '\u00a0', 'ot '];
  it('parses and matches exactly the events the rule matches (case-insensitive fields)', () => {
    fc.assert(
      fc.property(arbitraryExpr(arbitraryString(CHARS, true)), fc.array(arbitraryEvent(CHARS), { maxLength: 10 }), (expr, events) => {
        const r = lowerExpr(expr, elasticKql, { targetOptions: CI });
        fc.pre(r.ok); // edge-whitespace wildcard values are refused (tested above)
        if (!r.ok) return;
        const parsed = parseKql(r.value.expression);
        for (const event of events) expect(evaluateKql(parsed, event, true)).toBe(evaluateExpr(expr, event));
      }),
      { numRuns: Number(process.env.RUNS ?? 400) },
    );
  });
});

describe('elastic-kql texts Kibana reads as something else', () => {
  const eval1 = (e: Expr, event: Record<string, string>, options: Record<string, boolean> = CI) =>
    evaluateKql(parseKql(query(e, options)), event, options[CASE_INSENSITIVE_FIELDS] === true);

  it.each(['null', 'true', 'false'])('quotes the field name %s (unquoted, it is a literal, not a name)', (name) => {
    const e = m(str([lit('x')]), name);
    expect(query(e)).toBe(`"${name}":"x"`);
    expect(eval1(e, { [name]: 'X' })).toBe(true);
    expect(eval1(e, { other: 'x' })).toBe(false);
    expect(query(m({ kind: 'number', value: 1 }, name))).toBe(`"${name}":1`);
  });

  it('quotes field names with edge whitespace instead of refusing them (a quoted name is not trimmed)', () => {
    const e = m(str([lit('x')]), ' F ');
    expect(query(e)).toBe('" F ":"x"');
    expect(eval1(e, { ' F ': 'x' })).toBe(true);
    expect(eval1(e, { F: 'x' })).toBe(false);
    // Other names stay unquoted.
    expect(query(m(str([lit('x')]), 'nullable'))).toBe('nullable:"x"');
  });

  it('matches booleans case-insensitively, so they need case-insensitive-fields', () => {
    const t = m({ kind: 'boolean', value: true });
    expect(errors(t, {})).toEqual([
      "unsupported-construct 7:9: elastic-kql cannot express a case-insensitive match of 'true' exactly: KQL matches keyword fields as the mapping says, case-sensitively by default (--target elastic-esql matches case-insensitively with no assumption about the mapping); the target option 'case-insensitive-fields' makes it exact if your data fits (your string fields match case-insensitively, e.g. keyword fields with a lowercase normalizer); otherwise skip the rule (--skip-unsupported)",
    ]);
    expect(query(t)).toBe('F:true');
    for (const actual of ['true', 'True', 'TRUE', 'false', 'yes']) {
      expect(eval1(t, { F: actual })).toBe(evaluateExpr(t, { F: actual }));
    }
    expect(eval1(not(m({ kind: 'boolean', value: false }), span), { F: 'False' })).toBe(false);
  });

  it("refuses a wildcard value whose text contains Kibana's wildcard marker", () => {
    const marker = '@kuery-wildcard@';
    expect(errors(m(str([lit(`a${marker}b`), star])))).toEqual([
      `unsupported-construct 7:9: elastic-kql cannot express a wildcard value containing the text '${marker}' exactly: Kibana marks wildcards with that text internally, so it would read it as a *; convert this rule for another target, or skip it (--skip-unsupported)`,
    ]);
    expect(errors(m(str([star, lit(marker)]), null))).toHaveLength(1);
    // Quoted (no wildcard), the marker is plain text.
    const exact = m(str([lit(`a${marker}b`)]));
    expect(eval1(exact, { F: `a${marker}b` })).toBe(true);
    expect(eval1(exact, { F: 'axb' })).toBe(false);
  });

  it('the evaluator reads the marker inside an unquoted wildcard value as a wildcard (as Kibana does)', () => {
    const parsed = parseKql('F:a@kuery-wildcard@b*');
    expect(evaluateKql(parsed, { F: 'axxb' })).toBe(true);
    // An unquoted field null is no field: Kibana runs free text, which the evaluator does not model.
    expect(() => evaluateKql(parseKql('null:"x"'), { null: 'x' }, true)).toThrow(/free text/);
  });
});

describe('elastic-kql PsExec on sample events', () => {
  it('matches the attack and not the filtered service', async () => {
    const { psexecExpr } = await import('../../support/psexec-expr.js');
    const r = lowerExpr(psexecExpr, elasticKql, { targetOptions: CI });
    if (!r.ok) throw new Error('refused');
    const parsed = parseKql(r.value.expression);
    const base = { EventID: '5145', ShareName: '\\\\*\\ipc$' };
    const events = [
      { ...base, RelativeTargetName: 'evil-stdin' },
      { ...base, RelativeTargetName: 'PSEXESVC-host-stdin' },
      { ...base, ShareName: '\\\\host\\IPC$', RelativeTargetName: 'evil-stdin' },
      { ...base, RelativeTargetName: 'evil-stdin.txt' },
    ];
    expect(events.map((e) => evaluateKql(parsed, e, true))).toEqual([true, false, false, false]);
    expect(events.map((e) => evaluateExpr(psexecExpr, e))).toEqual([true, false, false, false]);
  });
});

describe('elastic-kql: values a pipeline names in the log\'s exact spelling (StringValue.canonical)', () => {
  const channel: SigmaValue = { kind: 'string', parts: [lit('Security')], cased: false, canonical: true };
  it('are exact with and without case-insensitive-fields: the field never holds another casing', () => {
    expect(query(m(channel, 'winlog.channel'), {})).toBe('winlog.channel:"Security"');
    expect(query(m(channel, 'winlog.channel'), CI)).toBe('winlog.channel:"Security"');
  });
  it('do not lift the refusal for ordinary values next to them', () => {
    const rule = and([m(channel, 'winlog.channel'), m(str([lit('cmd.exe')]), 'process.name')], span);
    expect(errors(rule, {})).toHaveLength(1);
    expect(errors(rule, {})[0]).toMatch(/case-insensitive match of 'cmd\.exe'/);
  });
});
