import { describe, expect, it } from 'vitest';
import { checkPack, type CheckInput } from '../../src/check/check.js';
import { parseCheckConfig, withDisabled } from '../../src/check/config.js';
import { CHECKS } from '../../src/check/registry.js';
import { convertFiles } from '../../src/convert.js';
import { findConverter } from '../../src/converters.js';
import type { DiagnosticCode } from '../../src/diagnostics/codes.js';
import { parseSigmaText } from '../../src/rule/parse-documents.js';

const ID_A = '0e95725d-7320-415d-80f7-004da920fc11';
const ID_B = '5a8c1f6e-2d3b-4c7a-9e1f-0b2c3d4e5f60';
const ID_C = '7d2e4f60-1a2b-4c3d-8e9f-0a1b2c3d4e5f';
const ID_D = '9f1e2d3c-4b5a-4697-8877-665544332211';

/** A clean rule with one part replaceable: every check's fixtures start from it. */
function rule(o: { title?: string; id?: string; extra?: string; detection?: string } = {}): string {
  return `title: ${o.title ?? 'Whoami Execution'}
id: ${o.id ?? ID_A}
status: test
date: 2024-01-31
${o.extra ?? ''}logsource:
    product: windows
    category: process_creation
detection:
${o.detection ?? `    selection:
        Image|endswith: '\\whoami.exe'
    condition: selection`}
level: low
`;
}

const sel = (body: string, condition = 'selection'): string => `    selection:\n${body}    condition: ${condition}`;

const CORRELATION = (rules: string): string => `title: Many Whoami
id: ${ID_B}
correlation:
    type: event_count
    rules: [${rules}]
    group-by: [User]
    timespan: 1h
    condition: {gte: 3}
`;

