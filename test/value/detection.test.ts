import { describe, expect, it } from 'vitest';
import type { Expr } from '../../src/ast/expr.js';
import type { FieldRefValue, SigmaValue, StringPart } from '../../src/ast/value.js';
import { pointSpan } from '../../src/diagnostics/span.js';
import { buildSearchIdentifier } from '../../src/value/detection.js';
import type { YamlNode } from '../../src/yaml/node.js';
import { build, errors, expr } from './helpers.js';

const L = (text: string): StringPart => ({ kind: 'literal', text });
const STAR: StringPart = { kind: 'wildcard-multi' };
const str = (...parts: StringPart[]): SigmaValue => ({ kind: 'string', parts, cased: false });
const cased = (...parts: StringPart[]): SigmaValue => ({ kind: 'string', parts, cased: true });
const m = (field: string | null, value: SigmaValue) => ({ kind: 'match', field, value });
const and = (...operands: unknown[]) => ({ kind: 'and', operands });
const or = (...operands: unknown[]) => ({ kind: 'or', operands });
const not = (operand: unknown) => ({ kind: 'not', operand });
const contains = (text: string) => str(STAR, L(text), STAR);
const D = ['-', '/', '\u2013', '\u2014', '\u2015'];
const errorCodes = (y: string) => errors(y).filter((d) => d.severity === 'error').map((d) => d.code);

describe('shapes (SPEC-DIGEST §3)', () => {
  it('map: entries ANDed; a single entry is the item itself', () => {
    expect(expr(`{ Image: 'a.exe', User: 'b' }`)).toEqual(and(m('Image', str(L('a.exe'))), m('User', str(L('b')))));
    expect(expr(`{ Image: 'a.exe' }`)).toEqual(m('Image', str(L('a.exe'))));
  });
  it('list value: ORed; with all: ANDed', () => {
    expect(expr(`{ Image|endswith: ['\\a.exe', '\\b.exe'] }`)).toEqual(or(m('Image', str(STAR, L('\\a.exe'))), m('Image', str(STAR, L('\\b.exe')))));
    expect(expr(`{ CommandLine|contains|all: ['x', 'y'] }`)).toEqual(and(m('CommandLine', contains('x')), m('CommandLine', contains('y'))));
  });
  it('list of maps: OR of ANDs', () => {
    expect(expr(`[ { A: 1, B: 2 }, { C: 'x' } ]`)).toEqual(
      or(and(m('A', { kind: 'number', value: 1 }), m('B', { kind: 'number', value: 2 })), m('C', str(L('x')))),
    );
  });
  it('list of scalars: keywords ORed; a single scalar: one keyword', () => {
    expect(expr(`[ 'evil', 'bad*' ]`)).toEqual(or(m(null, str(L('evil'))), m(null, str(L('bad'), STAR))));
    expect(expr(`'evil'`)).toEqual(m(null, str(L('evil'))));
  });
  it('keywords with modifiers: empty field name', () => {
    expect(expr(`{ '|all': ['POST', 200] }`)).toEqual(and(m(null, str(L('POST'))), m(null, { kind: 'number', value: 200 })));
    expect(expr(`{ '|contains': ['a', 'b'] }`)).toEqual(or(m(null, contains('a')), m(null, contains('b'))));
    expect(expr(`{ '|contains|all': ['a', 200] }`)).toEqual(and(m(null, contains('a')), m(null, contains('200'))));
  });
  it('a mixed list (scalars and maps) is ORed, as pySigma reads it', () => {
    expect(expr(`[ 'kw', { A: 'x' } ]`)).toEqual(or(m(null, str(L('kw'))), m('A', str(L('x')))));
  });
});

