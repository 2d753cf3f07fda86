import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FileResult, FileTask, WorkerSetup } from './pool-protocol.js';

/**
 * A pool of conversion worker threads (pool-worker.ts). The main thread sends each file to the least
 * busy worker (while one has room: at most QUEUE files wait at each) and takes the results back strictly
 * in input order (`take`, `result`; results that arrive early wait in a reorder buffer). The caller
 * bounds how many files are in flight, so memory stays flat.
 *
 * A worker that fails (an exception, an unexpected exit) fails the pool: every pending and later
 * `result` rejects with an error naming the thread and what it said, so the run ends instead of waiting.
 * `close` must be called in every case (it ends the threads, which otherwise keep the process alive).
 */
export class ConvertPool {
  private readonly workers: { readonly worker: Worker; pending: number }[] = [];
  private readonly results = new Map<number, FileResult>();
  private waiting: { readonly seq: number; readonly resolve: (r: FileResult) => void; readonly reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;
  private closing = false;

  /** `entry`: the module the threads run (see CliIo.convertWorker); the build's pool-worker.js by default. */
  constructor(size: number, setup: WorkerSetup, entry: URL = workerEntry().url) {
    try {
      for (let i = 0; i < size; i++) this.start(i, entry, setup);
    } catch (e) {
      // A thread that cannot start (no memory, too many threads): those started must not keep the process alive.
      void this.close();
      throw e;
    }
  }

  /** Starts worker thread i (0-based) and listens to it. */
  private start(i: number, entry: URL, setup: WorkerSetup): void {
    // The thread imports its module from a one-line evaluated script rather than running the file: a thread
    // inherits its parent's flags, and under `node --input-type=module -e` a thread that runs a file fails
    // (ERR_INPUT_TYPE_NOT_ALLOWED); an import() reads the same in a script and in a module.
    const worker = new Worker(`import(${JSON.stringify(entry.href)});`, { eval: true, workerData: setup });
    const slot = { worker, pending: 0 };
    worker.on('message', (r: FileResult) => {
      slot.pending--;
      this.results.set(r.seq, r);
      const w = this.waiting;
      if (w !== null && w.seq === r.seq) {
        this.waiting = null;
        this.results.delete(r.seq);
        w.resolve(r);
      }
    });
    worker.on('messageerror', (e: unknown) => this.fail(`a result of conversion worker thread ${i + 1} could not be read: ${e instanceof Error ? e.message : String(e)}`));
    worker.on('error', (e: unknown) => this.fail(`conversion worker thread ${i + 1} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
    worker.on('exit', (code) => {
      if (!this.closing) this.fail(`conversion worker thread ${i + 1} stopped unexpectedly (exit code ${code})`);
    });
    this.workers.push(slot);
  }

  /** True when a worker has fewer than QUEUE files waiting: `send` may give it another. */
  hasRoom(): boolean {
    return this.workers.some((w) => w.pending < QUEUE);
  }

  /** Throws the error of a failed worker, if one failed. */
  check(): void {
    if (this.failure !== null) throw this.failure;
  }

  /** The result for file `seq` if it is in (it is then removed from the buffer). */
  take(seq: number): FileResult | undefined {
    const ready = this.results.get(seq);
    if (ready !== undefined) this.results.delete(seq);
    return ready;
  }

  /** Sends one file to the worker with the fewest files pending. */
  send(task: FileTask): void {
    if (this.failure !== null) return;
    let best = this.workers[0];
    for (const w of this.workers) if (best === undefined || w.pending < best.pending) best = w;
    if (best === undefined) throw new Error('the conversion pool has no worker');
    best.pending++;
    best.worker.postMessage(task);
  }

  /** The result for file `seq` (sent earlier), once it is in; rejects when a worker failed. */
  result(seq: number): Promise<FileResult> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const ready = this.take(seq);
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      this.waiting = { seq, resolve, reject };
    });
  }

  /** Ends every thread (their pending work is dropped). */
  async close(): Promise<void> {
    this.closing = true;
    this.results.clear();
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }

  private fail(message: string): void {
    if (this.failure !== null || this.closing) return;
    this.failure = new Error(message);
    const w = this.waiting;
    this.waiting = null;
    w?.reject(this.failure);
  }
}

/**
 * Files waiting at each worker: enough that a worker does not sit idle while the main thread converts a
 * slow rule itself (a CPU profile with 8 showed the worker idle 15 % of the run), few enough that the
 * main thread is not left waiting for a long queue at the end of the pack (a file takes about half a
 * millisecond per target).
 */
const QUEUE = 32;

/** `--jobs auto` converts on threads from this many files on (a worker thread takes about 0.2 s of CPU to start). */
export const AUTO_MIN_FILES = 100;

/**
 * `--jobs auto` converts on threads only on machines with at least this many cores. Measured on a 2-core
 * machine (see the README's bench section): a one-thread run already keeps the second core busy with
 * V8's garbage collector and compiler threads, each worker thread warms up its own JIT and heap, and two
 * busy threads there ran at about 1.4 times the throughput of one: `-t splunk` over SigmaHQ's rules took
 * 1.32 s on one thread and 1.79 s on two, `-t all` about the same or worse. So on 2 cores `auto` stays on
 * one thread. From 4 cores on, the extra cores are free for worker threads (not measured: no such
 * machine was at hand; `--jobs N` chooses explicitly).
 */
export const AUTO_MIN_CORES = 4;

/**
 * How many worker threads convert a pack of `files` files besides the main thread (which converts too,
 * see streamOnThreads): `--jobs N` is N threads in all, so N - 1 workers (at most one per file; `1`: none);
 * `auto` is one thread per core when the pack has at least AUTO_MIN_FILES files, the machine at least
 * AUTO_MIN_CORES cores and the worker's module is beside this one (the build; see workerEntry), else none.
 */
export function poolSize(jobs: number | 'auto', files: number): number {
  const cores = availableParallelism();
  const threads = jobs === 'auto' ? (files >= AUTO_MIN_FILES && cores >= AUTO_MIN_CORES && workerEntry().beside ? cores : 1) : jobs;
  return Math.max(0, Math.min(threads - 1, files));
}

/**
 * The worker's module: next to this one in the build (dist; `beside`). Under the test runner this module
 * is the TypeScript source, which a worker thread cannot load: an explicit `--jobs N` then runs the
 * build's worker (the tests that use it build first), and `auto` stays on the main thread, so no other
 * test depends on the build.
 */
function workerEntry(): { readonly url: URL; readonly beside: boolean } {
  const here = new URL('./pool-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return { url: here, beside: true };
  return { url: new URL('../../../dist/src/cli/convert/pool-worker.js', import.meta.url), beside: false };
}