/** For each check: a pack that triggers it (exactly once) and one that does not. */
const FIXTURES: Record<string, { bad: CheckInput[]; good: CheckInput[] }> = {
  'condition-unknown-identifier': {
    bad: [{ file: 'a.yml', text: rule({ detection: sel(`        Image|endswith: x\n`, 'selection and filter') }) }],
    good: [{ file: 'a.yml', text: rule() }],
  },
  'unused-identifier': {
    bad: [{ file: 'a.yml', text: rule({ detection: `    filter:\n        User: x\n${sel(`        Image|endswith: x\n`)}` }) }],
    good: [{ file: 'a.yml', text: rule({ detection: `    filter:\n        User: x\n${sel(`        Image|endswith: x\n`, 'selection and not filter')}` }) }],
  },
  'all-single-value': {
    bad: [{ file: 'a.yml', text: rule({ detection: sel(`        CommandLine|contains|all: whoami\n`) }) }],
    good: [{ file: 'a.yml', text: rule({ detection: sel(`        CommandLine|contains|all: [whoami, /all]\n`) }) }],
  },
  'duplicate-id': {
    bad: [
      { file: 'a.yml', text: rule() },
      { file: 'b.yml', text: rule({ title: 'Other Title' }) },
    ],
    good: [
      { file: 'a.yml', text: rule() },
      { file: 'b.yml', text: rule({ title: 'Other Title', id: ID_B }) },
    ],
  },
  'duplicate-title': {
    bad: [
      { file: 'a.yml', text: rule() },
      { file: 'b.yml', text: rule({ id: ID_B }) },
    ],
    good: [
      { file: 'a.yml', text: rule() },
      { file: 'b.yml', text: rule({ id: ID_B, title: 'Other Title' }) },
    ],
  },
  'escaped-wildcard': {
    bad: [{ file: 'a.yml', text: rule({ detection: sel(`        Image|startswith: 'C:\\Users\\*\\AppData'\n`) }) }],
    // An escaped backslash before the wildcard, and a literal `?` in a value that is no path.
    // And psexec's share '\\\\\*\\IPC$' (YAML text): escaped backslashes, then a literal `*` written on purpose.
    good: [{ file: 'a.yml', text: rule({ detection: sel(`        Image|startswith: 'C:\\Users\\\\*\\AppData'\n        Title|contains: 'Really\\?'\n        ShareName: '\\\\\\\\\\*\\\\IPC$'\n`) }) }],
  },
  'wildcard-instead-of-modifier': {
    bad: [{ file: 'a.yml', text: rule({ detection: sel(`        CommandLine: '*whoami*'\n`) }) }],
    good: [{ file: 'a.yml', text: rule({ detection: sel(`        CommandLine|contains: 'whoami'\n        Image: 'C:\\\\*\\whoami.exe'\n        User: 'x\\*'\n`) }) }],
  },
  'double-wildcard': {
    bad: [{ file: 'a.yml', text: rule({ detection: sel(`        CommandLine|contains: 'who**ami'\n`) }) }],
    good: [{ file: 'a.yml', text: rule({ detection: sel(`        CommandLine|contains: 'who*ami'\n        Other|contains: 'a\\**'\n`) }) }],
  },
  'number-as-string': {
    bad: [{ file: 'a.yml', text: rule({ detection: sel(`        EventID: '4688'\n`) }) }],
    good: [{ file: 'a.yml', text: rule({ detection: sel(`        EventID: 4688\n        CommandLine|contains: '4688'\n`) }) }],
  },
  'control-character': {
    bad: [{ file: 'a.yml', text: rule({ detection: sel(`        Image|startswith: "C:\\temp"\n`) }) }],
    good: [{ file: 'a.yml', text: rule({ detection: sel(`        Image|startswith: "C:\\\\temp"\n        Other|contains: 'C:\\temp'\n`) }) }],
  },
  'invalid-attack-tag': {
    bad: [{ file: 'a.yml', text: rule({ extra: 'tags:\n    - attack.defense_evasion\n' }) }],
    good: [{ file: 'a.yml', text: rule({ extra: 'tags:\n    - attack.stealth\n    - attack.t1059.001\n    - attack.g0016\n    - attack.s0002\n    - attack.m1042\n    - attack.ds0005\n    - car.2016-03-001\n' }) }],
  },
  'dangling-correlation-reference': {
    bad: [
      { file: 'a.yml', text: rule() },
      { file: 'c.yml', text: CORRELATION('whoami_exec') },
    ],
    good: [
      { file: 'a.yml', text: rule({ extra: 'name: whoami_exec\n' }) },
      { file: 'c.yml', text: CORRELATION(`whoami_exec, ${ID_A}`) },
    ],
  },
  'temporal-single-rule': {
    bad: [
      { file: 'a.yml', text: rule({ extra: 'name: whoami_exec\n' }) },
      { file: 'c.yml', text: CORRELATION('whoami_exec').replace('event_count', 'temporal').replace('    condition: {gte: 3}\n', '') },
    ],
    good: [
      { file: 'a.yml', text: rule({ extra: 'name: whoami_exec\n' }) },
      { file: 'b.yml', text: rule({ id: ID_C, title: 'Other', extra: 'name: other_exec\n' }) },
      { file: 'c.yml', text: CORRELATION('whoami_exec, other_exec').replace('event_count', 'temporal_ordered').replace('    condition: {gte: 3}\n', '') },
      { file: 'd.yml', text: CORRELATION('whoami_exec').replace(ID_B, ID_D).replace('Many Whoami', 'Many Whoami Again') },
    ],
  },
  'modified-before-date': {
    bad: [{ file: 'a.yml', text: rule({ extra: 'modified: 2023-12-31\n' }) }],
    good: [{ file: 'a.yml', text: rule({ extra: 'modified: 2024-02-01\n' }) }],
  },
  'them-single-identifier': {
    bad: [{ file: 'a.yml', text: rule({ detection: sel(`        Image|endswith: x\n`, '1 of them') }) }],
    good: [{ file: 'a.yml', text: rule({ detection: `    sel1:\n        A: x\n    sel2:\n        B: y\n    condition: 1 of them` }) }],
  },
};

const codes = (inputs: CheckInput[]): DiagnosticCode[] => checkPack(inputs).findings.map((f) => f.code);

describe('every check has a triggering and a clean fixture', () => {
  it('covers every registered check', () => {
    expect(Object.keys(FIXTURES).sort()).toEqual(CHECKS.map((c) => c.code).sort());
  });
  for (const check of CHECKS) {
    const fixture = FIXTURES[check.code];
    it(`${check.code}: triggers once, with its default severity`, () => {
      const findings = checkPack(fixture?.bad ?? []).findings;
      expect(findings.map((f) => f.code)).toEqual([check.code]);
      expect(findings[0]?.severity).toBe(check.severity);
    });
    it(`${check.code}: a clean fixture reports nothing`, () => {
      expect(codes(fixture?.good ?? [])).toEqual([]);
    });
  }
});

