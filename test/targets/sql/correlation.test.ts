import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluate, type Bounds, type CorrelationKind, type EvalRow } from '../../support/correlation-eval.js';
import { REPO_ROOT } from '../../explain/golden.js';
import { connectPg } from './engines.js';
import { at, BASE, correlationQuery, firingKey, runPgRows, runSqliteRows, type CorrEvent } from './correlation-support.js';

/**
 * Correlation queries RUN in SQLite and PostgreSQL over timestamped events placed just inside and just
 * outside each window and threshold; each case asserts exactly which (time, group) firings come out.
 */

const RULES = ['a', 'b', 'c']
  .map((k) => `title: Kind ${k}\nname: rule_${k}\nlogsource: {product: test}\ndetection:\n    sel:\n        kind: ${k}\n    condition: sel\n`)
  .join('---\n');

const S = 1000;
const M = 60 * S;

interface Case {
  readonly name: string;
  /** Extra documents (the correlation first; its title is `C`). */
  readonly docs: readonly string[];
  readonly groupBy: readonly string[];
  readonly events: readonly CorrEvent[];
  /** `time group...` of each firing, in the query's order. */
  readonly fires: readonly string[];
}

const corr = (body: string): string => `title: C\ncorrelation:\n${body}`;
const ev = (ms: number, kind: string, more: Record<string, string | number | null> = {}): CorrEvent => ({ timestamp: at(ms), kind, ...more });

