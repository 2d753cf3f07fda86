/**
 * Conversion worker threads that fail, for test/cli/jobs.test.ts (given as CliIo.convertWorker): the
 * build's pool-worker.js, whose FileConverter fails on the Nth file the thread is sent, where the
 * conversion runs, as a bug (an exception) or a crash (the thread exits with code 70). JavaScript, and
 * the build's modules: a worker thread cannot load the TypeScript sources (jobs.test.ts builds first).
 * Each entry module (worker-throws.mjs, worker-exits.mjs) picks one failure.
 */
import { FileConverter } from '../../dist/src/cli/convert/file-converter.js';

/** Makes this thread's conversions fail at the `n`th file (`how`: 'throw' or 'exit'), then runs the worker. */
export async function failAtFile(n, how) {
  const convert = FileConverter.prototype.convert;
  let count = 0;
  FileConverter.prototype.convert = function (task) {
    count++;
    if (count === n) {
      if (how === 'exit') process.exit(70);
      throw new Error(`injected failure converting ${task.path}`);
    }
    return convert.call(this, task);
  };
  await import('../../dist/src/cli/convert/pool-worker.js');
}
