import { parentPort, workerData } from 'node:worker_threads';
import { FileConverter } from './file-converter.js';
import type { FileTask, WorkerSetup } from './pool-protocol.js';

/**
 * A conversion worker thread (see pool.ts): builds the run's converters and pipelines once (FileConverter),
 * then parses and converts each file it is sent and posts the result back. It touches no file and prints
 * nothing; the main thread does everything order-dependent. An internal error is left uncaught: the main
 * thread sees the thread fail and ends the run.
 */
const setup = workerData as WorkerSetup;
const port = parentPort;
if (port === null) throw new Error('pool-worker.ts runs as a worker thread (see pool.ts)');
const converter = FileConverter.fromSetup(setup);

port.on('message', (task: FileTask) => {
  port.postMessage(converter.convert(task));
});