const CASES: readonly Case[] = [
  {
    name: 'event_count: a row exactly one timespan older is outside the window; 1 ms later is inside',
    docs: [corr('    type: event_count\n    rules: [rule_a]\n    group-by: host\n    timespan: 1m\n    condition: {gte: 3}\n')],
    groupBy: ['host'],
    events: [
      ev(0, 'a', { host: 'h1' }),
      ev(30 * S, 'a', { host: 'h1' }),
      ev(60 * S, 'a', { host: 'h1' }), // window (0, 60s]: 2 rows, no firing
      ev(0, 'a', { host: 'h2' }),
      ev(1, 'a', { host: 'h2' }),
      ev(60 * S, 'a', { host: 'h2' }), // window (0, 60s] holds 1 ms and 60 s: 2 rows
      ev(60 * S + 1, 'a', { host: 'h2' }), // window (1 ms, 60.001 s]: 60 s, 60.001 s ... 2 rows
      ev(2 * S, 'a', { host: 'h3' }),
      ev(3 * S, 'a', { host: 'h3' }),
      ev(3 * S, 'a', { host: 'h3' }), // same time stamp: inside whatever the order -> both fire
      ev(3 * S, 'b', { host: 'h3' }), // another rule: not counted
      ev(3 * S, 'a', { host: null }), // no group: dropped
      ev(3 * S, 'a'),
    ],
    fires: [`${at(3 * S)} h3`, `${at(3 * S)} h3`],
  },
  {
    name: 'event_count: time stamps finer than a millisecond keep their window and their order (microseconds, like PostgreSQL)',
    docs: [corr('    type: event_count\n    rules: [rule_a]\n    group-by: host\n    timespan: 1m\n    condition: {gte: 2}\n')],
    groupBy: ['host'],
    events: [
      { timestamp: '2024-01-01T00:00:00.0005Z', kind: 'a', host: 'h1' },
      { timestamp: '2024-01-01T00:01:00.000Z', kind: 'a', host: 'h1' }, // 0.5 ms inside the window (0, 60 s]: fires
      { timestamp: '2024-01-01T00:00:00.0004Z', kind: 'a', host: 'h2' },
      { timestamp: '2024-01-01T00:00:00.0001Z', kind: 'a', host: 'h2' }, // 0.3 ms earlier, not a tie: only the 0.4 ms row has both in its window
    ],
    fires: [`${at(0)} h2`, `${at(60 * S)} h1`],
  },
  {
    name: 'event_count with a range (ANDed) and no group-by (one group)',
    docs: [corr('    type: event_count\n    rules: [rule_a, rule_b]\n    timespan: 10s\n    condition: {gt: 1, lte: 2}\n')],
    groupBy: [],
    events: [ev(0, 'a'), ev(5 * S, 'b'), ev(9 * S, 'a'), ev(30 * S, 'a')],
    // counts: 1, 2, 3, 1 -> only the second row (5 s) is in (1, 2]
    fires: [at(5 * S)],
  },
  {
    name: 'temporal: every rule within the window, any order; one timespan apart is too late',
    docs: [corr('    type: temporal\n    rules: [rule_a, rule_b]\n    group-by: [host]\n    timespan: 1m\n')],
    groupBy: ['host'],
    events: [ev(0, 'b', { host: 'h1' }), ev(59 * S, 'a', { host: 'h1' }), ev(0, 'a', { host: 'h2' }), ev(60 * S, 'b', { host: 'h2' })],
    fires: [`${at(59 * S)} h1`],
  },
  {
    name: 'temporal_ordered: a then b then c, equal times allowed, the wrong order never fires',
    docs: [corr('    type: temporal_ordered\n    rules: [rule_a, rule_b, rule_c]\n    group-by: [host]\n    timespan: 1m\n')],
    groupBy: ['host'],
    events: [
      ev(0, 'a', { host: 'h1' }),
      ev(10 * S, 'b', { host: 'h1' }),
      ev(10 * S, 'c', { host: 'h1' }), // fires (b and c at the same time)
      ev(0, 'b', { host: 'h2' }),
      ev(10 * S, 'a', { host: 'h2' }),
      ev(20 * S, 'c', { host: 'h2' }), // b before a: no
      ev(0, 'a', { host: 'h3' }),
      ev(30 * S, 'b', { host: 'h3' }),
      ev(60 * S, 'c', { host: 'h3' }), // a exactly 1 m before c: outside
    ],
    fires: [`${at(10 * S)} h1`],
  },
  {
    name: 'aliases: each rule groups by its own field; an event without it belongs to no group',
    docs: [
      corr(
        '    type: temporal\n    rules: [rule_a, rule_b]\n    group-by: [addr]\n    timespan: 1m\n    aliases:\n        addr:\n            rule_a: src\n            rule_b: dst\n',
      ),
    ],
    groupBy: ['addr'],
    events: [
      ev(0, 'a', { src: '10.0.0.1', dst: '10.0.0.9' }),
      ev(5 * S, 'b', { dst: '10.0.0.1', src: '10.0.0.7' }), // fires: a.src = b.dst
      ev(6 * S, 'b', { src: '10.0.0.9' }), // b without dst: no group
    ],
    fires: [`${at(5 * S)} 10.0.0.1`],
  },
  {
    name: 'value_count: distinct non-null values; a null value is not one',
    docs: [corr('    type: value_count\n    rules: [rule_a]\n    group-by: [host]\n    timespan: 1m\n    condition: {field: user, gte: 2}\n')],
    groupBy: ['host'],
    events: [
      ev(0, 'a', { host: 'h1', user: 'x' }),
      ev(1 * S, 'a', { host: 'h1', user: 'x' }),
      ev(2 * S, 'a', { host: 'h1', user: null }),
      ev(3 * S, 'a', { host: 'h1', user: 'y' }), // fires: x, y
    ],
    fires: [`${at(3 * S)} h1`],
  },
  {
    name: 'value_sum and the threshold: exactly the bound does not pass gt',
    docs: [corr('    type: value_sum\n    rules: [rule_a]\n    group-by: [host]\n    timespan: 1m\n    condition: {field: bytes, gt: 100}\n')],
    groupBy: ['host'],
    events: [ev(0, 'a', { host: 'h1', bytes: 60 }), ev(1 * S, 'a', { host: 'h1', bytes: 40 }), ev(2 * S, 'a', { host: 'h1', bytes: 1 }), ev(3 * S, 'a', { host: 'h1' })],
    // sums: 60, 100 (not > 100), 101, 101 (an event without bytes adds nothing)
    fires: [`${at(2 * S)} h1`, `${at(3 * S)} h1`],
  },
  {
    name: 'value_sum: a number stored as text counts (TEXT columns, CSV/JSON loads); text that is not a number does not',
    docs: [corr('    type: value_sum\n    rules: [rule_a]\n    group-by: [host]\n    timespan: 1m\n    condition: {field: bytes, gt: 100}\n')],
    groupBy: ['host'],
    events: [
      ev(0, 'a', { host: 'h1', bytes: '60' }),
      ev(1 * S, 'a', { host: 'h1', bytes: ' 41 ' }), // 101: fires
      ev(0, 'a', { host: 'h2', bytes: 96 }),
      ev(1 * S, 'a', { host: 'h2', bytes: '5abc' }), // not a number (never its prefix 5): 96, no firing
      ev(2 * S, 'a', { host: 'h2', bytes: '-1.5e0' }), // 94.5
      ev(3 * S, 'a', { host: 'h2', bytes: '.65e1' }), // 101: fires
    ],
    fires: [`${at(1 * S)} h1`, `${at(3 * S)} h2`],
  },
  {
    name: 'value_avg over the rows that have the field',
    docs: [corr('    type: value_avg\n    rules: [rule_a]\n    group-by: [host]\n    timespan: 1m\n    condition: {field: bytes, gte: 50}\n')],
    groupBy: ['host'],
    events: [ev(0, 'a', { host: 'h1', bytes: 100 }), ev(1 * S, 'a', { host: 'h1', bytes: 0 }), ev(2 * S, 'a', { host: 'h1' }), ev(61 * S, 'a', { host: 'h1', bytes: 0 })],
    // averages: 100, 50, 50 (the 2 s row has no bytes: its window still averages 100 and 0), then 0
    fires: [`${at(0)} h1`, `${at(1 * S)} h1`, `${at(2 * S)} h1`],
  },
  {
    name: 'value_percentile: the anchor value is at most 25 % of the window values',
    docs: [corr('    type: value_percentile\n    rules: [rule_a]\n    group-by: [host]\n    timespan: 1m\n    condition: {field: image, lte: 25}\n')],
    groupBy: ['host'],
    events: [
      ev(0, 'a', { host: 'h1', image: 'cmd' }),
      ev(1 * S, 'a', { host: 'h1', image: 'cmd' }),
      ev(2 * S, 'a', { host: 'h1', image: 'cmd' }),
      ev(3 * S, 'a', { host: 'h1', image: 'evil' }), // 1 of 4 = 25 %: fires
      ev(4 * S, 'a', { host: 'h1' }), // no value: no anchor
    ],
    fires: [`${at(3 * S)} h1`],
  },
];