describe('scalar types', () => {
  it('null, number, boolean, empty string, float', () => {
    expect(expr(`{ A: null }`)).toEqual(m('A', { kind: 'null' }));
    expect(expr(`{ A: ~ }`)).toEqual(m('A', { kind: 'null' }));
    expect(expr(`{ EventID: 4688 }`)).toEqual(m('EventID', { kind: 'number', value: 4688 }));
    expect(expr(`{ A: 1.5 }`)).toEqual(m('A', { kind: 'number', value: 1.5 }));
    expect(expr(`{ Signed: false }`)).toEqual(m('Signed', { kind: 'boolean', value: false }));
    expect(expr(`{ A: '' }`)).toEqual(m('A', str()));
    expect(expr(`{ A: '4624' }`)).toEqual(m('A', str(L('4624'))));
  });
  it('a number under a string modifier is its decimal text', () => {
    expect(expr(`{ A|contains: 200 }`)).toEqual(m('A', contains('200')));
    expect(expr(`{ A|startswith: -5 }`)).toEqual(m('A', str(L('-5'), STAR)));
  });
  it('non-integers, booleans and null under a string modifier are refused', () => {
    expect(errors(`{ A|contains: 1.5 }`)).toEqual([
      { code: 'invalid-modifier-value', severity: 'error', message: 'contains needs text, and the number 1.5 may not be written as it was; quote it' },
    ]);
    expect(errors(`{ A|contains: true }`)[0]?.message).toBe("contains needs text, not true; quote the value ('true') if you mean the word");
    expect(errorCodes(`{ A|contains: null }`)).toEqual(['invalid-modifier-value']);
    expect(errorCodes(`{ A: .nan }`)).toEqual(['invalid-modifier-value']);
  });
  it('null inside a list is refused, also for keywords', () => {
    expect(errors(`{ A: ['x', null] }`)).toEqual([
      {
        code: 'detection-invalid',
        severity: 'error',
        message: "'A' has null inside a value list, which Sigma forbids; put 'A: null' in its own selection and combine it in the condition",
      },
    ]);
    expect(errorCodes(`[ 'x', null ]`)).toEqual(['detection-invalid']);
  });
  it('neq with null: NOT (field is null)', () => {
    expect(expr(`{ A|neq: null }`)).toEqual(not(m('A', { kind: 'null' })));
  });
});

describe('string modifiers', () => {
  it('contains / startswith / endswith do not double a *', () => {
    expect(expr(`{ A|contains: '*x' }`)).toEqual(m('A', contains('x')));
    expect(expr(`{ A|startswith: 'x*' }`)).toEqual(m('A', str(L('x'), STAR)));
    expect(expr(`{ A|endswith: '?x' }`)).toEqual(m('A', str(STAR, { kind: 'wildcard-single' }, L('x'))));
    expect(expr(`{ A|contains: '' }`)).toEqual(m('A', str(STAR)));
  });
  it('escapes survive the modifiers: Ryuk \\*.bak', () => {
    expect(expr(`{ CommandLine|contains: '\\*.bak' }`)).toEqual(m('CommandLine', contains('*.bak')));
  });
  it('cased', () => {
    expect(expr(`{ A|cased: 'Ab' }`)).toEqual(m('A', cased(L('Ab'))));
    expect(expr(`{ A|contains|cased: 'Ab' }`)).toEqual(m('A', cased(STAR, L('Ab'), STAR)));
  });
  it('expand and contains|expand; without expand % is literal', () => {
    expect(expr(`{ A|expand: '%Servers%' }`)).toEqual(m('A', str({ kind: 'placeholder', name: 'Servers' })));
    // A backslash before a placeholder must be doubled: under expand `\%` escapes the %.
    expect(expr(`{ A|contains|expand: '\\\\%DomainControllers%\\' }`)).toEqual(
      m('A', str(STAR, L('\\'), { kind: 'placeholder', name: 'DomainControllers' }, L('\\'), STAR)),
    );
    expect(expr(`{ A|contains|expand: '\\%DomainControllers%\\' }`)).toEqual(m('A', contains('%DomainControllers%\\')));
    expect(expr(`{ A|expand: '%DC-MACHINE-NAME%' }`)).toEqual(m('A', str({ kind: 'placeholder', name: 'DC-MACHINE-NAME' })));
    expect(expr(`{ A|contains: '%APPDATA%' }`)).toEqual(m('A', contains('%APPDATA%')));
  });
  it('neq: NOT of the OR of the values; with all NOT of the AND', () => {
    expect(expr(`{ A|neq: ['x', 'y'] }`)).toEqual(not(or(m('A', str(L('x'))), m('A', str(L('y'))))));
    expect(expr(`{ A|contains|all|neq: ['x', 'y'] }`)).toEqual(not(and(m('A', contains('x')), m('A', contains('y')))));
  });
  it('all with a single value: a warning citing the spec', () => {
    expect(errors(`{ A|contains|all: 'x' }`)).toEqual([
      {
        code: 'all-single-value',
        severity: 'warning',
        message: "'A|contains|all' uses all with a single value; the spec does not allow this (all links several values with AND) and it has no effect here",
      },
    ]);
    expect(build(`{ A|contains|all: ['x'] }`).ok).toBe(true);
    expect(errors(`{ A|contains|all: ['x'] }`)).toHaveLength(1);
  });
});

