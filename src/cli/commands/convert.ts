import { basename, relative } from 'node:path';
import { findConverter, CONVERTERS } from '../../converters.js';
import { findTarget } from '../../targets/registry.js';
import { convertFiles, type ConversionRecord } from '../../convert.js';
import { renderDiagnostic } from '../../diagnostics/render.js';
import { LineIndex, pointSpan } from '../../diagnostics/span.js';
import { warning, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { defaultPipelinesFor, findBuiltinPipeline, resolvePipelineRef } from '../../pipeline/builtins.js';
import type { ProcessingPipeline } from '../../pipeline/types.js';
import type { FormatDeclaration, FormatOptionValues } from '../../render/format.js';
import { findFormat } from '../../render/formats.js';
import { renderPack, resolveFormatOptions, uniqueFileNames } from '../../render/render-format.js';
import type { SigmaFilter } from '../../rule/model.js';
import { parseSigmaText, type ParsedFile } from '../../rule/parse-documents.js';
import { readInput, type CliIo } from '../io.js';
import { UsageError } from '../usage-error.js';

export interface ConvertCommandOptions {
  readonly target: string;
  readonly format?: string;
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
}

/** `sigma-transpiler convert`: exit 0 when every rule converted, 1 when any failed. */
export function runConvert(paths: readonly string[], options: ConvertCommandOptions, io: CliIo): number {
  const converter = findConverter(options.target);
  if (converter === undefined) {
    throw new UsageError(`unknown target ${JSON.stringify(options.target)}; choose one of: ${CONVERTERS.map((c) => c.id).join(', ')}`);
  }
  const format = options.format ?? converter.defaultFormat;
  if (!converter.formats.includes(format)) {
    throw new UsageError(`target ${converter.id} has no format ${JSON.stringify(format)}; choose one of: ${converter.formats.join(', ')}`);
  }
  const targetOptions = parseTargetOptions(converter.id, options.targetOption);
  const pack = findFormat(converter.id, format);
  const formatOptions = parseFormatOptions(pack, converter.id, format, options.formatOption ?? []);
  if (options.outputDir !== undefined && io.exists(options.outputDir) && !io.isDirectory(options.outputDir)) {
    throw new UsageError(`--output-dir ${options.outputDir} exists and is not a folder; name a folder (it is created when missing)`);
  }
  const pipelines = resolvePipelines(converter.id, options, io);
  if (pipelines === null) return 2;
  const files = collectFiles(paths, io);
  const parsed = files.map(({ path, unreadable }) => unreadable ?? parseFile(path, io));
  const filters = (options.filter ?? []).flatMap((path) => filterDocuments(path, io));
  const converted = convertFiles(parsed, converter, {
    filters,
    format,
    skipUnsupported: options.skipUnsupported,
    targetOptions,
    pipelines,
    formatOptions: formatOptions.given,
  });
  // Each rule's own file (the plain query, or a file-per-rule format): names made unique, renames warned
  // when they become file names (a one-file pack names its rules itself).
  const filePerRule = pack === undefined || pack.layout.kind === 'file-per-rule';
  const named = nameOutputs(converted, files, options.outputDir !== undefined && filePerRule);
  const records = named.records;
  const indexes = new Map<string, LineIndex>(parsed.map((p) => [p.file, p.index]));
  const failed = records.filter((r) => !r.ok).length;
  // A declared output format: the rules' pieces put together into the file(s) the SIEM imports.
  const packed =
    pack === undefined
      ? undefined
      : renderPack(
          pack,
          records.flatMap((r, i) => (r.output === null || r.output === '' ? [] : [{ name: named.names[i] ?? baseName(r, files), piece: r.output }])),
          formatOptions.values,
        );
  if (options.json) {
    for (const r of records) io.stdout(JSON.stringify(jsonRecord(r)) + '\n');
  } else {
    printHuman(records, indexes, options.outputDir === undefined && packed === undefined, io);
    if (packed !== undefined && options.outputDir === undefined) io.stdout(packed.text);
  }
  let writeFailed = false;
  if (options.outputDir !== undefined) {
    if (failed > 0) {
      io.stderr(`nothing written to ${options.outputDir}: ${failed} rule(s) failed (a rule pack is written whole or not at all)\n`);
    } else {
      const outputs = new Map<string, string>(packed?.files ?? []);
      records.forEach((r, i) => {
        if (packed !== undefined || r.output === null || r.output === '') return;
        const name = `${named.names[i] ?? baseName(r, files)}.${extensionFor(r.target)}`;
        outputs.set(name, r.output.endsWith('\n') ? r.output : r.output + '\n');
      });
      try {
        io.writeFiles(options.outputDir, outputs);
        if (!options.json) io.stderr(`wrote ${outputs.size} file(s) to ${options.outputDir}\n`);
      } catch (e) {
        writeFailed = true;
        io.stderr(`error: writing to ${options.outputDir} failed: ${e instanceof Error ? e.message : String(e)}\n`);
      }
    }
  }
  if (!options.json) {
    const skipped = records.filter((r) => r.skipped).length;
    io.stderr(`${records.length - failed - skipped} converted, ${failed} failed${skipped ? `, ${skipped} skipped` : ''} (target ${converter.id})\n`);
  }
  return failed > 0 || writeFailed ? 1 : 0;
}

/** The target's default pipelines (unless --without-pipeline) and each --pipeline, built-in or file. */
function resolvePipelines(targetId: string, options: ConvertCommandOptions, io: CliIo): ProcessingPipeline[] | null {
  const out: ProcessingPipeline[] = options.withoutPipeline ? [] : [...defaultPipelinesFor(targetId)];
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
    if (resolved.ok) out.push(resolved.value);
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
  files: readonly { path: string; root: string }[],
  warn: boolean,
): { records: ConversionRecord[]; names: readonly string[] } {
  const withOutput = records.flatMap((r, i) => (r.output === null || r.output === '' ? [] : [i]));
  const unique = uniqueFileNames(withOutput.map((i) => baseName(records[i] as ConversionRecord, files)));
  const names: string[] = records.map((r) => baseName(r, files));
  withOutput.forEach((recordIndex, k) => {
    names[recordIndex] = unique.names[k] ?? names[recordIndex] ?? '';
  });
  const out = [...records];
  if (warn) {
    for (const { index, earlier, name } of unique.renamed) {
      const r = out[withOutput[index] ?? -1];
      const first = records[withOutput[earlier] ?? -1];
      if (r === undefined || first === undefined) continue;
      const base = baseName(r, files);
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
function baseName(r: ConversionRecord, files: readonly { path: string; root: string }[]): string {
  const origin = files.find((f) => f.path === r.file);
  const rel = origin ? relative(origin.root, r.file) || basename(r.file) : basename(r.file);
  return rel.replace(/\.ya?ml$/i, '') + (r.documentIndex > 0 ? `.${r.documentIndex}` : '');
}

/** `--format-option name=value` (the value may hold `=` and spaces): checked before any rule converts. */
function parseFormatOptions(
  pack: FormatDeclaration | undefined,
  target: string,
  format: string,
  written: readonly string[],
): { given: Record<string, string>; values: FormatOptionValues } {
  const out: Record<string, string> = {};
  for (const w of written) {
    const eq = w.indexOf('=');
    if (eq <= 0) throw new UsageError(`format option ${JSON.stringify(w)} must be written name=value`);
    out[w.slice(0, eq)] = w.slice(eq + 1);
  }
  if (written.length > 0 && pack === undefined) throw new UsageError(`format ${target}/${format} has no options`);
  if (pack === undefined) return { given: out, values: {} };
  const resolved = resolveFormatOptions(pack, out);
  if (!resolved.ok) throw new UsageError(resolved.message);
  return { given: out, values: resolved.values };
}

function parseTargetOptions(targetId: string, written: readonly string[]): Record<string, boolean | string> {
  const known = findTarget(targetId)?.options ?? [];
  const out: Record<string, boolean | string> = {};
  for (const w of written) {
    const m = /^([A-Za-z0-9_-]+)(?:=(.*))?$/s.exec(w);
    const name = m?.[1];
    if (m === null || name === undefined) throw new UsageError(`target option ${JSON.stringify(w)} must be written name, name=true|false or name=value`);
    const option = known.find((o) => o.name === name);
    if (option === undefined) {
      const list = known.map((o) => o.name).join(', ');
      throw new UsageError(`target ${targetId} has no option ${JSON.stringify(name)}${list ? `; its options: ${list}` : ' (it has none)'}`);
    }
    const value = m[2];
    if (typeof option.default === 'string') {
      if (value === undefined || value === '') throw new UsageError(`target option ${name} needs a value: write ${name}=<value> (default ${option.default})`);
      out[name] = value;
    } else if (value === undefined || value === 'true' || value === 'false') {
      out[name] = value !== 'false';
    } else {
      throw new UsageError(`target option ${name} is a switch: write ${name} or ${name}=true|false, not ${JSON.stringify(w)}`);
    }
  }
  return out;
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
/** The filters of a `--filter` file; anything else in it (a rule, an error) is a usage error. */
function filterDocuments(path: string, io: CliIo): SigmaFilter[] {
  const parsed = parseFile(path, io);
  const problem = [...parsed.diagnostics, ...parsed.documents.flatMap((d) => d.diagnostics)].find((d) => d.severity === 'error');
  if (problem !== undefined) throw new UsageError(`--filter ${path}: ${problem.span.line}:${problem.span.column}: ${problem.message}`);
  if (parsed.documents.length === 0) throw new UsageError(`--filter ${path} holds no filter`);
  return parsed.documents.map((d) => {
    if (d.document?.kind !== 'filter') throw new UsageError(`--filter ${path}: document ${d.index + 1} is not a filter (a filter has a \`filter:\` section)`);
    return d.document;
  });
}

function parseFile(path: string, io: CliIo): ParsedFile {
  const read = readInput(path, (p) => io.readFile(p));
  return read.ok ? parseSigmaText(read.value, path) : unreadableFile(path, read.diagnostic);
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

function printHuman(records: readonly ConversionRecord[], indexes: ReadonlyMap<string, LineIndex>, printOutputs: boolean, io: CliIo): void {
  const many = records.filter((r) => r.output).length > 1;
  for (const r of records) {
    for (const d of r.diagnostics) io.stderr(renderDiagnostic(d, indexes.get(d.span.file)) + '\n');
    if (!printOutputs || r.output === null || r.output === '') continue;
    if (many) io.stdout(`# ${r.file}${r.documentIndex > 0 ? ` [${r.documentIndex}]` : ''}: ${r.title ?? ''}\n`);
    io.stdout(r.output.endsWith('\n') ? r.output : r.output + '\n');
    if (many) io.stdout('\n');
  }
}

function extensionFor(target: string): string {
  return { splunk: 'spl', 'elastic-kql': 'kql', 'sentinel-kql': 'kusto', sql: 'sql' }[target] ?? 'txt';
}
