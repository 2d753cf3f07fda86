import { printCondition } from './ast/print-condition.js';
import { printExpr } from './ast/print-expr.js';
import { convertCorrelation, correlationParts, type CorrelationRun } from './correlation/convert-correlation.js';
import { CorrelationIndex } from './correlation/resolve.js';
import { error, errorsAreSkippable, hasErrors, info, type Diagnostic, type Result } from './diagnostics/diagnostic.js';
import { pointSpan } from './diagnostics/span.js';
import type { CorrelationPlan, CorrelationRenderer } from './correlation/plan.js';
import { planLookbackSeconds, planSources } from './correlation/render-helpers.js';
import { unsupported, type Unsupported } from './lower/target.js';
import type { SigmaCorrelation, SigmaDocument, SigmaFilter, SigmaRule } from './rule/model.js';
import { applyFilters } from './rule/filters.js';
import { applyPipelines } from './pipeline/apply.js';
import type { DocumentResult, ParsedFile } from './rule/parse-documents.js';
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
  readonly targetOptions?: Readonly<Record<string, boolean | string>>;
  /** The processing pipelines to apply, in any order (they run by priority). */
  readonly pipelines?: readonly ProcessingPipeline[];
  /** Options of the output format by name (`list formats <target>` shows each format's). */
  readonly formatOptions?: Readonly<Record<string, string>>;
  /** Sigma filters to apply besides those among the files (`--filter FILE`). */
  readonly filters?: readonly SigmaFilter[];
  /**
   * Called as each document (or unreadable file) starts converting, in input order: progress reports and
   * per-rule timings (a document's time runs until the next call, or until convertFiles returns).
   */
  readonly onDocumentStart?: (file: string, documentIndex: number) => void;
}

/** What a converter gets besides the rule. */
export interface RuleContext {
  readonly format: string;
  readonly targetOptions: Readonly<Record<string, boolean | string>>;
  readonly pipelines: readonly ProcessingPipeline[];
}

export interface ConvertedRule {
  readonly output: string | null;
  readonly diagnostics: readonly Diagnostic[];
  /** The pipeline transformations that changed the rule, in the order they ran. */
  readonly applied?: readonly AppliedTransformation[];
  /** The query and its parts, for output formats other than the plain query. */
  readonly formatInput?: FormatInput;
  /** The rule after its pipelines (what a correlation's plan records for its inputs). */
  readonly piped?: SigmaRule;
}

/** A target as the conversion driver sees it: rule in, text out. */
export interface RuleConverter {
  readonly id: string;
  readonly defaultFormat: string;
  readonly formats: readonly string[];
  convert(rule: SigmaRule, context: RuleContext): ConvertedRule;
  /** Correlation rules: the target's renderer, or a declared refusal. */
  readonly correlation: CorrelationRenderer | Unsupported;
}

/** `--target ast`: the parsed rule, printed; kept for debugging every later stage. */
export const astConverter: RuleConverter = {
  id: 'ast',
  defaultFormat: 'default',
  formats: ['default'],
  correlation: unsupported('a correlation rule', 'the ast target prints one parsed rule; convert the correlation for a query target'),
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
  const conversion = startConversion(files, converter, options);
  for (const parsed of files) {
    if (parsed.documents.length === 0) conversion.emptyFile(parsed);
    else parsed.documents.forEach((doc, i) => conversion.document(parsed, doc, i === 0));
  }
  return conversion.records();
}

/**
 * convertFiles one document at a time: the generator pauses before each document (and each file without
 * one) and returns the records when done. For a caller that must be able to stop between two rules (the
 * CLI, at Ctrl-C, resumes it from its event loop); the records are convertFiles' own.
 */
export function* convertFilesStepwise(files: readonly ParsedFile[], converter: RuleConverter, options: ConvertOptions = {}): Generator<void, ConversionRecord[], void> {
  const conversion = startConversion(files, converter, options);
  for (const parsed of files) {
    if (parsed.documents.length === 0) {
      yield;
      conversion.emptyFile(parsed);
    }
    for (const [i, doc] of parsed.documents.entries()) {
      yield;
      conversion.document(parsed, doc, i === 0);
    }
  }
  return conversion.records();
}

