import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { CHECKS } from '../../src/check/registry.js';
import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import { memoryIo } from '../support/memory-io.js';
import { REPO_ROOT } from '../support/paths.js';

const CLEAN = `title: Whoami Execution
id: 0e95725d-7320-415d-80f7-004da920fc11
logsource: {product: windows, category: process_creation}
detection:
    selection:
        Image|endswith: '\\whoami.exe'
    condition: selection
`;
const WARNS = CLEAN.replace(`Image|endswith: '\\whoami.exe'`, `EventID: '1'`).replace('0e95725d', '1e95725d').replace('Whoami Execution', 'Event One');
const ERRS = `title: Broken Rule
logsource: {product: windows}
detection:
    sel:
        Image|contans: x
    condition: sel and missing
`;

/**
 * The SARIF schema (test/formats/schemas/sarif-2.1.0.schema.json). strictRequired is off: the published
 * schema's `anyOf: [{required: [text]}, {required: [id]}]` names properties defined one level up.
 */
function sarifErrors(value: unknown): string[] {
  const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'formats', 'schemas', 'sarif-2.1.0.schema.json'), 'utf8')) as object;
  const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(schema);
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

async function run(args: string[], files: Record<string, string>): Promise<{ status: number; out: string; err: string }> {
  const io = memoryIo(files);
  const status = await runCli(['check', ...args], io);
  return { status, out: io.out, err: io.err };
}

describe('sigma-transpiler check: exit status', () => {
  it('0 for a clean pack, 0 with warnings only, 1 with --fail-on warning, 1 with errors', async () => {
    expect((await run(['pack'], { 'pack/a.yml': CLEAN })).status).toBe(0);
    const warned = await run(['pack'], { 'pack/a.yml': CLEAN, 'pack/b.yml': WARNS });
    expect(warned.status).toBe(0);
    expect(warned.out).toContain('pack/b.yml:6:18: warning[number-as-string]');
    expect(warned.err).toBe('checked 2 files (2 documents): 0 errors, 1 warning, 0 notes\n');
    expect((await run(['--fail-on', 'warning', 'pack'], { 'pack/a.yml': CLEAN, 'pack/b.yml': WARNS })).status).toBe(1);
    expect((await run(['pack'], { 'pack/a.yml': CLEAN, 'pack/c.yml': ERRS })).status).toBe(1);
  });

  it('reports every problem of a rule in one run, with caret lines', async () => {
    const { out } = await run(['pack'], { 'pack/c.yml': ERRS });
    expect(out).toContain('pack/c.yml:5:15: error[unknown-modifier]');
    expect(out).toContain('pack/c.yml:6:24: error[condition-unknown-identifier]');
    expect(out).toMatch(/\n +6 \| {5}condition: sel and missing\n +\| +\^{7}\n/);
  });

  it('2 for usage errors: format, --fail-on, --disable, path, no path', async () => {
    const files = { 'pack/a.yml': CLEAN };
    expect((await run(['--format', 'xml', 'pack'], files)).status).toBe(2);
    expect((await run(['--fail-on', 'info', 'pack'], files)).status).toBe(2);
    const unknown = await run(['--disable', 'no-such-check', 'pack'], files);
    expect(unknown.status).toBe(2);
    expect(unknown.err).toContain('unknown check "no-such-check"');
    expect((await run(['nope/'], files)).status).toBe(2);
    expect((await run([], files)).status).toBe(2);
  });
});

