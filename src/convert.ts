import { printCondition } from './ast/print-condition.js';
import { printExpr } from './ast/print-expr.js';
import { error, hasErrors, type Diagnostic } from './diagnostics/diagnostic.js';
import { pointSpan } from './diagnostics/span.js';
import type { SigmaDocument, SigmaRule } from './rule/model.js';
import { applyFilters } from './rule/filters.js';
import { applyPipelines } from './pipeline/apply.js';
import type { ParsedFile } from './rule/parse-documents.js';
import type { AppliedTransformation, ProcessingPipeline } from './pipeline/types.js';
import type { FormatInput, FormatItem } from './render/format.js';
import { findFormat } from './render/formats.js';
import { renderPieces, resolveFormatOptions } from './render/render-format.js';

/** What one rule document became: one line of `--json` output. */
export interface ConversionRecord {
  readonly file: string;
  readonly documentIndex: number;
  readonly id: string | null;
  readonly title: string | null;
  readonly target: string;
  readonly format: string;
  readonly ok: boolean;
  /** True when `--skip-unsupported` turned a refusal into a skip. */
  readonly skipped: boolean;
  readonly output: string | null;
  readonly diagnostics: readonly Diagnostic[];
  /** Which pipeline transformations were applied to the rule. */
  readonly applied: readonly AppliedTransformation[];
}

/** How to convert; the target is the converter itself. */
export interface ConvertOptions {
  readonly format?: string;
  readonly skipUnsupported?: boolean;
  /** Target options by name (`list targets` shows each target's); unknown names are refused. */
  readonly targetOptions?: Readonly<Record<string, boolean>>;
  /** The processing pipelines to apply, in any order (they run by priority). */
  readonly pipelines?: readonly ProcessingPipeline[];
  /** Options of the output format by name (`list formats <target>` shows each format's). */
  readonly formatOptions?: Readonly<Record<string, string>>;
  /**
   * Called as each document (or unreadable file) starts converting, in input order: progress reports and
   * per-rule timings (a document's time runs until the next call, or until convertFiles returns).
   */
  readonly onDocumentStart?: (file: string, documentIndex: number) => void;
}

/** What a converter gets besides the rule. */
export interface RuleContext {
  readonly format: string;
  readonly targetOptions: Readonly<Record<string, boolean>>;
  readonly pipelines: readonly ProcessingPipeline[];
}

export interface ConvertedRule {
  readonly output: string | null;
  readonly diagnostics: readonly Diagnostic[];
  /** The pipeline transformations that changed the rule, in the order they ran. */
  readonly applied?: readonly AppliedTransformation[];
  /** The query and its parts, for output formats other than the plain query. */
  readonly formatInput?: FormatInput;
}

/** A target as the conversion driver sees it: rule in, text out. */
export interface RuleConverter {
  readonly id: string;
  readonly defaultFormat: string;
  readonly formats: readonly string[];
  convert(rule: SigmaRule, context: RuleContext): ConvertedRule;
}

/** `--target ast`: the parsed rule, printed; kept for debugging every later stage. */
export const astConverter: RuleConverter = {
  id: 'ast',
  defaultFormat: 'default',
  formats: ['default'],
  convert(original, context) {
    const piped = applyPipelines(original, context.pipelines);
    if (!piped.ok) return { output: null, diagnostics: piped.diagnostics };
    const rule = piped.value.rule;
    const state = Object.entries(piped.value.state).map(([k, v]) => `state ${k}: ${JSON.stringify(v)}`);
    const lines = [
      ...state,
      ...rule.conditions.map((c) => `condition: ${printCondition(c.node)}`),
      ...rule.identifiers.flatMap((i) => [`identifier ${i.name}:`, printExpr(i.expr, '  ')]),
      'detection:',
      printExpr(rule.detection, '  '),
    ];
    return { output: lines.join('\n'), diagnostics: piped.diagnostics, applied: piped.value.applied };
  },
};

/**
 * Refusals `skipUnsupported` may turn into skips: the rule is valid, the target (or the output format)
 * cannot express it. A broken rule (any other error) still fails.
 */
const SKIPPABLE: ReadonlySet<string> = new Set(['unsupported-construct', 'correlation-unsupported']);

/** True when every error among the diagnostics is a refusal that may be skipped. */
function skippable(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.every((d) => d.severity !== 'error' || SKIPPABLE.has(d.code));
}

/** A skipped rule's diagnostics: its refusals stay visible, as warnings. */
function demoteErrors(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.map((d) => (d.severity === 'error' ? { ...d, severity: 'warning' as const } : d));
}

/**
 * Why the options cannot be used with this converter at all (every document then fails with it), or null:
 * a format the target does not have, or format options for a format that has none (the CLI refuses both
 * as usage errors; a library caller gets the same refusal as diagnostics, never a silently plain query).
 */
function optionsProblem(converter: RuleConverter, format: string, options: ConvertOptions): { code: 'unknown-format' | 'invalid-value'; message: string } | null {
  if (!converter.formats.includes(format)) {
    return { code: 'unknown-format', message: `target ${converter.id} has no format ${JSON.stringify(format)}; choose one of: ${converter.formats.join(', ')}` };
  }
  const given = Object.keys(options.formatOptions ?? {});
  if (given.length > 0 && (format === converter.defaultFormat || findFormat(converter.id, format) === undefined)) {
    return { code: 'invalid-value', message: `format ${converter.id}/${format} has no options (given: ${given.join(', ')}); drop them or choose a format that has them` };
  }
  return null;
}