/** One convertFiles: each file or document converted in input order, then the records. */
interface Conversion {
  /** A file without documents (a YAML error, an unreadable file): a record of its diagnostics, if any. */
  emptyFile(parsed: ParsedFile): void;
  /** One document of a file; the first carries the file's own problems (YAML syntax, collection actions). */
  document(parsed: ParsedFile, doc: DocumentResult, first: boolean): void;
  /** The records, in input order (a declared output format's pieces rendered together). */
  records(): ConversionRecord[];
}

function startConversion(files: readonly ParsedFile[], converter: RuleConverter, options: ConvertOptions): Conversion {
  const format = options.format ?? converter.defaultFormat;
  const records: ConversionRecord[] = [];
  /** Rules converted for a declared output format: rendered together at the end (names are pack-wide). */
  const formatItems: { readonly record: number; readonly item: FormatItem }[] = [];
  const problem = optionsProblem(converter, format, options);
  const filters: SigmaFilter[] = [...(options.filters ?? [])];
  for (const f of files) for (const d of f.documents) if (d.document?.kind === 'filter') filters.push(d.document);
  const context: RuleContext = { format, targetOptions: options.targetOptions ?? {}, pipelines: options.pipelines ?? [] };
  const correlations = correlationRun(files, converter, context, filters);
  return {
    emptyFile(parsed) {
      options.onDocumentStart?.(parsed.file, 0);
      if (parsed.diagnostics.length > 0) records.push(fileRecord(parsed, converter.id, format, parsed.diagnostics));
    },
    document(parsed, doc, first) {
      options.onDocumentStart?.(parsed.file, doc.index);
      const diagnostics: Diagnostic[] = [...(first ? parsed.diagnostics : []), ...doc.diagnostics];
      // Each record built whole (a shared part spread into every record costs more than the conversion's own objects).
      const record = (ok: boolean, skipped: boolean, output: string | null, shown: readonly Diagnostic[], applied: readonly AppliedTransformation[]): ConversionRecord => ({
        file: parsed.file,
        documentIndex: doc.index,
        id: doc.id ?? null,
        title: doc.title ?? null,
        target: converter.id,
        format,
        ok,
        skipped,
        output,
        diagnostics: shown,
        applied,
      });
      if (doc.document === null || hasErrors(diagnostics) || problem !== null) {
        if (problem !== null) diagnostics.push(error(problem.code, problem.message, doc.document?.span ?? pointSpan(parsed.file)));
        records.push(record(false, false, null, diagnostics, []));
        return;
      }
      const partOf = correlations?.parts.get(doc.document);
      if (partOf !== undefined) {
        // generate: false (README, Correlation rules, "generate"): converted inside the correlation, not on its own.
        const name = partOf.name ?? partOf.title;
        const message =
          correlations?.convert(partOf).output === null
            ? `not emitted on its own: it is part of the correlation ${JSON.stringify(name)} (generate: false), which did not convert; see that correlation's diagnostics`
            : `converted only as part of the correlation ${JSON.stringify(name)} (generate: false); set \`generate: true\` there to get this rule's own query too`;
        diagnostics.push(info('correlation-part', message, doc.document.span));
        records.push(record(true, true, null, diagnostics, []));
        return;
      }
      const document = doc.document.kind === 'rule' ? applyFilters(doc.document, filters).rule : doc.document;
      const converted =
        document.kind === 'correlation' && correlations !== null
          ? correlationInFormat(correlations.convert(document), format, converter, document, context.targetOptions, correlations.plans.get(document))
          : convertDocument(document, converter, context);
      const applied = converted.applied ?? [];
      diagnostics.push(...converted.diagnostics);
      const failed = converted.output === null || hasErrors(converted.diagnostics);
      if (failed && options.skipUnsupported && errorsAreSkippable(converted.diagnostics)) {
        records.push(record(true, true, null, demoteErrors(diagnostics), applied));
        return;
      }
      if (!failed && document.kind !== 'filter' && converted.formatInput !== undefined) {
        formatItems.push({ record: records.length, item: { rule: document, input: converted.formatInput } });
      }
      records.push(record(!failed, false, failed ? null : converted.output, diagnostics, applied));
    },
    records: () => (format === converter.defaultFormat ? records : renderFormat(records, formatItems, converter.id, format, options)),
  };
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
    } else if (options.skipUnsupported && errorsAreSkippable(rendered.diagnostics)) {
      out[record] = { ...r, skipped: true, output: null, diagnostics: demoteErrors(diagnostics) };
    } else {
      out[record] = { ...r, ok: false, output: null, diagnostics };
    }
  });
  return out;
}