describe('sigma-transpiler check: config', () => {
  const files = { 'pack/a.yml': CLEAN, 'pack/b.yml': WARNS };
  it('.sigma-transpiler.yml in the working directory turns checks off or raises them', async () => {
    expect((await run(['--fail-on', 'warning', 'pack'], { ...files, '.sigma-transpiler.yml': 'checks:\n  number-as-string: off\n' })).status).toBe(0);
    const raised = await run(['pack'], { ...files, '.sigma-transpiler.yml': 'checks:\n  number-as-string: error\n' });
    expect(raised.status).toBe(1);
    expect(raised.out).toContain('error[number-as-string]');
  });
  it('--config FILE, and --disable CODE on top of it', async () => {
    expect((await run(['--config', 'lint.yml', 'pack'], { ...files, 'lint.yml': 'disable: [number-as-string]\n' })).out).toBe('');
    expect((await run(['--disable', 'number-as-string', 'pack'], files)).out).toBe('');
    expect((await run(['--config', 'missing.yml', 'pack'], files)).status).toBe(2);
  });
  it('a malformed config is a usage error (2) that names line and column', async () => {
    const r = await run(['pack'], { ...files, '.sigma-transpiler.yml': 'checks:\n  escaped-wildcard: loud\n' });
    expect(r.status).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain('.sigma-transpiler.yml:2:21: error[config-invalid] `checks.escaped-wildcard` must be one of off, error, warning, info');
  });
});

function run0Of(log: { runs: unknown[] }): object {
  return log.runs[0] as object;
}

describe('sigma-transpiler check: formats', () => {
  const files = { 'pack/a.yml': CLEAN, 'pack/b.yml': WARNS, 'pack/c.yml': ERRS };
  it('json: one object per finding, one per line', async () => {
    const { out } = await run(['--format', 'json', 'pack'], files);
    const records = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((r) => r.code)).toEqual(['number-as-string', 'unknown-modifier', 'condition-unknown-identifier']);
    expect(records[0]).toEqual({
      file: 'pack/b.yml',
      line: 6,
      column: 18,
      endLine: 6,
      endColumn: 21,
      severity: 'warning',
      code: 'number-as-string',
      message: expect.stringContaining("EventID: '1' is a number written as a string") as unknown,
    });
  });

  it('sarif: valid SARIF 2.1.0, URIs relative to the working directory, regions on the rule lines', async () => {
    const abs = join(REPO_ROOT, 'rules');
    const { out, status } = await run(['--format', 'sarif', 'pack', abs], files);
    expect(status).toBe(1);
    const log = JSON.parse(out) as {
      runs: { tool: { driver: { name: string; rules: { id: string; helpUri: string }[] } }; results: { ruleId: string; ruleIndex: number; level: string; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: Record<string, number> } }[] }[] }[];
    };
    expect(sarifErrors(log)).toEqual([]);
    expect(sarifErrors({ ...log, runs: [{ ...run0Of(log), results: [{ ruleId: 'x' }] }] })).not.toEqual([]);
    const run0 = log.runs[0]!;
    expect(run0.tool.driver.name).toBe('sigma-transpiler');
    for (const c of CHECKS) expect(run0.tool.driver.rules.map((r) => r.id)).toContain(c.code);
    for (const r of run0.results) expect(run0.tool.driver.rules[r.ruleIndex]?.id).toBe(r.ruleId);
    const first = run0.results.find((r) => r.ruleId === 'number-as-string');
    expect(first?.level).toBe('warning');
    expect(first?.locations[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: 'pack/b.yml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 6, startColumn: 18, endLine: 6, endColumn: 21 },
    });
    // The bundled rules/ were named by an absolute path; their URIs are still relative (vitest runs at the repo root).
    const uris = new Set(run0.results.map((r) => r.locations[0]?.physicalLocation.artifactLocation.uri));
    for (const u of uris) expect(u).toMatch(/^(pack|rules)\//);
  });

  it('every format: two runs give the same bytes', async () => {
    for (const format of ['text', 'json', 'sarif']) {
      const a = await run(['--format', format, 'pack', join(REPO_ROOT, 'rules')], files);
      const b = await run(['--format', format, 'pack', join(REPO_ROOT, 'rules')], files);
      expect(a.out).toBe(b.out);
      expect(a.out.length).toBeGreaterThan(0);
    }
  });

  it('--list prints every check with its default severity', async () => {
    const { out, status } = await run(['--list'], {});
    expect(status).toBe(0);
    expect(out.trim().split('\n')).toHaveLength(CHECKS.length);
    expect(out).toMatch(/^duplicate-id +error +two documents of the pack have the same id$/m);
  });
});
