import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { LineIndex } from '../diagnostics/span.js';
import { parseSigmaText, type ParsedFile } from '../rule/parse-documents.js';
import { DEFAULT_CONFIG, type CheckConfig } from './config.js';
import { lintDocument } from './document.js';
import { lintPack } from './pack.js';
import { lintDetectionValues } from './values.js';

/** One input file of a pack: its path as the user named it, and its content. */
export interface CheckInput {
  readonly file: string;
  readonly text: string | Uint8Array;
}

export interface CheckReport {
  /** Every finding, with the severity the config gave it, sorted by file, line, column, code, message. */
  readonly findings: readonly Diagnostic[];
  /** The line index of each file, for caret rendering. */
  readonly sources: ReadonlyMap<string, LineIndex>;
  readonly files: number;
  readonly documents: number;
}

/**
 * Lints a pack (SPEC-DIGEST §11): the rule parser's diagnostics (schema, YAML, detection, condition),
 * per-document lints (values, tags, dates, `of them`) and pack lints (duplicates, dangling correlation
 * references). The config turns checks off or changes their severity. Deterministic: the same input
 * gives the same findings in the same order.
 */
export function checkPack(inputs: readonly CheckInput[], config: CheckConfig = DEFAULT_CONFIG): CheckReport {
  const parsed: ParsedFile[] = inputs.map((i) => parseSigmaText(i.text, i.file));
  return checkParsed(parsed, config);
}

/** `checkPack` for files already parsed (a file that could not be read carries its io-error diagnostic). */
export function checkParsed(parsed: readonly ParsedFile[], config: CheckConfig = DEFAULT_CONFIG): CheckReport {
  const raw: Diagnostic[] = [];
  let documents = 0;
  for (const file of parsed) {
    raw.push(...file.diagnostics);
    for (const doc of file.documents) {
      documents++;
      raw.push(...doc.diagnostics);
      if (doc.node === undefined) continue;
      raw.push(...lintDetectionValues(doc.node), ...lintDocument(doc.node, doc.document));
    }
  }
  raw.push(...lintPack(parsed));
  const ruleIdAt = ruleIdLookup(parsed);
  const findings: Diagnostic[] = [];
  for (const d of raw) {
    const setting = config.settings.get(d.code);
    if (setting === 'off') continue;
    const excluded = config.exclude.get(d.code);
    if (excluded !== undefined && excluded.size > 0) {
      const id = ruleIdAt(d);
      if (id !== undefined && excluded.has(id)) continue;
    }
    findings.push(setting === undefined || setting === d.severity ? d : { ...d, severity: setting });
  }
  findings.sort(compareFindings);
  return { findings: dedupe(findings), sources: new Map(parsed.map((p) => [p.file, p.index])), files: parsed.length, documents };
}

/** The id of the document a finding lies in (by its position in the file), for `exclude:`. */
function ruleIdLookup(parsed: readonly ParsedFile[]): (d: Diagnostic) => string | undefined {
  const byFile = new Map<string, { start: number; end: number; id: string }[]>();
  for (const file of parsed) {
    const ranges = file.documents.flatMap((doc) =>
      doc.node !== undefined && doc.id !== undefined ? [{ start: doc.node.span.offset, end: doc.node.span.endOffset, id: doc.id }] : [],
    );
    byFile.set(file.file, ranges);
  }
  return (d) => byFile.get(d.span.file)?.find((r) => d.span.offset >= r.start && d.span.offset < r.end)?.id;
}

export function compareFindings(a: Diagnostic, b: Diagnostic): number {
  return (
    cmp(a.span.file, b.span.file) ||
    a.span.line - b.span.line ||
    a.span.column - b.span.column ||
    cmp(a.code, b.code) ||
    cmp(a.message, b.message) ||
    cmp(a.severity, b.severity)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A collection action can hand one node to several documents: report each finding once. */
function dedupe(sorted: readonly Diagnostic[]): Diagnostic[] {
  return sorted.filter((d, i) => {
    const p = sorted[i - 1];
    return p === undefined || compareFindings(p, d) !== 0;
  });
}

/** Counts per severity, for the summary line and the exit status. */
export function countFindings(findings: readonly Diagnostic[]): { error: number; warning: number; info: number } {
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}