const CHAINED = readFileSync(join(REPO_ROOT, 'test/fixtures/correlation/chained.yml'), 'utf8');
const CHAINED_TITLE = 'Correlation - Multiple Failed Logins Followed by Successful Login';
const failed = (ms: number, user: string | null): CorrEvent => ({ timestamp: at(ms), EventID: 4625, User: user });
const success = (ms: number, user: string | null): CorrEvent => ({ timestamp: at(ms), EventID: 4624, User: user });
/** alice: 10 failures in 9 minutes, then a success 1 minute later -> fires; bob: 9 failures -> no; carol: success 10 m after the 10th failure -> no. */
const CHAINED_EVENTS: readonly CorrEvent[] = [
  ...Array.from({ length: 10 }, (_, i) => failed(i * M, 'alice')),
  success(10 * M, 'alice'),
  ...Array.from({ length: 9 }, (_, i) => failed(i * M, 'bob')),
  success(9 * M, 'bob'),
  ...Array.from({ length: 10 }, (_, i) => failed(i * S, 'carol')),
  success(9 * S + 10 * M, 'carol'),
  ...Array.from({ length: 10 }, (_, i) => failed(i * S, null)),
  success(20 * S, null),
];

const client: pg.Client | null = await connectPg();
if (client === null) console.log('[skip] sql correlation PostgreSQL cases: no server at PGHOST/PGPORT (run scripts/start-postgres.sh)');
afterAll(async () => {
  await client?.end();
});

