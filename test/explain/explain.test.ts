import { describe, expect, it } from 'vitest';
import { attackCoverage } from '../../src/explain/attack.js';
import { buildCorpusIndex } from '../../src/explain/corpus-index.js';
import { explainRule } from '../../src/explain/explain.js';
import type { MatchRow } from '../../src/explain/explanation.js';
import { buildRule, psexecRule } from './support.js';

/** A row as `identifier: field kind|options values` for short assertions. */
function row(r: MatchRow): string {
  const values = r.values.map((v) => v.value).join(', ');
  const head = `${r.negated ? 'unless ' : ''}${r.identifier}: ${r.field ?? '(keyword)'} ${[r.kind, ...r.options].join('|')}`;
  return r.kind === 'null' ? head : `${head} ${values}`;
}

describe('explainRule on the PsExec rule', () => {
  const expl = explainRule(psexecRule());

  it('shows the condition, then each identifier with its negation', () => {
    expect(expl.stages.map((s) => [s.index, s.conditions ?? s.identifier, s.polarity])).toEqual([
      [0, ['selection1 and not filter'], undefined],
      [1, 'selection1', 'positive'],
      [2, 'filter', 'negated'],
    ]);
    expect(expl.stages[1]?.outline).toEqual({
      op: 'all',
      items: [
        { op: 'match', field: 'EventID', kind: 'eq', options: [], values: ['5145'] },
        { op: 'match', field: 'ShareName', kind: 'eq', options: [], values: ['\\\\\\\\\\*\\IPC$'] },
        { op: 'match', field: 'RelativeTargetName', kind: 'ends_with', options: [], values: ['-stdin', '-stdout', '-stderr'] },
      ],
    });
  });

  it('has one exclusion: RelativeTargetName starts_with PSEXESVC', () => {
    expect(expl.exclusions).toHaveLength(1);
    expect(expl.exclusions[0]).toMatchObject({ excludes: 'filter', identifiers: ['filter'], condition: 0 });
    expect(expl.exclusions[0]?.rows.map(row)).toEqual(['filter: RelativeTargetName starts_with PSEXESVC']);
  });

  it('lists the indicators with their kinds', () => {
    expect(expl.indicators.map(row)).toEqual([
      'selection1: EventID eq 5145',
      'selection1: ShareName eq \\\\\\\\\\*\\IPC$',
      'selection1: RelativeTargetName ends_with -stdin, -stdout, -stderr',
    ]);
    expect(expl.corpus).toBeUndefined();
    expect(expl.indicators.every((r) => r.corpus === undefined)).toBe(true);
  });

  it('reads ATT&CK and the events it covers', () => {
    expect(expl.attack).toEqual({
      tactics: [{ id: 'lateral-movement', name: 'Lateral Movement' }],
      techniques: [{ id: 'T1021.002', parent: 'T1021' }],
      other: [],
    });
    expect(expl.coverage).toEqual({ product: 'windows', service: 'security', eventIds: ['5145'] });
  });
});