describe('windash', () => {
  it('contains|windash: the variants of one value ORed', () => {
    expect(expr(`{ CommandLine|contains|windash: ' -s ' }`)).toEqual(or(...D.map((d) => m('CommandLine', contains(` ${d}s `)))));
  });
  it('windash|contains gives the same', () => {
    expect(expr(`{ C|windash|contains: ' -s ' }`)).toEqual(expr(`{ C|contains|windash: ' -s ' }`));
  });
  it('endswith|windash', () => {
    expect(expr(`{ C|endswith|windash: ' /quiet' }`)).toEqual(or(...D.map((d) => m('C', str(STAR, L(` ${d}quiet`))))));
  });
  it('two flags: 25 variants', () => {
    const e = expr(`{ C|contains|windash: ' -s -i cmd' }`) as { kind: string; operands: unknown[] };
    expect(e.kind).toBe('or');
    expect(e.operands).toHaveLength(25);
  });
  it('with all: each value\'s variants ORed, values ANDed, plus a warning', () => {
    expect(expr(`{ C|contains|all|windash: [' -a', ' -b'] }`)).toEqual(
      and(or(...D.map((d) => m('C', contains(` ${d}a`)))), or(...D.map((d) => m('C', contains(` ${d}b`))))),
    );
    expect(errors(`{ C|contains|all|windash: [' -a', ' -b'] }`).map((d) => d.severity)).toEqual(['warning']);
  });
  it('a value without flags stays one match', () => {
    expect(expr(`{ C|contains|windash: 'abc' }`)).toEqual(m('C', contains('abc')));
  });
  it('refuses a value whose variants pass the limit', () => {
    const many = Array.from({ length: 6 }, (_, i) => ` -${String.fromCharCode(97 + i)}`).join('');
    expect(errors(`{ C|contains|windash: '${many}' }`)).toEqual([
      { code: 'invalid-modifier-value', severity: 'error', message: 'windash would turn this value into 15625 variants (limit 4096); split it into several values' },
    ]);
  });
});

