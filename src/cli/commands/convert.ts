import { dirname } from 'node:path';
import type { ConvertOptions } from '../../convert.js';
import { renderDiagnostic } from '../../diagnostics/render.js';
import { LineIndex } from '../../diagnostics/span.js';
import { findBuiltinPipeline, resolvePipelineRef } from '../../pipeline/builtins.js';
import type { ProcessingPipeline } from '../../pipeline/types.js';
import type { SigmaFilter } from '../../rule/model.js';
import { ManifestBuilder, MANIFEST_FILE } from '../convert/manifest.js';
import { Progress } from '../convert/progress.js';
import { planTargets } from '../convert/selection.js';
import { DiagnosticLog, stem, TargetSink, type RunOutput } from '../convert/target-sink.js';
import { poolSize } from '../convert/pool.js';
import { conversionOptions, FileConverter, pipelinesFor } from '../convert/file-converter.js';
import { batch, nextTurn, stream, streamOnThreads, type Pass } from '../convert/passes.js';
import type { WorkerSetup } from '../convert/pool-protocol.js';
import { collectFiles, parseRead } from '../inputs.js';
import { Interrupted } from '../interrupt.js';
import { readInput, stageFiles, type CliIo } from '../io.js';
import { memorySpool } from '../spool.js';
import { UsageError } from '../usage-error.js';
import { packageVersion } from '../version.js';

export interface ConvertCommandOptions {
  /** `--target`, repeatable, comma-separated, or `all`. */
  readonly target: string | readonly string[];
  /** `--format NAME` or `--format TARGET:NAME`, repeatable. */
  readonly format?: string | readonly string[];
  readonly pipeline: readonly string[];
  readonly withoutPipeline: boolean;
  readonly outputDir?: string;
  readonly json: boolean;
  readonly skipUnsupported: boolean;
  readonly targetOption: readonly string[];
  /** `--format-option name=value`, repeatable (absent: none). */
  readonly formatOption?: readonly string[];
  /** `--filter FILE`, repeatable: Sigma filter files applied besides the filters among the paths. */
  readonly filter?: readonly string[];
  /** Write manifest.json with one target too (several targets always write it). */
  readonly manifest?: boolean;
  /** Print the slowest rules even when stderr is not a terminal. */
  readonly timings?: boolean;
  /**
   * `--quiet`: print only errors on stderr (warnings and notes stay in the manifest and in --json): a CI
   * log of a pack that skips many rules shows the failures and the summary, not every skip.
   */
  readonly quiet?: boolean;
  /**
   * `--jobs N|auto`: how many threads parse and convert plain queries: the main thread and N - 1 worker
   * threads (`1`: the main thread alone, as it always did); `auto` (the default): one per core for packs
   * of at least AUTO_MIN_FILES files on machines of at least AUTO_MIN_CORES cores, else 1 (see poolSize).
   * The output is the same byte for byte.
   */
  readonly jobs?: string;
}

const asList = (v: string | readonly string[] | undefined): readonly string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : v);

/**
 * `sigma-transpiler convert`: exit 0 when every rule converted for every target, 1 when any failed.
 * Each file is read and parsed once and converted for each target; with one target the output is what it
 * always was. With several, stdout shows each target's output under a `# target ID` line, and
 * `--output-dir` gets one folder per target and manifest.json.
 *
 * Plain queries are converted file by file (streaming): each file's outputs are staged as soon as it is
 * converted and its parsed rules are dropped, so memory stays flat as the pack grows. A filter or a
 * correlation changes or needs rules of other files, and a declared output format renders the whole
 * pack at once: then every file is parsed first and each target converts them all together (batch).
 */