describe('exclusions', () => {
  const base = {
    detection: {
      selection: { Image: '*\\rundll32.exe' },
      filter_main_a: { CommandLine: '*shell32.dll*' },
      filter_main_b: { ParentImage: 'C:\\Windows\\explorer.exe' },
      filter_keep: { User: 'SYSTEM' },
      filter_optional_x: { 'CommandLine|contains': 'x' },
    },
  };

  it('splits `not 1 of filter_*` into one exclusion per filter', () => {
    const e = explainRule(buildRule({ ...base, condition: 'selection and not 1 of filter_main_*' }));
    expect(e.exclusions.map((x) => [x.excludes, x.via])).toEqual([
      ['filter_main_a', 'not 1 of filter_main_*'],
      ['filter_main_b', 'not 1 of filter_main_*'],
    ]);
    expect(e.exclusions.flatMap((x) => x.rows.map(row))).toEqual([
      'filter_main_a: CommandLine contains shell32.dll',
      'filter_main_b: ParentImage eq C:\\Windows\\explorer.exe',
    ]);
    expect(e.stages.slice(1).map((s) => [s.identifier, s.polarity, s.via])).toEqual([
      ['selection', 'positive', undefined],
      ['filter_main_a', 'negated', ['1 of filter_main_*']],
      ['filter_main_b', 'negated', ['1 of filter_main_*']],
    ]);
    expect(e.indicators.map(row)).toEqual(['selection: Image ends_with \\rundll32.exe']);
  });

  it('splits `not (a or b)` and keeps `not (a and b)` and `not all of` whole', () => {
    const or = explainRule(buildRule({ ...base, condition: 'selection and not (filter_main_a or filter_keep)' }));
    expect(or.exclusions.map((x) => [x.excludes, x.via])).toEqual([
      ['filter_main_a', 'not (filter_main_a or filter_keep)'],
      ['filter_keep', 'not (filter_main_a or filter_keep)'],
    ]);
    const and = explainRule(buildRule({ ...base, condition: 'selection and not (filter_main_a and filter_keep)' }));
    expect(and.exclusions.map((x) => [x.excludes, x.identifiers])).toEqual([['(filter_main_a and filter_keep)', ['filter_main_a', 'filter_keep']]]);
    const all = explainRule(buildRule({ ...base, condition: 'selection and not all of filter_main_*' }));
    expect(all.exclusions.map((x) => [x.excludes, x.identifiers])).toEqual([['all of filter_main_*', ['filter_main_a', 'filter_main_b']]]);
  });

  it('shows a nested not inside an exclusion as `unless`, and counts it as an indicator', () => {
    const e = explainRule(buildRule({ ...base, condition: 'selection and not (filter_main_a and not filter_keep)' }));
    expect(e.exclusions).toHaveLength(1);
    expect(e.exclusions[0]?.excludes).toBe('(filter_main_a and not filter_keep)');
    expect(e.exclusions[0]?.rows.map(row)).toEqual(['filter_main_a: CommandLine contains shell32.dll', 'unless filter_keep: User eq SYSTEM']);
    // filter_keep is under two `not`: the rule matches it positively.
    expect(e.indicators.map(row)).toEqual(['selection: Image ends_with \\rundll32.exe', 'filter_keep: User eq SYSTEM']);
    expect(e.stages.slice(1).map((s) => [s.identifier, s.polarity])).toEqual([
      ['selection', 'positive'],
      ['filter_main_a', 'negated'],
      ['filter_keep', 'positive'],
    ]);
  });

  it('flattens nested ands, and `not not x` is no exclusion', () => {
    const e = explainRule(buildRule({ ...base, condition: '(selection and not filter_main_a) and not not filter_keep and not filter_optional_x' }));
    expect(e.exclusions.map((x) => x.excludes)).toEqual(['filter_main_a', 'filter_optional_x']);
    expect(e.indicators.map((r) => r.identifier)).toEqual(['selection', 'filter_keep']);
  });

  it('finds none when the condition is an or at the top', () => {
    const e = explainRule(buildRule({ ...base, condition: 'selection and not filter_main_a or filter_keep' }));
    expect(e.exclusions).toEqual([]);
    expect(e.stages.find((s) => s.identifier === 'filter_main_a')?.polarity).toBe('negated');
  });

  it('marks an identifier used both ways', () => {
    const e = explainRule(buildRule({ ...base, condition: '(selection and not filter_keep) or (filter_keep and filter_main_a)' }));
    expect(e.stages.find((s) => s.identifier === 'filter_keep')?.polarity).toBe('both');
  });

  it('reports each condition of a condition list', () => {
    const e = explainRule(buildRule({ ...base, condition: ['selection and not filter_main_a', 'filter_keep and not filter_main_b'] }));
    expect(e.stages[0]?.conditions).toEqual(['selection and not filter_main_a', 'filter_keep and not filter_main_b']);
    expect(e.exclusions.map((x) => [x.excludes, x.condition])).toEqual([
      ['filter_main_a', 0],
      ['filter_main_b', 1],
    ]);
  });
});