describe('encodings', () => {
  it('base64offset|contains of cmd', () => {
    expect(expr(`{ C|base64offset|contains: 'cmd' }`)).toEqual(or(m('C', contains('Y21k')), m('C', contains('NtZ')), m('C', contains('jbW'))));
  });
  it('wide|base64offset|contains (corpus chain)', () => {
    expect(expr(`{ C|wide|base64offset|contains: 'cmd' }`)).toEqual(
      or(m('C', contains('YwBtAGQA')), m('C', contains('MAbQBkA')), m('C', contains('jAG0AZA'))),
    );
  });
  it('base64|contains (corpus chain) and base64 of wide / utf16 / utf16be', () => {
    expect(expr(`{ C|base64|contains: 'cmd' }`)).toEqual(m('C', contains('Y21k')));
    expect(expr(`{ C|wide|base64: 'cmd' }`)).toEqual(m('C', str(L('YwBtAGQA'))));
    expect(expr(`{ C|utf16le|base64: 'cmd' }`)).toEqual(m('C', str(L('YwBtAGQA'))));
    expect(expr(`{ C|utf16|base64: 'cmd' }`)).toEqual(m('C', str(L('//5jAG0AZAA='))));
    expect(expr(`{ C|utf16be|base64: 'cmd' }`)).toEqual(m('C', str(L('AGMAbQBk'))));
    expect(expr(`{ C|base64|base64: 'cmd' }`)).toEqual(m('C', str(L('WTIxaw=='))));
  });
  it('base64 of UTF-8 bytes; an escaped wildcard is a literal character and can be encoded', () => {
    expect(expr(`{ C|base64: 'é' }`)).toEqual(m('C', str(L('w6k='))));
    expect(expr(`{ C|base64: 'a\\*' }`)).toEqual(m('C', str(L('YSo='))));
  });
  it('base64offset of several values: each value\'s 3 fragments ORed, values ORed', () => {
    const e = expr(`{ C|base64offset|contains: ['cmd', 'ab'] }`) as { operands: { operands: unknown[] }[] };
    expect(e.operands).toHaveLength(2);
    expect(e.operands[1]?.operands).toEqual([m('C', contains('YW')), m('C', contains('Fi')), m('C', contains('hY'))]);
  });
  it('wildcards under an encoding are refused', () => {
    expect(errors(`{ C|base64|contains: 'a*b' }`)).toEqual([
      {
        code: 'invalid-modifier-value',
        severity: 'error',
        message: "base64 cannot encode wildcards or placeholders ('a*b'); escape * and ? as \\* and \\? if they are literal",
      },
    ]);
    expect(errorCodes(`{ C|base64offset|contains: 'a?b' }`)).toEqual(['invalid-modifier-value']);
    expect(errorCodes(`{ C|wide|base64: '*' }`)).toEqual(['invalid-modifier-value']);
    expect(errorCodes(`{ C|expand|base64: '%x%' }`)).toEqual(['invalid-modifier-value']);
  });
  it('base64offset of a 1-byte value is refused (an empty fragment would match everything)', () => {
    expect(errors(`{ C|base64offset|contains: 'a' }`)[0]?.message).toMatch(/^base64offset needs a value of at least 2 bytes/);
  });
  it('windash then base64offset: 5 variants x 3 alignments', () => {
    const e = expr(`{ C|windash|base64offset|contains: '-x' }`) as { operands: unknown[] };
    expect(e.operands).toHaveLength(15);
  });
});

