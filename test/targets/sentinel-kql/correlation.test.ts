/**
 * The sentinel-kql correlation queries RUN (test/targets/sentinel-kql/kusto-evaluator.ts, the documented
 * semantics of each Kusto operator used) over generated event streams, against the reference semantics
 * (test/support/correlation-reference.ts, with Kusto's empty string = absent): the same firings. The
 * same queries pass Microsoft's parser and semantic analysis. Plus fixtures at the boundaries.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CorrelationPlan } from '../../../src/correlation/plan.js';
import { sentinelCorrelation } from '../../../src/targets/sentinel-kql/correlation.js';
import { CASES, event, matches, plan } from '../../support/correlation-cases.js';
import { type Firing, firingKeys, referenceFirings, type TestEvent } from '../../support/correlation-reference.js';
import { kustoDiagnostics } from '../../support/kusto.js';
import { KustoRun } from './kusto-evaluator.js';

const SCHEMA = {
  tables: {
    SigmaEvents: { TimeGenerated: 'datetime', EventID: 'string', Host: 'string', User: 'string', Val: 'string', Note: 'string' },
  },
};

function query(p: CorrelationPlan): string {
  const q = sentinelCorrelation(p, {});
  if (q.kind === 'unsupported') throw new Error(q.reason);
  return q.text;
}

function kustoFirings(p: CorrelationPlan, events: readonly TestEvent[]): Firing[] {
  // A Kusto string column holds "" where an event has no value (this target's README): every column is there.
  const blank = Object.fromEntries(Object.keys(SCHEMA.tables.SigmaEvents).map((c) => [c, '']));
  const table = events.map((e) => ({ ...blank, TimeGenerated: e.time, ...e.fields }));
  const rows = new KustoRun({ SigmaEvents: table }).run(query(p));
  return rows.map((r) => ({
    time: r['TimeGenerated'] as number,
    groups: p.groupBy.map((g) => String(r[g])),
    value: p.type === 'temporal_ordered' ? null : (r[p.type] as number),
  }));
}

describe('sentinel-kql correlation queries run against the reference semantics', () => {
  for (const [name, text] of Object.entries(CASES)) {
    it(name, () => {
      const p = plan(text, 'sentinel-kql');
      expect(kustoDiagnostics(query(p), SCHEMA), query(p)).toEqual([]);
      let fired = 0;
      fc.assert(
        fc.property(fc.array(event, { minLength: 5, maxLength: 40 }), (events) => {
          const expected = referenceFirings(p, events, matches, true);
          fired += expected.length;
          expect(firingKeys(kustoFirings(p, events))).toEqual(firingKeys(expected));
        }),
        { numRuns: 80, seed: 20261206 },
      );
      expect(fired).toBeGreaterThan(4);
    });
  }
});

describe('sentinel-kql correlation boundaries', () => {
  const at = (time: number, EventID: string, fields: Record<string, string> = {}): TestEvent => ({
    time,
    fields: { EventID, Host: 'h', User: 'u', ...fields },
  });
  const keys = (p: CorrelationPlan, events: TestEvent[]) => firingKeys(kustoFirings(p, events));

  it('event_count: inside, exactly one timespan older (outside), same time stamps (inside)', () => {
    const p = plan(CASES['event_count']!, 'sentinel-kql');
    expect(keys(p, [at(10, '1'), at(12, '2'), at(14, '1')])).toEqual(['[14,["h"],3]']);
    expect(keys(p, [at(9, '1'), at(12, '2'), at(14, '1')])).toEqual([]);
    expect(keys(p, [at(14, '1'), at(14, '2'), at(14, '1')])).toEqual(['[14,["h"],3]', '[14,["h"],3]', '[14,["h"],3]']);
  });

  it('an empty group key is absent in Kusto: the row joins no group', () => {
    const p = plan(CASES['event_count']!, 'sentinel-kql');
    expect(keys(p, [at(1, '1', { Host: '' }), at(2, '1', { Host: '' }), at(3, '1', { Host: '' })])).toEqual([]);
  });

  it('temporal_ordered: in order, equal times, out of order, too old', () => {
    const p = plan(CASES['temporal_ordered']!, 'sentinel-kql');
    expect(keys(p, [at(1, '1'), at(2, '2'), at(3, '3')])).toEqual(['[3,["h"],null]']);
    expect(keys(p, [at(3, '1'), at(3, '2'), at(3, '3')])).toEqual(['[3,["h"],null]']);
    expect(keys(p, [at(1, '2'), at(2, '1'), at(3, '3')])).toEqual([]);
    expect(keys(p, [at(0, '1'), at(2, '2'), at(5, '3')])).toEqual([]);
  });
});
