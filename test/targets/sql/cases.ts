import { readFileSync } from 'node:fs';
import type { Expr } from '../../../src/ast/expr.js';
import { PSEXEC_RULE } from '../../support/paths.js';
import { psexecExpr } from '../../support/psexec-expr.js';
import { rule, ruleExpr, type SqlEvent } from './engines.js';

/**
 * Fixtures run in BOTH real engines (sqlite.test.ts, postgres.test.ts): a rule, events, and the
 * indexes of the events Sigma says match. `pg` overrides the expectation where the documented
 * storage differs (PostgreSQL text columns hold a number 0 as the text '0'); `only` limits a case to
 * one engine (the other refuses it, which its own test checks).
 */
export interface SqlCase {
  readonly name: string;
  readonly expr: Expr;
  readonly events: readonly SqlEvent[];
  readonly matches: readonly number[];
  readonly pg?: readonly number[];
  readonly only?: 'sqlite' | 'postgres';
}

const r = (detection: string): Expr => ruleExpr(rule(detection));

const SHARE = '\\\\*\\IPC$'; // the text \\*\IPC$ with a literal *

const psexecEvents: SqlEvent[] = [
  /* 0 */ { EventID: 5145, ShareName: SHARE, RelativeTargetName: 'abc-stdin' },
  /* 1 */ { EventID: 5145, ShareName: SHARE, RelativeTargetName: 'abc-stdout' },
  /* 2 */ { EventID: 5145, ShareName: SHARE, RelativeTargetName: 'abc-stderr' },
  /* 3 */ { EventID: '5145', ShareName: '\\\\*\\ipc$', RelativeTargetName: 'X-STDIN' },
  /* 4 */ { EventID: 5145, ShareName: '\\\\x\\IPC$', RelativeTargetName: 'abc-stdin' },
  /* 5 */ { EventID: 5145, ShareName: SHARE, RelativeTargetName: 'PSEXESVC-abc-stdin' },
  /* 6 */ { EventID: 5145, ShareName: SHARE, RelativeTargetName: 'psexesvc-abc-stdout' },
  /* 7 */ { EventID: 5145, ShareName: SHARE },
  /* 8 */ { EventID: 5144, ShareName: SHARE, RelativeTargetName: 'a-stdin' },
  /* 9 */ { EventID: '05145', ShareName: SHARE, RelativeTargetName: 'a-stdin' },
  /* 10 */ { EventID: 5145, ShareName: '\\*\\IPC$', RelativeTargetName: 'a-stdin' },
  /* 11 */ { EventID: 5145, ShareName: `${SHARE}x`, RelativeTargetName: 'a-stdin' },
  /* 12 */ { EventID: 5145, ShareName: SHARE, RelativeTargetName: 'a-stdinx' },
  /* 13 */ { EventID: 5145, ShareName: SHARE, RelativeTargetName: 'a-STDERR' },
  /* 14 */ { ShareName: SHARE, RelativeTargetName: 'a-stdin' },
  /* 15 */ { EventID: 5145, ShareName: '\\\\%\\IPC$', RelativeTargetName: 'a-stdin' },
  /* 16 */ { EventID: 5145, ShareName: '\\\\\\\\*\\IPC$', RelativeTargetName: 'a-stdin' },
  /* 17 */ { EventID: '5145', ShareName: SHARE, RelativeTargetName: null },
];
const psexecMatches = [0, 1, 2, 3, 13];

