import { convertFilesStepwise, type ConvertOptions } from '../../convert.js';
import { LineIndex } from '../../diagnostics/span.js';
import type { ParsedFile } from '../../rule/parse-documents.js';
import { parseFile, type InputFile } from '../inputs.js';
import { readInput, type CliIo } from '../io.js';
import type { FileConverter } from './file-converter.js';
import { MANIFEST_FILE } from './manifest.js';
import { ConvertPool } from './pool.js';
import type { FileResult, FileTask, WorkerSetup } from './pool-protocol.js';
import type { Progress } from './progress.js';
import type { LineIndexes, RunOutput, TargetSink } from './target-sink.js';

/*
 * The ways a `convert` run goes (see runConvert): file by file on the main thread (stream), the same with
 * worker threads (streamOnThreads), or every file parsed first (batch).
 */

/** One attempt at the run: its targets' sinks, its staging and manifest, the input hashes it read. */
export interface Pass {
  /** Where each input's SHA-256 is recorded for the manifest; undefined when no manifest is written. */
  readonly inputHashes: Map<string, string> | undefined;
  readonly out: RunOutput;
  readonly sinks: readonly TargetSink[];
  /** The k-th target's conversion options for batch (each document a step of the progress bar). */
  readonly convertOptions: (k: number) => ConvertOptions;
}

/**
 * File by file on the main thread: parse, convert for every target (FileConverter, as the worker threads
 * do), hand the records on, drop the parse. Returns false (and the caller starts over in batch) at the
 * first filter or correlation document: those need the whole pack.
 */
export async function stream(files: readonly InputFile[], pass: Pass, io: CliIo, progress: Progress, local: FileConverter, checkpoint: Checkpoint): Promise<boolean> {
  progress.phase(`converting (${pass.sinks.map((s) => s.id).join(', ')})`, files.length);
  for (let i = 0; i < files.length; i++) {
    if (!deliver(pass, progress, files[i]?.path ?? '', local.convert(task(files, i, io)))) return false;
    await checkpoint();
  }
  for (const sink of pass.sinks) sink.finish(pass.out);
  return true;
}

/**
 * One file's result, in input order: its hash and times recorded, its records handed to each target's
 * sink, its manifest entries staged. False when it holds a filter or correlation (the run goes to batch).
 */
function deliver(pass: Pass, progress: Progress, path: string, result: FileResult): boolean {
  if (result.kind === 'batch') return false;
  if (result.hash !== null) pass.inputHashes?.set(path, result.hash);
  progress.addTimes(result.times);
  // The file's line index is made only if a diagnostic is rendered (most files have none to print).
  let index: LineIndex | undefined;
  const indexes: LineIndexes = { get: (file) => (file === path ? (index ??= new LineIndex(path, result.text)) : undefined) };
  pass.sinks.forEach((sink, k) => sink.add(result.records[k] ?? [], indexes, pass.out));
  fileDone(pass);
  progress.step();
  return true;
}

/** A file's manifest entries are complete (every target recorded them): staged, not kept. */
function fileDone(pass: Pass): void {
  const manifest = pass.out.manifest;
  if (manifest !== undefined && pass.out.failed === 0 && pass.out.writeError === null) {
    try {
      pass.out.staged?.append(MANIFEST_FILE, manifest.flush());
    } catch (e) {
      pass.out.writeError = e instanceof Error ? e.message : String(e);
    }
  }
}

/**
 * Files read and not yet handed to the sinks (at a thread, converted and waiting their turn): bounds
 * memory however large the pack (each holds one file's text and records).
 */
const IN_FLIGHT = 256;

/**
 * `stream` with the parsing and converting done on worker threads (see ConvertPool) and on the main
 * thread itself whenever the result it needs next is not in yet (it would otherwise wait: while the
 * threads start, or behind a slow rule). The main thread reads each file's bytes (through the io, as
 * `stream` does) and hands the results to the sinks strictly in input order, so everything printed and
 * written is what `stream` gives. False (the caller starts over in batch) when a filter or correlation
 * document is met. The threads are ended in every case.
 */
export async function streamOnThreads(
  files: readonly InputFile[],
  pass: Pass,
  io: CliIo,
  progress: Progress,
  local: FileConverter,
  threads: number,
  setup: WorkerSetup,
  checkpoint: Checkpoint,
): Promise<boolean> {
  const pool = new ConvertPool(threads, setup, io.convertWorker);
  try {
    progress.phase(`converting (${pass.sinks.map((s) => s.id).join(', ')})`, files.length);
    /** Results converted here, by file number. */
    const ready = new Map<number, FileResult>();
    /** The next file no one converts yet. */
    let next = 0;
    for (let i = 0; i < files.length; ) {
      pool.check();
      for (; next < files.length && next < i + IN_FLIGHT && pool.hasRoom(); next++) pool.send(task(files, next, io));
      let result = ready.get(i) ?? pool.take(i);
      if (result === undefined && next < files.length && next < i + IN_FLIGHT) {
        ready.set(next, local.convert(task(files, next, io)));
        next++;
        await checkpoint();
        continue;
      }
      result ??= await pool.result(i);
      ready.delete(i);
      if (!deliver(pass, progress, files[i]?.path ?? '', result)) return false;
      i++;
      // The threads' results are taken in between (their messages wait for this thread's turn to end).
      await checkpoint();
    }
    for (const sink of pass.sinks) sink.finish(pass.out);
    return true;
  } finally {
    await pool.close();
  }
}

/**
 * Called between two files or rules: lets the event loop run (it delivers what the threads sent, and an
 * interrupt), then throws Interrupted if an interrupt came (see InterruptWatch).
 */
export type Checkpoint = () => Promise<void>;

/** Lets the event loop deliver what the threads sent. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The i-th file for a FileConverter (here or on a thread): its bytes read through the io, or why it could not be read. */
function task(files: readonly InputFile[], seq: number, io: CliIo): FileTask {
  const file = files[seq];
  if (file === undefined) throw new Error(`no input file ${seq}`);
  if (file.unreadable !== undefined) return { seq, path: file.path, unreadable: file.unreadable.diagnostics };
  const read = readInput(file.path, (p) => io.readFile(p));
  return read.ok ? { seq, path: file.path, bytes: read.value } : { seq, path: file.path, unreadable: [read.diagnostic] };
}

/** Every file parsed first, then each target converts them all together (filters, correlations, formats). */
export async function batch(files: readonly InputFile[], pass: Pass, io: CliIo, progress: Progress, checkpoint: Checkpoint): Promise<void> {
  progress.phase('parsing', files.length);
  const parsed: ParsedFile[] = [];
  for (const { path, unreadable } of files) {
    parsed.push(unreadable ?? parseFile(path, io, pass.inputHashes));
    progress.step();
    await checkpoint();
  }
  const documents = parsed.reduce((n, p) => n + Math.max(1, p.documents.length), 0);
  const indexes = new Map<string, LineIndex>(parsed.map((p) => [p.file, p.index]));
  for (const [k, sink] of pass.sinks.entries()) {
    progress.phase(`converting ${sink.id}`, documents);
    const steps = convertFilesStepwise(parsed, sink.converter, pass.convertOptions(k));
    let step = steps.next();
    for (; step.done !== true; step = steps.next()) await checkpoint();
    progress.stopTimer();
    sink.add(step.value, indexes, pass.out);
    sink.finish(pass.out);
  }
}