describe('sql correlations run in SQLite: exactly the firings the semantics say', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const q = correlationQuery([RULES, ...c.docs], 'C');
      expect(runSqliteRows(q, c.events, ['kind', ...c.groupBy]).map((r) => firingKey(r, c.groupBy))).toEqual(c.fires);
    });
  }
  it("the spec's chained example: 10 failed logins, then a success, within 10 minutes, per user", () => {
    const q = correlationQuery([CHAINED], CHAINED_TITLE);
    expect(runSqliteRows(q, CHAINED_EVENTS).map((r) => firingKey(r, ['User']))).toEqual([`${at(10 * M)} alice`]);
  });
  it('the timestamp column is a target option', () => {
    const q = correlationQuery([RULES, CASES[0]?.docs[0] ?? ''], 'C', { 'timestamp-column': 'ts' });
    expect(q).toContain('"i"."ts"');
    const events = (CASES[0]?.events ?? []).map(({ timestamp, ...rest }) => ({ ts: timestamp ?? null, ...rest }));
    expect(runSqliteRows(q, events, ['kind', 'host']).map((r) => firingKey(r, ['host'], 'ts'))).toEqual(CASES[0]?.fires);
  });
});

describe.skipIf(client === null)('sql correlations run in PostgreSQL (-O postgres): the same firings', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      if (client === null) return;
      const q = correlationQuery([RULES, ...c.docs], 'C', { postgres: true });
      expect((await runPgRows(client, q, c.events, ['kind', ...c.groupBy])).map((r) => firingKey(r, c.groupBy))).toEqual(c.fires);
    });
  }
  it("the spec's chained example", async () => {
    if (client === null) return;
    const q = correlationQuery([CHAINED], CHAINED_TITLE, { postgres: true });
    expect((await runPgRows(client, q, CHAINED_EVENTS)).map((r) => firingKey(r, ['User']))).toEqual([`${at(10 * M)} alice`]);
  });
});

// ---------------------------------------------------------------------------------------------------
// The independent evaluator (test/support/correlation-eval.ts) agrees with SQLite on random streams.

const TYPES: readonly CorrelationKind[] = ['event_count', 'value_count', 'temporal', 'temporal_ordered', 'value_sum', 'value_avg', 'value_percentile'];

const arbEvent = fc.record({
  step: fc.integer({ min: 0, max: 12 }),
  jitter: fc.constantFrom(0, 0, 0, 1, 999),
  kind: fc.constantFrom('a', 'b', 'c'),
  host: fc.constantFrom<string | null>('h1', 'h2', null),
  user: fc.constantFrom<string | null>('u1', 'u2', null),
  bytes: fc.constantFrom<string | number | null>(1, 2, 5, 100, null, 'x', '5'),
});

const arbBounds = (type: CorrelationKind): fc.Arbitrary<Bounds> => {
  if (type === 'temporal_ordered') return fc.constant({});
  const n = type === 'value_percentile' ? fc.constantFrom(10, 25, 50, 100) : fc.integer({ min: 0, max: 8 });
  return fc.oneof(
    fc.record({ gte: n }),
    fc.record({ gt: n }),
    fc.record({ lt: n }),
    fc.record({ gt: n, lte: n.map((x) => x + 3) }),
    fc.record({ eq: n }),
    fc.record({ neq: n }),
    ...(type === 'temporal' ? [fc.constant({})] : []),
  );
};

const arbCase = fc
  .record({
    type: fc.constantFrom(...TYPES),
    rules: fc.shuffledSubarray(['a', 'b', 'c'], { minLength: 1 }),
    groupBy: fc.subarray(['host', 'user']),
    span: fc.constantFrom(15, 30, 60),
    events: fc.array(arbEvent, { maxLength: 25 }),
  })
  .chain((c) => arbBounds(c.type).map((bounds) => ({ ...c, bounds })));