export const CASES: readonly SqlCase[] = [
  { name: 'PsExec, rule file', expr: ruleExpr(readFileSync(PSEXEC_RULE, 'utf8'), PSEXEC_RULE), events: psexecEvents, matches: psexecMatches },
  { name: 'PsExec, hand-built expression', expr: psexecExpr, events: psexecEvents, matches: psexecMatches },
  {
    name: 'sel and not filter: an absent filter field makes not filter true',
    expr: r(`    sel:\n        Image|endswith: '\\cmd.exe'\n    filter:\n        ParentImage|startswith: 'C:\\Windows\\'\n    condition: sel and not filter\n`),
    events: [
      { Image: 'C:\\x\\cmd.exe' },
      { Image: 'C:\\X\\CMD.EXE', ParentImage: null },
      { Image: 'c:\\cmd.exe', ParentImage: 'C:\\Windows\\explorer.exe' },
      { Image: 'x\\cmd.exe', ParentImage: 'D:\\Windows\\x' },
      { Image: 'cmd.exe' },
      { Image: 'x\\cmd.exe', ParentImage: 'c:\\windows\\x' },
    ],
    matches: [0, 1, 3],
  },
  {
    name: 'not 1 of filter*: De Morgan with two absent fields',
    expr: r(`    sel:\n        A: 'x'\n    filter_1:\n        B: 'b'\n    filter_2:\n        C|contains: 'c'\n    condition: sel and not 1 of filter_*\n`),
    events: [{ A: 'x' }, { A: 'x', B: 'b' }, { A: 'x', C: 'acb' }, { A: 'x', B: 'B2', C: 'zz' }, { B: 'z' }],
    matches: [0, 3],
  },
  {
    name: 'null and not null',
    expr: r(`    sel:\n        F: null\n    other:\n        G: null\n    condition: sel or not other\n`),
    events: [{ F: null, G: 'g' }, { G: null }, { F: '', G: 'x' }, { F: 'x' }],
    matches: [0, 1, 2],
  },
  {
    name: "empty string is not null",
    expr: r(`    sel:\n        F: ''\n    condition: sel\n`),
    events: [{ F: '' }, {}, { F: 'x' }, { F: null }, { F: ' ' }],
    matches: [0],
  },
  {
    name: 'exists true / false',
    expr: r(`    sel:\n        F|exists: true\n    sel2:\n        G|exists: false\n    condition: sel and sel2\n`),
    events: [{ F: '' }, { F: 'x', G: 'g' }, {}, { F: 'x' }],
    matches: [0, 3],
  },
  {
    name: 'numbers: number or text, folded list, negated',
    expr: r(`    sel:\n        EventID:\n            - 4688\n            - 1\n    condition: not sel\n`),
    events: [{ EventID: 4688 }, { EventID: '4688' }, { EventID: '1' }, { EventID: 1 }, { EventID: '4688.0' }, { EventID: 46880 }, {}, { EventID: 'x' }],
    matches: [4, 5, 6, 7],
  },
  {
    name: 'boolean false',
    expr: r(`    sel:\n        F: false\n    condition: sel\n`),
    events: [{ F: 0 }, { F: 'false' }, { F: 'FALSE' }, { F: 'true' }, { F: 1 }, {}, { F: 'falsey' }],
    matches: [0, 1, 2],
    pg: [1, 2],
  },
  {
    name: 'cased with ? wildcard',
    expr: r(`    sel:\n        F|cased|startswith: 'Ab?'\n    condition: sel\n`),
    events: [{ F: 'AbX' }, { F: 'abX' }, { F: 'Ab' }, { F: 'AbXYZ' }, { F: 'ABx' }],
    matches: [0, 3],
  },
  {
    name: '? is exactly one character',
    expr: r(`    sel:\n        F: 'a?c'\n    condition: sel\n`),
    events: [{ F: 'abc' }, { F: 'ABC' }, { F: 'ac' }, { F: 'abbc' }, { F: 'a_c' }, { F: 'a€c' }, { F: 'a\nc' }],
    matches: [0, 1, 4, 5, 6],
  },
  {
    name: 'LIKE and GLOB metacharacters are literal',
    expr: r(`    sel:\n        F: 'a\\*b%c_d[e]'\n    condition: sel\n`),
    events: [{ F: 'a*b%c_d[e]' }, { F: 'A*B%C_D[E]' }, { F: 'axb%c_d[e]' }, { F: 'a*bxc_d[e]' }, { F: 'a*b%cxd[e]' }, { F: 'a*b%c_de' }],
    matches: [0, 1],
  },
  {
    name: 'quote and trailing backslash',
    expr: r(`    sel:\n        F: 'it''s'\n    sel2:\n        G|endswith: '\\'\n    condition: sel or sel2\n`),
    events: [{ F: "it's" }, { F: 'its' }, { G: 'C:\\' }, { G: 'C:' }, { G: 'C:\\x' }, { G: '\\' }],
    matches: [0, 2, 5],
  },
  {
    name: 'non-ASCII letters match their case forms',
    expr: r(`    sel:\n        F|contains: 'Жук'\n    sel2:\n        G: 'straße'\n    condition: sel or sel2\n`),
    events: [{ F: 'большой жук' }, { F: 'ЖУК!' }, { F: 'жyк' }, { G: 'STRAßE' }, { G: 'STRASSE' }, { G: 'strasse' }],
    matches: [0, 1, 3],
  },
  {
    name: 'regular expressions',
    expr: r(
      `    a:\n        F|re: '^ab+c'\n    b:\n        G|re|i: 'ab+c'\n    c:\n        H|re: '\\bcmd\\d\\b'\n    d:\n        J|re: 'a.b'\n    condition: 1 of them\n`,
    ),
    events: [
      { F: 'abbc' }, { F: 'xabc' }, { F: 'ABC' },
      { G: 'xABBCx' }, { G: 'ac' },
      { H: 'run cmd5 now' }, { H: 'cmd55' }, { H: 'xcmd5' },
      { J: 'a\nb' }, { J: 'axb' },
    ],
    matches: [0, 3, 5, 9],
  },
  {
    name: 'negated regex is true for an absent field',
    expr: r(`    sel:\n        F|re: 'x'\n    condition: not sel\n`),
    events: [{ F: 'x' }, {}, { F: 'y' }],
    matches: [1, 2],
  },
  {
    name: 'IPv4 cidr (and its negation on garbage text)',
    expr: r(
      `    sel:\n        F|cidr:\n            - '172.16.0.0/12'\n            - '10.0.0.0/8'\n            - '192.168.1.128/25'\n            - '8.8.8.8/32'\n    condition: sel\n`,
    ),
    events: [
      /* 0 */ { F: '172.16.0.1' }, /* 1 */ { F: '172.31.255.255' }, /* 2 */ { F: '172.32.0.0' }, /* 3 */ { F: '172.15.9.9' },
      /* 4 */ { F: '10.1.2.3' }, /* 5 */ { F: '010.1.2.3' }, /* 6 */ { F: '10.1.2' }, /* 7 */ { F: '10.1.2.3.4' },
      /* 8 */ { F: '10.1.2.300' }, /* 9 */ { F: '10.256.1.1' }, /* 10 */ { F: ' 10.1.1.1' }, /* 11 */ { F: '192.168.1.128' },
      /* 12 */ { F: '192.168.1.255' }, /* 13 */ { F: '192.168.1.127' }, /* 14 */ { F: '8.8.8.8' }, /* 15 */ { F: '8.8.8.80' },
      /* 16 */ { F: '::ffff:10.0.0.1' }, /* 17 */ { F: 'abc' }, /* 18 */ {}, /* 19 */ { F: '10.0.0.1/8' },
      /* 20 */ { F: '10.1.2.3a' }, /* 21 */ { F: '1.2.3.4' }, /* 22 */ { F: '10.0.0.0' }, /* 23 */ { F: '10.255.255.255' },
      /* 24 */ { F: '10..1.1' }, /* 25 */ { F: '10.1.1.01' }, /* 26 */ { F: '10.1.1.1000' }, /* 27 */ { F: '' },
    ],
    matches: [0, 1, 4, 11, 12, 14, 22, 23],
  },
  {
    name: 'IPv4 cidr negated, /0 and /31',
    expr: r(`    sel:\n        F|cidr: '0.0.0.0/0'\n    sel2:\n        G|cidr: '10.0.0.2/31'\n    condition: sel and not sel2\n`),
    events: [{ F: '1.2.3.4' }, { F: '1.2.3.4', G: '10.0.0.3' }, { F: '1.2.3.4', G: '10.0.0.4' }, { F: '1.2.3.4', G: 'junk' }, { F: '300.1.1.1' }, { F: '255.255.255.255', G: '10.0.0.2' }],
    matches: [0, 2, 3],
  },
  {
    name: 'IPv6 cidr',
    only: 'postgres',
    expr: r(`    sel:\n        F|cidr:\n            - 'fe80::/10'\n            - '::1/128'\n            - '2001:db8::/32'\n    condition: sel\n`),
    events: [
      /* 0 */ { F: 'fe80::1' }, /* 1 */ { F: 'FE80::abcd:1' }, /* 2 */ { F: 'febf:ffff::' }, /* 3 */ { F: 'fec0::1' },
      /* 4 */ { F: '::1' }, /* 5 */ { F: '0:0:0:0:0:0:0:1' }, /* 6 */ { F: '::2' }, /* 7 */ { F: '2001:db8:1::1' },
      /* 8 */ { F: '2001:DB8::' }, /* 9 */ { F: '2001:db9::' }, /* 10 */ { F: '10.0.0.1' }, /* 11 */ { F: 'fe80::1%eth0' },
      /* 12 */ { F: 'garbage' }, /* 13 */ { F: ':::' }, /* 14 */ { F: '2001:db8::1.2.3.4' }, /* 15 */ {},
    ],
    matches: [0, 1, 2, 4, 5, 7, 8, 14],
  },
  {
    name: 'IPv6 cidr negated on garbage (the cast never runs on it)',
    only: 'postgres',
    expr: r(`    sel:\n        F|cidr: '::/0'\n    condition: not sel\n`),
    events: [{ F: '::' }, { F: 'x' }, { F: '1::2::3' }, {}, { F: '12345::' }, { F: 'fe80::1' }],
    matches: [1, 2, 3, 4],
  },
  {
    name: 'numeric comparison ignores text that is not a number',
    expr: r(`    sel:\n        F|gt: 5\n    sel2:\n        G|lte: 5\n    condition: sel or sel2\n`),
    events: [
      /* 0 */ { F: 6 }, /* 1 */ { F: '6' }, /* 2 */ { F: '5.5' }, /* 3 */ { F: '5' }, /* 4 */ { F: 'abc' }, /* 5 */ { F: '' },
      /* 6 */ { F: '6abc' }, /* 7 */ {}, /* 8 */ { F: '1e3' }, /* 9 */ { F: '-10' }, /* 10 */ { F: '0x10' },
      /* 11 */ { G: 5 }, /* 12 */ { G: '5' }, /* 13 */ { G: '-1' }, /* 14 */ { G: 'abc' }, /* 15 */ { G: '' }, /* 16 */ { G: '6' },
      /* 17 */ { F: ' 7' }, /* 18 */ { F: '\t7\n' }, /* 19 */ { F: '.5e1 ' }, /* 20 */ { G: '+5.' }, /* 21 */ { G: ' ' }, /* 22 */ { F: 'inf' },
    ],
    matches: [0, 1, 2, 8, 11, 12, 13, 17, 18, 20],
  },
  {
    name: 'numeric comparison negated',
    expr: r(`    sel:\n        F|gte: 10\n    condition: not sel\n`),
    events: [{ F: 10 }, { F: '9' }, { F: 'x' }, {}, { F: '11' }],
    matches: [1, 2, 3],
  },
  {
    name: 'fieldref equals / startswith / endswith / contains',
    expr: r(
      `    a:\n        A|fieldref: B\n    b:\n        C|fieldref|startswith: D\n    c:\n        E|fieldref|endswith: G\n    d:\n        H|fieldref|contains: J\n    condition: 1 of them\n`,
    ),
    events: [
      /* 0 */ { A: 'x', B: 'X' }, /* 1 */ { A: 'x', B: 'y' }, /* 2 */ { A: 5, B: '5' }, /* 3 */ { A: 'x' },
      /* 4 */ { C: 'Hello', D: 'he' }, /* 5 */ { C: 'he', D: 'hello' }, /* 6 */ { C: 'a%b', D: 'A%' }, /* 7 */ { C: 'abc', D: '_' },
      /* 8 */ { E: 'Hello', G: 'LO' }, /* 9 */ { E: 'lo', G: 'hello' }, /* 10 */ { E: 'abc', G: '' }, /* 11 */ { E: 'a_c', G: '%c' },
      /* 12 */ { H: 'xAbCx', J: 'abc' }, /* 13 */ { H: 'abc', J: '*' }, /* 14 */ { H: 'a*c', J: '*' },
    ],
    matches: [0, 2, 4, 6, 8, 10, 12, 14],
  },
  {
    name: 'fieldref negated: true when either field is absent',
    expr: r(`    a:\n        A|fieldref: B\n    condition: not a\n`),
    events: [{ A: 'x', B: 'x' }, { A: 'x' }, { B: 'x' }, {}, { A: 'x', B: 'y' }],
    matches: [1, 2, 3, 4],
  },
  {
    name: 'time parts read as written',
    expr: r(`    a:\n        T|hour: 3\n    b:\n        U|month: 1\n    condition: a or b\n`),
    events: [
      { T: '2024-01-02T03:04:05Z' }, { T: '2024-01-02 03:59' }, { T: '2024-01-02T13:04:05' }, { T: 'now' }, { T: '03' }, {},
      { U: '2024-01-31' }, { U: '2024-11-01' }, { U: 'x024-01-01' },
    ],
    matches: [0, 1, 6],
  },
  {
    name: 'keywords are substrings of _raw',
    expr: r(`    keywords:\n        - 'evil%x'\n        - 'Bad_Thing'\n        - 200\n    condition: keywords\n`),
    events: [{ _raw: 'this is EVIL%X here' }, { _raw: 'evilXx' }, { _raw: 'a bad_thing b' }, { _raw: 'badXthing' }, {}, { _raw: 'status 200 ok' }],
    matches: [0, 2, 5],
  },
  {
    name: 'not keywords is true without _raw',
    expr: r(`    keywords:\n        - 'evil'\n    condition: not keywords\n`),
    events: [{ _raw: 'evil' }, {}, { _raw: 'good' }],
    matches: [1, 2],
  },
  {
    name: 'awkward field names are quoted',
    expr: r(`    sel:\n        'we"ird name': 'x'\n        c-uri|contains: '?a='\n    condition: sel\n`),
    events: [{ 'we"ird name': 'X', 'c-uri': '/p?a=1' }, { 'we"ird name': 'x', 'c-uri': '/p?b=1' }],
    matches: [0],
  },
];
