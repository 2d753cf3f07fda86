/**
 * Correlations in the scheduled formats of splunk and sentinel-kql: each run reads one look-back further
 * back than its own interval (the timespans along the chain) and reports only the firings of its own
 * interval. Goldens: test/golden/<target>/correlation/format-*.{conf,yaml,json}, read by hand
 * (UPDATE_GOLDENS=1 rewrites).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { SENTINEL_TABLES } from '../../src/pipeline/schemas/sentinel-tables.js';
import { sentinelSchedule, splunkEarliest } from '../../src/render/scheduled-correlation.js';
import { kustoDiagnostics } from '../support/kusto.js';
import { memoryIo } from '../support/memory-io.js';
import { REPO_ROOT } from '../support/paths.js';

const CHAIN = join(REPO_ROOT, 'test/fixtures/correlation-targets/brute-force.yml');

async function convert(args: string[]): Promise<{ status: number; out: string; err: string }> {
  const io = memoryIo();
  const status = await runCli(['convert', ...args, CHAIN], io);
  return { status, out: io.out, err: io.err };
}

function golden(target: string, name: string, text: string): void {
  const file = join(REPO_ROOT, 'test/golden', target, 'correlation', name);
  if (process.env.UPDATE_GOLDENS === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  expect(existsSync(file), `missing golden ${file}`).toBe(true);
  expect(text).toBe(readFileSync(file, 'utf8'));
}

describe('correlations in scheduled formats', () => {
  it('splunk savedsearches: earliest moved back by the chain look-back (30m + 10m), firings of the own range only', async () => {
    const { status, out, err } = await convert(['-t', 'splunk', '-f', 'savedsearches']);
    expect(status, err).toBe(0);
    expect(out).toContain('dispatch.earliest_time = -20m@m-2400s\n');
    expect(out).toContain('| where _time>=info_min_time+2400\\\n');
    golden('splunk', 'format-savedsearches.conf', out);
  });

  it('sentinel-kql analytics-rule: queryPeriod = frequency + look-back, firings of the last interval only; the query analyses', async () => {
    const { status, out, err } = await convert(['-t', 'sentinel-kql', '-f', 'analytics-rule']);
    expect(status, err).toBe(0);
    expect(out).toContain('queryFrequency: 1h\nqueryPeriod: 100m\n');
    golden('sentinel-kql', 'format-analytics-rule.yaml', out);
    const query = out
      .split('\nquery: |-\n')[1]!
      .split('\nentityMappings:')[0]!
      .split('\n')
      .map((l) => l.slice(2))
      .join('\n');
    expect(query).toMatch(/\| where TimeGenerated > ago\(1h\)$/);
    expect(kustoDiagnostics(query, { tables: SENTINEL_TABLES })).toEqual([]);
  });

  it('sentinel-kql arm: the same schedule in ISO 8601', async () => {
    const { status, out, err } = await convert(['-t', 'sentinel-kql', '-f', 'arm']);
    expect(status, err).toBe(0);
    expect(out).toContain('"queryPeriod": "PT100M"');
    golden('sentinel-kql', 'format-arm.json', out);
  });

  it('a look-back Sentinel cannot schedule is refused, naming the numbers', async () => {
    const { status, err } = await convert(['-t', 'sentinel-kql', '-f', 'analytics-rule', '-F', 'query_frequency=14d']);
    expect(status).not.toBe(0);
    expect(err).toContain('reads at most 14 days back (queryPeriod)');
    expect(err).toContain('(40 minutes: its timespan and those of the correlations it chains)');
  });

  it('a longer query_period given is kept; a rule (no correlation) is unchanged', () => {
    expect(sentinelSchedule('1h', '1d', 600).period).toBe('1d');
    expect(sentinelSchedule('1h', '1h', 90).period).toBe('62m');
    expect(sentinelSchedule('1h', '1h', null)).toEqual({ period: '1h', problem: null });
    expect(splunkEarliest('-20m@m', null)).toBe('-20m@m');
  });
});
