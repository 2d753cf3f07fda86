// Benchmark (never a test: times are not deterministic). Run: npm run bench (builds first).
//
// Every row is its own Node process over the same rule files, timed from the outside (wall clock, best of
// RUNS) and by its own CPU time (user + system, best of RUNS: steadier than the wall clock on a busy
// machine; "x floor" compares CPU times), with its peak resident memory (RSS) and peak V8 heap:
//   floor            read every file and js-yaml-load its documents (nothing kept): the least any converter does
//   parse + validate read every file and build the Sigma model (src/rule), nothing converted
//   <target>         the CLI: `convert -t <target> -s -o DIR` (one target, pack written)
//   all targets      the CLI: `convert -t all -s -o DIR` (every target in one process, one parse per rule)
//   splunk to stdout the CLI: `convert -t splunk -s` (the queries printed, and dropped by the bench)
// "x floor (CPU)" compares CPU times (the work done); "x floor (wall)" compares wall clock times (what a
// user waits for, and what worker threads improve: `--jobs`, see the README).
// The 4x columns run the same rows over four copies of the corpus: memory must stay flat as the pack grows.
// Peak heap is V8's used heap, garbage not yet collected included, so it moves with the collector's timing;
// the last column is the check that counts: the 4x run once more with --max-old-space-size=HEAP_CAP_MB,
// "ok" when it still completes, "fails" when it dies of the cap, with the live heap (after a full collection)
// at the first and the last of its readings every LIVE_EVERY files: what a pack keeps per file, if anything,
// shows as the difference (a run holds one rule's work at a time on top of it: a huge rule needs more).
//
// SIGMA_CORPUS: the sigma checkout (default ../shared/sigma); BENCH_DIR: the folder inside it (default rules);
// RUNS: repeats of the 1x rows (default 3); BENCH_4X=0 skips the 4x columns; BENCH_OUT=disk writes the
// packs into the system's temporary folder instead of a memory file system (/dev/shm, the default where it
// exists: creating a file on this project's virtual machine's disk costs 200 to 800 µs of system time,
// varying run to run, which would swamp the converter's own cost; see the README); BENCH_JOBS=N passes
// `--jobs N` to every CLI row (default: the CLI's own default, auto); BENCH_ROWS=a,b keeps only the rows
// whose name starts with one of the given words (the floor is always measured).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';

const SELF = fileURLToPath(import.meta.url);
/** The old-space cap (MB) of the flat-memory check: far below what four copies of the pack would take if kept. */
const HEAP_CAP_MB = 40;
/** Files between two live-heap readings in that check (12,564 files: about 6 readings). */
const LIVE_EVERY = 2000;

function walk(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = join(dir, name);
      return statSync(full).isDirectory() ? walk(full) : /\.ya?ml$/i.test(name) ? [full] : [];
    });
}

/** Runs inside a child process: one row's work, then its measurements as one JSON line. */
async function child(mode, args) {
  let peakHeap = 0;
  // With --expose-gc (the capped run only: collecting costs time): the live heap after a full collection,
  // every LIVE_EVERY files. Its first and last values show whether memory grows with the pack.
  // Written to stderr as they come: a run that dies of the cap still tells how far its live heap had come.
  const collect = typeof globalThis.gc === 'function' ? globalThis.gc : null;
  let files = 0;
  const sample = () => {
    const used = v8.getHeapStatistics().used_heap_size;
    if (used > peakHeap) peakHeap = used;
    if (collect !== null && ++files % LIVE_EVERY === 0) {
      collect();
      process.stderr.write(`live ${files} ${v8.getHeapStatistics().used_heap_size}\n`);
    }
  };
  let status = 0;
  if (mode === 'floor') {
    const yaml = (await import('js-yaml')).default;
    for (const dir of args) {
      for (const f of walk(dir)) {
        yaml.loadAll(readFileSync(f, 'utf8'));
        sample();
      }
    }
  } else if (mode === 'parse') {
    const { parseSigmaText } = await import('../dist/src/rule/parse-documents.js');
    for (const dir of args) {
      for (const f of walk(dir)) {
        parseSigmaText(readFileSync(f), f);
        sample();
      }
    }
  } else {
    // The bundled CLI (dist/cli, scripts/build-cli.mjs): what the `sigma-transpiler` command runs.
    const { runCli } = await import('../dist/cli/program.js');
    const { nodeIo } = await import('../dist/cli/io.js');
    const io = nodeIo();
    const readFile = io.readFile;
    status = await runCli(args, {
      ...io,
      stdout: () => {},
      stderr: () => {},
      readFile: (p) => {
        sample();
        return readFile(p);
      },
    });
  }
  sample();
  const usage = process.resourceUsage();
  const cpu = (usage.userCPUTime + usage.systemCPUTime) / 1000;
  process.stdout.write(JSON.stringify({ status, rss: usage.maxRSS * 1024, heap: peakHeap, cpu }) + '\n');
}

function measure(mode, args, runs) {
  let best = Infinity;
  let bestCpu = Infinity;
  let rss = 0;
  let heap = 0;
  let status = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [SELF, '--child', mode, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const ms = performance.now() - t0;
    if (r.status !== 0) throw new Error(`bench child ${mode} ${args.join(' ')} failed: ${r.stderr}`);
    const m = JSON.parse(r.stdout.trim().split('\n').pop());
    if (m.status === 2) throw new Error('usage error (not supported by this version)');
    best = Math.min(best, ms);
    bestCpu = Math.min(bestCpu, m.cpu);
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heap);
    status = m.status;
  }
  return { ms: best, cpu: bestCpu, rss, heap, status };
}

