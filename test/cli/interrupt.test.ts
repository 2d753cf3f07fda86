/**
 * Ctrl-C (SIGINT) or SIGTERM during `convert -o DIR`: the run stops between two rules, removes what it
 * staged (DIR.partial-<pid>), writes nothing to DIR and ends with 130 (SIGINT) or 143 (SIGTERM).
 *
 * In-process runs get an interrupt that "arrives" while a chosen file is read (or a phase starts), each
 * way a run goes (file by file, on threads, in batch). Child processes get real signals while paused in
 * the middle of a pack; they run the build (`npm test` builds it first).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Interrupted, type InterruptSignal } from '../../src/cli/interrupt.js';
import { runCli } from '../../src/cli/program.js';
import { memoryIo } from '../support/memory-io.js';
import { REPO_ROOT } from '../support/paths.js';
import { ruleText as rule } from '../support/rule-text.js';

const id = (n: number): string => `0e95725d-7320-415d-80f7-${String(n).padStart(12, '0')}`;
const name = (n: number): string => `p${String(n).padStart(3, '0')}.yml`;
const plain = (n: number): string => rule(`Plain ${n}`, id(n), `    sel:\n        CommandLine|contains: 'value ${n}'`);
const FILTER = 'title: tune\nlogsource: {product: windows}\nfilter:\n    rules: any\n    sel:\n        User: admin\n    condition: not sel\n';

/** `count` rules under pack/. */
const pack = (count: number): Record<string, string> => Object.fromEntries(Array.from({ length: count }, (_, i) => [`pack/${name(i)}`, plain(i)]));

/**
 * Runs `convert` in-process; the interrupt comes when `when` says so (it sees each file read and each
 * text printed on stderr, which is a terminal, so phases show). Counts the files read.
 */
async function interrupted(args: readonly string[], files: Record<string, string>, when: (event: { read?: string; stderr?: string }) => boolean, signal: InterruptSignal = 'SIGINT') {
  const io = memoryIo(files, { stderrIsTTY: true });
  let received: InterruptSignal | null = null;
  let reads = 0;
  let watching = 0;
  let watches = 0;
  const readFile = io.readFile.bind(io);
  io.readFile = (p: string) => {
    reads++;
    if (when({ read: p })) received = signal;
    return readFile(p);
  };
  const stderr = io.stderr.bind(io);
  io.stderr = (t: string) => {
    if (when({ stderr: t })) received = signal;
    stderr(t);
  };
  const run = Object.assign(io, {
    watchInterrupts: () => {
      watches++;
      watching++;
      return {
        check: () => {
          if (received !== null) throw new Interrupted(received);
        },
        stop: () => void watching--,
      };
    },
  });
  const status = await runCli(['convert', ...args], run);
  return { status, io, reads, watching, watches };
}

describe('an interrupted convert -o (in-process)', () => {
  it('file by file: stops after the file being converted, stages nothing, exits 130', async () => {
    const r = await interrupted(['-t', 'splunk,sql', '-j', '1', '-o', 'out', 'pack'], pack(40), (e) => e.read?.endsWith(name(10)) === true);
    expect(r.status).toBe(130);
    expect(r.reads).toBe(11);
    expect(r.io.staging.size).toBe(0);
    expect(r.io.written.size).toBe(0);
    expect(r.io.err).toContain('interrupted by SIGINT: nothing written to out\n');
    expect(r.io.err).not.toMatch(/wrote|converted, /);
    expect(r.watching).toBe(0);
  });

  it('SIGTERM exits 143', async () => {
    const r = await interrupted(['-t', 'splunk', '-j', '1', '-o', 'out', 'pack'], pack(20), (e) => e.read?.endsWith(name(3)) === true, 'SIGTERM');
    expect(r.status).toBe(143);
    expect(r.io.staging.size).toBe(0);
    expect(r.io.err).toContain('interrupted by SIGTERM: nothing written to out\n');
  });

  it('in batch (a filter): while parsing, and while a target converts', async () => {
    const files = { ...pack(30), 'pack/tune.yml': FILTER };
    let seen = 0;
    const parsing = await interrupted(['-t', 'splunk,sql', '-o', 'out', 'pack'], files, (e) => e.read?.endsWith(name(5)) === true && ++seen === 2);
    expect(parsing.status).toBe(130);
    expect(parsing.io.staging.size).toBe(0);
    // The run starts file by file, meets the filter (the last file), and starts over in batch: the
    // interrupt comes while the batch parses (the second time the file is read).
    expect(parsing.reads).toBe(30 + 1 + 6);
    const converting = await interrupted(['-t', 'splunk,sql', '-o', 'out', 'pack'], files, (e) => e.stderr?.includes('converting sql') === true);
    expect(converting.status).toBe(130);
    expect(converting.io.staging.size).toBe(0);
    expect(converting.io.written.size).toBe(0);
    expect(converting.io.err).toContain('interrupted by SIGINT: nothing written to out\n');
  });

  it('without an interrupt the run is as before, and stops watching', async () => {
    const r = await interrupted(['-t', 'splunk', '-j', '1', '-o', 'out', 'pack'], pack(5), () => false);
    expect(r.watches).toBe(1);
    expect(r.status).toBe(0);
    expect([...(r.io.written.get('out')?.keys() ?? [])]).toHaveLength(5);
    expect(r.watching).toBe(0);
  });

  it('without -o nothing is watched (nothing to clean up: an interrupt ends the process at once)', async () => {
    const r = await interrupted(['-t', 'splunk', '-j', '1', 'pack'], pack(3), () => true);
    expect(r.watches).toBe(0);
    expect(r.status).toBe(0);
    expect(r.io.out).toContain('value 2');
  });
});

