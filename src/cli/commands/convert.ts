import { basename, relative } from 'node:path';
import { convertFiles, type ConversionRecord } from '../../convert.js';
import { renderDiagnostic } from '../../diagnostics/render.js';
import { LineIndex, pointSpan } from '../../diagnostics/span.js';
import { warning, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { defaultPipelinesFor, findBuiltinPipeline, resolvePipelineRef } from '../../pipeline/builtins.js';
import type { ProcessingPipeline } from '../../pipeline/types.js';
import type { FormatDeclaration } from '../../render/format.js';
import { renderPack, uniqueFileNames, type RenderedPack } from '../../render/render-format.js';
import { parseSigmaText, type ParsedFile } from '../../rule/parse-documents.js';
import { ManifestBuilder, MANIFEST_FILE, portable, sha256, statusOf, type ManifestStatus } from '../convert/manifest.js';
import { Progress } from '../convert/progress.js';
import { planTargets } from '../convert/selection.js';
import { readInput, stageFiles, type CliIo, type StagedFiles } from '../io.js';
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
  /** Write manifest.json with one target too (several targets always write it). */
  readonly manifest?: boolean;
  /** Print the slowest rules even when stderr is not a terminal. */
  readonly timings?: boolean;
}

const asList = (v: string | readonly string[] | undefined): readonly string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : v);

/**
 * `sigma-transpiler convert`: exit 0 when every rule converted for every target, 1 when any failed.
 * Each file is read and parsed once, then converted for each target in turn; with one target the output
 * is what it always was. With several, stdout shows each target's output under a `# target ID` line,
 * and `--output-dir` gets one folder per target and manifest.json.
 */
