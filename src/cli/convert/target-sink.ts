import { findTarget } from '../../targets/registry.js';
import { basename, relative } from 'node:path';
import { outputHeader, type ConversionRecord, type RuleConverter } from '../../convert.js';
import { assertNever } from '../../diagnostics/assert-never.js';
import { warning } from '../../diagnostics/diagnostic.js';
import { renderDiagnostic } from '../../diagnostics/render.js';
import { pointSpan, type LineIndex } from '../../diagnostics/span.js';
import { FileNamer, renderPack } from '../../render/render-format.js';
import type { CliIo, StagedFiles } from '../io.js';
import type { Spool } from '../spool.js';
import { portable, sha256, statusOf, type ManifestBuilder, type ManifestStatus } from './manifest.js';
import { documentLabel } from './progress.js';
import type { TargetRun } from './selection.js';

/** What every target of one run shares: where files are staged, the manifest, and whether writing still makes sense. */
export interface RunOutput {
  /** Absent without --output-dir. */
  readonly staged: StagedFiles | undefined;
  readonly manifest: ManifestBuilder | undefined;
  /** Rules that failed so far, over every target (one failure: nothing is written). */
  failed: number;
  /** Files staged so far. */
  written: number;
  /** The first staging failure (the pack is then not written). */
  writeError: string | null;
}

/** Each input file's line index, for rendering diagnostics with their source lines (a Map is one). */
export interface LineIndexes {
  get(file: string): LineIndex | undefined;
}

/** Whether files should still be staged: once a rule failed or a write failed, the pack will not be written. */
function staging(out: RunOutput): StagedFiles | undefined {
  return out.failed === 0 && out.writeError === null ? out.staged : undefined;
}

/** What is printed, in order, once the run ends (stdout and stderr as a single-target run prints them). */
export type Chunk =
  | { readonly kind: 'diagnostic'; readonly text: string }
  | { readonly kind: 'output'; readonly header: string; readonly text: string }
  | { readonly kind: 'stdout'; readonly text: string };

export interface SinkSettings {
  readonly run: TargetRun;
  /** The target's folder below --output-dir, with a trailing `/` ('' with one target). */
  readonly folder: string;
  readonly outputDir: string | undefined;
  readonly json: boolean;
  /** Only errors are printed (--quiet); the manifest and --json keep every diagnostic. */
  readonly quiet: boolean;
  /** Each input file's output name (without extension), see `stem`. */
  readonly stems: ReadonlyMap<string, string>;
  readonly pipelineIds: readonly string[];
  /** Where diagnostics go: printed at once while streaming, else kept with the target's output. */
  readonly log: DiagnosticLog;
  /** Where what is printed at the end is kept meanwhile (a temporary file for the CLI: see CliIo.spool). */
  readonly spool: Spool<Chunk>;
}

/** Records whose printed diagnostics wait in memory before they go to the spool as one piece. */
const PRINTED_BATCH = 256;

/**
 * Diagnostics while streaming are printed as each file is converted (keeping them all would grow with the
 * pack: a target that refuses many rules warns about each). When a run starts over in batch, a record's
 * diagnostics that were already printed, word for word, are not printed again. What was printed is
 * remembered as (record, sha256) pairs in a spool (a temporary file for the CLI), not in memory: memory
 * stays flat while streaming, and the pairs are read back only when the run starts over (a batch run
 * holds the whole pack anyway).
 */
export class DiagnosticLog {
  /** Pairs not yet in the spool. */
  private pending: (readonly [string, string])[] = [];
  /** Batch: record (file, document, target) -> sha256 of the diagnostics printed for it while streaming. */
  private printed: Map<string, string> | undefined;
  private file = '';
  /** Several targets: what was printed for the current file (a rule's parse problems are shown once). */
  private readonly seen = new Set<string>();

  constructor(
    private readonly io: CliIo,
    private readonly multi: boolean,
    /** Called before printing (the progress bar makes room). */
    private readonly beforePrint: () => void,
    /** Where the pairs go while streaming (see CliIo.spool). */
    private readonly spool: Spool<readonly (readonly [string, string])[]>,
  ) {}

  /** From now on diagnostics are returned to be printed with their target's output. */
  startBatch(): void {
    if (this.printed !== undefined) return;
    this.flushPending();
    const printed = new Map<string, string>();
    this.spool.drain((pairs) => {
      for (const [key, hash] of pairs) printed.set(key, hash);
    });
    this.printed = printed;
  }