describe('indicators', () => {
  it('shows keyword searches with field (keyword)', () => {
    const e = explainRule(
      buildRule({
        detection: { keywords: ['*mimikatz*', 'sekurlsa::logonpasswords'], filter: ['*benign*'] },
        condition: 'keywords and not filter',
      }),
    );
    expect(e.indicators.map(row)).toEqual(['keywords: (keyword) contains mimikatz', 'keywords: (keyword) eq sekurlsa::logonpasswords']);
    expect(e.exclusions[0]?.rows.map(row)).toEqual(['filter: (keyword) contains benign']);
    expect(e.stages[1]?.outline).toEqual({
      op: 'any',
      items: [
        { op: 'match', field: null, kind: 'contains', options: [], values: ['mimikatz'] },
        { op: 'match', field: null, kind: 'eq', options: [], values: ['sekurlsa::logonpasswords'] },
      ],
    });
  });

  it('keeps |all values together and folds windash variants into one line', () => {
    const e = explainRule(
      buildRule({
        detection: {
          selection: {
            'CommandLine|contains|all': [':\\Users\\', '\\AppData\\'],
            'CommandLine|contains|windash': ' -s ',
          },
        },
        condition: 'selection',
      }),
    );
    expect(e.indicators.map(row)).toEqual([
      'selection: CommandLine contains|all :\\Users\\, \\AppData\\',
      'selection: CommandLine contains  -s ,  /s ,  \u2013s ,  \u2014s ,  \u2015s ',
    ]);
  });

  it('leaves out items negated inside a selection (neq) and merges same-field alternatives', () => {
    const e = explainRule(
      buildRule({
        detection: {
          selection: [
            { 'Image|endswith': '\\a.exe', 'User|neq': 'SYSTEM' },
            { 'Image|endswith': '\\b.exe', 'DestinationIp|cidr': '10.0.0.0/8' },
          ],
        },
        condition: 'selection',
      }),
    );
    expect(e.indicators.map(row)).toEqual([
      'selection: Image ends_with \\a.exe, \\b.exe',
      'selection: DestinationIp cidr 10.0.0.0/8',
    ]);
  });

  it('names regex, cased, null and comparison kinds', () => {
    const e = explainRule(
      buildRule({
        detection: {
          selection: { 'CommandLine|re|i': 'foo.*bar', 'Hash|cased': 'AbC', Count: null, 'Size|gte': 10 },
        },
        condition: 'selection',
      }),
    );
    expect(e.indicators.map(row)).toEqual([
      'selection: CommandLine re|i foo.*bar',
      'selection: Hash eq|cased AbC',
      'selection: Count null',
      'selection: Size gte 10',
    ]);
  });
});

describe('event coverage', () => {
  it('keeps only the event ids every match must have', () => {
    const e = (detection: Record<string, unknown>, condition: string) => explainRule(buildRule({ detection, condition })).coverage.eventIds;
    expect(e({ a: { EventID: [4624, 4625] }, b: { EventID: 4625 } }, 'a and b')).toEqual(['4625']);
    expect(e({ a: { EventID: 4624 }, b: { EventID: '4625' } }, 'a or b')).toEqual(['4624', '4625']);
    expect(e({ a: { EventID: 4624 }, b: { Image: 'x' } }, 'a or b')).toEqual([]);
    expect(e({ a: { Image: 'x' }, b: { EventID: 4624 } }, 'a and not b')).toEqual([]);
  });

  it('notes what a Windows category stands for', () => {
    const e = explainRule(buildRule({ logsource: { product: 'windows', category: 'process_creation' }, detection: { s: { Image: 'x' } }, condition: 's' }));
    expect(e.coverage).toEqual({ product: 'windows', category: 'process_creation', eventIds: [], categoryEvents: 'Sysmon 1 or Security 4688' });
  });

  it('says when the condition is true for an event without any of the rule\'s fields (src/ast/empty-event.ts)', () => {
    const e = (detection: Record<string, unknown>, condition: string) =>
      explainRule(buildRule({ detection, condition })).coverage.matchesEventWithoutFields;
    expect(e({ f: { Image: 'x' } }, 'not f')).toBe(true);
    expect(e({ s: { ParentImage: null } }, 's')).toBe(true);
    expect(e({ s: { Image: 'x' }, f: { User: 'y' } }, 's and not f')).toBeUndefined();
    expect(e({ s: { Image: 'x' }, f: { User: 'y' } }, 's or not f')).toBe(true);
  });
});