export function runConvert(paths: readonly string[], options: ConvertCommandOptions, io: CliIo): number {
  const runs = planTargets(asList(options.target), asList(options.format), options.targetOption, options.formatOption ?? []);
  const multi = runs.length > 1;
  const outputDir = options.outputDir;
  if (outputDir !== undefined && io.exists(outputDir) && !io.isDirectory(outputDir)) {
    throw new UsageError(`--output-dir ${outputDir} exists and is not a folder; name a folder (it is created when missing)`);
  }
  if (options.manifest === true && outputDir === undefined) throw new UsageError('--manifest needs --output-dir (the manifest is written at the top of that folder)');
  const extra = resolvePipelines(options, io);
  if (extra === null) return 2;
  const progress = new Progress(io, options.timings === true);
  const files = collectFiles(paths, io);
  // Each file's output name below the output folder (without extension), computed once per file.
  const roots = new Map<string, string>(files.map((f) => [f.path, stem(f.path, f.root)]));
  const inputHashes = new Map<string, string>();
  const writeManifest = outputDir !== undefined && (multi || options.manifest === true);
  progress.phase('parsing', files.length);
  const parsed = files.map(({ path, unreadable }) => {
    const p = unreadable ?? parseFile(path, io, writeManifest ? inputHashes : undefined);
    progress.step();
    return p;
  });
  const documents = parsed.reduce((n, p) => n + Math.max(1, p.documents.length), 0);
  const indexes = new Map<string, LineIndex>(parsed.map((p) => [p.file, p.index]));
  const manifest = writeManifest ? new ManifestBuilder(packageVersion(), inputHashes, new Map(files.map((f, i) => [f.path, i]))) : undefined;
  const staged = outputDir !== undefined ? stageFiles(io, outputDir) : undefined;
  /** Diagnostics already printed (several targets share a rule's parse problems): each is shown once. */
  const printed = multi ? new Set<string>() : undefined;
  const summaries: string[] = [];
  let failedTotal = 0;
  let written = 0;
  let writeError: string | null = null;
  try {
    for (const run of runs) {
      const id = run.converter.id;
      progress.phase(`converting ${id}`, documents);
      const pipelines = [...(options.withoutPipeline ? [] : defaultPipelinesFor(id)), ...extra.map((e) => e.pipeline)];
      const converted = convertFiles(parsed, run.converter, {
        format: run.format,
        skipUnsupported: options.skipUnsupported,
        targetOptions: run.targetOptions,
        pipelines,
        formatOptions: run.formatOptions.given,
        onDocumentStart: (file, index) => progress.documentStart(index > 0 ? `${file} [document ${index}]` : file),
      });
      progress.stopTimer();
      const pack = run.pack;
      // Each rule's own file (the plain query, or a file-per-rule format): names made unique, renames warned
      // when they become file names (a one-file pack names its rules itself).
      const filePerRule = pack === undefined || pack.layout.kind === 'file-per-rule';
      const named = nameOutputs(converted, roots, outputDir !== undefined && filePerRule);
      const records = named.records;
      const failed = records.filter((r) => !r.ok).length;
      failedTotal += failed;
      // A declared output format: the rules' pieces put together into the file(s) the SIEM imports.
      const packed =
        pack === undefined
          ? undefined
          : renderPack(
              pack,
              records.flatMap((r, i) => (r.output === null || r.output === '' ? [] : [{ name: named.names[i] ?? baseName(r, roots), piece: r.output }])),
              run.formatOptions.values,
            );
      if (multi && !options.json && outputDir === undefined) {
        progress.clear();
        io.stdout(`${runs[0] === run ? '' : '\n'}# target ${id}\n`);
      }
      progress.clear();
      if (options.json) {
        for (const r of records) io.stdout(JSON.stringify(jsonRecord(r)) + '\n');
      } else {
        printHuman(records, indexes, outputDir === undefined && packed === undefined, io, printed);
        if (packed !== undefined && outputDir === undefined) io.stdout(packed.text);
      }
      if (staged !== undefined && failedTotal === 0 && writeError === null) {
        const folder = multi ? `${id}/` : '';
        try {
          written += stageTarget(staged, folder, records, named.names, pack, packed, roots, manifest);
        } catch (e) {
          writeError = e instanceof Error ? e.message : String(e);
        }
        manifest?.target(
          {
            id,
            format: run.format,
            folder: folder.replace(/\/$/, ''),
            options: run.targetOptions,
            formatOptions: run.formatOptions.given,
            pipelines: pipelines.map((p) => p.id),
          },
          countStatuses(records),
          packed !== undefined && !filePerRule ? packFileEntry(folder, packed) : null,
        );
      }
      const skipped = records.filter((r) => r.skipped).length;
      summaries.push(`${records.length - failed - skipped} converted, ${failed} failed${skipped ? `, ${skipped} skipped` : ''} (target ${id})\n`);
    }
  } catch (e) {
    // An internal error: the staging folder must not stay behind.
    staged?.abort();
    throw e;
  }
  progress.clear();
  let writeFailed = false;
  if (outputDir !== undefined && staged !== undefined) {
    if (failedTotal > 0) {
      staged.abort();
      io.stderr(`nothing written to ${outputDir}: ${failedTotal} rule(s) failed (a rule pack is written whole or not at all)\n`);
    } else {
      try {
        if (writeError !== null) throw new Error(writeError);
        if (manifest !== undefined) {
          staged.add(MANIFEST_FILE, manifest.text());
          written++;
        }
        staged.commit();
        if (!options.json) io.stderr(`wrote ${written} file(s) to ${outputDir}\n`);
      } catch (e) {
        staged.abort();
        writeFailed = true;
        io.stderr(`error: writing to ${outputDir} failed: ${e instanceof Error ? e.message : String(e)}\n`);
      }
    }
  }
  if (!options.json) for (const line of summaries) io.stderr(line);
  if (!options.json || options.timings === true) progress.printSlowest();
  return failedTotal > 0 || writeFailed ? 1 : 0;
}