type GenCase = {
  readonly type: CorrelationKind;
  readonly rules: string[];
  readonly groupBy: string[];
  readonly span: number;
  readonly events: { step: number; jitter: number; kind: string; host: string | null; user: string | null; bytes: string | number | null }[];
  readonly bounds: Bounds;
};

/** value_sum / value_avg read text that is a decimal number as that number (sql README, "Values"). */
const summed = (type: CorrelationKind, v: string | number | null): string | number | null =>
  (type === 'value_sum' || type === 'value_avg') && typeof v === 'string' && /^[-+]?\d+(\.\d+)?$/.test(v) ? Number(v) : v;

/** The correlation document of a generated case (title C) and its expected firings per the evaluator. */
function generated(c: GenCase): { doc: string; want: string[]; events: CorrEvent[] } {
  const field = c.type === 'value_count' ? 'user' : c.type === 'value_sum' || c.type === 'value_avg' || c.type === 'value_percentile' ? 'bytes' : null;
  const cond = { ...(field === null ? {} : { field }), ...c.bounds };
  const condYaml = Object.keys(cond).length === 0 ? '' : `    condition: ${JSON.stringify(cond)}\n`;
  const doc = corr(
    `    type: ${c.type}\n    rules: [${c.rules.map((r) => `rule_${r}`).join(', ')}]\n` +
      (c.groupBy.length > 0 ? `    group-by: [${c.groupBy.join(', ')}]\n` : '') +
      `    timespan: ${c.span}s\n${condYaml}`,
  );
  const events: CorrEvent[] = c.events.map((e) => ({ timestamp: at(e.step * 15 * S + e.jitter), kind: e.kind, host: e.host, user: e.user, bytes: e.bytes }));
  const rows: EvalRow[] = c.events.flatMap((e) =>
    c.rules.includes(e.kind)
      ? [{ time: BASE + e.step * 15 * S + e.jitter, tag: `rule_${e.kind}`, groups: c.groupBy.map((g) => (g === 'host' ? e.host : e.user)), value: field === null ? null : field === 'user' ? e.user : summed(c.type, e.bytes) }]
      : [],
  );
  const want = evaluate({ type: c.type, timespanMs: c.span * S, tags: c.rules.map((r) => `rule_${r}`), condition: c.bounds }, rows)
    .map((f) => [new Date(f.time).toISOString(), ...f.groups.map(String)].join(' '))
    .sort();
  return { doc, want, events };
}

describe('the evaluator agrees with SQLite on random event streams', () => {
  it('every type, random group-by, window, condition and events', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const { doc, want, events } = generated(c);
        const got = runSqliteRows(correlationQuery([RULES, doc], 'C'), events, ['kind', 'host', 'user', 'bytes']).map((r) => firingKey(r, c.groupBy)).sort();
        expect(got).toEqual(want);
      }),
      { numRuns: 300, seed: 20261206 },
    );
  });

  it('chained: an event_count per host, then temporal_ordered / temporal / event_count over its firings and rule c', () => {
    const arbChain = fc.record({
      outer: fc.constantFrom<CorrelationKind>('temporal_ordered', 'temporal', 'event_count'),
      innerSpan: fc.constantFrom(15, 30, 60),
      outerSpan: fc.constantFrom(15, 30, 60),
      threshold: fc.integer({ min: 1, max: 3 }),
      events: fc.array(arbEvent, { maxLength: 25 }),
    });
    fc.assert(
      fc.property(arbChain, (c) => {
        const inner = `title: Inner\nname: inner\ncorrelation:\n    type: event_count\n    rules: [rule_a, rule_b]\n    group-by: [host]\n    timespan: ${c.innerSpan}s\n    condition: {gte: ${c.threshold}}\n`;
        const outerCond = c.outer === 'event_count' ? '    condition: {gte: 2}\n' : '';
        const outer = corr(`    type: ${c.outer}\n    rules: [inner, rule_c]\n    group-by: [host]\n    timespan: ${c.outerSpan}s\n${outerCond}`);
        const events: CorrEvent[] = c.events.map((e) => ({ timestamp: at(e.step * 15 * S + e.jitter), kind: e.kind, host: e.host }));
        const got = runSqliteRows(correlationQuery([RULES, inner, outer], 'C'), events, ['kind', 'host']).map((r) => firingKey(r, ['host'])).sort();
        const time = (e: { step: number; jitter: number }): number => BASE + e.step * 15 * S + e.jitter;
        const innerRows: EvalRow[] = c.events.flatMap((e) => (e.kind === 'a' || e.kind === 'b' ? [{ time: time(e), tag: `rule_${e.kind}`, groups: [e.host], value: null }] : []));
        const fired = evaluate({ type: 'event_count', timespanMs: c.innerSpan * S, tags: ['rule_a', 'rule_b'], condition: { gte: c.threshold } }, innerRows);
        const outerRows: EvalRow[] = [
          ...fired.map((f) => ({ time: f.time, tag: 'inner', groups: f.groups, value: null })),
          ...c.events.flatMap((e) => (e.kind === 'c' ? [{ time: time(e), tag: 'rule_c', groups: [e.host], value: null }] : [])),
        ];
        const want = evaluate({ type: c.outer, timespanMs: c.outerSpan * S, tags: ['inner', 'rule_c'], condition: c.outer === 'event_count' ? { gte: 2 } : {} }, outerRows)
          .map((f) => [new Date(f.time).toISOString(), ...f.groups.map(String)].join(' '))
          .sort();
        expect(got).toEqual(want);
      }),
      { numRuns: 150, seed: 20261207 },
    );
  });
});