const DIST = join(REPO_ROOT, 'dist', 'src', 'cli');

/**
 * The CLI as main.ts runs it (the real io, the process's signals), except that reading the file named
 * PAUSE creates the file MARKER and waits until it is gone: the test signals the paused run, then lets it
 * go on. Prints how many files were read.
 */
const DRIVER = `
import { existsSync, writeFileSync } from 'node:fs';
const [pause, marker, ...argv] = process.argv.slice(2);
const { nodeIo } = await import(${JSON.stringify(join(DIST, 'io.js'))});
const { runCli } = await import(${JSON.stringify(join(DIST, 'program.js'))});
const io = nodeIo();
const read = io.readFile;
let reads = 0;
const sleeper = new Int32Array(new SharedArrayBuffer(4));
io.readFile = (p) => {
  reads++;
  if (p.endsWith(pause)) {
    writeFileSync(marker, '');
    while (existsSync(marker)) Atomics.wait(sleeper, 0, 0, 5);
  }
  return read(p);
};
const status = await runCli(argv, io);
process.stderr.write('reads: ' + reads + '\\n');
process.exitCode = status;
`;

/** How long a paused run's staging folder may take to appear (the writer thread makes it). */
const STAGING_WAIT_MS = 5000;

let temp: string;
beforeEach(() => {
  temp = mkdtempSync(join(tmpdir(), 'interrupt-'));
  mkdirSync(join(temp, 'pack'));
  for (const [path, text] of Object.entries(pack(600))) writeFileSync(join(temp, path), text);
});
afterEach(() => rmSync(temp, { recursive: true, force: true }));

/**
 * Runs the driver; once it is paused at file `pauseAt` and its staging folder is there (the writer
 * thread makes it, paused run or not; stagedWhenPaused says whether it came), sends `signal` and lets it go on.
 */
function signalled(args: readonly string[], pauseAt: number, signal: InterruptSignal): Promise<{ status: number | null; stderr: string; stagedWhenPaused: boolean }> {
  const marker = join(temp, 'paused');
  const driver = join(temp, 'driver.mjs');
  writeFileSync(driver, DRIVER);
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [driver, name(pauseAt), marker, 'convert', ...args], { cwd: temp, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let stagedWhenPaused = false;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (t: string) => void (stderr += t));
    child.on('error', fail);
    child.on('close', (status) => {
      clearInterval(poll);
      done({ status, stderr, stagedWhenPaused });
    });
    // Once paused, the signal goes as soon as the staging folder is there, or after STAGING_WAIT_MS without
    // it (then stagedWhenPaused stays false and the test's assertion says so, rather than a timeout).
    let pausedAt: number | undefined;
    const poll = setInterval(() => {
      if (!existsSync(marker)) return;
      pausedAt ??= Date.now();
      stagedWhenPaused = existsSync(join(temp, `out.partial-${child.pid}`));
      if (!stagedWhenPaused && Date.now() - pausedAt < STAGING_WAIT_MS) return;
      clearInterval(poll);
      child.kill(signal);
      rmSync(marker);
    }, 5);
  });
}

describe('an interrupted convert -o (a child process gets the signal)', () => {
  it('SIGINT, file by file: the staging folder is removed, nothing written, exit 130', async () => {
    const r = await signalled(['-t', 'splunk,sql', '-j', '1', '-o', 'out', 'pack'], 60, 'SIGINT');
    expect(r.stagedWhenPaused).toBe(true);
    expect(r.status).toBe(130);
    expect(r.stderr).toContain('interrupted by SIGINT: nothing written to out\n');
    expect(r.stderr).toContain('reads: 61\n');
    expect(readdirSync(temp).sort()).toEqual(['driver.mjs', 'pack']);
  });

  it('SIGTERM, on threads: the same, exit 143', async () => {
    // The main thread reads up to 256 files ahead of the ones handed on in order (see IN_FLIGHT): the
    // pause comes when files were staged.
    const r = await signalled(['-t', 'splunk', '-j', '2', '-o', 'out', 'pack'], 400, 'SIGTERM');
    expect(r.stagedWhenPaused).toBe(true);
    expect(r.status).toBe(143);
    expect(r.stderr).toContain('interrupted by SIGTERM: nothing written to out\n');
    const reads = Number(/reads: (\d+)/.exec(r.stderr)?.[1]);
    expect(reads).toBeLessThan(600);
    expect(readdirSync(temp).sort()).toEqual(['driver.mjs', 'pack']);
  });
});
