import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { BackgroundWriter } from '../../src/cli/background-writer.js';
import { makeFolders } from '../../src/cli/io.js';
import { REPO_ROOT } from '../support/paths.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'bgw-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('BackgroundWriter', () => {
  it('writes files in the order given, appends included, across batches', () => {
    const dir = tempDir();
    const w = new BackgroundWriter();
    try {
      for (let i = 0; i < 150; i++) w.write(join(dir, 'sub', `f${i}.txt`), `file ${i}\n`);
      w.write(join(dir, 'log.txt'), 'a\n');
      w.write(join(dir, 'log.txt'), 'b\n', true);
      expect(w.flush()).toBeNull();
    } finally {
      w.close();
    }
    expect(readdirSync(join(dir, 'sub'))).toHaveLength(150);
    expect(readFileSync(join(dir, 'sub', 'f149.txt'), 'utf8')).toBe('file 149\n');
    expect(readFileSync(join(dir, 'log.txt'), 'utf8')).toBe('a\nb\n');
  });

  it('reports a thread that never started instead of waiting for it forever', () => {
    const w = new BackgroundWriter({ startMs: 300 }, 'throw new Error("cannot start")');
    try {
      w.write(join(tempDir(), 'x.txt'), 'x');
      expect(w.flush()).toMatch(/^the thread that writes the output files did not start within 0\.3 s; nothing was written$/);
    } finally {
      w.close();
    }
  });

  it('reports a thread that stopped answering instead of waiting for it forever', () => {
    // Starts (says so), then never writes nor answers a flush.
    const silent = "const { workerData } = require('node:worker_threads'); Atomics.store(new Int32Array(workerData.shared), 2, 1);";
    const w = new BackgroundWriter({ stallMs: 300 }, silent);
    try {
      w.write(join(tempDir(), 'x.txt'), 'x');
      expect(w.flush()).toMatch(/made no progress for 0\.3 s .*nothing was written$/);
    } finally {
      w.close();
    }
  });

  // Below /proc, mkdir fails with ENOENT although /proc exists: Node's recursive mkdir retried that forever.
  it.skipIf(!existsSync('/proc/self'))('reports a folder that cannot be made below /proc (it looped forever on the thread)', () => {
    const w = new BackgroundWriter({ stallMs: 10_000 });
    try {
      w.write('/proc/sigma-transpiler-test.partial/sub/x.txt', 'x');
      expect(w.flush()).toMatch(/^ENOENT: .*mkdir '\/proc\/sigma-transpiler-test\.partial'$/);
    } finally {
      w.close();
    }
  });

  it('makeFolders makes the missing folders above a path and accepts existing ones; below /proc it throws', () => {
    const dir = tempDir();
    makeFolders(join(dir, 'a', 'b', 'c'));
    makeFolders(join(dir, 'a', 'b'));
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['c']);
    if (existsSync('/proc/self')) expect(() => makeFolders('/proc/sigma-transpiler-test/x')).toThrow(/ENOENT/);
  });

  it('works when the CLI runs under node --input-type=module (the evaluated worker does not inherit it)', () => {
    const out = join(tempDir(), 'pack');
    const dist = (p: string): string => pathToFileURL(join(REPO_ROOT, 'dist/src/cli', p)).href;
    const script =
      `const { runCli } = await import(${JSON.stringify(dist('program.js'))}); const { nodeIo } = await import(${JSON.stringify(dist('io.js'))});` +
      `process.exitCode = await runCli(['convert', '-t', 'splunk', '-s', '-o', ${JSON.stringify(out)}, 'rules'], nodeIo());`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).not.toContain('require is not defined');
    expect(r.status).toBe(0);
    expect(readdirSync(out).filter((f) => f.endsWith('.spl')).length).toBeGreaterThan(0);
  });
});