/** Stages one target's files (under `folder`) and records them in the manifest; returns how many. */
function stageTarget(
  staged: StagedFiles,
  folder: string,
  records: readonly ConversionRecord[],
  names: readonly string[],
  pack: FormatDeclaration | undefined,
  packed: RenderedPack | undefined,
  roots: ReadonlyMap<string, string>,
  manifest: ManifestBuilder | undefined,
): number {
  let count = 0;
  if (packed !== undefined) {
    for (const [name, content] of packed.files) {
      staged.add(folder + name, content);
      count++;
    }
  }
  records.forEach((r, i) => {
    if (r.output === null || r.output === '') {
      manifest?.record(r, null);
      return;
    }
    const base = names[i] ?? baseName(r, roots);
    if (pack !== undefined) {
      // A format's piece: its own file (file-per-rule; names are already unique, so renderPack keeps
      // them) or its part of the one pack file. The hash is the piece's.
      const file = pack.layout.kind === 'file-per-rule' ? `${base}.${pack.layout.extension}` : pack.layout.file;
      manifest?.record(r, { path: portable(folder + file), sha256: sha256(r.output) });
      return;
    }
    const name = `${folder}${base}.${extensionFor(r.target)}`;
    const content = r.output.endsWith('\n') ? r.output : r.output + '\n';
    staged.add(name, content);
    count++;
    manifest?.record(r, { path: portable(name), sha256: sha256(content) });
  });
  return count;
}

function packFileEntry(folder: string, packed: RenderedPack): { path: string; sha256: string } | null {
  const first = [...packed.files.entries()][0];
  return first === undefined ? null : { path: portable(folder + first[0]), sha256: sha256(first[1]) };
}

function countStatuses(records: readonly ConversionRecord[]): Record<ManifestStatus, number> {
  const counts: Record<ManifestStatus, number> = { converted: 0, refused: 0, failed: 0, skipped: 0 };
  for (const r of records) counts[statusOf(r)]++;
  return counts;
}

/** Each --pipeline, built-in or file, resolved once for every target (the targets' defaults come first). */
function resolvePipelines(options: ConvertCommandOptions, io: CliIo): { ref: string; pipeline: ProcessingPipeline }[] | null {
  const out: { ref: string; pipeline: ProcessingPipeline }[] = [];
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
    for (const d of resolved.diagnostics) io.stderr(renderDiagnostic(d, index) + '\n');
    if (resolved.ok) out.push({ ref, pipeline: resolved.value });
    else failed = true;
  }
  return failed ? null : out;
}

/**
 * The output file name of every record (without extension), made unique: two rules whose names
 * coincide (`a/x.yml` and `b/x.yml` given as files) would otherwise write one file, the second replacing
 * the first. With `warn`, each renamed record gets a warning naming both sources.
 */
function nameOutputs(
  records: readonly ConversionRecord[],
  roots: ReadonlyMap<string, string>,
  warn: boolean,
): { records: ConversionRecord[]; names: readonly string[] } {
  const withOutput = records.flatMap((r, i) => (r.output === null || r.output === '' ? [] : [i]));
  const unique = uniqueFileNames(withOutput.map((i) => baseName(records[i] as ConversionRecord, roots)));
  const names: string[] = records.map((r) => baseName(r, roots));
  withOutput.forEach((recordIndex, k) => {
    names[recordIndex] = unique.names[k] ?? names[recordIndex] ?? '';
  });
  const out = [...records];
  if (warn) {
    for (const { index, earlier, name } of unique.renamed) {
      const r = out[withOutput[index] ?? -1];
      const first = records[withOutput[earlier] ?? -1];
      if (r === undefined || first === undefined) continue;
      const base = baseName(r, roots);
      const message = `the output of ${sourceName(first)} and of this rule would both be named \`${base}\`; this rule's output is written as \`${name}\` so neither replaces the other`;
      out[withOutput[index] ?? -1] = { ...r, diagnostics: [...r.diagnostics, warning('duplicate-value', message, pointSpan(r.file))] };
    }
  }
  return { records: out, names };
}

