/**
 * Correlations and generated event streams shared by the splunk and sentinel-kql correlation tests:
 * three rules (EventID 1, 2, 3; the second with a cased filter), every type, ranges, aliases and chains.
 */
import fc from 'fast-check';
import type { CorrelationPlan } from '../../src/correlation/plan.js';
import type { TargetId } from '../../src/targets/registry.js';
import { testPlan } from './correlation-plan.js';
import type { TestEvent } from './correlation-reference.js';

/** Three rules, matching EventID 1, 2 and 3; the rule with EventID 2 has a post-filter (a cased match). */
export const RULES = `title: One
name: one
logsource: {product: test}
detection:
    selection:
        EventID: 1
    condition: selection
---
title: Two
name: two
logsource: {product: test}
detection:
    selection:
        EventID: 2
    filter:
        Note|cased: 'X'
    condition: selection and not filter
---
title: Three
name: three
logsource: {product: test}
detection:
    selection:
        EventID: 3
    condition: selection
`;
const EVENT_ID: Record<string, string> = { one: '1', two: '2', three: '3' };
export const matches = (tag: string, e: TestEvent): boolean => e.fields['EventID'] === EVENT_ID[tag] && !(tag === 'two' && e.fields['Note'] === 'X');

export function correlation(type: string, rules: string[], extra: string): string {
  return `title: C
name: c
correlation:
    type: ${type}
    rules: [${rules.join(', ')}]
    timespan: 5s
${extra}`;
}

export function plan(text: string, target: TargetId = 'splunk'): CorrelationPlan {
  return testPlan(target, { 'rules.yml': RULES, 'c.yml': text }, 'c');
}

export const CASES: Record<string, string> = {
  event_count: correlation('event_count', ['one', 'two'], '    group-by: [Host]\n    condition: {gte: 3}\n'),
  'event_count range, no group-by': correlation('event_count', ['one'], '    condition: {gt: 1, lte: 3}\n'),
  value_count: correlation('value_count', ['one', 'three'], '    group-by: [Host, User]\n    condition: {field: Val, gte: 2}\n'),
  value_sum: correlation('value_sum', ['one', 'two'], '    group-by: [Host]\n    condition: {field: Val, gt: 4}\n'),
  value_avg: correlation('value_avg', ['one'], '    group-by: [Host]\n    condition: {field: Val, gte: 2, neq: 5}\n'),
  value_percentile: correlation('value_percentile', ['one', 'two'], '    group-by: [Host]\n    condition: {field: Val, lte: 40}\n'),
  'value_percentile, no group-by, a range': correlation('value_percentile', ['three'], '    condition: {field: User, gt: 20, lt: 60}\n'),
  temporal: correlation('temporal', ['one', 'two', 'three'], '    group-by: [Host]\n'),
  'temporal with a lower condition': correlation('temporal', ['one', 'two', 'three'], '    group-by: [Host]\n    condition: {gte: 2}\n'),
  temporal_ordered: correlation('temporal_ordered', ['one', 'two', 'three'], '    group-by: [Host]\n'),
  'temporal_ordered, two inputs': correlation('temporal_ordered', ['three', 'one'], '    group-by: [User]\n'),
  aliases: correlation(
    'temporal',
    ['one', 'three'],
    '    group-by: [who]\n    aliases:\n        who:\n            one: User\n            three: Host\n',
  ),
  // Chains: the spec's shape (ordered over a count and a rule), two inner correlations side by side, and an
  // inner correlation grouping by more fields than the outer one.
  'chained: temporal_ordered over event_count and a rule': `${correlation('temporal_ordered', ['many', 'three'], '    group-by: [Host]\n')}---
${inner('many', 'event_count', ['one'], '    group-by: [Host]\n    condition: {gte: 2}\n')}`,
  'chained: temporal over two correlations': `${correlation('temporal', ['many', 'users'], '    group-by: [Host]\n')}---
${inner('many', 'event_count', ['one', 'two'], '    group-by: [Host]\n    condition: {gte: 2}\n')}---
${inner('users', 'value_count', ['three'], '    group-by: [Host, User]\n    condition: {field: Val, gte: 2}\n')}`,
  'chained: event_count over a correlation with more group-by fields': `${correlation('event_count', ['pairs'], '    group-by: [User]\n    condition: {gte: 2}\n')}---
${inner('pairs', 'event_count', ['one', 'three'], '    group-by: [Host, User]\n    condition: {gte: 2}\n')}`,
};

function inner(name: string, type: string, rules: string[], extra: string): string {
  return correlation(type, rules, extra).replace('name: c\n', `name: ${name}\n`);
}

export const event = fc.record({
  time: fc.integer({ min: 0, max: 12 }),
  fields: fc.record(
    {
      EventID: fc.constantFrom('1', '2', '3'),
      Host: fc.constantFrom('a', 'b'),
      User: fc.constantFrom('u', 'v', 'a'),
      Val: fc.constantFrom('1', '2', '5', 'x'),
      Note: fc.constantFrom('X', 'x'),
    },
    { requiredKeys: ['EventID'] },
  ),
});

