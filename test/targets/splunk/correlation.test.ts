/**
 * The splunk correlation queries RUN (test/targets/splunk/correlation-evaluator.ts, the documented
 * semantics of each SPL command) over generated event streams, against the reference semantics
 * (test/support/correlation-reference.ts): the same firings, whatever order Splunk gives tied events.
 * Plus fixtures just inside and just outside each timespan and threshold.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CorrelationPlan } from '../../../src/correlation/plan.js';
import { splunkCorrelation } from '../../../src/targets/splunk/correlation.js';
import { type Firing, firingKeys, referenceFirings, type TestEvent } from '../../support/correlation-reference.js';
import { CASES, event, matches, plan } from '../../support/correlation-cases.js';
import { runCorrelationSpl } from './correlation-evaluator.js';

function splunkFirings(p: CorrelationPlan, events: readonly TestEvent[], tieSeed: number): Firing[] {
  const q = splunkCorrelation(p, {});
  if (q.kind === 'unsupported') throw new Error(q.reason);
  const rows = runCorrelationSpl(q.text, events.map((e) => ({ _time: e.time, fields: e.fields })), { inclusiveBoundary: false, tieSeed });
  return rows.map((r) => ({
    time: r['_time'] as number,
    groups: p.groupBy.map((g) => String(r[g])),
    value: p.type === 'temporal_ordered' ? null : (r[p.type] as number),
  }));
}

describe('splunk correlation queries run against the reference semantics', () => {
  for (const [name, text] of Object.entries(CASES)) {
    it(name, () => {
      const p = plan(text);
      let fired = 0;
      fc.assert(
        fc.property(fc.array(event, { minLength: 5, maxLength: 40 }), fc.integer({ min: 1, max: 1_000_000 }), (events, seed) => {
          const expected = referenceFirings(p, events, matches);
          fired += expected.length;
          expect(firingKeys(splunkFirings(p, events, seed))).toEqual(firingKeys(expected));
        }),
        { numRuns: 150, seed: 20261206 },
      );
      // The streams (a fixed seed: the same every run) make the correlation fire often: the test is not vacuous.
      expect(fired).toBeGreaterThan(4);
    });
  }
});

describe('splunk correlation boundaries', () => {
  const at = (time: number, EventID: string, fields: Record<string, string> = {}): TestEvent => ({
    time,
    fields: { EventID, Host: 'h', User: 'u', ...fields },
  });
  const keys = (p: CorrelationPlan, events: TestEvent[]) => firingKeys(splunkFirings(p, events, 7));

  it('event_count: 3 events within 5s fire; the same 3 with the first exactly 5s older do not', () => {
    const p = plan(CASES['event_count']!);
    expect(keys(p, [at(10, '1'), at(12, '2'), at(14, '1')])).toEqual(['[14,["h"],3]']);
    expect(keys(p, [at(9, '1'), at(12, '2'), at(14, '1')])).toEqual([]);
    // Same time stamps are inside whatever their order: all three anchors at 14 see 3 rows.
    expect(keys(p, [at(14, '1'), at(14, '2'), at(14, '1')])).toEqual(['[14,["h"],3]', '[14,["h"],3]', '[14,["h"],3]']);
  });

  it('a threshold just missed and just met', () => {
    const p = plan(CASES['value_sum']!);
    expect(keys(p, [at(1, '1', { Val: '2' }), at(2, '1', { Val: '2' })])).toEqual([]); // 4 is not > 4
    expect(keys(p, [at(1, '1', { Val: '2' }), at(2, '1', { Val: '2' }), at(3, '2', { Val: 'x' }), at(3, '2', { Val: '1' })])).toEqual([
      '[3,["h"],5]',
      '[3,["h"],5]',
    ]);
  });

  it('temporal_ordered: the listed order, equal times allowed, out of order or too old never', () => {
    const p = plan(CASES['temporal_ordered']!);
    expect(keys(p, [at(1, '1'), at(2, '2'), at(3, '3')])).toEqual(['[3,["h"],null]']);
    expect(keys(p, [at(3, '1'), at(3, '2'), at(3, '3')])).toEqual(['[3,["h"],null]']);
    expect(keys(p, [at(1, '2'), at(2, '1'), at(3, '3')])).toEqual([]);
    expect(keys(p, [at(0, '1'), at(2, '2'), at(5, '3')])).toEqual([]); // the first is exactly 5s older
    expect(keys(p, [at(1, '1'), at(2, '2'), at(5, '3')])).toEqual(['[5,["h"],null]']);
  });

  it('a group-by field absent from an event puts it in no group', () => {
    const p = plan(CASES['event_count']!);
    const noHost = (time: number): TestEvent => ({ time, fields: { EventID: '1' } });
    expect(keys(p, [noHost(1), noHost(2), at(3, '1'), at(3, '1')])).toEqual([]);
  });
});