async function main() {
  const corpus = process.env.SIGMA_CORPUS ?? resolve(import.meta.dirname ?? '.', '../../shared/sigma');
  const dir = join(corpus, process.env.BENCH_DIR ?? 'rules');
  const runs = Number(process.env.RUNS ?? 3);
  const with4x = process.env.BENCH_4X !== '0';
  const { TARGET_IDS } = await import('../dist/src/targets/registry.js');
  const tmp = mkdtempSync(join(tmpdir(), 'sigma-bench-'));
  // The packs are written to memory (tmpfs) unless BENCH_OUT=disk: the tool's cost, not the disk's.
  const memory = process.env.BENCH_OUT !== 'disk' && existsSync('/dev/shm') && statSync('/dev/shm').isDirectory();
  const outRoot = memory ? mkdtempSync(join('/dev/shm', 'sigma-bench-')) : tmp;
  try {
    const copies = join(tmp, 'x4');
    if (with4x) for (let i = 1; i <= 4; i++) cpSync(dir, join(copies, `copy${i}`), { recursive: true });
    const out = join(outRoot, 'out');
    const jobs = process.env.BENCH_JOBS === undefined ? [] : ['--jobs', process.env.BENCH_JOBS];
    const keep = process.env.BENCH_ROWS === undefined ? null : process.env.BENCH_ROWS.split(',');
    const rows = [
      { name: 'floor (read + js-yaml)', mode: 'floor', args: (d) => [d] },
      { name: 'parse + validate', mode: 'parse', args: (d) => [d] },
      ...TARGET_IDS.map((t) => ({ name: t, mode: 'cli', args: (d) => ['convert', '-t', t, '-s', ...jobs, '-o', out, d] })),
      { name: 'all targets, one process', mode: 'cli', args: (d) => ['convert', '-t', 'all', '-s', ...jobs, '-o', out, d] },
      // Printed, not written: what is printed at the end waits in a temporary file (memory stays flat).
      { name: 'splunk to stdout', mode: 'cli', args: (d) => ['convert', '-t', 'splunk', '-s', ...jobs, d] },
    ].filter((row) => row.mode === 'floor' || keep === null || keep.some((k) => row.name.startsWith(k)));
    const files = walk(dir).length;
    console.log(
      `corpus: ${files} files (${dir}); 4x: ${with4x ? files * 4 : 'skipped'}; best of ${runs}; node ${process.version}; ` +
        `${availableParallelism()} cores; ${jobs.length > 0 ? jobs.join(' ') : 'default --jobs'}; packs written to ${memory ? 'memory (/dev/shm)' : `disk (${tmpdir()})`}\n`,
    );
    const mb = (b) => `${(b / 1048576).toFixed(0)} MB`;
    const lines = [
      `| step | wall | CPU | x floor (CPU) | x floor (wall) | peak RSS | peak heap | 4x wall | 4x CPU | 4x peak RSS | 4x peak heap | 4x in ${HEAP_CAP_MB} MB heap |`,
      '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|:-:|',
    ];
    let floor = 0;
    let floorWall = 0;
    for (const row of rows) {
      rmSync(out, { recursive: true, force: true });
      let one;
      try {
        one = measure(row.mode, row.args(dir), runs);
      } catch (e) {
        lines.push(`| ${row.name} | n/a (${String(e.message).split('\n')[0].slice(0, 60)}) | | | | | | | | | | |`);
        console.log(lines.at(-1));
        continue;
      }
      if (row.mode === 'floor') {
        floor = one.cpu;
        floorWall = one.ms;
      }
      let four = null;
      let capped = '-';
      if (with4x) {
        rmSync(out, { recursive: true, force: true });
        four = measure(row.mode, row.args(copies), 1);
        // Flat memory, checked rather than sampled: the 4x run again with V8's old space capped at
        // HEAP_CAP_MB. "ok" if it completes as before; a run that needs the pack in memory dies instead.
        rmSync(out, { recursive: true, force: true });
        const r = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_CAP_MB}`, '--expose-gc', SELF, '--child', row.mode, ...row.args(copies)], {
          encoding: 'utf8',
          maxBuffer: 1 << 26,
        });
        const readings = [...r.stderr.matchAll(/^live (\d+) (\d+)$/gm)].map((x) => [Number(x[1]), Number(x[2])]);
        const at = (k) => `${(readings[k][1] / 1048576).toFixed(1)} MB`;
        // Fewer than two readings (a pack under 2 * LIVE_EVERY files): nothing to compare.
        const grew = readings.length < 2 ? '' : `, live ${at(0)} at file ${readings[0][0]} → ${at(readings.length - 1)} at file ${readings.at(-1)[0]}`;
        const status = r.status === 0 ? JSON.parse(r.stdout.trim().split('\n').pop()).status : null;
        capped = status === four.status ? `ok${grew}` : `fails (${r.signal ?? `exit ${r.status}`})${grew}`;
      }
      const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
      // A CLI row whose run failed wrote no pack: its time is not the time of an export; say so.
      const failed = [one, four].find((m) => m !== null && m.status !== 0);
      const name = failed === undefined ? row.name : `${row.name} (${failed === one ? '' : '4x: '}exit ${failed.status}: pack not written)`;
      lines.push(
        `| ${name} | ${s(one.ms)} | ${s(one.cpu)} | ${(one.cpu / floor).toFixed(2)} | ${(one.ms / floorWall).toFixed(2)} | ${mb(one.rss)} | ${mb(one.heap)} | ` +
          (four ? `${s(four.ms)} | ${s(four.cpu)} | ${mb(four.rss)} | ${mb(four.heap)} | ${capped} |` : '- | - | - | - | - |'),
      );
      console.log(lines.at(-1));
    }
    console.log('\n' + lines.join('\n'));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    rmSync(outRoot, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv.slice(4));
else await main();