describe('type modifiers', () => {
  it('re, with i/m/s; the pattern is kept as written', () => {
    const flags = { ignoreCase: false, multiline: false, dotAll: false };
    expect(expr(`{ A|re: '\\d+\\.exe$' }`)).toEqual(m('A', { kind: 'regex', pattern: '\\d+\\.exe$', flags }));
    expect(expr(`{ A|re|i: 'abc' }`)).toEqual(m('A', { kind: 'regex', pattern: 'abc', flags: { ...flags, ignoreCase: true } }));
    expect(expr(`{ A|re|m|s: 'a.b' }`)).toEqual(m('A', { kind: 'regex', pattern: 'a.b', flags: { ignoreCase: false, multiline: true, dotAll: true } }));
    expect(expr(`{ A|re|multiline: 'x' }`)).toEqual(m('A', { kind: 'regex', pattern: 'x', flags: { ...flags, multiline: true } }));
  });
  it('re: a leading (?i) is accepted and kept in the pattern; Sigma escapes are not applied', () => {
    expect(expr(`{ A|re: '(?i)\\\\(venv|python)\\*' }`)).toEqual(m('A', { kind: 'regex', pattern: '(?i)\\\\(venv|python)\\*', flags: { ignoreCase: false, multiline: false, dotAll: false } }));
  });
  it('re: a pattern that does not compile, an inline group elsewhere, an x flag', () => {
    expect(errorCodes(`{ A|re: 'a(b' }`)).toEqual(['invalid-regex']);
    expect(errors(`{ A|re: 'a(?i)b' }`)[0]?.code).toBe('invalid-regex');
    expect(errors(`{ A|re: '(?x) a' }`)[0]?.message).toMatch(/inline flag group '\(\?x\)'/);
  });
  it('re|contains: no effect on a regex, a warning says so', () => {
    const r = build(`{ A|re|contains: 'x' }`);
    expect(r.ok).toBe(true);
    expect(r.diagnostics.map((d) => d.severity)).toEqual(['warning']);
  });
  it('re: a list is ORed; an integer is its text', () => {
    expect(expr(`{ A|re: ['a', 12] }`)).toEqual(
      or(m('A', { kind: 'regex', pattern: 'a', flags: { ignoreCase: false, multiline: false, dotAll: false } }), m('A', { kind: 'regex', pattern: '12', flags: { ignoreCase: false, multiline: false, dotAll: false } })),
    );
  });
  it('cidr: IPv4 and IPv6, normalised', () => {
    expect(expr(`{ Ip|cidr: '10.0.0.0/8' }`)).toEqual(m('Ip', { kind: 'cidr', network: '10.0.0.0/8', version: 4, prefixLength: 8 }));
    expect(expr(`{ Ip|cidr: 'FE80::/10' }`)).toEqual(m('Ip', { kind: 'cidr', network: 'fe80::/10', version: 6, prefixLength: 10 }));
    expect(expr(`{ Ip|cidr: '2a01:111:f100:2000:0:0:a83e:3019/128' }`)).toEqual(
      m('Ip', { kind: 'cidr', network: '2a01:111:f100:2000::a83e:3019/128', version: 6, prefixLength: 128 }),
    );
    expect(expr(`{ Ip|cidr: '::1/128' }`)).toEqual(m('Ip', { kind: 'cidr', network: '::1/128', version: 6, prefixLength: 128 }));
    expect(expr(`{ Ip|cidr: '::ffff:1.2.3.4/128' }`)).toEqual(m('Ip', { kind: 'cidr', network: '::ffff:102:304/128', version: 6, prefixLength: 128 }));
    expect(expr(`{ Ip|cidr: '1.2.3.4' }`)).toEqual(m('Ip', { kind: 'cidr', network: '1.2.3.4/32', version: 4, prefixLength: 32 }));
    expect(expr(`{ Ip|cidr: '0.0.0.0/0' }`)).toEqual(m('Ip', { kind: 'cidr', network: '0.0.0.0/0', version: 4, prefixLength: 0 }));
    expect(expr(`{ Ip|cidr: '1:0:0:2:0:0:0:3/128' }`)).toEqual(m('Ip', { kind: 'cidr', network: '1:0:0:2::3/128', version: 6, prefixLength: 128 }));
  });
  it('cidr: host bits set is a warning, the network is normalised', () => {
    const r = build(`{ Ip|cidr: '10.1.2.3/8' }`);
    expect(r.ok && r.value).toMatchObject({ value: { network: '10.0.0.0/8' } });
    expect(r.diagnostics.map((d) => `${d.severity} ${d.code}`)).toEqual(['warning invalid-cidr']);
  });
  it.each(['10.0.0.0/33', '10.0.0/8', '010.0.0.0/8', '256.0.0.0/8', '1::2::3/64', 'fe80::/129', 'fe80::%eth0/64', '10.0.0.*', 'x', '1:2:3:4:5:6:7:8:9/128', '10.0.0.0/08'])(
    'cidr: %s is invalid-cidr',
    (v) => {
      expect(errorCodes(`{ Ip|cidr: '${v}' }`)).toEqual(['invalid-cidr']);
    },
  );
  it('cidr: a non-string value is the wrong type', () => {
    expect(errorCodes(`{ Ip|cidr: 10 }`)).toEqual(['invalid-modifier-value']);
  });
  it('lt/lte/gt/gte: CompareValue; number required', () => {
    expect(expr(`{ A|lt: 5 }`)).toEqual(m('A', { kind: 'compare', op: 'lt', value: 5 }));
    expect(expr(`{ A|lte: 5 }`)).toEqual(m('A', { kind: 'compare', op: 'lte', value: 5 }));
    expect(expr(`{ A|gt: -1.5 }`)).toEqual(m('A', { kind: 'compare', op: 'gt', value: -1.5 }));
    expect(expr(`{ A|gte: [1, 2] }`)).toEqual(or(m('A', { kind: 'compare', op: 'gte', value: 1 }), m('A', { kind: 'compare', op: 'gte', value: 2 })));
    expect(expr(`{ A|neq|gt: 5 }`)).toEqual(not(m('A', { kind: 'compare', op: 'gt', value: 5 })));
    expect(errors(`{ A|gt: '5' }`)).toEqual([
      { code: 'invalid-modifier-value', severity: 'error', message: "gt compares numbers; write an unquoted number, not the text '5'" },
    ]);
    expect(errorCodes(`{ A|lt: null }`)).toEqual(['invalid-modifier-value']);
  });
  it('exists: ExistsValue, the span is the key\'s; boolean required', () => {
    expect(expr(`{ A|exists: true }`)).toEqual(m('A', { kind: 'exists', exists: true }));
    expect(expr(`{ A|exists: false }`)).toEqual(m('A', { kind: 'exists', exists: false }));
    expect(errors(`{ A|exists: 'yes' }`)[0]?.message).toBe("exists takes true or false, not the text 'yes'");
  });
  it('minute..year: TimePartValue, integer in range', () => {
    expect(expr(`{ T|minute: 59 }`)).toEqual(m('T', { kind: 'timepart', part: 'minute', value: 59 }));
    expect(expr(`{ T|hour: [0, 23] }`)).toEqual(or(m('T', { kind: 'timepart', part: 'hour', value: 0 }), m('T', { kind: 'timepart', part: 'hour', value: 23 })));
    expect(expr(`{ T|day: 31 }`)).toEqual(m('T', { kind: 'timepart', part: 'day', value: 31 }));
    expect(expr(`{ T|week: 1 }`)).toEqual(m('T', { kind: 'timepart', part: 'week', value: 1 }));
    expect(expr(`{ T|month: 12 }`)).toEqual(m('T', { kind: 'timepart', part: 'month', value: 12 }));
    expect(expr(`{ T|year: 2024 }`)).toEqual(m('T', { kind: 'timepart', part: 'year', value: 2024 }));
    expect(errors(`{ T|hour: 24 }`)[0]?.message).toBe('hour takes an unquoted integer from 0 to 23, not 24');
    expect(errorCodes(`{ T|month: 0 }`)).toEqual(['invalid-modifier-value']);
    expect(errorCodes(`{ T|minute: 1.5 }`)).toEqual(['invalid-modifier-value']);
    expect(errorCodes(`{ T|day: '3' }`)).toEqual(['invalid-modifier-value']);
  });
  it('fieldref: FieldRefValue; contains/startswith/endswith set the match; cased; neq', () => {
    const ref = (field: string, match: FieldRefValue['match'], c = false): FieldRefValue => ({ kind: 'fieldref', field, match, cased: c });
    expect(expr(`{ TargetUserName|fieldref: SubjectUserName }`)).toEqual(m('TargetUserName', ref('SubjectUserName', 'equals')));
    expect(expr(`{ A|fieldref|contains: B }`)).toEqual(m('A', ref('B', 'contains')));
    expect(expr(`{ A|fieldref|startswith: B }`)).toEqual(m('A', ref('B', 'startswith')));
    expect(expr(`{ A|fieldref|endswith|cased: B }`)).toEqual(m('A', ref('B', 'endswith', true)));
    expect(expr(`{ A|fieldref|startswith|endswith: B }`)).toEqual(m('A', ref('B', 'contains')));
    expect(expr(`{ A|fieldref|neq: B }`)).toEqual(not(m('A', ref('B', 'equals'))));
    expect(errors(`{ A|fieldref: 'B*' }`)[0]?.message).toBe("fieldref takes a field name, which cannot have wildcards ('B*')");
    expect(errorCodes(`{ A|fieldref: 5 }`)).toEqual(['invalid-modifier-value']);
  });
});