describe('findings', () => {
  it('point at the value: line and column of the offending text', () => {
    const [f] = checkPack([{ file: 'a.yml', text: rule({ detection: sel(`        EventID: '4688'\n`) }) }]).findings;
    expect(f?.span).toMatchObject({ file: 'a.yml', line: 10, column: 18, endLine: 10, endColumn: 24 });
  });
  it('suggest the modifier with the value printed back as Sigma text', () => {
    const messages = checkPack([
      { file: 'a.yml', text: rule({ detection: sel(`        Image: '*\\whoami.exe'\n        Parent: 'C:\\Windows\\\\*'\n        X: '*a\\*b*'\n`) }) },
    ]).findings.map((f) => f.message);
    expect(messages).toEqual([
      expect.stringContaining("`Image|endswith: '\\whoami.exe'`"),
      // A trailing single backslash is literal (SPEC-DIGEST §4), so the suggestion needs no doubling.
      expect.stringContaining("`Parent|startswith: 'C:\\Windows\\'`"),
      expect.stringContaining("`X|contains: 'a\\*b'`"),
    ]);
  });
  it('suggest a modifier only when it fits every value of the entry, in front of the others', () => {
    const findings = checkPack([
      {
        file: 'a.yml',
        text: rule({ detection: sel(`        A: ['*x*', '*y*']\n        B: ['*x*', 'y*']\n        C|cased: 'x*'\n        D|windash: '*x*'\n`) }),
      },
    ]).findings;
    expect(findings.map((f) => [f.span.line, f.span.column, f.message.replace(/, which states.*/, '')])).toEqual([
      [10, 9, "all 2 values of `A` only add `*` at both ends: write `A|contains: ['x', 'y']`"],
      [12, 9, "the value of `C|cased` only adds `*` at the end: write `C|startswith|cased: 'x'`"],
    ]);
  });
  it('skip values that are no Sigma strings: re, cidr', () => {
    expect(codes([{ file: 'a.yml', text: rule({ detection: sel(`        Image|re: '.*\\\\whoami\\.exe'\n        Ip|cidr: '10.0.0.0/8'\n`) }) }])).toEqual([]);
  });
  it('lint a document that failed to parse too, next to its parse errors', () => {
    expect(codes([{ file: 'a.yml', text: rule({ detection: sel(`        Image|contans: x\n        EventID: '1'\n`, 'selection and nope') }) }])).toEqual([
      'unknown-modifier',
      'number-as-string',
      'condition-unknown-identifier',
    ]);
  });
  it('are sorted by file, line, column and code; a duplicate is reported where it repeats the first', () => {
    const a = { file: 'a.yml', text: rule() };
    const b = { file: 'b.yml', text: rule({ detection: sel(`        EventID: '1'\n`) }) };
    const c = { file: 'c.yml', text: rule({ id: ID_B, title: 'Other', detection: sel(`        EventID: '2'\n        A: '*x*'\n`) }) };
    const forward = checkPack([a, b, c]).findings;
    expect(checkPack([c, b, a]).findings.map((f) => `${f.span.file}:${f.span.line}:${f.code}`)).toEqual([
      'a.yml:1:duplicate-title',
      'a.yml:2:duplicate-id',
      'b.yml:10:number-as-string',
      'c.yml:10:number-as-string',
      'c.yml:11:wildcard-instead-of-modifier',
    ]);
    expect(forward.map((f) => `${f.span.file}:${f.span.line}:${f.code}`)).toEqual([
      'b.yml:1:duplicate-title',
      'b.yml:2:duplicate-id',
      'b.yml:10:number-as-string',
      'c.yml:10:number-as-string',
      'c.yml:11:wildcard-instead-of-modifier',
    ]);
  });
});

describe('collections', () => {
  it('documents that share a global id and title (action: global) are no duplicates of each other', () => {
    const text = `action: global
title: Shared Title
id: ${ID_A}
logsource: {product: windows}
---
detection:
    a:
        A: x
    condition: a
---
detection:
    b:
        B: x
    condition: b
`;
    expect(codes([{ file: 'a.yml', text }])).toEqual([]);
  });
});