export async function runConvert(paths: readonly string[], options: ConvertCommandOptions, io: CliIo): Promise<number> {
  const runs = planTargets(asList(options.target), asList(options.format), options.targetOption, options.formatOption ?? []);
  const jobs = parseJobs(options.jobs ?? 'auto');
  const multi = runs.length > 1;
  const outputDir = options.outputDir === undefined ? undefined : folderName(options.outputDir);
  if (outputDir !== undefined && io.exists(outputDir) && !io.isDirectory(outputDir)) {
    throw new UsageError(`--output-dir ${outputDir} exists and is not a folder; name a folder (it is created when missing)`);
  }
  const fileAbove = outputDir === undefined ? undefined : fileAboveFolder(outputDir, io);
  if (fileAbove !== undefined) throw new UsageError(`--output-dir ${outputDir}: ${fileAbove} is a file, not a folder; name a folder that can be created there`);
  if (options.manifest === true && outputDir === undefined) throw new UsageError('--manifest needs --output-dir (the manifest is written at the top of that folder)');
  const extra = resolvePipelines(options, io);
  if (extra === null) return 2;
  const progress = new Progress(io, options.timings === true);
  const files = collectFiles(paths, io);
  const filterFiles = (options.filter ?? []).map((path) => filterDocuments(path, io));
  const filters = filterFiles.flatMap((f) => f.filters);
  // Each file's output name below the output folder (without extension), computed once per file.
  const stems = new Map<string, string>(files.map((f) => [f.path, stem(f.path, f.root)]));
  const writeManifest = outputDir !== undefined && (multi || options.manifest === true);
  const extraPipelines = extra.map((e) => e.pipeline);
  const targets = runs.map((run) => {
    const pipelines = pipelinesFor(run, options.withoutPipeline, extraPipelines);
    return { run, pipelines, options: conversionOptions(run, pipelines, options.skipUnsupported, filters) };
  });
  const log = new DiagnosticLog(io, multi, () => progress.clear(), io.spool?.() ?? memorySpool());
  const start = (): Pass => {
    const inputHashes = new Map<string, string>();
    return {
      inputHashes: writeManifest ? inputHashes : undefined,
      out: {
        staged: outputDir !== undefined ? stageFiles(io, outputDir) : undefined,
        manifest: writeManifest ? new ManifestBuilder(packageVersion(), inputHashes, new Map(files.map((f, i) => [f.path, i]))) : undefined,
        failed: 0,
        written: 0,
        writeError: null,
      },
      sinks: targets.map(
        ({ run, pipelines }) =>
          new TargetSink({
            run,
            folder: multi ? `${run.converter.id}/` : '',
            outputDir,
            json: options.json,
            quiet: options.quiet === true,
            stems,
            pipelineIds: pipelines.map((p) => p.id),
            log,
            spool: io.spool?.() ?? memorySpool(),
          }),
      ),
      convertOptions: (k: number): ConvertOptions => ({
        ...targets[k]?.options,
        onDocumentStart: (file, index) => {
          progress.documentStart(file, index);
          progress.step();
        },
      }),
    };
  };
  const streamable = runs.every((r) => r.pack === undefined);
  if (!streamable) log.startBatch();
  let pass = start();
  const threads = streamable ? poolSize(jobs, files.length) : 0;
  // Files may be staged from here on: an interrupt (Ctrl-C) ends the run between two rules, which removes them.
  const watch = outputDir === undefined ? undefined : io.watchInterrupts?.();
  const checkpoint = async (): Promise<void> => {
    await nextTurn();
    watch?.check();
  };
  let written: Written;
  try {
    try {
      /** Hash the inputs (for the manifest); time each document (see Progress.timed). */
      const measure = { hashes: writeManifest, timed: progress.timed };
      const setup: WorkerSetup = {
        targets: asList(options.target),
        formats: asList(options.format),
        targetOptions: options.targetOption,
        formatOptions: options.formatOption ?? [],
        withoutPipeline: options.withoutPipeline,
        pipelines: extra.map(({ ref, source }) => ({ ref, source })),
        filters: filterFiles.map(({ path, bytes }) => ({ path, bytes })),
        skipUnsupported: options.skipUnsupported,
        ...measure,
      };
      // Streaming converts on the main thread with the targets resolved above (worker threads build the same from `setup`).
      const local = new FileConverter(targets, measure);
      const streamed =
        streamable && (threads > 0 ? await streamOnThreads(files, pass, io, progress, local, threads, setup, checkpoint) : await stream(files, pass, io, progress, local, checkpoint));
      if (!streamed) {
        discard(pass);
        log.startBatch();
        pass = start();
        await batch(files, pass, io, progress, checkpoint);
      }
      watch?.check();
      // Written before anything is printed: an interrupt while printing then leaves nothing staged behind.
      written = writeOutput(outputDir, pass.out, options.json);
    } catch (e) {
      // An internal error or an interrupt: the staging folder and the spools must not stay behind.
      discard(pass);
      if (!(e instanceof Interrupted)) throw e;
      progress.clear();
      io.stderr(`${e.message}: nothing written to ${outputDir ?? 'the output folder'}\n`);
      return e.status;
    }
  } finally {
    watch?.stop();
    log.dispose();
  }
  progress.clear();
  /** Diagnostics already printed (several targets share a rule's parse problems): each is shown once. */
  const printed = multi ? new Set<string>() : undefined;
  try {
    pass.sinks.forEach((sink, k) => {
      const header = multi && !options.json && outputDir === undefined ? `${k === 0 ? '' : '\n'}# target ${sink.id}\n` : null;
      sink.print(io, header, printed);
    });
  } finally {
    for (const sink of pass.sinks) sink.dispose();
  }
  if (written.message !== null) io.stderr(written.message);
  if (!options.json) for (const sink of pass.sinks) io.stderr(sink.summary());
  if (!options.json || options.timings === true) progress.printSlowest();
  return pass.out.failed > 0 || written.failed ? 1 : 0;
}

/** Drops an attempt at the run: its staging folder and what its sinks kept for printing. */
function discard(pass: Pass): void {
  pass.out.staged?.abort();
  for (const sink of pass.sinks) sink.dispose();
}

