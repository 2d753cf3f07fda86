import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { convertFiles, type ConversionRecord, type ConvertOptions } from '../../convert.js';
import { LineIndex } from '../../diagnostics/span.js';
import { defaultPipelinesFor, resolvePipelineRef } from '../../pipeline/builtins.js';
import type { ProcessingPipeline } from '../../pipeline/types.js';
import { parseSigmaText, type ParsedFile } from '../../rule/parse-documents.js';
import type { SigmaFilter } from '../../rule/model.js';
import { sha256 } from './manifest.js';
import type { FileResult, FileTask, WorkerSetup } from './pool-protocol.js';
import { planTargets } from './selection.js';

/**
 * A conversion worker thread (see pool.ts): builds the run's converters and pipelines once, from the
 * command line's words and the pipeline and filter texts the main thread read, then parses and converts
 * each file it is sent for every target and posts the records back. It touches no file and prints
 * nothing; the main thread does everything order-dependent. An internal error is left uncaught: the
 * main thread sees the thread fail and ends the run.
 */
const setup = workerData as WorkerSetup;
const port = parentPort;
if (port === null) throw new Error('pool-worker.ts runs as a worker thread (see pool.ts)');

/** The main thread checked all of this already (usage errors, pipeline diagnostics): here it cannot fail. */
function prepare(): { convert: (parsed: ParsedFile, timing: Timing | null) => ConversionRecord[][] } {
  const runs = planTargets(setup.targets, setup.formats, setup.targetOptions, setup.formatOptions);
  const extra: ProcessingPipeline[] = setup.pipelines.map(({ ref, source }) => {
    const resolved = resolvePipelineRef(ref, () => source);
    if (!resolved.ok) throw new Error(`pipeline ${ref} did not resolve in a worker thread: ${resolved.diagnostics.map((d) => d.message).join('; ')}`);
    return resolved.value;
  });
  const filters: SigmaFilter[] = setup.filters.flatMap(({ path, bytes }) =>
    parseSigmaText(bytes, path).documents.flatMap((d) => (d.document?.kind === 'filter' ? [d.document] : [])),
  );
  const options = runs.map((run): ConvertOptions => ({
    format: run.format,
    targetOptions: run.targetOptions,
    pipelines: [...(setup.withoutPipeline ? [] : defaultPipelinesFor(run.converter.id)), ...extra],
    formatOptions: run.formatOptions.given,
    skipUnsupported: setup.skipUnsupported,
    filters,
  }));
  return {
    convert: (parsed, timing) =>
      runs.map((run, k) => {
        const base = options[k] ?? {};
        const records = convertFiles([parsed], run.converter, timing === null ? base : { ...base, onDocumentStart: timing.start });
        timing?.stop();
        return records;
      }),
  };
}

/** Each document's conversion time, as the main thread's Progress measures it when it converts itself. */
class Timing {
  readonly times = new Map<string, number>();
  private current: { key: string; start: number } | null = null;
  readonly start = (file: string, index: number): void => {
    const now = performance.now();
    this.stop(now);
    this.current = { key: index > 0 ? `${file} [document ${index}]` : file, start: now };
  };
  stop(now = performance.now()): void {
    if (this.current === null) return;
    this.times.set(this.current.key, (this.times.get(this.current.key) ?? 0) + now - this.current.start);
    this.current = null;
  }
}

/** The test hook: fails on one file, as a bug (an exception) or a crash (the thread exits). */
function injectedFailure(path: string): void {
  const hook = setup.injectFailure;
  if (hook === undefined) return;
  const [how, suffix] = [hook.slice(0, hook.indexOf(':')), hook.slice(hook.indexOf(':') + 1)];
  if (!path.endsWith(suffix)) return;
  if (how === 'exit') process.exit(70);
  throw new Error(`injected failure converting ${path}`);
}

const converter = prepare();

port.on('message', (task: FileTask) => {
  injectedFailure(task.path);
  let parsed: ParsedFile;
  let hash: string | null = null;
  if ('bytes' in task) {
    if (setup.hashes) hash = sha256(task.bytes);
    parsed = parseSigmaText(task.bytes, task.path);
  } else {
    parsed = { file: task.path, documents: [], diagnostics: task.unreadable, index: new LineIndex(task.path, '') };
  }
  let result: FileResult;
  if (parsed.documents.some((d) => d.document?.kind === 'filter' || d.document?.kind === 'correlation')) {
    result = { kind: 'batch', seq: task.seq };
  } else {
    const timing = setup.timed ? new Timing() : null;
    const records = converter.convert(parsed, timing);
    result = { kind: 'converted', seq: task.seq, hash, text: parsed.index.text, records, times: timing === null ? [] : [...timing.times] };
  }
  port.postMessage(result);
});
