/**
 * sigma-transpiler's public API: what the CLI calls, and what a browser page or another tool can call.
 * Nothing here touches the file system.
 */
export { parseSigmaText, type ParsedFile, type DocumentResult } from './rule/parse-documents.js';
export type * from './rule/model.js';
export type { Expr } from './ast/expr.js';
export type { SigmaValue, StringPart } from './ast/value.js';
export type { ConditionNode } from './ast/condition.js';
export type { Diagnostic, Severity } from './diagnostics/diagnostic.js';
export type { SourceSpan } from './diagnostics/span.js';
export { DIAGNOSTIC_CODES, type DiagnosticCode } from './diagnostics/codes.js';
export { renderDiagnostic } from './diagnostics/render.js';
export { printCondition } from './ast/print-condition.js';
export { printExpr } from './ast/print-expr.js';
export { convertFiles, outputHeader, type ConversionRecord, type ConvertOptions, type RuleConverter } from './convert.js';
export { CONVERTERS, findConverter } from './converters.js';
export { applyFilters } from './rule/filters.js';
export { FORMATS, findFormat } from './render/formats.js';
export { renderPieces, renderPack, resolveFormatOptions, type PackEntry, type RenderedPack, type RenderedPiece } from './render/render-format.js';
export type { FormatDeclaration, FormatInput, FormatItem, FormatOption, FormatOptionValues, FormattedDocument } from './render/format.js';
export { applyPipelines } from './pipeline/apply.js';
export { builtinPipelines, defaultPipelinesFor, findBuiltinPipeline, resolvePipelineRef } from './pipeline/builtins.js';
export { parsePipelineText } from './pipeline/load-pipeline.js';
export type { ProcessingPipeline, AppliedTransformation, PipelineState } from './pipeline/types.js';
export { explainRule } from './explain/explain.js';
export { buildCorpusIndex, type CorpusIndex } from './explain/corpus-index.js';
export { renderExplanation, renderExplanations } from './explain/render.js';
export { TARGETS, TARGET_IDS, type TargetId } from './targets/registry.js';
export { supportMatrix, supportOverview } from './lower/supports.js';
export { checkPack, checkParsed, type CheckInput, type CheckReport } from './check/check.js';
export { parseCheckConfig, type CheckConfig, type CheckSetting } from './check/config.js';
export { CHECKS, type CheckInfo } from './check/registry.js';
export { toSarif, type SarifTool } from './check/sarif.js';
export type * from './correlation/plan.js';
export { CorrelationIndex, type ResolvedCorrelation, type ResolvedInput } from './correlation/resolve.js';
export { correlationSupport, correlationOverview } from './correlation/supports.js';
export { correlationIndex, explainCorrelation, renderAll, type CorrelationExplanation, type Explained } from './explain/correlation.js';
export { mapFieldName, type MappedField } from './pipeline/map-field.js';