function sourceName(r: ConversionRecord): string {
  return r.documentIndex > 0 ? `${r.file} [document ${r.documentIndex}]` : r.file;
}

/** A rule's output file name without extension: its path below the folder given, document index added. */
function baseName(r: ConversionRecord, stems: ReadonlyMap<string, string>): string {
  const name = stems.get(r.file) ?? stem(r.file, undefined);
  return r.documentIndex > 0 ? `${name}.${r.documentIndex}` : name;
}

/** A file's path below the folder given (its name when given itself), without .yml/.yaml. */
function stem(file: string, root: string | undefined): string {
  const rel = root !== undefined ? relative(root, file) || basename(file) : basename(file);
  return rel.replace(/\.ya?ml$/i, '');
}

/** The YAML files of every path; a folder that cannot be listed becomes one unreadable entry (an io-error). */
function collectFiles(paths: readonly string[], io: CliIo): { path: string; root: string; unreadable?: ParsedFile }[] {
  const out: { path: string; root: string; unreadable?: ParsedFile }[] = [];
  for (const p of paths) {
    if (!io.exists(p)) throw new UsageError(`no such file or folder: ${p}`);
    const listed = readInput(p, (path) => io.listYamlFiles(path), p);
    if (!listed.ok) {
      out.push({ path: p, root: '', unreadable: unreadableFile(p, listed.diagnostic) });
      continue;
    }
    const list = listed.value;
    const root = list.length === 1 && list[0] === p ? '' : p;
    for (const f of list) out.push({ path: f, root: root === '' ? f.slice(0, f.length - basename(f).length) : root });
  }
  return out;
}

/** A rule file: parsed, or (unreadable) one io-error diagnostic, so it fails like any broken rule. */
function parseFile(path: string, io: CliIo, hashes: Map<string, string> | undefined): ParsedFile {
  const read = readInput(path, (p) => io.readFile(p));
  if (!read.ok) return unreadableFile(path, read.diagnostic);
  hashes?.set(path, sha256(read.value));
  return parseSigmaText(read.value, path);
}

function unreadableFile(path: string, diagnostic: Diagnostic): ParsedFile {
  return { file: path, documents: [], diagnostics: [diagnostic], index: new LineIndex(path, '') };
}

function jsonRecord(r: ConversionRecord): object {
  return {
    file: r.file,
    id: r.id,
    title: r.title,
    target: r.target,
    format: r.format,
    ok: r.ok,
    output: r.output,
    diagnostics: r.diagnostics.map((d) => ({
      severity: d.severity,
      code: d.code,
      message: d.message,
      line: d.span.line,
      column: d.span.column,
      file: d.span.file,
    })),
    document: r.documentIndex,
    skipped: r.skipped,
    pipeline: r.applied.map((a) => ({ ...a })),
  };
}

/** Diagnostics to stderr, outputs to stdout; `printed` (several targets): a diagnostic already shown is not repeated. */
function printHuman(records: readonly ConversionRecord[], indexes: ReadonlyMap<string, LineIndex>, printOutputs: boolean, io: CliIo, printed?: Set<string>): void {
  const many = records.filter((r) => r.output).length > 1;
  for (const r of records) {
    for (const d of r.diagnostics) {
      const text = renderDiagnostic(d, indexes.get(d.span.file)) + '\n';
      if (printed !== undefined) {
        if (printed.has(text)) continue;
        printed.add(text);
      }
      io.stderr(text);
    }
    if (!printOutputs || r.output === null || r.output === '') continue;
    if (many) io.stdout(`# ${r.file}${r.documentIndex > 0 ? ` [${r.documentIndex}]` : ''}: ${r.title ?? ''}\n`);
    io.stdout(r.output.endsWith('\n') ? r.output : r.output + '\n');
    if (many) io.stdout('\n');
  }
}

function extensionFor(target: string): string {
  return { splunk: 'spl', 'elastic-kql': 'kql', 'sentinel-kql': 'kusto', sql: 'sql' }[target] ?? 'txt';
}