/**
 * Converts every document of every parsed file. A failing rule never stops the others; records come out
 * in input order, so the output is deterministic.
 */
export function convertFiles(files: readonly ParsedFile[], converter: RuleConverter, options: ConvertOptions = {}): ConversionRecord[] {
  const format = options.format ?? converter.defaultFormat;
  const records: ConversionRecord[] = [];
  /** Rules converted for a declared output format: rendered together at the end (names are pack-wide). */
  const formatItems: { readonly record: number; readonly item: FormatItem }[] = [];
  const problem = optionsProblem(converter, format, options);
  const filters = files.flatMap((f) => f.documents.flatMap((d) => (d.document?.kind === 'filter' ? [d.document] : [])));
  for (const parsed of files) {
    if (parsed.documents.length === 0) {
      options.onDocumentStart?.(parsed.file, 0);
      if (parsed.diagnostics.length > 0) records.push(fileRecord(parsed, converter.id, format, parsed.diagnostics));
      continue;
    }
    let fileDiagnostics: readonly Diagnostic[] = parsed.diagnostics;
    for (const doc of parsed.documents) {
      options.onDocumentStart?.(parsed.file, doc.index);
      // File-level problems (YAML syntax, collection actions) are attached to the first document.
      const diagnostics: Diagnostic[] = [...fileDiagnostics, ...doc.diagnostics];
      fileDiagnostics = [];
      const base = {
        file: parsed.file,
        documentIndex: doc.index,
        id: doc.id ?? null,
        title: doc.title ?? null,
        target: converter.id,
        format,
      };
      if (doc.document === null || hasErrors(diagnostics) || problem !== null) {
        if (problem !== null) diagnostics.push(error(problem.code, problem.message, doc.document?.span ?? pointSpan(parsed.file)));
        records.push({ ...base, ok: false, skipped: false, output: null, diagnostics, applied: [] });
        continue;
      }
      const document = doc.document.kind === 'rule' ? applyFilters(doc.document, filters).rule : doc.document;
      const converted = convertDocument(document, converter, {
        format,
        targetOptions: options.targetOptions ?? {},
        pipelines: options.pipelines ?? [],
      });
      const applied = converted.applied ?? [];
      diagnostics.push(...converted.diagnostics);
      const failed = converted.output === null || hasErrors(converted.diagnostics);
      if (failed && options.skipUnsupported && skippable(converted.diagnostics)) {
        records.push({ ...base, ok: true, skipped: true, output: null, diagnostics: demoteErrors(diagnostics), applied });
        continue;
      }
      if (!failed && document.kind === 'rule' && converted.formatInput !== undefined) {
        formatItems.push({ record: records.length, item: { rule: document, input: converted.formatInput } });
      }
      records.push({ ...base, ok: !failed, skipped: false, output: failed ? null : converted.output, diagnostics, applied });
    }
  }
  return format === converter.defaultFormat ? records : renderFormat(records, formatItems, converter.id, format, options);
}

/**
 * Replaces each converted rule's query with its piece of the output format (the record's `output`).
 * A rule the format cannot hold fails (or is skipped with `skipUnsupported`) like any refusal.
 */
function renderFormat(
  records: ConversionRecord[],
  items: readonly { readonly record: number; readonly item: FormatItem }[],
  target: string,
  format: string,
  options: ConvertOptions,
): ConversionRecord[] {
  const declaration = findFormat(target, format);
  if (declaration === undefined) return records;
  const resolved = resolveFormatOptions(declaration, options.formatOptions ?? {});
  const pieces = resolved.ok
    ? renderPieces(declaration, items.map((i) => i.item), resolved.values)
    : items.map(({ item }) => ({ piece: null, diagnostics: [error('invalid-value', resolved.message, item.rule.span)] }));
  const out = [...records];
  items.forEach(({ record }, i) => {
    const r = out[record];
    const rendered = pieces[i];
    if (r === undefined || rendered === undefined) return;
    const diagnostics = [...r.diagnostics, ...rendered.diagnostics];
    if (rendered.piece !== null) {
      out[record] = { ...r, output: rendered.piece, diagnostics };
    } else if (options.skipUnsupported && skippable(rendered.diagnostics)) {
      out[record] = { ...r, skipped: true, output: null, diagnostics: demoteErrors(diagnostics) };
    } else {
      out[record] = { ...r, ok: false, output: null, diagnostics };
    }
  });
  return out;
}

function convertDocument(document: SigmaDocument, converter: RuleConverter, context: RuleContext): ConvertedRule {
  switch (document.kind) {
    case 'rule':
      return converter.convert(document, context);
    case 'correlation':
      return {
        output: null,
        diagnostics: [
          error('correlation-unsupported', `correlation rules are not converted yet; convert the rules it references (${document.rules.join(', ')}) on their own`, document.span),
        ],
      };
    case 'filter':
      // Filters change other rules; they have no query of their own.
      return { output: '', diagnostics: [] };
  }
}

function fileRecord(parsed: ParsedFile, target: string, format: string, diagnostics: readonly Diagnostic[]): ConversionRecord {
  return {
    file: parsed.file,
    documentIndex: 0,
    id: null,
    title: null,
    target,
    format,
    ok: !hasErrors(diagnostics),
    skipped: false,
    output: null,
    diagnostics,
    applied: [],
  };
}
