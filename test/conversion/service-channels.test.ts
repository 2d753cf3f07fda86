/**
 * Corpus rules of Windows services whose channel the pipelines add (AppLocker's four logs, the
 * Security-Mitigations logs under both spellings, the SMB client's Security log without case), as
 * `sigma-transpiler convert -t <target>` prints them. Goldens:
 * test/golden/pipelines/<target>/channels-<rule>.txt, read by hand (UPDATE_GOLDENS=1 rewrites).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { SENTINEL_TABLES } from '../../src/pipeline/schemas/sentinel-tables.js';
import { kustoDiagnostics } from '../support/kusto.js';
import { memoryIo } from '../support/memory-io.js';
import { REPO_ROOT } from '../support/paths.js';

// elastic-kql: the new channels are tested without case, which elastic-kql only writes with its option.
const TARGETS: [string, string[]][] = [
  ['splunk', []],
  ['elastic-esql', []],
  ['elastic-kql', ['-O', 'case-insensitive-fields']],
  ['sentinel-kql', []],
];
const FIXTURES = join(REPO_ROOT, 'test/fixtures/service-channels');
const RULES = readdirSync(FIXTURES).filter((f) => f.endsWith('.yml')).sort();

describe('Windows services with their channel (golden)', () => {
  for (const [target, options] of TARGETS) {
    for (const file of RULES) {
      it(`${target}: ${file}`, async () => {
        const io = memoryIo();
        const status = await runCli(['convert', '-t', target, ...options, join(FIXTURES, file)], io);
        expect(status, io.err).toBe(0);
        const golden = join(REPO_ROOT, 'test/golden/pipelines', target, `channels-${file.replace(/\.yml$/, '.txt')}`);
        if (process.env.UPDATE_GOLDENS === '1') writeFileSync(golden, io.out);
        expect(existsSync(golden), `missing golden ${golden}`).toBe(true);
        expect(io.out).toBe(readFileSync(golden, 'utf8'));
        if (target === 'sentinel-kql') expect(kustoDiagnostics(io.out.trim(), { tables: SENTINEL_TABLES })).toEqual([]);
      });
    }
  }

  it('elastic-kql without its case-insensitive option refuses these rules rather than testing the channel with case', async () => {
    const io = memoryIo();
    const status = await runCli(['convert', '-t', 'elastic-kql', join(FIXTURES, 'win_smbclient_security_susp_failed_guest_logon.yml')], io);
    expect(status).not.toBe(0);
    expect(io.err).toContain("case-insensitive match of 'Microsoft-Windows-SmbClient/Security'");
  });
});
