/**
 * Log-source verdicts are computed once per log source and pipeline (src/pipeline/candidates.ts): the
 * same pipeline object applied to many rules must decide each rule as a fresh evaluation would.
 */
import { describe, expect, it } from 'vitest';
import { applyPipelines } from '../../src/pipeline/apply.js';
import type { ProcessingPipeline, Transformation } from '../../src/pipeline/types.js';
import type { LogSource } from '../../src/rule/model.js';
import { m, okValue, pipeline, rule } from './helpers.js';

const P = pipeline(`transformations:
  - id: win
    type: set_state
    key: win
    val: 'yes'
    rule_conditions: [{ type: logsource, product: windows }]
  - id: proc
    type: set_state
    key: proc
    val: 'yes'
    rule_conditions: [{ type: logsource, product: windows, category: process_creation }]
  - id: to_windows
    type: change_logsource
    product: windows
    category: process_creation
    rule_conditions: [{ type: logsource, product: linux }]
  - id: after_change
    type: set_state
    key: after
    val: 'yes'
    rule_conditions: [{ type: logsource, product: windows, category: process_creation }]
  - id: mixed
    type: set_state
    key: mixed
    val: 'yes'
    rule_conditions:
      - { type: logsource, product: windows }
      - { type: tag, tag: attack.t1059 }
`);

/** The ids of the transformations `p` applied to a one-item rule of log source `ls`, in order. */
const appliedIds = (p: ProcessingPipeline, ls: LogSource, tags: string[] = []): string[] =>
  okValue(applyPipelines(rule(m('CommandLine', 'x'), ls, { tags }), [p])).applied.map((a) => a.transformation);

const applied = (ls: LogSource, tags: string[] = []): string[] => appliedIds(P, ls, tags);

describe('log-source verdicts cached per log source', () => {
  it('case-insensitive, the same for every spelling, in any order of rules', () => {
    const order = [
      { product: 'WINDOWS', category: 'Process_Creation' },
      { product: 'windows' },
      { product: 'Windows', category: 'process_creation' },
      { product: 'windows', category: 'file_event' },
      { product: 'WINDOWS', category: 'Process_Creation' },
    ];
    const results = order.map((ls) => applied(ls));
    expect(results[0]).toEqual(['win', 'proc', 'after_change']);
    expect(results[1]).toEqual(['win']);
    expect(results[2]).toEqual(results[0]);
    expect(results[3]).toEqual(['win']);
    expect(results[4]).toEqual(results[0]);
  });

  it('log sources whose parts hold the separators of the cache key never share a verdict (a quoted YAML value can hold any character)', () => {
    const A = pipeline(`transformations:
  - id: category_a
    type: set_state
    key: a
    val: 'yes'
    rule_conditions: [{ type: logsource, category: a }]
`);
    const run = (ls: LogSource): string[] => appliedIds(A, ls);
    // Joined with NUL (an absent part as U+0001), both would read "a NUL b NUL U+0001 NUL U+0001".
    const categoryA: LogSource = { category: 'a', product: 'b\u0000\u0001' };
    const categoryANulB: LogSource = { category: 'a\u0000b' };
    expect(run(categoryANulB)).toEqual([]);
    expect(run(categoryA)).toEqual(['category_a']);
    expect(run({ ...categoryANulB })).toEqual([]);
    // Joined with a comma (an absent part empty), both pairs would read "a,b,c,"; joined with `","`, both
    // of the second pair would read `a","b","c","` (the key is JSON text, whose quotes are escaped).
    for (const [other, withCategoryA] of [
      [{ category: 'a,b', product: 'c' }, { category: 'a', product: 'b,c' }],
      [{ category: 'a","b', product: 'c' }, { category: 'a', product: 'b","c' }],
    ] as const) {
      expect(run(other)).toEqual([]);
      expect(run(withCategoryA)).toEqual(['category_a']);
      expect(run({ ...other })).toEqual([]);
    }
  });

  it('after change_logsource, later transformations see the new log source', () => {
    expect(applied({ product: 'linux', category: 'process_creation' })).toEqual(['to_windows', 'after_change']);
    expect(applied({ product: 'linux', category: 'process_creation' }, ['attack.t1059'])).toEqual(['to_windows', 'after_change', 'mixed']);
  });

  it('rule conditions mixing log source and other kinds are evaluated per rule', () => {
    expect(applied({ product: 'windows' }, ['attack.t1059'])).toEqual(['win', 'mixed']);
    expect(applied({ product: 'windows' }, [])).toEqual(['win']);
    expect(applied({ product: 'macos' }, ['attack.t1059'])).toEqual([]);
  });
});

describe('rule conditions that need all or any of log source and other conditions', () => {
  const Q = pipeline(`transformations:
  - id: both
    type: set_state
    key: both
    val: 'yes'
    rule_conditions:
      - { type: logsource, product: windows }
      - { type: tag, tag: attack.t1059 }
  - id: either
    type: set_state
    key: either
    val: 'yes'
    rule_conditions:
      - { type: logsource, product: windows }
      - { type: tag, tag: attack.t1059 }
    rule_cond_op: or
  - id: expression
    type: set_state
    key: expression
    val: 'yes'
    rule_conditions:
      win: { type: logsource, product: windows }
      tag: { type: tag, tag: attack.t1059 }
    rule_cond_expr: not win and tag
`);
  const appliedQ = (ls: LogSource, tags: string[] = []): string[] => appliedIds(Q, ls, tags);

  it('all: a log source that fails rules it out; any: one condition is enough; an expression as written', () => {
    expect(appliedQ({ product: 'windows' }, ['attack.t1059'])).toEqual(['both', 'either']);
    expect(appliedQ({ product: 'windows' }, [])).toEqual(['either']);
    expect(appliedQ({ product: 'macos' }, ['attack.t1059'])).toEqual(['either', 'expression']);
    expect(appliedQ({ product: 'macos' }, [])).toEqual([]);
  });
});

describe('a pipeline whose transformations array is changed in place (a JavaScript caller can)', () => {
  it('is decided as it is now, as a list of pipelines changed in place is (run-plan.test.ts)', () => {
    const P2 = pipeline(`transformations:
  - id: first
    type: set_state
    key: first
    val: 'yes'
`);
    const more = pipeline(`transformations:
  - id: windows_only
    type: set_state
    key: w
    val: 'yes'
    rule_conditions: [{ type: logsource, product: windows }]
  - id: linux_only
    type: set_state
    key: l
    val: 'yes'
    rule_conditions: [{ type: logsource, product: linux }]
`).transformations;
    const windows = (): string[] => appliedIds(P2, { product: 'windows' });
    const list = P2.transformations as Transformation[];
    expect(windows()).toEqual(['first']);
    list.push(more[0] as Transformation);
    expect(windows()).toEqual(['first', 'windows_only']);
    list[1] = more[1] as Transformation;
    expect(windows()).toEqual(['first']);
  });
});