describe('invalid shapes and error collection', () => {
  it('empty list value, map value, nested list, empty identifier', () => {
    expect(errors(`{ A: [] }`)).toEqual([
      { code: 'detection-invalid', severity: 'error', message: `'A' has an empty list; write 'A: null' for "absent or null", or remove the item` },
    ]);
    expect(errorCodes(`{ A: { B: 1 } }`)).toEqual(['detection-invalid']);
    expect(errorCodes(`{ A: [[1]] }`)).toEqual(['detection-invalid']);
    expect(errorCodes(`[ [ 'a' ] ]`)).toEqual(['detection-invalid']);
    expect(errorCodes(`{}`)).toEqual(['detection-invalid']);
    expect(errorCodes(`[]`)).toEqual(['detection-invalid']);
    expect(errorCodes(`null`)).toEqual(['detection-invalid']);
  });
  it('collects every error of an identifier', () => {
    expect(errorCodes(`[ { A|contians: x, B|re: 'a(' }, { C|cidr: 'bad', D: [] } ]`)).toEqual([
      'unknown-modifier',
      'invalid-regex',
      'invalid-cidr',
      'detection-invalid',
    ]);
  });
  it('keywords cannot use modifiers that need a field', () => {
    expect(errorCodes(`{ '|exists': true }`)).toEqual(['invalid-modifier-chain']);
  });
});

