/**
 * `convert --jobs N`: parsing and converting on worker threads gives byte for byte what the main thread
 * alone gives (stdout, stderr, the files written and manifest.json, the exit code); a filter or correlation
 * met by a thread starts the run over in batch as before; a failing thread ends the run with an internal
 * error (exit 3), no hang, and nothing staged left behind.
 *
 * The worker threads run the build (a thread cannot load the TypeScript sources the tests run): it is
 * rebuilt once here, so the threads run the code under test.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { AUTO_MIN_FILES, poolSize } from '../../src/cli/convert/pool.js';
import { nodeIo, type CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import { CORRELATION_TEXT } from '../support/correlation-text.js';
import { ruleText as rule } from '../support/rule-text.js';
import { memoryIo } from '../support/memory-io.js';
import { HAVE_CORPUS, noteMissingCorpus, REPO_ROOT, SIGMA_DIR } from '../support/paths.js';

beforeAll(() => {
  execFileSync(join(REPO_ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], { cwd: REPO_ROOT, stdio: 'pipe' });
});

const id = (n: number): string => `0e95725d-7320-415d-80f7-${String(n).padStart(12, '0')}`;
/** The rule CORRELATION_TEXT counts. */
const COUNTED = rule('Counted', '0e95725d-7320-415d-80f7-004da920fc11', '    sel:\n        CommandLine|contains: counted');

/** Converts everywhere; more files than the threads hold in flight, so results come back out of order. */
const plain = (n: number): string => rule(`Plain ${n}`, id(n), `    sel:\n        CommandLine|contains: 'value ${n}'\n        Image|endswith: '\\\\p${n}.exe'`);

/** A pack that converts (sql refuses the IPv6 cidr: with -s a skip, without a failure), with warnings and renames. */
const CLEAN: Record<string, string> = {
  ...Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`pack/p${String(i).padStart(3, '0')}.yml`, plain(i)])),
  'pack/b/six.yml': rule('Six', id(900), "    sel:\n        DestinationIp|cidr: 'fe80::/10'").replace('process_creation', 'network_connection'),
  'pack/dup.yml': rule('Dup one', id(901), '    sel:\n        CommandLine: one'),
  'pack/dup.yaml': rule('Dup two', id(902), '    sel:\n        CommandLine: two'),
  'pack/multi.yml': `${rule('First', id(903), '    sel:\n        CommandLine: first')}---\n${rule('Second', id(904), '    sel:\n        CommandLine: second')}`,
  'pack/regex.yml': rule('Regex', id(905), "    sel:\n        CommandLine|re: '^a(?=b)'"),
  'pack/warn.yml': rule('Warn', id(906), '    sel:\n        CommandLine: \'x\\*y\''),
};

/** A pack with broken files: a YAML syntax error, a bad modifier, a mapping that is not a rule, an unreadable file. */
const DIRTY: Record<string, string> = {
  ...Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`dirty/p${String(i).padStart(3, '0')}.yml`, plain(i)])),
  'dirty/e1-syntax.yml': 'title: [unclosed\n  detection: {\n',
  'dirty/e2-modifier.yml': rule('Broken', id(910), '    sel:\n        CommandLine|nosuchmodifier: x'),
  'dirty/e3-list.yml': '- a\n- b\n',
  'dirty/e4-unreadable.yml': 'never read',
  'dirty/e5-empty.yml': '',
};

/** memoryIo, where any file named *unreadable.yml cannot be read (as a permission error would). */
function io(files: Record<string, string>, tty = false): ReturnType<typeof memoryIo> {
  const m = memoryIo(files, { stderrIsTTY: tty });
  const read = m.readFile.bind(m);
  m.readFile = (p: string) => {
    if (p.endsWith('unreadable.yml')) throw new Error(`EACCES: permission denied, open '${p}'`);
    return read(p);
  };
  return m;
}

interface Run {
  readonly status: number;
  readonly out: string;
  readonly err: string;
  readonly written: Map<string, Map<string, string>>;
  readonly staging: number;
}

/** `worker`: the module the conversion threads run (CliIo.convertWorker; default: the build's). */
async function run(args: readonly string[], files: Record<string, string>, tty = false, worker?: URL): Promise<Run> {
  const m = Object.assign(io(files, tty), worker === undefined ? {} : { convertWorker: worker });
  const status = await runCli(['convert', ...args], m);
  return { status, out: m.out, err: m.err, written: m.written, staging: m.staging.size };
}

/**
 * The same run with --jobs 1 (the main thread alone) and with --jobs 2 and 3 (the main thread and one or
 * two worker threads): everything printed and written is equal.
 */
async function expectSame(args: readonly string[], files: Record<string, string>, jobs: readonly string[] = ['2', '3']): Promise<Run> {
  const one = await run([...args, '--jobs', '1'], files);
  for (const n of jobs) {
    const many = await run([...args, '--jobs', n], files);
    const what = `${args.join(' ')} --jobs ${n}`;
    expect(many.err, what).toBe(one.err);
    expect(many.out, what).toBe(one.out);
    expect(many.written, what).toEqual(one.written);
    expect(many.status, what).toBe(one.status);
    expect(many.staging, what).toBe(0);
  }
  return one;
}

