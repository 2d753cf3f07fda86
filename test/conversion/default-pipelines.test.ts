/**
 * PsExec (and the rules of test/fixtures/windows-logs) through each target's default pipeline, as
 * `sigma-transpiler convert -t <target>` prints it. Goldens: test/golden/pipelines/<target>/<rule>.txt,
 * read by hand (UPDATE_GOLDENS=1 rewrites).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { TARGETS } from '../../src/targets/registry.js';
import { jsonRecords } from '../support/convert-text.js';
import { memoryIo } from '../support/memory-io.js';
import { PSEXEC_RULE, REPO_ROOT } from '../support/paths.js';
import { kustoDiagnostics } from '../support/kusto.js';
import { SENTINEL_TABLES } from '../../src/pipeline/schemas/sentinel-tables.js';

const OPTIONS: Record<string, string[]> = { 'elastic-kql': ['-O', 'case-insensitive-fields'] };

async function convert(target: string, extra: string[] = [], rule = PSEXEC_RULE): Promise<{ status: number; out: string; err: string }> {
  const io = memoryIo();
  const status = await runCli(['convert', '-t', target, ...(OPTIONS[target] ?? []), ...extra, rule], io);
  return { status, out: io.out, err: io.err };
}

describe('PsExec with each default pipeline (golden)', () => {
  for (const target of TARGETS.map((t) => t.id)) {
    it(target, async () => {
      const { status, out, err } = await convert(target);
      expect(status, err).toBe(0);
      const file = join(REPO_ROOT, 'test/golden/pipelines', target, 'psexec.txt');
      if (process.env.UPDATE_GOLDENS === '1') {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, out);
      }
      expect(existsSync(file), `missing golden ${file}`).toBe(true);
      expect(out).toBe(readFileSync(file, 'utf8'));
    });
  }

  // Beyond the Security log: a System log rule, a PowerShell script block rule and a remote-thread rule.
  const WINDOWS_LOGS = join(REPO_ROOT, 'test/fixtures/windows-logs');
  const logRules = readdirSync(WINDOWS_LOGS).filter((f) => f.endsWith('.yml')).sort();
  for (const target of TARGETS.map((t) => t.id)) {
    for (const file of logRules) {
      it(`${target}: ${file}`, async () => {
        const { status, out, err } = await convert(target, [], join(WINDOWS_LOGS, file));
        expect(status, err).toBe(0);
        const golden = join(REPO_ROOT, 'test/golden/pipelines', target, file.replace(/\.yml$/, '.txt'));
        if (process.env.UPDATE_GOLDENS === '1') writeFileSync(golden, out);
        expect(existsSync(golden), `missing golden ${golden}`).toBe(true);
        expect(out).toBe(readFileSync(golden, 'utf8'));
        if (target === 'sentinel-kql') expect(kustoDiagnostics(out.trim(), { tables: SENTINEL_TABLES })).toEqual([]);
      });
    }
  }

  // The same rules for a workspace with Sysmon (WindowsEvent) instead of Defender: -p sentinel-sysmon.
  for (const file of [...logRules, 'proc_creation_win_userinit_uncommon_child_processes.yml']) {
    it(`sentinel-kql -p sentinel-sysmon: ${file}`, async () => {
      const path = logRules.includes(file) ? join(WINDOWS_LOGS, file) : join(REPO_ROOT, 'rules', file);
      const { status, out, err } = await convert('sentinel-kql', ['-p', 'sentinel-sysmon'], path);
      expect(status, err).toBe(0);
      const golden = join(REPO_ROOT, 'test/golden/pipelines/sentinel-sysmon', file.replace(/\.yml$/, '.txt'));
      if (process.env.UPDATE_GOLDENS === '1') {
        mkdirSync(dirname(golden), { recursive: true });
        writeFileSync(golden, out);
      }
      expect(existsSync(golden), `missing golden ${golden}`).toBe(true);
      expect(out).toBe(readFileSync(golden, 'utf8'));
      expect(kustoDiagnostics(out.trim(), { tables: SENTINEL_TABLES })).toEqual([]);
    });
  }

  it('sentinel-kql starts from SecurityEvent and analyses cleanly against its real columns', async () => {
    const { out } = await convert('sentinel-kql');
    expect(out.startsWith('SecurityEvent\n')).toBe(true);
    expect(kustoDiagnostics(out.trim(), { tables: SENTINEL_TABLES })).toEqual([]);
    // A wrong column name must fail the same check, or the check proves nothing.
    expect(kustoDiagnostics(out.trim().replace('ShareName', 'ShareNam'), { tables: SENTINEL_TABLES }).length).toBeGreaterThan(0);
  });

  it('--without-pipeline keeps the rule field names and a neutral source', async () => {
    const { status, out } = await convert('sentinel-kql', ['--without-pipeline']);
    expect(status).toBe(0);
    expect(out.startsWith('SigmaEvents\n')).toBe(true);
  });

  it('--json lists the transformations applied', async () => {
    const io = memoryIo();
    await runCli(['convert', '-t', 'splunk', '--json', PSEXEC_RULE], io);
    const records = jsonRecords(io.out);
    expect(records).toHaveLength(1);
    expect(records[0]?.pipeline.map((a) => a.pipeline)).toContain('splunk-windows');
  });

  it('each target reads its own source from the pipeline state: index for splunk, none for elastic-kql', async () => {
    const pipeline = 'name: site\ntransformations:\n  - type: set_state\n    key: index\n    val: wineventlog\n';
    for (const [target, expected] of [['splunk', /^index=wineventlog \(/], ['elastic-kql', /^winlog\.channel/]] as const) {
      const io = memoryIo({ 'site.yml': pipeline });
      const status = await runCli(['convert', '-t', target, ...(OPTIONS[target] ?? []), '-p', 'site.yml', PSEXEC_RULE], io);
      expect(status, io.err).toBe(0);
      expect(io.out).toMatch(expected);
    }
  });

  it('an unknown pipeline is a usage error; a broken pipeline file is reported with its position', async () => {
    expect((await convert('splunk', ['-p', 'no-such-pipeline'])).status).toBe(2);
    const io = memoryIo({ 'bad.yml': 'name: bad\ntransformations:\n  - id: x\n    type: no_such_type\n' });
    const status = await runCli(['convert', '-t', 'splunk', '-p', 'bad.yml', PSEXEC_RULE], io);
    expect(status).toBe(2);
    expect(io.err).toMatch(/bad\.yml:4:11: error\[pipeline-invalid\].*no_such_type/);
  });
});