describe.skipIf(client === null)('the evaluator agrees with PostgreSQL on random event streams (text columns, numeric values)', () => {
  it('every type', async () => {
    if (client === null) return;
    const numericOnly = arbCase.map((c) => ({ ...c, events: c.events.map((e) => ({ ...e, bytes: typeof e.bytes === 'number' ? e.bytes : null })) }));
    await fc.assert(
      fc.asyncProperty(numericOnly, async (c) => {
        const { doc, want, events } = generated(c);
        const rows = await runPgRows(client, correlationQuery([RULES, doc], 'C', { postgres: true }), events, ['kind', 'host', 'user', 'bytes']);
        expect(rows.map((r) => firingKey(r, c.groupBy)).sort()).toEqual(want);
      }),
      { numRuns: 60, seed: 20261208 },
    );
  });
});

describe('sql view format: a correlation is a view with its own metadata', () => {
  it('CREATE VIEW named after the correlation, its attribution, and the view runs in SQLite', async () => {
    const { convertFiles } = await import('../../../src/convert.js');
    const { findConverter } = await import('../../../src/converters.js');
    const { parseSigmaText } = await import('../../../src/rule/parse-documents.js');
    const doc = `title: Many a\nid: 2e95725d-7320-415d-80f7-004da920fc13\nauthor: Someone\nlicense: MIT\ncorrelation:\n    type: event_count\n    rules: [rule_a]\n    group-by: host\n    timespan: 1m\n    condition: {gte: 2}\n`;
    const records = convertFiles([parseSigmaText(RULES, 'r.yml'), parseSigmaText(doc, 'c.yml')], findConverter('sql')!, { format: 'view' });
    const view = records.find((r) => r.title === 'Many a');
    expect(view?.ok).toBe(true);
    const text = view?.output ?? '';
    expect(text).toContain('CREATE VIEW "sigma_many_a" AS\nWITH');
    expect(text).toContain('-- Sigma rule id: 2e95725d-7320-415d-80f7-004da920fc13');
    expect(text).toContain('-- License: MIT');
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(':memory:');
    try {
      db.exec('CREATE TABLE events ("timestamp", "kind", "host")');
      for (const t of [0, 30 * S, 90 * S]) db.prepare('INSERT INTO events VALUES (?, ?, ?)').run(at(t), 'a', 'h1');
      db.exec(text);
      expect(db.prepare('SELECT * FROM "sigma_many_a"').all()).toEqual([{ timestamp: at(30 * S), host: 'h1', event_count: 2 }]);
    } finally {
      db.close();
    }
  });
});