describe('--jobs 2 gives what --jobs 1 gives, byte for byte', () => {
  it('one target, several targets, --json, on a pack that converts', async () => {
    expect((await expectSame(['-t', 'splunk', 'pack'], CLEAN)).status).toBe(0);
    expect((await expectSame(['-t', 'all', 'pack'], CLEAN)).status).toBe(1);
    const skipped = await expectSame(['-t', 'all', '-s', 'pack'], CLEAN);
    expect(skipped.status).toBe(0);
    expect(skipped.err).toMatch(/warning\[unsupported-construct\]/);
    await expectSame(['-t', 'all', '-s', '--json', 'pack'], CLEAN);
    await expectSame(['-t', 'sql', '--json', 'pack'], CLEAN);
  });

  it('-o with manifest.json, refusals skipped, renames warned', async () => {
    const one = await expectSame(['-t', 'all', '-s', '-o', 'out', 'pack'], CLEAN);
    expect(one.status).toBe(0);
    const written = one.written.get('out');
    expect(written?.has('manifest.json')).toBe(true);
    expect([...(written?.keys() ?? [])].filter((k) => k.startsWith('splunk/dup'))).toHaveLength(2);
    expect(one.err).toMatch(/would both be named `dup`/);
    await expectSame(['-t', 'sql', '-s', '--manifest', '-o', 'out', 'pack'], CLEAN);
    // refused without -s: nothing written, exit 1
    const refused = await expectSame(['-t', 'sql', '--manifest', '-o', 'out', 'pack'], CLEAN);
    expect(refused.status).toBe(1);
    expect(refused.written.size).toBe(0);
  });

  it('a pipeline file and a filter file reach the threads', async () => {
    const files = {
      ...CLEAN,
      'corp.yml': 'name: corp\npriority: 100\ntransformations:\n  - id: cmd\n    type: field_name_mapping\n    mapping:\n      CommandLine: corp_cmd\n',
      'tune.yml': 'title: tune\nlogsource: {product: windows}\nfilter:\n    rules: any\n    sel:\n        User: admin\n    condition: not sel\n',
    };
    const one = await expectSame(['-t', 'splunk,sql', '-s', '-p', 'corp.yml', '--filter', 'tune.yml', '--json', 'pack'], files);
    expect(one.out).toMatch(/corp_cmd/);
    expect(one.out).toMatch(/admin/);
  });

  it('a pack with a parse error, a broken rule and an unreadable file', async () => {
    for (const args of [['-t', 'splunk'], ['-t', 'all', '-s'], ['-t', 'all', '--json'], ['-t', 'splunk', '-s', '-o', 'out']]) {
      const one = await expectSame([...args, 'dirty'], DIRTY);
      expect(one.status).toBe(1);
      expect(one.out + one.err).toMatch(/io-error/);
      expect(one.out + one.err).toMatch(/yaml-syntax/);
    }
  });

  it('on a terminal: the same output once the progress bar is taken out, and the slowest rules measured on the threads', async () => {
    const bar = (s: string): string => s.replace(/\r\u001b\[2K/g, '').replace(/\r\[[#-]+\][^\r\n]*/g, '');
    const slowest = (s: string): [string, string] => {
      const at = s.indexOf('slowest rules');
      return at < 0 ? [s, ''] : [s.slice(0, at), s.slice(at)];
    };
    const one = await run(['-t', 'all', '-s', 'pack', '--jobs', '1'], CLEAN, true);
    const two = await run(['-t', 'all', '-s', 'pack', '--jobs', '2'], CLEAN, true);
    expect(two.out).toBe(one.out);
    expect(two.err).toMatch(/\r\[#+\] 100% converting/);
    const [rest1, times1] = slowest(bar(one.err));
    const [rest2, times2] = slowest(bar(two.err));
    expect(rest2).toBe(rest1);
    expect(times1.split('\n').length).toBe(7);
    expect(times2.split('\n').length).toBe(7);
    expect(times2).toMatch(/^ +\d+\.\d ms {2}pack\/\S+\.ya?ml( \[document 1\])?$/m);
  });

  it('a correlation in the middle of the pack: the run starts over in batch, as with one thread', async () => {
    const files = { ...CLEAN, 'pack/p035-corr.yml': `${CORRELATION_TEXT}generate: true\n`, 'pack/p036-counted.yml': COUNTED };
    for (const args of [['-t', 'all', '-s'], ['-t', 'splunk,sql', '-s', '-o', 'out'], ['-t', 'sql', '--json']]) {
      const one = await expectSame([...args, 'pack'], files);
      expect(one.out + [...(one.written.get('out')?.values() ?? [])].join('')).toMatch(/Many failures|count/i);
    }
    // First in the pack: a worker thread meets it (the first files go to the threads).
    await expectSame(['-t', 'splunk,sql', '-s', '--json', 'pack'], { ...CLEAN, 'pack/a-corr.yml': `${CORRELATION_TEXT}generate: true\n`, 'pack/p036-counted.yml': COUNTED });
    // A filter in the middle, too.
    await expectSame(['-t', 'splunk', '--json', 'pack'], { ...CLEAN, 'pack/p050-filter.yml': 'title: tune\nlogsource: {product: windows}\nfilter:\n    rules: any\n    sel:\n        User: admin\n    condition: not sel\n' });
  });

  it('--jobs takes a positive number or auto', async () => {
    for (const bad of ['0', '-1', 'x', '1.5', '']) {
      const r = await run(['-t', 'splunk', '--jobs', bad, 'pack'], CLEAN);
      expect(r.status, bad).toBe(2);
      expect(r.err).toMatch(/--jobs/);
    }
    expect((await run(['-t', 'splunk', '--jobs', 'auto', 'pack'], CLEAN)).status).toBe(0);
    // More threads than files: one worker thread per file at most.
    const few = { 'pack/a.yml': plain(1), 'pack/b.yml': plain(2) };
    await expectSame(['-t', 'all', 'pack'], few, ['2', '3', '8']);
  });
});

describe('the threads start however the CLI is run', () => {
  it('under node --input-type=module -e (a flag the threads inherit that forbids running a module file)', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'jobs-')), 'pack');
    const dist = (p: string): string => JSON.stringify(pathToFileURL(join(REPO_ROOT, 'dist/src/cli', p)).href);
    const script =
      `const { runCli } = await import(${dist('program.js')}); const { nodeIo } = await import(${dist('io.js')});` +
      `process.exitCode = await runCli(['convert', '-t', 'splunk', '-s', '-j', '2', '-o', ${JSON.stringify(out)}, 'rules'], nodeIo());`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
    try {
      expect(r.stderr).not.toMatch(/internal error|ERR_INPUT_TYPE_NOT_ALLOWED/);
      expect(r.status).toBe(0);
      expect(readdirSync(out).filter((f) => f.endsWith('.spl')).length).toBeGreaterThan(0);
    } finally {
      rmSync(join(out, '..'), { recursive: true, force: true });
    }
  });
});

describe('how many worker threads', () => {
  it('--jobs N: N - 1 workers besides the main thread, at most one per file', () => {
    expect(poolSize(1, 5000)).toBe(0);
    expect(poolSize(2, 5000)).toBe(1);
    expect(poolSize(4, 5000)).toBe(3);
    expect(poolSize(8, 2)).toBe(2);
    expect(poolSize(3, 0)).toBe(0);
  });

  it('auto: none for a small pack, and none under the test runner (the sources are TypeScript, see workerEntry)', () => {
    expect(poolSize('auto', AUTO_MIN_FILES - 1)).toBe(0);
    expect(poolSize('auto', 100_000)).toBe(0);
  });
});

describe('a failing worker thread', () => {
  /** Worker threads whose conversion throws at their third file, or that exit at their second (test/support/failing-worker.mjs). */
  const THROWS = new URL('../support/worker-throws.mjs', import.meta.url);
  const EXITS = new URL('../support/worker-exits.mjs', import.meta.url);

  it('an exception in a thread: internal error, exit 3, nothing staged left behind', async () => {
    const r = await run(['-t', 'all', '-s', '-o', 'out', 'pack', '--jobs', '2'], CLEAN, false, THROWS);
    expect(r.status).toBe(3);
    expect(r.err).toMatch(/internal error \(please report it\): .*conversion worker thread \d failed: Error: injected failure converting pack\/\S+\.yml/);
    expect(r.staging).toBe(0);
    expect(r.written.size).toBe(0);
  });

  it('a thread that exits: internal error, exit 3, and on disk no staging folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigma-jobs-'));
    try {
      const out = join(dir, 'out');
      const captured = { out: '', err: '' };
      const disk: CliIo = {
        ...nodeIo(),
        readFile: (p) => new TextEncoder().encode(CLEAN[p] ?? ''),
        listYamlFiles: () => Object.keys(CLEAN).sort(),
        exists: (p) => p === 'pack',
        stdout: (t) => void (captured.out += t),
        stderr: (t) => void (captured.err += t),
        convertWorker: EXITS,
      };
      const status = await runCli(['convert', '-t', 'splunk', '-s', '-o', out, 'pack', '--jobs', '2'], disk);
      expect(status).toBe(3);
      expect(captured.err).toMatch(/conversion worker thread \d stopped unexpectedly \(exit code 70\)/);
      expect(readdirSync(dir)).toEqual([]);
      expect(existsSync(out)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the same failure with --jobs 1 never reaches a thread', async () => {
    expect((await run(['-t', 'splunk', 'pack', '--jobs', '1'], CLEAN, false, THROWS)).status).toBe(0);
  });
});

describe('the Sigma corpus', () => {
  noteMissingCorpus('--jobs 2 against --jobs 1 over the corpus');
  it.skipIf(!HAVE_CORPUS)('rules/: -t splunk and -t all --json give the same bytes on threads', async () => {
    const rules = join(SIGMA_DIR, 'rules');
    await expectSame(['-t', 'splunk', '-s', rules], {}, ['2']);
    await expectSame(['-t', 'all', '-s', '--json', rules], {}, ['2']);
  });
});