  /** A record's rendered diagnostics: printed now (streaming), or the ones still to print. */
  take(r: ConversionRecord, texts: readonly string[]): readonly string[] {
    if (texts.length === 0) return texts;
    const key = `${r.file}\u0000${r.documentIndex}\u0000${r.target}`;
    if (this.printed !== undefined) return this.printed.get(key) === sha256(texts.join('')) ? [] : texts;
    this.pending.push([key, sha256(texts.join(''))]);
    if (this.pending.length >= PRINTED_BATCH) this.flushPending();
    if (r.file !== this.file) {
      this.file = r.file;
      this.seen.clear();
    }
    this.beforePrint();
    for (const text of texts) {
      if (this.multi) {
        if (this.seen.has(text)) continue;
        this.seen.add(text);
      }
      this.io.stderr(text);
    }
    return [];
  }

  /** Frees what is remembered (the run is over). */
  dispose(): void {
    this.pending = [];
    this.printed = undefined;
    this.spool.dispose();
  }

  private flushPending(): void {
    if (this.pending.length === 0) return;
    this.spool.push(this.pending);
    this.pending = [];
  }
}

/**
 * One target's share of a run: takes its records as they are converted (all at once, or file by file),
 * names and stages their files, records them in the manifest, and keeps what is to be printed (text only,
 * never the parsed rules). A declared output format keeps its records until `finish` renders the pack.
 */
export class TargetSink {
  private readonly namer = new FileNamer();
  /** The source of each named output, for the warning when a later one has to be renamed. */
  private readonly sources: string[] = [];
  private readonly chunks: Spool<Chunk>;
  /** Only for a declared output format: its records and their names, rendered together in `finish`. */
  private readonly held: { record: ConversionRecord; name: string }[] = [];
  private readonly statuses: Record<ManifestStatus, number> = { converted: 0, refused: 0, failed: 0, skipped: 0 };
  private total = 0;
  private failed = 0;
  private skipped = 0;
  private outputs = 0;

  constructor(private readonly settings: SinkSettings) {
    this.chunks = settings.spool;
  }

  get id(): string {
    return this.settings.run.converter.id;
  }

  get converter(): RuleConverter {
    return this.settings.run.converter;
  }

  /** Records of this target in input order; `indexes` renders their diagnostics with source lines. */
  add(records: readonly ConversionRecord[], indexes: LineIndexes, out: RunOutput): void {
    const { run, outputDir, json, folder } = this.settings;
    const pack = run.pack;
    // Each rule's own file (the plain query, or a file-per-rule format): renames are warned when they
    // become file names (a one-file pack names its rules itself).
    const warnRenames = outputDir !== undefined && (pack === undefined || pack.layout.kind === 'file-per-rule');
    for (const original of records) {
      let r = original;
      const hasOutput = r.output !== null && r.output !== '';
      let name = baseName(r, this.settings.stems);
      if (hasOutput) {
        const taken = this.namer.take(name);
        const first = taken.earlier === undefined ? undefined : this.sources[taken.earlier];
        if (warnRenames && first !== undefined) {
          const message = `the output of ${first} and of this rule would both be named \`${name}\`; this rule's output is written as \`${taken.name}\` so neither replaces the other`;
          r = { ...r, diagnostics: [...r.diagnostics, warning('duplicate-value', message, pointSpan(r.file))] };
        }
        this.sources.push(documentLabel(r.file, r.documentIndex));
        name = taken.name;
      }
      this.total++;
      if (!r.ok) this.failed++;
      if (r.skipped) this.skipped++;
      out.failed += r.ok ? 0 : 1;
      this.statuses[statusOf(r)]++;
      if (json) {
        this.chunks.push({ kind: 'stdout', text: JSON.stringify(jsonRecord(r)) + '\n' });
      } else {
        const shown = this.settings.quiet ? r.diagnostics.filter((d) => d.severity === 'error') : r.diagnostics;
        const texts = shown.map((d) => renderDiagnostic(d, indexes.get(d.span.file)) + '\n');
        for (const text of this.settings.log.take(r, texts)) this.chunks.push({ kind: 'diagnostic', text });
      }
      if (pack !== undefined) {
        this.held.push({ record: r, name });
        continue;
      }
      if (hasOutput && !json && outputDir === undefined) {
        this.outputs++;
        this.chunks.push({ kind: 'output', header: outputHeader(r), text: withNewline(r.output ?? '') });
      }
      this.stage(out, () => {
        if (!hasOutput) {
          out.manifest?.record(r, null);
          return;
        }
        const file = `${folder}${name}.${extensionFor(r.target)}`;
        const content = withNewline(r.output ?? '');
        out.staged?.add(file, content);
        out.written++;
        out.manifest?.record(r, { path: portable(file), sha256: sha256(content) });
      });
    }
  }

