import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { jsonRecords } from '../support/convert-text.js';
import { memoryIo } from '../support/memory-io.js';
import { PSEXEC_RULE, REPO_ROOT } from '../support/paths.js';
import { join } from 'node:path';

const GOOD = `title: Good
id: 0e95725d-7320-415d-80f7-004da920fc11
logsource: {product: windows}
detection:
    sel:
        EventID: 4688
    condition: sel
`;
const BAD = `title: Bad
logsource: {product: windows}
detection:
    sel:
        Image|contans: x
    condition: sel and missing
`;

describe('sigma-transpiler convert', () => {
  it('--target ast --json prints one object per rule document with a stable shape', async () => {
    const io = memoryIo();
    const status = await runCli(['convert', '--target', 'ast', '--json', PSEXEC_RULE], io);
    expect(status).toBe(0);
    const records = jsonRecords(io.out);
    expect(records).toHaveLength(1);
    const record = records[0]!;
    expect(Object.keys(record).slice(0, 8)).toEqual(['file', 'id', 'title', 'target', 'format', 'ok', 'output', 'diagnostics']);
    expect(record).toMatchObject({ id: 'c462f537-a1e3-41a6-b5fc-b2c2cef9bf82', title: 'Suspicious PsExec Execution', target: 'ast', ok: true });
    expect(record.output).toContain('condition: selection1 and not filter');
  });

  it('exits 1 when a rule fails, still converts the others, and shows file:line:col with a caret', async () => {
    const io = memoryIo({ 'pack/a.yml': GOOD, 'pack/b.yml': BAD });
    const status = await runCli(['convert', '-t', 'ast', 'pack'], io);
    expect(status).toBe(1);
    expect(io.out).toContain('EventID == 4688');
    expect(io.err).toContain('pack/b.yml:5:15: error[unknown-modifier]');
    expect(io.err).toMatch(/\n +5 \|         Image\|contans: x\n +\| +\^+/);
    expect(io.err).toContain('1 converted, 1 failed');
  });

  it('exits 2 for usage errors', async () => {
    expect(await runCli(['convert', '--target', 'nope', PSEXEC_RULE], memoryIo())).toBe(2);
    expect(await runCli(['convert', '--target', 'ast', '/no/such/path.yml'], memoryIo())).toBe(2);
    expect(await runCli(['convert', PSEXEC_RULE], memoryIo())).toBe(2);
    expect(await runCli(['frobnicate'], memoryIo())).toBe(2);
  });

  it('never writes half a pack to --output-dir', async () => {
    const io = memoryIo({ 'pack/a.yml': GOOD, 'pack/b.yml': BAD });
    expect(await runCli(['convert', '-t', 'ast', '-o', 'out', 'pack'], io)).toBe(1);
    expect(io.written.size).toBe(0);
    const io2 = memoryIo({ 'pack/a.yml': GOOD });
    expect(await runCli(['convert', '-t', 'ast', '-o', 'out', 'pack'], io2)).toBe(0);
    expect([...(io2.written.get('out')?.keys() ?? [])]).toEqual(['a.txt']);
  });

  it('converts every bundled rule', async () => {
    const io = memoryIo();
    const status = await runCli(['convert', '-t', 'ast', '--json', join(REPO_ROOT, 'rules')], io);
    const records = jsonRecords(io.out);
    expect(records.filter((r) => !r.ok)).toEqual([]);
    expect(status).toBe(0);
    expect(records.length).toBeGreaterThanOrEqual(10);
  });

  it('--skip-unsupported turns a refusal into a warning and a skip, but not a broken rule', async () => {
    const REGEX = GOOD.replace('EventID: 4688', "CommandLine|re: 'a.c'");
    const files = { 'pack/a.yml': GOOD, 'pack/re.yml': REGEX };
    expect(await runCli(['convert', '-t', 'elastic-kql', 'pack'], memoryIo(files))).toBe(1);
    const io = memoryIo(files);
    expect(await runCli(['convert', '-t', 'elastic-kql', '-s', '--json', 'pack'], io)).toBe(0);
    const skipped = jsonRecords(io.out).find((r) => r.file === 'pack/re.yml');
    expect(skipped).toMatchObject({ ok: true, skipped: true, output: null });
    // ecs-windows has no source condition for `product: windows` alone, hence the no-source-condition warning.
    expect(skipped?.diagnostics.map((d) => `${d.severity}:${d.code}`)).toEqual(['warning:no-source-condition', 'warning:unsupported-construct']);
    expect(await runCli(['convert', '-t', 'elastic-kql', '-s', 'pack/b.yml'], memoryIo({ 'pack/b.yml': BAD }))).toBe(1);
  });

  it('--quiet prints only errors on stderr; the manifest and --json keep every diagnostic', async () => {
    const REGEX = GOOD.replace('EventID: 4688', "CommandLine|re: 'a.c'");
    const files = { 'pack/a.yml': GOOD, 'pack/re.yml': REGEX, 'pack/b.yml': BAD };
    const loud = memoryIo(files);
    const quiet = memoryIo(files);
    const args = ['convert', '-t', 'elastic-kql,splunk', '-s', '-o', 'out', 'pack'];
    expect(await runCli(args, loud)).toBe(1);
    expect(await runCli([...args.slice(0, 1), '-q', ...args.slice(1)], quiet)).toBe(1);
    // Warnings (the skip of re.yml, no-source-condition) are gone; the broken rule's errors and the summary stay.
    expect(loud.err).toMatch(/warning\[unsupported-construct\]/);
    expect(quiet.err).not.toMatch(/warning\[|info\[/);
    // Each error with its source lines (the lines after it that start with a space).
    const errors = (text: string): string[] => [...text.matchAll(/^\S+:\d+:\d+: error\[.*\n(?: .*\n)*/gm)].map((m) => m[0]);
    expect(errors(quiet.err)).toEqual(errors(loud.err));
    expect(errors(quiet.err).length).toBeGreaterThan(0);
    expect(quiet.err).toContain('1 converted, 1 failed, 1 skipped (target elastic-kql)');
    // Nothing is written (a rule failed), in both runs alike; --json prints the same records either way.
    expect(quiet.written).toEqual(loud.written);
    const json = memoryIo(files);
    const jsonQuiet = memoryIo(files);
    await runCli(['convert', '-t', 'elastic-kql', '-s', '--json', 'pack'], json);
    await runCli(['convert', '-t', 'elastic-kql', '-s', '--json', '-q', 'pack'], jsonQuiet);
    expect(jsonQuiet.out).toBe(json.out);
    expect(jsonRecords(jsonQuiet.out).find((r) => r.file === 'pack/re.yml')?.diagnostics.map((d) => d.severity)).toEqual(['warning', 'warning']);
    // With every rule converted, the manifest holds the warnings that --quiet did not print.
    const clean = { 'pack/a.yml': GOOD, 'pack/re.yml': REGEX };
    const written = memoryIo(clean);
    expect(await runCli(['convert', '-t', 'elastic-kql', '-s', '-q', '--manifest', '-o', 'out', 'pack'], written)).toBe(0);
    expect(written.err).not.toMatch(/warning\[/);
    expect(written.written.get('out')?.get('manifest.json')).toMatch(/"code": "unsupported-construct"/);
    // A pipeline file's warnings too (an unknown top-level key); its errors still print.
    const pipeline = { 'p.yml': 'name: mine\nnonsense: 1\ntransformations: []\n', 'pack/a.yml': GOOD };
    const loudPipe = memoryIo(pipeline);
    const quietPipe = memoryIo(pipeline);
    expect(await runCli(['convert', '-t', 'splunk', '-p', 'p.yml', 'pack/a.yml'], loudPipe)).toBe(0);
    expect(await runCli(['convert', '-t', 'splunk', '-q', '-p', 'p.yml', 'pack/a.yml'], quietPipe)).toBe(0);
    expect(loudPipe.err).toMatch(/p\.yml:2:1: warning\[/);
    expect(quietPipe.err).not.toMatch(/warning\[/);
    const broken = memoryIo({ 'p.yml': 'name: mine\ntransformations: 3\n', 'pack/a.yml': GOOD });
    expect(await runCli(['convert', '-t', 'splunk', '-q', '-p', 'p.yml', 'pack/a.yml'], broken)).toBe(2);
    expect(broken.err).toMatch(/p\.yml:\d+:\d+: error\[/);
  });

  it('lists targets and modifiers', async () => {
    const io = memoryIo();
    expect(await runCli(['list', 'targets'], io)).toBe(0);
    expect(io.out).toContain('ast');
    const io2 = memoryIo();
    expect(await runCli(['list', 'modifiers'], io2)).toBe(0);
    expect(io2.out).toMatch(/base64offset/);
    expect(await runCli(['list', 'nonsense'], memoryIo())).toBe(2);
  });
});