describe('spans', () => {
  const sp = (offset: number) => ({ ...pointSpan('r.yml'), offset, endOffset: offset + 1 });
  const node: YamlNode = {
    kind: 'map',
    span: sp(0),
    entries: [
      { key: 'A|contains', keySpan: { ...pointSpan('r.yml'), column: 5, endColumn: 15, offset: 10, endOffset: 20 }, value: { kind: 'scalar', value: 'x', style: 'single', span: sp(22) } },
      { key: 'B|exists', keySpan: sp(30), value: { kind: 'scalar', value: true, style: 'plain', span: sp(40) } },
      { key: 'C|contians', keySpan: { ...pointSpan('r.yml'), column: 5, endColumn: 17, offset: 50, endOffset: 62 }, value: { kind: 'scalar', value: 'y', style: 'plain', span: sp(64) } },
    ],
  };
  it('a match carries its value\'s span; exists carries the key\'s', () => {
    const r = buildSearchIdentifier('sel', { ...node, entries: node.entries.slice(0, 2) }, sp(0));
    if (!r.ok) throw new Error('failed');
    const e = r.value as Extract<Expr, { kind: 'and' }>;
    expect(e.operands[0]?.span.offset).toBe(22);
    expect(e.operands[1]?.span.offset).toBe(30);
  });
  it('a modifier diagnostic points at the modifier inside a quoted key', () => {
    const r = buildSearchIdentifier('sel', node, sp(0));
    const d = r.diagnostics.find((x) => x.code === 'unknown-modifier');
    // key 'C|contians' quoted: opening quote at 50, so 'contians' starts at 53.
    expect(d?.span).toMatchObject({ offset: 53, endOffset: 61, column: 8, endColumn: 16 });
  });
});

describe("the empty value ''", () => {
  const warnings = (y: string) => errors(y).filter((d) => d.severity === 'warning');
  it("with contains/startswith/endswith matches any value: converted as written, with a warning that suggests exists", () => {
    for (const mod of ['contains', 'startswith', 'endswith', 'contains|cased']) {
      const y = `{ CommandLine|${mod}: '' }`;
      expect(build(y).ok, mod).toBe(true);
      expect(expr(y), mod).toEqual(m('CommandLine', mod.endsWith('cased') ? cased(STAR) : str(STAR)));
      const [w, ...rest] = warnings(y);
      expect(rest, mod).toEqual([]);
      expect(w?.code).toBe('invalid-modifier-value');
      expect(w?.message).toMatch(/matches any value of CommandLine/);
      expect(w?.message).toMatch(/'CommandLine\|exists: true'/);
    }
    expect(warnings(`{ CommandLine|contains: ['', 'x'] }`)).toHaveLength(1);
  });
  it('as a keyword matches every event, with a warning', () => {
    expect(build(`['']`).ok).toBe(true);
    const [w] = warnings(`['']`);
    expect(w?.code).toBe('detection-invalid');
    expect(w?.message).toMatch(/matches every event/);
  });
  it('as an exact value (no wildcard modifier) means the empty text, without a warning', () => {
    expect(warnings(`{ CommandLine: '' }`)).toEqual([]);
  });
});
