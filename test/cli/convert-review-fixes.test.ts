import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { nodeIo } from '../../src/cli/io.js';
import { memoryIo } from '../support/memory-io.js';
import { CORRELATION_TEXT } from '../support/correlation-text.js';
import { ruleText } from '../support/rule-text.js';

const rule = (title: string, id: string): string => ruleText(title, id, `    sel:\n        CommandLine|contains: ${title.toLowerCase()}`);
const X1 = rule('First', '0e95725d-7320-415d-80f7-004da920fc11');
const X2 = rule('Second', '1e95725d-7320-415d-80f7-004da920fc12');

const CORRELATION = CORRELATION_TEXT;

describe('convert -o: output names that coincide', () => {
  it('writes both rules of a/x.yml and b/x.yml (plain queries) and warns naming both sources', async () => {
    const io = memoryIo({ 'a/x.yml': X1, 'b/x.yml': X2 });
    expect(await runCli(['convert', '-t', 'splunk', '-o', 'out', 'a/x.yml', 'b/x.yml'], io)).toBe(0);
    const written = io.written.get('out') ?? new Map<string, string>();
    expect([...written.keys()].sort()).toEqual(['x-2.spl', 'x.spl']);
    expect(written.get('x.spl')).toContain('first');
    expect(written.get('x-2.spl')).toContain('second');
    expect(io.err).toMatch(/b\/x\.yml:1:1: warning\[duplicate-value\].*a\/x\.yml.*`x`.*`x-2`/);
    expect(io.err).toContain('wrote 2 file(s) to out');
  });

  it('names are compared case-insensitively (X.yml and x.yml are one file on Windows and macOS)', async () => {
    const io = memoryIo({ 'a/X.yml': X1, 'b/x.yml': X2 });
    expect(await runCli(['convert', '-t', 'splunk', '-o', 'out', 'a/X.yml', 'b/x.yml'], io)).toBe(0);
    expect([...(io.written.get('out')?.keys() ?? [])].sort()).toEqual(['X.spl', 'x-2.spl']);
  });

  it('a file-per-rule format (sentinel-kql analytics-rule) writes every rule', async () => {
    const io = memoryIo({ 'a/x.yml': X1, 'b/x.yml': X2 });
    const args = ['convert', '-t', 'sentinel-kql', '-f', 'analytics-rule', '-o', 'out', 'a/x.yml', 'b/x.yml'];
    expect(await runCli(args, io)).toBe(0);
    const written = io.written.get('out') ?? new Map<string, string>();
    expect([...written.keys()].sort()).toEqual(['x-2.yaml', 'x.yaml']);
    expect(written.get('x.yaml')).toContain('First');
    expect(written.get('x-2.yaml')).toContain('Second');
    expect(io.err).toContain('warning[duplicate-value]');
  });

  it('a one-file pack (splunk savedsearches) has no per-rule file names to warn about', async () => {
    const io = memoryIo({ 'a/x.yml': X1, 'b/x.yml': X2 });
    expect(await runCli(['convert', '-t', 'splunk', '-f', 'savedsearches', '-o', 'out', 'a/x.yml', 'b/x.yml'], io)).toBe(0);
    expect([...(io.written.get('out')?.keys() ?? [])]).toEqual(['savedsearches.conf']);
    expect(io.written.get('out')?.get('savedsearches.conf')).toContain('[Second]');
    expect(io.err).not.toContain('duplicate-value');
  });

  it('without a clash nothing is renamed and nothing is warned', async () => {
    const io = memoryIo({ 'a/x.yml': X1, 'b/y.yml': X2 });
    expect(await runCli(['convert', '-t', 'splunk', '-o', 'out', 'a/x.yml', 'b/y.yml'], io)).toBe(0);
    expect([...(io.written.get('out')?.keys() ?? [])].sort()).toEqual(['x.spl', 'y.spl']);
    expect(io.err).not.toContain('duplicate-value');
  });
});