/** The run's correlation machinery, or null when no file holds a correlation (nothing to build). */
function correlationRun(
  files: readonly ParsedFile[],
  converter: RuleConverter,
  context: RuleContext,
  filters: readonly SigmaFilter[],
): {
  convert: (c: SigmaCorrelation) => ConvertedRule;
  parts: Map<SigmaDocument, SigmaCorrelation>;
  /** The plans built so far (a converted correlation's is there: scheduled formats read its look-back). */
  plans: ReadonlyMap<SigmaCorrelation, Result<CorrelationPlan>>;
} | null {
  if (!files.some((f) => f.documents.some((d) => d.document?.kind === 'correlation'))) return null;
  const documents = files.flatMap((f) => f.documents.flatMap((d) => (d.document === null ? [] : [d.document])));
  const index = new CorrelationIndex(files);
  const converted = new Map<SigmaRule, ConvertedRule>();
  const convertRule = (rule: SigmaRule): ConvertedRule => {
    const known = converted.get(rule);
    if (known !== undefined) return known;
    const result = converter.convert(applyFilters(rule, filters).rule, context);
    converted.set(rule, result);
    return result;
  };
  const run: CorrelationRun = { index, converter, context, convertRule, plans: new Map() };
  const results = new Map<SigmaCorrelation, ConvertedRule>();
  const convert = (c: SigmaCorrelation): ConvertedRule => {
    const known = results.get(c);
    if (known !== undefined) return known;
    const result = convertCorrelation(c, run);
    results.set(c, result);
    return result;
  };
  // Only a correlation that converts holds its rules: the rules of a failed one stand alone.
  return { convert, parts: correlationParts(documents, index, (c) => convert(c).output !== null), plans: run.plans };
}

/**
 * A correlation's query for an output format: formats that declare `correlations` wrap it with the
 * correlation's own metadata; any other format refuses it (never a plain query where a format was asked).
 */
function correlationInFormat(
  converted: ConvertedRule,
  format: string,
  converter: RuleConverter,
  c: SigmaCorrelation,
  targetOptions: RuleContext['targetOptions'],
  plan: Result<CorrelationPlan> | undefined,
): ConvertedRule {
  if (format === converter.defaultFormat || converted.output === null) return converted;
  if (findFormat(converter.id, format)?.correlations === true) {
    // Scheduled formats read this much further back than their own interval (a chain adds its timespans).
    const lookbackSeconds = plan?.ok === true ? planLookbackSeconds(plan.value) : c.timespanSeconds;
    const sources = plan?.ok === true ? planSources(plan.value) : [];
    return { ...converted, formatInput: { query: converted.output, expression: '', postFilter: null, source: null, state: {}, targetOptions, lookbackSeconds, sources } };
  }
  return {
    output: null,
    diagnostics: [
      ...converted.diagnostics,
      error('unsupported-construct', `format ${converter.id}/${format} cannot hold a correlation rule yet; convert it with the default format (the plain query)`, c.span),
    ],
  };
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

/** The line `convert` prints above each rule's query when several are printed (the CLI and the web page). */
export function outputHeader(r: Pick<ConversionRecord, 'file' | 'documentIndex' | 'title'>): string {
  return `# ${r.file}${r.documentIndex > 0 ? ` [${r.documentIndex}]` : ''}: ${r.title ?? ''}\n`;
}
