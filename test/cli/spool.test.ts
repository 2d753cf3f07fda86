import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import { fileSpool, memorySpool, type Spool } from '../../src/cli/spool.js';
import { DiagnosticLog } from '../../src/cli/convert/target-sink.js';
import type { ConversionRecord } from '../../src/convert.js';
import { memoryIo } from '../support/memory-io.js';
import { REPO_ROOT } from '../support/paths.js';

/**
 * What `convert` prints to stdout is kept in a spool until the run ends (a correlation or filter met
 * later makes the run start over). The CLI's spool is a temporary file, so memory stays flat however
 * large the pack; these tests hold it to giving back exactly what it was given, and to leaving nothing
 * behind.
 */

let temp: string;
let savedTmp: string | undefined;
beforeEach(() => {
  // os.tmpdir() reads TMPDIR at each call: the spools of this file go to a folder of their own.
  temp = mkdtempSync(join(tmpdir(), 'spool-test-'));
  savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = temp;
});
afterEach(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  rmSync(temp, { recursive: true, force: true });
});

const drained = <T>(spool: Spool<T>): T[] => {
  const out: T[] = [];
  spool.drain((piece) => out.push(piece));
  return out;
};

describe('fileSpool', () => {
  it('gives back every piece in order, line breaks and any UTF-16 text included, and leaves no file', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 40 }), { maxLength: 30 }), (texts) => {
        const spool = fileSpool<string>();
        for (const t of texts) spool.push(t);
        expect(drained(spool)).toEqual(texts);
        expect(readdirSync(temp)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('reads back pieces longer than its read block, with characters cut at a block boundary', () => {
    // 64 KiB blocks: a 4-byte character, and a 3-byte one, straddle the boundaries of the long pieces.
    const long = 'a'.repeat(65534) + '😀' + '€'.repeat(30000) + '\n\r"\\';
    const pieces = [long, '', 'x', long + long, '\u2028\u2029'];
    const spool = fileSpool<string>();
    for (const p of pieces) spool.push(p);
    expect(drained(spool)).toEqual(pieces);
  });

  it('keeps plain objects, and is empty after a drain', () => {
    const spool = fileSpool<{ kind: string; text: string }>();
    spool.push({ kind: 'output', text: 'index=* "a b"\n' });
    spool.push({ kind: 'stdout', text: '{"x":1}\n' });
    expect(drained(spool)).toEqual([
      { kind: 'output', text: 'index=* "a b"\n' },
      { kind: 'stdout', text: '{"x":1}\n' },
    ]);
    expect(drained(spool)).toEqual([]);
  });

  it('leaves nothing in the temporary folder, even while it holds pieces (a killed run leaves no file)', () => {
    const spool = fileSpool<string>();
    expect(readdirSync(temp)).toEqual([]);
    spool.push('q');
    expect(readdirSync(temp)).toEqual([]);
    spool.push('r');
    expect(drained(spool)).toEqual(['q', 'r']);
    expect(readdirSync(temp)).toEqual([]);
    const abandoned = fileSpool<string>();
    abandoned.push('s');
    abandoned.dispose();
    expect(readdirSync(temp)).toEqual([]);
    expect(drained(abandoned)).toEqual([]);
  });

  it('keeps the pieces in memory when no temporary file can be made (TMPDIR missing), instead of throwing', () => {
    process.env.TMPDIR = join(temp, 'missing');
    const spool = fileSpool<string>();
    spool.push('a\nb');
    spool.push('c');
    expect(drained(spool)).toEqual(['a\nb', 'c']);
    expect(readdirSync(temp)).toEqual([]);
  });

  it('behaves as the in-memory spool', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 20 }), { maxLength: 20 }), (texts) => {
        const [a, b] = [fileSpool<string>(), memorySpool<string>()];
        for (const t of texts) {
          a.push(t);
          b.push(t);
        }
        expect(drained(a)).toEqual(drained(b));
      }),
      { numRuns: 100 },
    );
  });
});

