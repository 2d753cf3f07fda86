import { astConverter, type RuleConverter } from './convert.js';
import type { DiagnosticCode } from './diagnostics/codes.js';
import { convertExpr } from './lower/convert-expr.js';
import { hasErrors, type Diagnostic } from './diagnostics/diagnostic.js';
import type { SourceSpan } from './diagnostics/span.js';
import { repeatsAnError, runPipelines } from './pipeline/apply.js';
import type { PipelineRun } from './pipeline/types.js';
import { sourceFrom, sourceScopeDiagnostics } from './lower/source-scope.js';
import { templateFormats } from './render/environment.js';
import type { CorrelationRenderer } from './correlation/plan.js';
import type { TargetDeclaration, TargetOptionValue, Unsupported } from './lower/target.js';
import { TARGETS, type TargetId } from './targets/registry.js';

/** A lowering target as a rule converter: the rule's detection through the engine and the target's template. */
function targetConverter(target: TargetDeclaration<TargetId>): RuleConverter {
  const id = target.id;
  return {
    id,
    defaultFormat: 'query',
    formats: templateFormats(id),
    correlation: withOptionDefaults(target),
    convert(rule, context) {
      const run = runPipelines(rule, context.pipelines);
      const { state, applied } = run.output;
      const source = sourceFrom(target, state);
      const result = convertExpr(run.output.rule.detection, id, {
        targetOptions: context.targetOptions,
        ...(source !== undefined ? { source } : {}),
      });
      if (run.failed) return { output: null, diagnostics: [...run.diagnostics, ...loweringErrorsBesides(run, result.diagnostics)] };
      // A query no pipeline limits to the rule's log source: refused when it would match nearly every event
      // (unscoped-match-all), else converted with a warning (src/lower/source-scope.ts).
      const scope = sourceScopeDiagnostics(target, rule, run.output);
      const diagnostics = [...run.diagnostics, ...scope, ...result.diagnostics];
      if (!result.ok || hasErrors(scope)) return { output: null, diagnostics, applied };
      const { query, parts } = result.value;
      // What output formats wrap (convertFiles renders them once every rule is converted).
      const formatInput = { query, expression: parts.expression, postFilter: parts.postFilter, source: parts.source, state, targetOptions: context.targetOptions };
      return { output: query, diagnostics, applied, formatInput, piped: run.output.rule };
    },
  };
}

/**
 * The lowering errors of a rule whose pipeline run failed, so that one run reports every problem of the
 * rule (and `--skip-unsupported` skips it only when every one may be skipped). Lowering reads the rule as
 * far as the pipelines took it; an error at an item the pipelines refused is left out when it repeats the
 * pipelines' error there (`repeatsAnError`: one error per item, as in the run itself). Warnings are left
 * out: there is no query for them to be about. The source-scope check is not made: it judges the limits
 * the pipelines put on the query, and the run that should have put them did not finish.
 */
function loweringErrorsBesides(run: PipelineRun, lowering: readonly Diagnostic[]): Diagnostic[] {
  const at = (s: SourceSpan): string => `${s.file}\u0000${s.offset}\u0000${s.endOffset}`;
  const refused = new Map<string, DiagnosticCode[]>();
  for (const [m, codes] of run.refusedItems) refused.set(at(m.span), [...(refused.get(at(m.span)) ?? []), ...codes]);
  return lowering.filter((d) => d.severity === 'error' && !repeatsAnError(refused.get(at(d.span)) ?? [], d.code));
}

/** The target's correlation renderer, given the target options with each option's default filled in. */
function withOptionDefaults(target: TargetDeclaration): CorrelationRenderer | Unsupported {
  const render = target.correlation;
  if (typeof render !== 'function') return render;
  const defaults: Record<string, TargetOptionValue> = {};
  for (const o of target.options) defaults[o.name] = o.default;
  return (plan, options) => render(plan, { ...defaults, ...options });
}

/** Every `--target` the CLI and library accept: the query targets, then `ast` (the parsed rule, for debugging). */
export const CONVERTERS: readonly RuleConverter[] = [...TARGETS.map((t) => targetConverter(t)), astConverter];

export function findConverter(id: string): RuleConverter | undefined {
  return CONVERTERS.find((c) => c.id === id);
}
