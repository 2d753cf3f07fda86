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

/** Files this thread was sent so far. */
let count = 0;

/**
 * The test hook: SIGMA_TRANSPILER_INJECT_WORKER_FAILURE=throw:N or exit:N (never set in use) makes each
 * worker thread fail on the Nth file it is sent, as a bug (an exception) or a crash (the thread exits).
 * Read here, where it acts: a worker thread's environment is a copy of the main thread's when the thread
 * starts (https://nodejs.org/api/worker_threads.html#new-workerfilename-options, `env`), so the tests set
 * it around an in-process runCli and no option carries it through the CLI.
 */
const hook = process.env['SIGMA_TRANSPILER_INJECT_WORKER_FAILURE'];
function injectedFailure(path: string): void {
  if (hook === undefined || hook === '') return;
  const colon = hook.indexOf(':');
  if (count !== Number(hook.slice(colon + 1))) return;
  if (hook.slice(0, colon) === 'exit') process.exit(70);
  throw new Error(`injected failure converting ${path}`);
}

port.on('message', (task: FileTask) => {
  count++;
  injectedFailure(task.path);
  port.postMessage(converter.convert(task));
});
