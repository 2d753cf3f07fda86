import * as crypto from 'node:crypto';
import type { ConversionRecord } from '../../convert.js';
import { sortKeys } from '../../render/escape.js';

/**
 * manifest.json: what a `convert --output-dir` run made of every input document, per target, for CI to
 * read. Deterministic: the same input gives the same bytes (keys sorted, documents in input order, no
 * times, no absolute paths beyond what the user typed). The format is described in README.md.
 */

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_VERSION = 1;

/**
 * - converted: the target's output holds the rule;
 * - refused: the target cannot express the rule and `--skip-unsupported` left it out;
 * - failed: the rule has an error (a manifest is only written when no rule failed, so this shows in the
 *   manifest only for records that failed in ways a pack may hold, which today is none);
 * - skipped: the document has no query of its own (a filter; a file holding no rule; a rule a
 *   correlation uses with `generate: false`, which is emitted only inside that correlation's query).
 */
export type ManifestStatus = 'converted' | 'refused' | 'failed' | 'skipped';

export function statusOf(r: ConversionRecord): ManifestStatus {
  if (r.skipped) return r.diagnostics.some((d) => d.code === 'correlation-part') ? 'skipped' : 'refused';
  if (!r.ok) return 'failed';
  return r.output === null || r.output === '' ? 'skipped' : 'converted';
}

/**
 * crypto.hash (Node 20.12+) digests in one call, about twice as fast as createHash for the small texts
 * hashed here (each output file); the same digest. createHash on older Node.
 */
const hashOnce = typeof crypto.hash === 'function' ? crypto.hash : undefined;

export function sha256(content: string | Uint8Array): string {
  return hashOnce !== undefined ? hashOnce('sha256', content, 'hex') : crypto.createHash('sha256').update(content).digest('hex');
}

interface TargetEntry {
  status: ManifestStatus;
  output: string | null;
  sha256: string | null;
  diagnostics: { severity: string; code: string; message: string; line: number; column: number }[];
}

interface DocumentEntry {
  file: string;
  document: number;
  id: string | null;
  title: string | null;
  sha256: string | null;
  targets: Record<string, TargetEntry>;
}

export interface ManifestTarget {
  readonly id: string;
  readonly format: string;
  /** The target's folder below the output folder ('' when the run has one target). */
  readonly folder: string;
  readonly options: Readonly<Record<string, boolean | string>>;
  readonly formatOptions: Readonly<Record<string, string>>;
  readonly pipelines: readonly string[];
}

/** Collects the manifest while targets convert; holds one small entry per document and target. */
export class ManifestBuilder {
  private readonly documents = new Map<string, DocumentEntry>();
  private readonly targets: Record<string, object> = {};
  /** Documents already given out by `flush`. */
  private emitted = 0;

  constructor(
    private readonly version: string,
    /** Input file -> sha256 of its bytes (absent: it could not be read). */
    private readonly inputHashes: ReadonlyMap<string, string>,
    /** Input file -> its position in the run, so documents come out in input order. */
    private readonly fileOrder: ReadonlyMap<string, number>,
  ) {}

  /** One record of a target; `output` is the written file (relative, `/`-separated) and its content's hash. */
  record(r: ConversionRecord, output: { path: string; sha256: string } | null): void {
    const key = `${r.file}\u0000${r.documentIndex}`;
    let doc = this.documents.get(key);
    // Every entry's keys are written in sorted order (the manifest's canonical JSON), so `flush` has only
    // the targets to sort, not every document's objects.
    if (doc === undefined) {
      doc = { document: r.documentIndex, file: portable(r.file), id: r.id, sha256: this.inputHashes.get(r.file) ?? null, targets: {}, title: r.title };
      this.documents.set(key, doc);
    }
    doc.targets[r.target] = {
      diagnostics: r.diagnostics.map((d) => ({ code: d.code, column: d.span.column, line: d.span.line, message: d.message, severity: d.severity })),
      output: output?.path ?? null,
      sha256: output?.sha256 ?? null,
      status: statusOf(r),
    };
  }

  /** A target's totals and settings (and its one pack file, for formats that write one). */
  target(t: ManifestTarget, counts: Readonly<Record<ManifestStatus, number>>, packFile: { path: string; sha256: string } | null): void {
    this.targets[t.id] = {
      format: t.format,
      folder: t.folder,
      options: t.options,
      formatOptions: t.formatOptions,
      pipelines: t.pipelines,
      counts,
      packFile,
    };
  }

  /**
   * Streaming: the documents complete so far (every target recorded them), as the next piece of the
   * manifest's text, and forgets them. The pieces and `finish()` together are the manifest's bytes.
   */
  flush(): string {
    const docs = this.sortedDocuments();
    this.documents.clear();
    let text = '';
    for (const doc of docs) {
      const targets: Record<string, TargetEntry> = {};
      for (const id of Object.keys(doc.targets).sort()) targets[id] = doc.targets[id] as TargetEntry;
      doc.targets = targets;
      text += (this.emitted === 0 ? '{\n  "documents": [\n' : ',\n') + documentText(doc);
      this.emitted++;
    }
    return text;
  }

  /** The rest of the manifest's bytes (all of them when nothing was flushed): canonical JSON, sorted keys. */
  finish(): string {
    const rest = { manifestVersion: MANIFEST_VERSION, generator: { name: 'sigma-transpiler', version: this.version }, targets: this.targets };
    if (this.emitted === 0 && this.documents.size === 0) return JSON.stringify(sortKeys({ ...rest, documents: [] }), null, 2) + '\n';
    const docs = this.flush();
    // `documents` sorts before every other key, so the rest follows the array.
    return `${docs}\n  ],\n${JSON.stringify(sortKeys(rest), null, 2).slice(2)}\n`;
  }

  /** The documents held, in input order. */
  private sortedDocuments(): DocumentEntry[] {
    const order = (file: string): number => this.fileOrder.get(file) ?? Number.MAX_SAFE_INTEGER;
    return [...this.documents.entries()]
      .map(([key, d]) => ({ d, file: key.slice(0, key.indexOf('\u0000')) }))
      .sort((a, b) => order(a.file) - order(b.file) || a.d.document - b.d.document)
      .map((x) => x.d);
  }
}

/** Where JSON.stringify puts a value two levels down (`[[value]]`): what `documentText` keeps of it. */
const NESTED_OPEN = '[\n  [\n';
const NESTED_CLOSE = '\n  ]\n]';

/**
 * A document's JSON as the manifest's `documents` array holds it: indented 2 per level, 4 in all.
 * JSON.stringify indents it itself when the document stands two levels down, so the text needs no second
 * pass (the manifest of `-t all` over SigmaHQ is 25 MB). A string's U+2028 or U+2029 stays as it is: JSON
 * allows them raw, and they end no line (an earlier version re-indented after them with a multiline `^`,
 * which changed such a title's value).
 */
function documentText(doc: DocumentEntry): string {
  const nested = JSON.stringify([[doc]], null, 2);
  return nested.slice(NESTED_OPEN.length, nested.length - NESTED_CLOSE.length);
}

/** A path as the manifest writes it: `/` between folders on every OS. */
export function portable(path: string): string {
  return path.replace(/\\/g, '/');
}

