import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { load } from 'js-yaml';
import { REPO_ROOT } from './support/paths.js';

const SCRIPT = join(REPO_ROOT, 'examples', 'ci', 'check-and-export.sh');
const CLI = join(REPO_ROOT, 'dist', 'cli', 'main.js');
const work = mkdtempSync(join(tmpdir(), 'check-and-export-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs the CI script with plain sh against the built CLI (`npm test` builds it first). */
function runScript(rules: string, out: string): { status: number | null; stderr: string } {
  const r = spawnSync('sh', [SCRIPT, rules, out], {
    cwd: work,
    env: { ...process.env, SIGMA_TRANSPILER: `node ${CLI}` },
    encoding: 'utf8',
  });
  return { status: r.status, stderr: r.stderr };
}

/** A copy of the bundled rules/ (its Zeek rule is refused on every target: skipped with --skip-unsupported). */
function cleanPack(name: string): string {
  const dir = join(work, name);
  cpSync(join(REPO_ROOT, 'rules'), dir, { recursive: true });
  return dir;
}

describe('examples/ci', () => {
  it('the built CLI exists (npm test builds it)', () => {
    expect(existsSync(CLI)).toBe(true);
  });

  it('check-and-export.sh lints a clean pack, then exports it for every target, with a SARIF file', () => {
    const { status, stderr } = runScript(cleanPack('clean'), join(work, 'out-clean'));
    expect(stderr).toContain('is clean and exported for: all');
    expect(status).toBe(0);
    const out = join(work, 'out-clean');
    // No elastic-kql folder: its default pipeline leaves the pack's other rules refused (case-sensitive
    // keyword fields), and the Zeek rule (`not selection`, no pipeline maps zeek) is refused as
    // unscoped-match-all by splunk, elastic-kql and elastic-esql; --skip-unsupported skips them all.
    expect(readdirSync(out).sort()).toEqual(['check.sarif', 'elastic-esql', 'manifest.json', 'sentinel-kql', 'splunk', 'sql']);
    // Ten queries: seven rules and godmode_sigma_rule.yml's three documents (a collection with a global part).
    expect(readdirSync(join(out, 'splunk')).length).toBe(10);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
      documents: { file: string; targets: Record<string, { status: string; diagnostics: { code: string }[] }> }[];
    };
    const zeek = manifest.documents.find((d) => d.file.endsWith('zeek_rdp_public_listener.yml'));
    for (const t of ['splunk', 'elastic-kql', 'elastic-esql']) {
      expect(zeek?.targets[t]?.diagnostics.map((d) => d.code), t).toContain('unscoped-match-all');
    }
    // A converted rule no pipeline scopes (Linux on splunk) keeps its warning in the manifest.
    const linux = manifest.documents.find((d) => d.file.endsWith('lnx_shell_clear_cmd_history.yml'));
    expect(linux?.targets.splunk?.status).toBe('converted');
    expect(linux?.targets.splunk?.diagnostics.map((d) => d.code)).toEqual(['no-source-condition']);
    expect((JSON.parse(readFileSync(join(out, 'check.sarif'), 'utf8')) as { version: string }).version).toBe('2.1.0');
  });

  it('fails the job on a lint error and exports nothing', () => {
    const pack = cleanPack('lint-error');
    writeFileSync(join(pack, 'broken.yml'), 'title: Broken\nlogsource: {product: windows}\ndetection:\n    sel:\n        Image|contans: x\n    condition: sel\n');
    const { status, stderr } = runScript(pack, join(work, 'out-lint'));
    expect(status).toBe(1);
    expect(stderr).toContain('the lint failed (exit 1); nothing was exported');
    expect(readdirSync(join(work, 'out-lint'))).toEqual(['check.sarif']);
  });

  it('skips a rule a target refuses (the bundled rules/: the Zeek rule, only `not selection`, has no source on any target) and writes the rest, listing it as refused', () => {
    const out = join(work, 'out-all');
    const { status, stderr } = runScript(join(REPO_ROOT, 'rules'), out);
    expect(status).toBe(0);
    expect(stderr).toMatch(/zeek_rdp_public_listener\.yml:\d+:\d+: warning\[unscoped-match-all\]/);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
      documents: { file: string; targets: Record<string, { status: string; diagnostics: { code: string }[] }> }[];
    };
    const zeek = manifest.documents.find((d) => d.file.endsWith('zeek_rdp_public_listener.yml'));
    expect(zeek?.targets['splunk']?.status).toBe('refused');
    expect(zeek?.targets['splunk']?.diagnostics.map((d) => d.code)).toContain('unscoped-match-all');
    expect(zeek?.targets['sentinel-kql']?.status).toBe('refused');
    const godmode = manifest.documents.find((d) => d.file.endsWith('godmode_sigma_rule.yml'));
    expect(godmode?.targets['splunk']?.status).toBe('converted');
  });

  it('without --skip-unsupported (CONVERT_FLAGS empty), a refused rule fails the job and nothing is written', () => {
    const r = spawnSync('sh', [SCRIPT, join(REPO_ROOT, 'rules'), join(work, 'out-strict')], {
      cwd: work,
      env: { ...process.env, SIGMA_TRANSPILER: `node ${CLI}`, CONVERT_FLAGS: '' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/zeek_rdp_public_listener\.yml:\d+:\d+: error\[unscoped-match-all\]/);
    expect(r.stderr).toContain('exporting failed (exit 1); nothing was written');
    expect(readdirSync(join(work, 'out-strict'))).toEqual(['check.sarif']);
  });

  it('github-actions.yml runs the same script after actions/setup-node', () => {
    const workflow = load(readFileSync(join(REPO_ROOT, 'examples', 'ci', 'github-actions.yml'), 'utf8')) as {
      jobs: Record<string, { steps: { uses?: string; run?: string }[] }>;
    };
    const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
    expect(steps.some((s) => s.uses?.startsWith('actions/setup-node@') === true)).toBe(true);
    expect(steps.some((s) => s.run?.includes('check-and-export.sh') === true)).toBe(true);
    expect(steps.some((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@') === true)).toBe(true);
  });
});