describe('config', () => {
  const bad = FIXTURES['number-as-string']?.bad ?? [];
  it('turns a check off (checks: {code: off}, or disable: [code]) and sets severities', () => {
    const off = parseCheckConfig('checks:\n  number-as-string: off\n', 'c.yml');
    expect(off.diagnostics).toEqual([]);
    expect(checkPack(bad, off.config).findings).toEqual([]);
    const disabled = parseCheckConfig('disable: [number-as-string]\n', 'c.yml');
    expect(checkPack(bad, disabled.config).findings).toEqual([]);
    const raised = parseCheckConfig('checks:\n  number-as-string: error\n', 'c.yml');
    expect(checkPack(bad, raised.config).findings.map((f) => f.severity)).toEqual(['error']);
  });
  it('exclude: a check does not apply to the rules listed by id (and still applies to the others)', () => {
    const pack = [
      { file: 'a.yml', text: rule({ detection: sel(`        EventID: '1'\n`) }) },
      { file: 'b.yml', text: rule({ id: ID_B, title: 'Other', detection: sel(`        EventID: '2'\n`) }) },
    ];
    const { config, diagnostics } = parseCheckConfig(`exclude:\n  number-as-string: [${ID_A}]\n`, 'c.yml');
    expect(diagnostics).toEqual([]);
    expect(checkPack(pack, config).findings.map((f) => `${f.span.file} ${f.code}`)).toEqual(['b.yml number-as-string']);
    expect(parseCheckConfig('exclude:\n  nope: [x]\n  number-as-string: {a: 1}\n', 'c.yml').diagnostics.map((d) => [d.span.line, d.span.column])).toEqual([
      [2, 3],
      [3, 21],
    ]);
  });
  it('reports every mistake of a malformed config with line and column', () => {
    const { diagnostics } = parseCheckConfig('checks:\n  number-as-strin: off\n  escaped-wildcard: loud\ndisabled: []\n', 'c.yml');
    expect(diagnostics.map((d) => [d.code, d.span.line, d.span.column])).toEqual([
      ['config-invalid', 2, 3],
      ['config-invalid', 3, 21],
      ['config-invalid', 4, 1],
    ]);
    expect(parseCheckConfig('checks: [\n', 'c.yml').diagnostics.map((d) => d.code)).toEqual(['yaml-syntax']);
  });
  it('--disable: codes, comma-separated too; unknown ones are returned', () => {
    const { config, unknown } = withDisabled({ settings: new Map(), exclude: new Map() }, ['number-as-string,escaped-wildcard', 'nope']);
    expect([...config.settings]).toEqual([
      ['number-as-string', 'off'],
      ['escaped-wildcard', 'off'],
    ]);
    expect(unknown).toEqual(['nope']);
  });
});

describe('dangling-correlation-reference agrees with how convert resolves a reference', () => {
  const FILTER = `title: Not Admins
id: ${ID_C}
name: not_admins
logsource:
    product: windows
    category: process_creation
filter:
    rules: [${ID_A}]
    selection:
        User: admin
    condition: not selection
`;
  /** Whether `convert` (src/correlation/resolve.ts) resolves the correlation's references. */
  const converts = (inputs: CheckInput[]): boolean => {
    const splunk = findConverter('splunk');
    if (splunk === undefined) throw new Error('no splunk converter');
    const records = convertFiles(
      inputs.map((i) => parseSigmaText(i.text, i.file)),
      splunk,
    );
    return !records.some((r) => r.diagnostics.some((d) => d.code === 'correlation-unresolved'));
  };
  it('an id written in another case names the rule (ids are UUIDs): no finding, and convert resolves it', () => {
    const pack = [
      { file: 'a.yml', text: rule() },
      { file: 'c.yml', text: CORRELATION(ID_A.toUpperCase()) },
    ];
    expect(converts(pack)).toBe(true);
    expect(codes(pack)).toEqual([]);
  });
  it('a filter is not something a correlation can name: reported, as convert refuses it', () => {
    for (const ref of ['not_admins', ID_C]) {
      const pack = [
        { file: 'a.yml', text: rule() },
        { file: 'b.yml', text: FILTER },
        { file: 'c.yml', text: CORRELATION(ref) },
      ];
      expect(converts(pack)).toBe(false);
      expect(codes(pack)).toEqual(['dangling-correlation-reference']);
    }
  });
});
