/**
 * Correlations through the whole tool, as `sigma-transpiler convert -t <target>` prints them with the
 * target's default pipelines: a realistic chain on the Windows Security log
 * (test/fixtures/correlation-targets/brute-force.yml). Goldens: test/golden/<target>/correlation/cli-*.spl|.kql,
 * read by hand (UPDATE_GOLDENS=1 rewrites). The Sentinel query must analyse cleanly against the real
 * table schemas the pipeline maps to.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { SENTINEL_TABLES } from '../../src/pipeline/schemas/sentinel-tables.js';
import { kustoDiagnostics } from '../support/kusto.js';
import { memoryIo } from '../support/memory-io.js';
import { REPO_ROOT } from '../support/paths.js';

const CHAIN = join(REPO_ROOT, 'test/fixtures/correlation-targets/brute-force.yml');

async function convert(target: string): Promise<{ status: number; out: string; err: string }> {
  const io = memoryIo();
  const status = await runCli(['convert', '-t', target, CHAIN], io);
  return { status, out: io.out, err: io.err };
}

describe('a correlation chain through the CLI with the default pipelines (golden)', () => {
  for (const target of ['splunk', 'sentinel-kql']) {
    it(target, async () => {
      const { status, out, err } = await convert(target);
      expect(status, err).toBe(0);
      const file = join(REPO_ROOT, 'test/golden', target, 'correlation', `cli-brute-force.${target === 'splunk' ? 'spl' : 'kql'}`);
      if (process.env.UPDATE_GOLDENS === '1') {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, out);
      }
      expect(existsSync(file), `missing golden ${file}`).toBe(true);
      expect(out).toBe(readFileSync(file, 'utf8'));
      if (target === 'sentinel-kql') expect(kustoDiagnostics(out.trim(), { tables: SENTINEL_TABLES })).toEqual([]);
      if (target === 'splunk') expect(err).toContain('warning[correlation-approximation]');
    });
  }
});
