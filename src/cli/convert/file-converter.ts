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

/**
 * Parses and converts one file for every target of the run into a FileResult: on the main thread
 * (`stream` in commands/convert.ts, and `streamOnThreads` while it would otherwise wait for the threads)
 * and on each worker thread (pool-worker.ts). Built once per thread from the command line's words and
 * the pipeline and filter texts the main thread read; the main thread checked all of them (usage errors,
 * pipeline diagnostics), so building cannot fail here.
 */
export class FileConverter {
  private readonly runs: readonly TargetRun[];
  private readonly options: readonly ConvertOptions[];

  constructor(private readonly setup: WorkerSetup) {
    this.runs = planTargets(setup.targets, setup.formats, setup.targetOptions, setup.formatOptions);
    const extra: ProcessingPipeline[] = setup.pipelines.map(({ ref, source }) => {
      const resolved = resolvePipelineRef(ref, () => source);
      if (!resolved.ok) throw new Error(`pipeline ${ref} did not resolve again: ${resolved.diagnostics.map((d) => d.message).join('; ')}`);
      return resolved.value;
    });
    const filters: SigmaFilter[] = setup.filters.flatMap(({ path, bytes }) =>
      parseSigmaText(bytes, path).documents.flatMap((d) => (d.document?.kind === 'filter' ? [d.document] : [])),
    );
    this.options = this.runs.map((run) => ({
      format: run.format,
      targetOptions: run.targetOptions,
      pipelines: [...(setup.withoutPipeline ? [] : defaultPipelinesFor(run.converter.id)), ...extra],
      formatOptions: run.formatOptions.given,
      skipUnsupported: setup.skipUnsupported,
      filters,
    }));
  }

  convert(task: FileTask): FileResult {
    let parsed: ParsedFile;
    let hash: string | null = null;
    if ('bytes' in task) {
      if (this.setup.hashes) hash = sha256(task.bytes);
      parsed = parseSigmaText(task.bytes, task.path);
    } else {
      parsed = { file: task.path, documents: [], diagnostics: task.unreadable, index: new LineIndex(task.path, '') };
    }
    // A filter or a correlation needs the rules of other files: the run starts over in batch.
    if (parsed.documents.some((d) => d.document?.kind === 'filter' || d.document?.kind === 'correlation')) return { kind: 'batch', seq: task.seq };
    const timing = this.setup.timed ? new DocumentTimer() : null;
    const records: ConversionRecord[][] = this.runs.map((run, k) => {
      const base = this.options[k] ?? {};
      const out = convertFiles([parsed], run.converter, timing === null ? base : { ...base, onDocumentStart: timing.start });
      timing?.stop();
      return out;
    });
    return { kind: 'converted', seq: task.seq, hash, text: parsed.index.text, records, times: timing === null ? [] : [...timing.times] };
  }
}