  /**
   * Every record is in: a declared format renders its pack (printed, or staged with its manifest entries),
   * and the target's line goes into the manifest.
   */
  finish(out: RunOutput): void {
    const { run, outputDir, folder } = this.settings;
    const pack = run.pack;
    let packFile: { path: string; sha256: string } | null = null;
    if (pack !== undefined) {
      const entries = this.held.flatMap(({ record, name }) => (record.output === null || record.output === '' ? [] : [{ name, piece: record.output }]));
      // The rules' pieces put together into the file(s) the SIEM imports.
      const packed = renderPack(pack, entries, run.formatOptions.values);
      if (outputDir === undefined && !this.settings.json) this.chunks.push({ kind: 'stdout', text: packed.text });
      this.stage(out, () => {
        for (const [name, content] of packed.files) {
          out.staged?.add(folder + name, content);
          out.written++;
        }
        for (const { record, name } of this.held) {
          if (record.output === null || record.output === '') {
            out.manifest?.record(record, null);
            continue;
          }
          // A format's piece: its own file (file-per-rule; names are already unique, so renderPack keeps
          // them) or its part of the one pack file. The hash is the piece's.
          const file = pack.layout.kind === 'file-per-rule' ? `${name}.${pack.layout.extension}` : pack.layout.file;
          out.manifest?.record(record, { path: portable(folder + file), sha256: sha256(record.output) });
        }
      });
      const first = [...packed.files.entries()][0];
      if (pack.layout.kind !== 'file-per-rule' && first !== undefined) packFile = { path: portable(folder + first[0]), sha256: sha256(first[1]) };
      this.held.length = 0;
    }
    this.stage(out, () =>
      out.manifest?.target(
        {
          id: this.id,
          format: run.format,
          folder: folder.replace(/\/$/, ''),
          options: run.targetOptions,
          formatOptions: run.formatOptions.given,
          pipelines: this.settings.pipelineIds,
        },
        { ...this.statuses },
        packFile,
      ),
    );
  }

  /**
   * Prints what the target keeps: diagnostics to stderr (`printed`: several targets share a rule's parse
   * problems, each is shown once), outputs to stdout (with a `# file: title` line when there are several),
   * under a `# target ID` line when `header` is given.
   */
  print(io: CliIo, header: string | null, printed: Set<string> | undefined): void {
    if (header !== null) io.stdout(header);
    const many = this.outputs > 1;
    this.chunks.drain((c) => {
      switch (c.kind) {
        case 'diagnostic':
          if (printed !== undefined) {
            if (printed.has(c.text)) break;
            printed.add(c.text);
          }
          io.stderr(c.text);
          break;
        case 'output':
          if (many) io.stdout(c.header);
          io.stdout(c.text);
          if (many) io.stdout('\n');
          break;
        case 'stdout':
          io.stdout(c.text);
          break;
        default:
          assertNever(c, 'output chunk');
      }
    });
  }

  /** Frees what is kept for printing (a run that starts over drops its first attempt's sinks). */
  dispose(): void {
    this.chunks.dispose();
  }

  /** `N converted, N failed[, N skipped] (target ID)`. */
  summary(): string {
    return `${this.total - this.failed - this.skipped} converted, ${this.failed} failed${this.skipped ? `, ${this.skipped} skipped` : ''} (target ${this.id})\n`;
  }

  /** Runs a staging step while the pack can still be written; a failing write is kept as the run's write error. */
  private stage(out: RunOutput, step: () => void): void {
    if (staging(out) === undefined) return;
    try {
      step();
    } catch (e) {
      out.writeError = e instanceof Error ? e.message : String(e);
    }
  }
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : text + '\n';
}

/** A rule's output file name without extension: its path below the folder given, document index added. */
function baseName(r: ConversionRecord, stems: ReadonlyMap<string, string>): string {
  const name = stems.get(r.file) ?? stem(r.file, undefined);
  return r.documentIndex > 0 ? `${name}.${r.documentIndex}` : name;
}

/** A file's path below the folder given (its name when given itself), without .yml/.yaml. */
export function stem(file: string, root: string | undefined): string {
  const rel = root !== undefined ? relative(root, file) || basename(file) : basename(file);
  return rel.replace(/\.ya?ml$/i, '');
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

/** The target's own file extension (its declaration); `ast` and other debugging targets write `.txt`. */
function extensionFor(target: string): string {
  return findTarget(target)?.fileExtension ?? 'txt';
}
