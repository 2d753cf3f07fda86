import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/**
 * Writes files on a worker thread while the main thread converts: creating thousands of small files
 * costs about as much time as converting them, and this way it runs on another core. Writes happen in
 * the order given. A failed write is remembered and reported by `flush` (later writes are skipped), so
 * the caller can discard the whole pack. `flush` blocks until every write is done (Atomics.wait), so
 * the CLI stays synchronous; at most MAX_PENDING writes wait in the queue (memory stays flat).
 */
export class BackgroundWriter {
  private readonly worker: Worker;
  private readonly reply: MessagePort;
  /** [0]: writes queued and not yet done; [1]: flush generation completed by the worker; [2]: 1 once the worker runs. */
  private readonly state: Int32Array;
  private flushes = 0;
  /** Writes not yet sent: posted together (one message costs about 30 µs, more than a small file's write). */
  private batch: WriteOrder[] = [];
  private batchBytes = 0;
  /** Set when the thread stopped answering: later writes are dropped and `flush` reports it. */
  private stalled: string | null = null;
  private readonly startMs: number;
  private readonly stallMs: number;

  /**
   * `timing` and `source` are for tests (a worker that never starts, a short patience); the CLI uses the
   * defaults.
   */
  constructor(timing: { readonly startMs?: number; readonly stallMs?: number } = {}, source = WORKER_SOURCE) {
    const shared = new SharedArrayBuffer(12);
    this.state = new Int32Array(shared);
    this.startMs = timing.startMs ?? START_MS;
    this.stallMs = timing.stallMs ?? STALL_MS;
    const { port1, port2 } = new MessageChannel();
    this.reply = port1;
    // execArgv []: the evaluated CommonJS source must not inherit flags such as --input-type=module.
    this.worker = new Worker(source, { eval: true, execArgv: [], workerData: { shared, port: port2 }, transferList: [port2] });
    this.worker.unref();
    // Reported through flush (an unhandled worker error would end the process with a stack trace).
    this.worker.on('error', (e: unknown) => {
      this.stalled ??= `the thread that writes the output files failed (${e instanceof Error ? e.message : String(e)}); nothing was written`;
    });
  }

  write(path: string, content: string, append = false): void {
    if (this.stalled !== null) return;
    this.batch.push({ append, path, content });
    this.batchBytes += content.length;
    if (this.batch.length >= BATCH_FILES || this.batchBytes >= BATCH_CHARS) this.send();
  }

  /** Posts the batch, then waits while too many writes are queued (the queue holds file contents). */
  private send(): void {
    if (this.batch.length === 0 || this.stalled !== null) return;
    Atomics.add(this.state, 0, this.batch.length);
    this.worker.postMessage({ kind: 'write', orders: this.batch });
    this.batch = [];
    this.batchBytes = 0;
    this.waitUntil(() => Atomics.load(this.state, 0) <= MAX_PENDING, 0);
  }

  /** Waits until every write so far is done; the first failure's message, or null. */
  flush(): string | null {
    this.send();
    if (this.stalled !== null) return this.stalled;
    const generation = ++this.flushes;
    this.worker.postMessage({ kind: 'flush', generation });
    this.waitUntil(() => Atomics.load(this.state, 1) >= generation, 1);
    if (this.stalled !== null) return this.stalled;
    const message = receiveMessageOnPort(this.reply) as { message: { error: string | null } } | undefined;
    return message?.message.error ?? null;
  }

  /**
   * Blocks (Atomics.wait on `state[slot]`) until `done` holds. The main thread cannot see the worker's
   * exit event while it blocks, so a thread that never started, or that stops changing the state for
   * stallMs, is taken as stopped: `stalled` says so, instead of waiting forever.
   */
  private waitUntil(done: () => boolean, slot: 0 | 1): void {
    let seen = [Atomics.load(this.state, 0), Atomics.load(this.state, 1)];
    let since = Date.now();
    const began = since;
    while (!done()) {
      Atomics.wait(this.state, slot, Atomics.load(this.state, slot), 50);
      const now = [Atomics.load(this.state, 0), Atomics.load(this.state, 1)];
      if (now[0] !== seen[0] || now[1] !== seen[1]) {
        seen = now;
        since = Date.now();
        continue;
      }
      const started = Atomics.load(this.state, 2) === 1;
      if (!started && Date.now() - began > this.startMs) {
        this.stalled = `the thread that writes the output files did not start within ${this.startMs / 1000} s; nothing was written`;
        return;
      }
      if (started && Date.now() - since > this.stallMs) {
        this.stalled = `the thread that writes the output files made no progress for ${this.stallMs / 1000} s (it stopped, or the disk does not answer); nothing was written`;
        return;
      }
    }
  }

  /** Ends the thread (after a flush). */
  close(): void {
    void this.worker.terminate();
    this.reply.close();
  }
}

interface WriteOrder {
  readonly append: boolean;
  readonly path: string;
  readonly content: string;
}

const MAX_PENDING = 512;
/** How long a worker thread may take to start (it takes about 30 ms). */
const START_MS = 20_000;
/** How long the writes may stand still before the thread is taken as stopped (a small file takes < 1 ms). */
const STALL_MS = 60_000;
const BATCH_FILES = 64;
const BATCH_CHARS = 256 * 1024;

/** The worker (CommonJS, evaluated: no file to find next to the compiled module). */
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const state = new Int32Array(workerData.shared);
Atomics.store(state, 2, 1);
const made = new Set();
// mkdir -p one folder at a time, as io.ts's makeFolders (mkdirSync's recursive never returns below /proc).
const makeFolders = (dir) => {
  const missing = [];
  for (let d = dir; !fs.existsSync(d); d = path.dirname(d)) {
    missing.push(d);
    if (path.dirname(d) === d) break;
  }
  for (const d of missing.reverse()) {
    try {
      fs.mkdirSync(d);
    } catch (e) {
      if (e.code !== 'EEXIST' || !fs.statSync(d).isDirectory()) throw e;
    }
  }
};
let error = null;
parentPort.on('message', (m) => {
  if (m.kind === 'flush') {
    workerData.port.postMessage({ error });
    Atomics.store(state, 1, m.generation);
    Atomics.notify(state, 1);
    return;
  }
  for (const order of m.orders) {
    if (error === null) {
      try {
        const dir = path.dirname(order.path);
        if (!made.has(dir)) {
          makeFolders(dir);
          made.add(dir);
        }
        if (order.append) fs.appendFileSync(order.path, order.content);
        else fs.writeFileSync(order.path, order.content);
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
    }
    Atomics.sub(state, 0, 1);
    Atomics.notify(state, 0);
  }
});
`;