/** What became of --output-dir: the line to print about it (null: none) and whether writing it failed. */
interface Written {
  readonly message: string | null;
  readonly failed: boolean;
}

/**
 * Writes the staged pack into the output folder (with its manifest) when every rule converted, else
 * discards it: a rule pack is written whole or not at all.
 */
function writeOutput(outputDir: string | undefined, out: RunOutput, json: boolean): Written {
  if (outputDir === undefined || out.staged === undefined) return { message: null, failed: false };
  if (out.failed > 0) {
    out.staged.abort();
    return { message: `nothing written to ${outputDir}: ${out.failed} rule(s) failed (a rule pack is written whole or not at all)\n`, failed: false };
  }
  try {
    if (out.writeError !== null) throw new Error(out.writeError);
    if (out.manifest !== undefined) {
      out.staged.append(MANIFEST_FILE, out.manifest.finish());
      out.written++;
    }
    out.staged.commit();
    return { message: json ? null : `wrote ${out.written} file(s) to ${outputDir}\n`, failed: false };
  } catch (e) {
    out.staged.abort();
    return { message: `error: writing to ${outputDir} failed: ${e instanceof Error ? e.message : String(e)}\n`, failed: true };
  }
}

/**
 * The --output-dir as a folder name: trailing separators dropped (`afile/` is then seen to be a file,
 * not a folder to create); empty is a usage error (it would be renamed onto '' at the end).
 */
function folderName(written: string): string {
  if (written === '') throw new UsageError('--output-dir needs a folder name (it is created when missing)');
  let dir = written;
  while (dir.length > 1 && /[\\/]$/.test(dir) && !/^[A-Za-z]:[\\/]$/.test(dir)) dir = dir.slice(0, -1);
  return dir;
}

/**
 * The nearest existing path above `dir` when it is not a folder (`-o notes.txt/out`): neither `dir` nor its
 * staging folder beside it could be made (ENOTDIR). Undefined when that path is a folder.
 */
function fileAboveFolder(dir: string, io: CliIo): string | undefined {
  for (let above = dirname(dir); ; above = dirname(above)) {
    if (io.exists(above)) return io.isDirectory(above) ? undefined : above;
    if (dirname(above) === above) return undefined;
  }
}

/** `--jobs`: a positive whole number, or auto. */
function parseJobs(written: string): number | 'auto' {
  if (written === 'auto') return 'auto';
  if (!/^[1-9][0-9]{0,3}$/.test(written)) throw new UsageError(`--jobs ${written}: write a number of threads (1 converts on the main thread) or auto`);
  return Number(written);
}

/** Each --pipeline, built-in or file, resolved once for every target (the targets' defaults come first). */
function resolvePipelines(options: ConvertCommandOptions, io: CliIo): { ref: string; source: string | undefined; pipeline: ProcessingPipeline }[] | null {
  const out: { ref: string; source: string | undefined; pipeline: ProcessingPipeline }[] = [];
  let failed = false;
  for (const ref of options.pipeline) {
    // Each pipeline file is read once; one that cannot be read (a folder, EIO) is reported, not thrown.
    let source: string | undefined;
    if (findBuiltinPipeline(ref) === undefined && io.exists(ref)) {
      const read = readInput(ref, (p) => new TextDecoder().decode(io.readFile(p)), 'the pipeline file');
      if (!read.ok) {
        io.stderr(renderDiagnostic(read.diagnostic) + '\n');
        failed = true;
        continue;
      }
      source = read.value;
    }
    const resolved = resolvePipelineRef(ref, () => source);
    const index = source === undefined ? undefined : new LineIndex(ref, source);
    for (const d of resolved.diagnostics) if (options.quiet !== true || d.severity === 'error') io.stderr(renderDiagnostic(d, index) + '\n');
    if (resolved.ok) out.push({ ref, source, pipeline: resolved.value });
    else failed = true;
  }
  return failed ? null : out;
}

/**
 * The filters of a `--filter` file, and its bytes (worker threads parse the same bytes); anything else
 * in it (a rule, an error) is a usage error.
 */
function filterDocuments(path: string, io: CliIo): { path: string; bytes: Uint8Array; filters: SigmaFilter[] } {
  const read = readInput(path, (p) => io.readFile(p));
  const parsed = parseRead(path, read);
  const bytes = read.ok ? read.value : new Uint8Array(0);
  const problem = [...parsed.diagnostics, ...parsed.documents.flatMap((d) => d.diagnostics)].find((d) => d.severity === 'error');
  if (problem !== undefined) throw new UsageError(`--filter ${path}: ${problem.span.line}:${problem.span.column}: ${problem.message}`);
  if (parsed.documents.length === 0) throw new UsageError(`--filter ${path} holds no filter`);
  const filters = parsed.documents.map((d) => {
    if (d.document?.kind !== 'filter') throw new UsageError(`--filter ${path}: document ${d.index + 1} is not a filter (a filter has a \`filter:\` section)`);
    return d.document;
  });
  return { path, bytes, filters };
}