describe('ATT&CK tags', () => {
  it('reads tactics (old and new spellings), techniques and other ids', () => {
    expect(
      attackCoverage([
        'attack.stealth',
        'attack.command_and_control',
        'attack.command-and-control',
        'attack.t1059',
        'attack.t1059.001',
        'attack.g0016',
        'attack.s0029',
        'cve.2021-44228',
      ]),
    ).toEqual({
      tactics: [
        { id: 'stealth', name: 'Stealth' },
        { id: 'command-and-control', name: 'Command and Control' },
      ],
      techniques: [{ id: 'T1059' }, { id: 'T1059.001', parent: 'T1059' }],
      other: ['G0016', 'S0029'],
    });
  });

  it('keeps the other tags in the metadata', () => {
    const e = explainRule(buildRule({ tags: ['attack.execution', 'cve.2021-44228', 'detection.emerging-threats'], detection: { s: { a: 1 } }, condition: 's' }));
    expect(e.meta.tags).toEqual(['cve.2021-44228', 'detection.emerging-threats']);
  });
});

describe('corpus counts', () => {
  const share = '\\\\\\\\\\*\\\\IPC$';
  const other = (id: string, detection: Record<string, unknown>) => buildRule({ id, detection, condition: 'selection' });

  it('counts distinct rules per field, kind and value, this rule included', () => {
    const psexec = psexecRule();
    const corpus = buildCorpusIndex([
      psexec,
      other('r1', { selection: { ShareName: share, EventID: 5145 } }),
      other('r2', { selection: [{ ShareName: share.toLowerCase() }, { ShareName: share }] }),
      other('r3', { selection: { 'ShareName|contains': '\\IPC$' } }),
      other('r4', { selection: { RelativeTargetName: '*-stdin' }, filter: { 'RelativeTargetName|startswith': 'PSEXESVC' } }),
      // the same id twice counts once
      other('r1', { selection: { ShareName: share } }),
    ]);
    expect(corpus.rules).toBe(5);
    const e = explainRule(psexec, corpus);
    expect(e.corpus).toEqual({ rules: 5 });
    expect(e.indicators.map((r) => [r.field, r.corpus, r.values.map((v) => v.corpus)])).toEqual([
      ['EventID', { rules: 2, specific: false }, [2]],
      ['ShareName', { rules: 3, specific: false }, [3]],
      ['RelativeTargetName', { rules: 2, specific: false }, [2, 1, 1]],
    ]);
  });

  it('does not count exclusions, and says when an indicator is specific to the rule', () => {
    const psexec = psexecRule();
    const corpus = buildCorpusIndex([psexec, other('r4', { selection: { 'RelativeTargetName|startswith': 'PSEXESVC' } })]);
    const e = explainRule(psexec, corpus);
    expect(e.indicators.every((r) => r.corpus?.specific === true)).toBe(true);
    // a rule outside the corpus: nobody looks for it either
    const outside = explainRule(other('new', { selection: { Foo: 'bar' } }), corpus);
    expect(outside.indicators[0]?.corpus).toEqual({ rules: 0, specific: true });
  });

  it('keeps cased values and regexes apart from case-insensitive ones', () => {
    const corpus = buildCorpusIndex([
      other('a', { selection: { 'X|cased': 'Abc', 'R|re': 'A.c' } }),
      other('b', { selection: { X: 'abc', 'R|re': 'a.c' } }),
      other('c', { selection: { X: 'ABC', 'R|re|i': 'A.c' } }),
    ]);
    const e = explainRule(other('a', { selection: { 'X|cased': 'Abc', X: 'abc', 'R|re': 'A.c' } }), corpus);
    expect(e.indicators.map((r) => [row(r), r.corpus?.rules])).toEqual([
      ['selection: X eq|cased Abc', 1],
      ['selection: X eq abc', 2],
      ['selection: R re A.c', 1],
    ]);
  });
});
