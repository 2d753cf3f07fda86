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
  /** [0]: writes queued and not yet done; [1]: flush generation completed by the worker. */
  private readonly state: Int32Array;
  private flushes = 0;
  /** Writes not yet sent: posted together (one message costs about 30 µs, more than a small file's write). */
  private batch: WriteOrder[] = [];
  private batchBytes = 0;

  constructor() {
    const shared = new SharedArrayBuffer(8);
    this.state = new Int32Array(shared);
    const { port1, port2 } = new MessageChannel();
    this.reply = port1;
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { shared, port: port2 }, transferList: [port2] });
    this.worker.unref();
  }

  write(path: string, content: string, append = false): void {
    this.batch.push({ append, path, content });
    this.batchBytes += content.length;
    if (this.batch.length >= BATCH_FILES || this.batchBytes >= BATCH_CHARS) this.send();
  }

  /** Posts the batch, then waits while too many writes are queued (the queue holds file contents). */
  private send(): void {
    if (this.batch.length === 0) return;
    Atomics.add(this.state, 0, this.batch.length);
    this.worker.postMessage({ kind: 'write', orders: this.batch });
    this.batch = [];
    this.batchBytes = 0;
    for (let pending = Atomics.load(this.state, 0); pending > MAX_PENDING; pending = Atomics.load(this.state, 0)) {
      Atomics.wait(this.state, 0, pending, 100);
    }
  }

  /** Waits until every write so far is done; the first failure's message, or null. */
  flush(): string | null {
    this.send();
    const generation = ++this.flushes;
    this.worker.postMessage({ kind: 'flush', generation });
    for (let done = Atomics.load(this.state, 1); done < generation; done = Atomics.load(this.state, 1)) Atomics.wait(this.state, 1, done, 1000);
    const message = receiveMessageOnPort(this.reply) as { message: { error: string | null } } | undefined;
    return message?.message.error ?? null;
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
const BATCH_FILES = 64;
const BATCH_CHARS = 256 * 1024;

/** The worker (CommonJS, evaluated: no file to find next to the compiled module). */
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const state = new Int32Array(workerData.shared);
const made = new Set();
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
          fs.mkdirSync(dir, { recursive: true });
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
