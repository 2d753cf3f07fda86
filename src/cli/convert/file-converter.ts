import { convertFiles, type ConversionRecord, type ConvertOptions } from '../../convert.js';
import { LineIndex } from '../../diagnostics/span.js';
import { defaultPipelinesFor, resolvePipelineRef } from '../../pipeline/builtins.js';
import type { ProcessingPipeline } from '../../pipeline/types.js';
import type { SigmaFilter } from '../../rule/model.js';
import { parseSigmaText, type ParsedFile } from '../../rule/parse-documents.js';
import { sha256 } from './manifest.js';
import type { FileResult, FileTask, WorkerSetup } from './pool-protocol.js';
import { DocumentTimer } from './progress.js';
import { planTargets, type TargetRun } from './selection.js';

/** One target of the run as a FileConverter converts it: its converter and its options (no onDocumentStart). */
export interface TargetConversion {
  readonly run: TargetRun;
  readonly options: ConvertOptions;
}

/**
 * A target's conversion options: its format and options, the pipelines (its defaults first, see
 * defaultPipelinesFor), and the run's --skip-unsupported and --filter filters. The same on every thread,
 * and for batch (commands/convert.ts).
 */
export function conversionOptions(run: TargetRun, pipelines: readonly ProcessingPipeline[], skipUnsupported: boolean, filters: readonly SigmaFilter[]): ConvertOptions {
  return { format: run.format, targetOptions: run.targetOptions, pipelines, formatOptions: run.formatOptions.given, skipUnsupported, filters };
}

/** A target's pipelines: its default ones (unless --without-pipeline), then each --pipeline. */
export function pipelinesFor(run: TargetRun, withoutPipeline: boolean, extra: readonly ProcessingPipeline[]): ProcessingPipeline[] {
  return [...(withoutPipeline ? [] : defaultPipelinesFor(run.converter.id)), ...extra];
}

/**
 * Parses and converts one file for every target of the run into a FileResult: on the main thread
 * (`stream` in passes.ts, and `streamOnThreads` while it would otherwise wait for the threads),
 * built from the targets the main thread resolved, and on each worker thread (pool-worker.ts), built by
 * `fromSetup` from the command line's words and the pipeline and filter texts the main thread read.
 */
export class FileConverter {
  constructor(
    private readonly targets: readonly TargetConversion[],
    /** Record each input's SHA-256; measure each document's conversion time (see WorkerSetup). */
    private readonly measure: { readonly hashes: boolean; readonly timed: boolean },
  ) {}

  /**
   * A worker thread's FileConverter: the same targets, pipelines and filters as the main thread's. The
   * main thread checked all of them (usage errors, pipeline diagnostics), so building cannot fail here.
   */
  static fromSetup(setup: WorkerSetup): FileConverter {
    const runs = planTargets(setup.targets, setup.formats, setup.targetOptions, setup.formatOptions);
    const extra: ProcessingPipeline[] = setup.pipelines.map(({ ref, source }) => {
      const resolved = resolvePipelineRef(ref, () => source);
      if (!resolved.ok) throw new Error(`pipeline ${ref} did not resolve again: ${resolved.diagnostics.map((d) => d.message).join('; ')}`);
      return resolved.value;
    });
    const filters: SigmaFilter[] = setup.filters.flatMap(({ path, bytes }) =>
      parseSigmaText(bytes, path).documents.flatMap((d) => (d.document?.kind === 'filter' ? [d.document] : [])),
    );
    const targets = runs.map((run) => ({ run, options: conversionOptions(run, pipelinesFor(run, setup.withoutPipeline, extra), setup.skipUnsupported, filters) }));
    return new FileConverter(targets, setup);
  }

  convert(task: FileTask): FileResult {
    let parsed: ParsedFile;
    let hash: string | null = null;
    if ('bytes' in task) {
      if (this.measure.hashes) hash = sha256(task.bytes);
      parsed = parseSigmaText(task.bytes, task.path);
    } else {
      parsed = { file: task.path, documents: [], diagnostics: task.unreadable, index: new LineIndex(task.path, '') };
    }
    // A filter or a correlation needs the rules of other files: the run starts over in batch.
    if (parsed.documents.some((d) => d.document?.kind === 'filter' || d.document?.kind === 'correlation')) return { kind: 'batch', seq: task.seq };
    const timing = this.measure.timed ? new DocumentTimer() : null;
    const records: ConversionRecord[][] = this.targets.map(({ run, options }) => {
      const out = convertFiles([parsed], run.converter, timing === null ? options : { ...options, onDocumentStart: timing.start });
      timing?.stop();
      return out;
    });
    return { kind: 'converted', seq: task.seq, hash, text: parsed.index.text, records, times: timing === null ? [] : [...timing.times] };
  }
}