describe('convert to stdout through the file spool', () => {
  /** The CLI's own io (file spool), with stdout and stderr captured. */
  const spooledIo = () => {
    const io = { ...nodeIo(), out: '', err: '' };
    io.stdout = (t: string) => void (io.out += t);
    io.stderr = (t: string) => void (io.err += t);
    return io;
  };

  const cases: [string, string[]][] = [
    ['one target over rules/', ['convert', '-t', 'splunk', '-s', join(REPO_ROOT, 'rules')]],
    ['every target over rules/', ['convert', '-t', 'all', '-s', join(REPO_ROOT, 'rules')]],
    ['--json', ['convert', '-t', 'sql,sentinel-kql', '-s', '--json', join(REPO_ROOT, 'rules')]],
    // A correlation makes the run start over in batch: the first attempt's spools are dropped.
    ['a pack with correlations', ['convert', '-t', 'splunk,sql', join(REPO_ROOT, 'test/fixtures/correlation-targets')]],
    ['a declared format', ['convert', '-t', 'splunk', '-f', 'savedsearches', '-s', join(REPO_ROOT, 'rules')]],
    // Rules printed (spooled) before the correlation is met: the spools of the first attempt hold pieces.
    [
      'rules, then a pack with correlations',
      ['convert', '-t', 'splunk,sql', '-s', join(REPO_ROOT, 'rules'), join(REPO_ROOT, 'test/fixtures/correlation-targets')],
    ],
  ];
  for (const [name, args] of cases) {
    it(`${name}: prints what the in-memory spool prints, byte for byte, and leaves no temporary file`, async () => {
      const memory = memoryIo();
      const memoryStatus = await runCli(args, memory);
      const io = spooledIo();
      const status = await runCli(args, io);
      expect(status).toBe(memoryStatus);
      expect(io.out.length).toBeGreaterThan(100);
      expect(io.out).toBe(memory.out);
      expect(io.err).toBe(memory.err);
      expect(readdirSync(temp)).toEqual([]);
    });
  }

  it('prints what the in-memory spool prints when no temporary file can be made (TMPDIR missing)', async () => {
    const args = ['convert', '-t', 'splunk,sql', '-s', join(REPO_ROOT, 'rules')];
    const memory = memoryIo();
    const memoryStatus = await runCli(args, memory);
    process.env.TMPDIR = join(temp, 'missing');
    const io = spooledIo();
    const status = await runCli(args, io);
    expect(io.err).toBe(memory.err);
    expect(status).toBe(memoryStatus);
    expect(io.out).toBe(memory.out);
    expect(readdirSync(temp)).toEqual([]);
  });
});

describe('the diagnostic log (what streaming printed, for a run that starts over)', () => {
  /** A rule with a warning of its own (a Sigma v1 date), numbered so each file's warning is told apart. */
  const warned = (n: number): string =>
    `title: warned ${n}\nid: 5a1a${String(n).padStart(4, '0')}-0000-4000-8000-000000000000\ndate: 2023/01/0${(n % 9) + 1}\nlogsource: {product: windows, category: process_creation}\ndetection:\n  sel:\n    Image|endswith: '\\\\w${n}.exe'\n  condition: sel\n`;

  it('a run that meets a correlation midway prints each rule warning once, as a run that knew from the start', async () => {
    const files: Record<string, string> = {};
    for (let n = 0; n < 600; n++) files[`pack/r${String(n).padStart(3, '0')}.yml`] = warned(n);
    const correlation = readFileSync(join(REPO_ROOT, 'test/fixtures/correlation-targets/brute-force.yml'), 'utf8');
    files['pack/r300-corr.yml'] = correlation;
    const io = memoryIo(files);
    // The file spool, so the (record, hash) pairs of the first 300 files go through a temporary file.
    io.spool = fileSpool;
    await runCli(['convert', '-t', 'splunk,sql', '-s', 'pack'], io);
    // Every rule's: those printed while streaming (before r300-corr.yml) and those printed after the restart.
    for (let n = 0; n < 600; n++) {
      const line = `warning[invalid-date] \`date: 2023/01/0${(n % 9) + 1}\` uses the Sigma v1 form`;
      const at = `pack/r${String(n).padStart(3, '0')}.yml:3:7: ${line}`;
      expect(io.err.split(at).length - 1, at).toBe(1);
    }
    expect(io.err.split('warning[invalid-date]').length - 1).toBe(600);
    expect(readdirSync(temp)).toEqual([]);
  });

  it('while streaming, holds at most a batch of pairs in memory: the rest is in the spool', () => {
    const pushed: number[] = [];
    const spool: Spool<readonly (readonly [string, string])[]> = { push: (pairs) => void pushed.push(pairs.length), drain: () => undefined, dispose: () => undefined };
    const io = memoryIo();
    const log = new DiagnosticLog(io, false, () => undefined, spool);
    for (let i = 0; i < 1000; i++) {
      log.take({ file: `f${i}.yml`, documentIndex: 0, target: 'splunk' } as ConversionRecord, [`w${i}\n`]);
    }
    expect(pushed).toEqual([256, 256, 256]);
    expect(io.err.split('\n').length - 1).toBe(1000);
  });
});