describe('convert: unreadable inputs are diagnostics, not crashes', () => {
  it('an unreadable rule file fails with io-error; the other rules still convert', async () => {
    const io = memoryIo({ 'a/x.yml': X1 });
    io.readFile = (p: string) => {
      if (p === 'broken.yml') throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
      return new TextEncoder().encode(X1);
    };
    io.exists = () => true;
    io.listYamlFiles = (p: string) => [p];
    const status = await runCli(['convert', '-t', 'splunk', 'a/x.yml', 'broken.yml'], io);
    expect(status).toBe(1);
    expect(io.err).toContain('broken.yml:1:1: error[io-error] cannot read the file: EIO');
    expect(io.err).not.toContain('internal error');
    expect(io.out).toContain('first');
    expect(io.err).toContain('1 converted, 1 failed');
  });

  it.skipIf(!existsSync('/proc/self/mem'))('/proc/self/mem (EIO) is an io-error', async () => {
    const io = memoryIo();
    expect(await runCli(['convert', '-t', 'splunk', '/proc/self/mem'], io)).toBe(1);
    expect(io.err).toContain('error[io-error]');
    expect(io.err).not.toContain('internal error');
  });

  it('a pipeline path that is a folder is reported (exit 2), without a stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fixcli-'));
    const io = memoryIo({ 'a/x.yml': X1 });
    expect(await runCli(['convert', '-t', 'splunk', '-p', dir, 'a/x.yml'], io)).toBe(2);
    expect(io.err).toContain('error[io-error] cannot read the pipeline file: EISDIR');
    expect(io.err).not.toContain('internal error');
  });

  it('reads each pipeline file once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fixcli-'));
    const pipeline = join(dir, 'p.yml');
    writeFileSync(pipeline, 'name: p\npriority: 10\ntransformations:\n  - type: field_name_mapping\n    mapping:\n      CommandLine: cmd\n');
    const io = memoryIo({ 'a/x.yml': X1 });
    const read = io.readFile.bind(io);
    let reads = 0;
    io.readFile = (p: string) => {
      if (p === pipeline) reads++;
      return read(p);
    };
    expect(await runCli(['convert', '-t', 'splunk', '-p', pipeline, 'a/x.yml'], io)).toBe(0);
    expect(io.out).toContain('cmd=');
    expect(reads).toBe(1);
  });

  it('-o naming an existing regular file is a usage error before converting; nothing is staged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fixcli-'));
    const file = join(dir, 'taken');
    writeFileSync(file, 'x');
    const io = memoryIo({ 'a/x.yml': X1 });
    expect(await runCli(['convert', '-t', 'splunk', '-o', file, 'a/x.yml'], io)).toBe(2);
    expect(io.err).toMatch(/^error: --output-dir .*taken exists and is not a folder/);
    expect(io.err).not.toContain('converted');
    expect(readdirSync(dir)).toEqual(['taken']);
  });

  it('-o below an existing regular file, naming one with a trailing slash, or empty, is a usage error, not an internal error with a stack trace; nothing is converted or staged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fixcli-'));
    writeFileSync(join(dir, 'taken'), 'x');
    writeFileSync(join(dir, 'x.yml'), X1);
    let err = '';
    const { watchInterrupts: _, ...real } = nodeIo();
    const io = { ...real, stdout: () => undefined, stderr: (t: string) => void (err += t) };
    const cases: [string, RegExp][] = [
      [join(dir, 'taken', 'out'), /^error: --output-dir .*out: .*taken is a file, not a folder/],
      [join(dir, 'taken', 'deeper', 'out'), /^error: --output-dir .*out: .*taken is a file, not a folder/],
      // Both converted the whole pack, then failed renaming the staging folder.
      [`${join(dir, 'taken')}/`, /^error: --output-dir .*taken exists and is not a folder/],
      ['', /^error: --output-dir needs a folder name/],
    ];
    for (const [out, message] of cases) {
      err = '';
      expect(await runCli(['convert', '-t', 'splunk', '-o', out, join(dir, 'x.yml')], io)).toBe(2);
      expect(err).toMatch(message);
      expect(err).not.toMatch(/internal error|ENOTDIR|converted/);
    }
    expect(readdirSync(dir).sort()).toEqual(['taken', 'x.yml']);
  });

  it('a pack that cannot be moved whole into an existing -o folder moves nothing: no half pack', async () => {
    // DIR holds an older a.spl and a folder named b.spl: the pack's b.spl cannot replace a folder. Moving
    // file by file replaced a.spl and then failed, leaving half a pack.
    const dir = mkdtempSync(join(tmpdir(), 'fixcli-'));
    const out = join(dir, 'out');
    mkdirSync(join(out, 'b.spl'), { recursive: true });
    writeFileSync(join(out, 'b.spl', 'keep'), 'mine');
    writeFileSync(join(out, 'a.spl'), 'old\n');
    writeFileSync(join(dir, 'a.yml'), X1);
    writeFileSync(join(dir, 'b.yml'), X2);
    let err = '';
    const { watchInterrupts: _, ...real } = nodeIo();
    const io = { ...real, stdout: () => undefined, stderr: (t: string) => void (err += t) };
    expect(await runCli(['convert', '-t', 'splunk', '-o', out, join(dir, 'a.yml'), join(dir, 'b.yml')], io)).toBe(1);
    expect(err).toMatch(/b\.spl is a folder, and the pack has a file of that name: nothing was written to /);
    expect(err).not.toMatch(/internal error|at .*\.js:\d+/);
    expect(readFileSync(join(out, 'a.spl'), 'utf8')).toBe('old\n');
    expect(readdirSync(join(out, 'b.spl'))).toEqual(['keep']);
    expect(readdirSync(dir).sort()).toEqual(['a.yml', 'b.yml', 'out']);
    // A file where the pack needs a folder (every target in its own folder): the same.
    const multi = join(dir, 'multi');
    mkdirSync(multi);
    writeFileSync(join(multi, 'sql'), 'a file');
    err = '';
    expect(await runCli(['convert', '-t', 'splunk,sql', '-o', multi, join(dir, 'a.yml')], io)).toBe(1);
    expect(err).toMatch(/sql is a file, and the pack has a folder of that name: nothing was written to /);
    expect(readdirSync(multi)).toEqual(['sql']);
  });

  it('writeFiles removes its staging folder when a write fails', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fixcli-'));
    const file = join(dir, 'taken');
    writeFileSync(file, 'x');
    expect(() => nodeIo().writeFiles(file, new Map([['a.spl', 'q\n']]))).toThrow();
    expect(readdirSync(dir)).toEqual(['taken']);
  });
});

describe('convert -s: correlation rules', () => {
  it('--skip-unsupported skips a correlation rule, so a folder holding one can be written', async () => {
    // a.yml is the correlation's rule (generate: false: not emitted on its own), b.yml an ordinary rule.
    const files = { 'pack/a.yml': X1, 'pack/b.yml': X2, 'pack/corr.yml': CORRELATION };
    const plain = memoryIo(files);
    expect(await runCli(['convert', '-t', 'elastic-kql', '-O', 'case-insensitive-fields', '-o', 'out', 'pack'], plain)).toBe(1);
    expect(plain.err).toContain('error[unsupported-construct]');
    const io = memoryIo(files);
    expect(await runCli(['convert', '-t', 'elastic-kql', '-O', 'case-insensitive-fields', '-s', '-o', 'out', 'pack'], io)).toBe(0);
    expect(io.err).toContain('warning[unsupported-construct]');
    expect(io.err).toContain('info[correlation-part]');
    expect([...(io.written.get('out')?.keys() ?? [])]).toEqual(['b.kql']);
    expect(io.err).toContain('1 converted, 0 failed, 2 skipped');
  });
});
