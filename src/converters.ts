import { astConverter, isSkippableCode, type RuleContext, type RuleConverter } from './convert.js';
import { convertExpr } from './lower/convert-expr.js';
import { hasErrors, type Diagnostic } from './diagnostics/diagnostic.js';
import type { SigmaRule } from './rule/model.js';
import { applyPipelines } from './pipeline/apply.js';
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
      const piped = applyPipelines(rule, context.pipelines);
      if (!piped.ok) return { output: null, diagnostics: [...piped.diagnostics, ...mistakesBehindUnmapped(rule, context, id, piped.diagnostics)] };
      const { state, applied } = piped.value;
      const source = sourceFrom(target, state);
      const result = convertExpr(piped.value.rule.detection, id, {
        targetOptions: context.targetOptions,
        ...(source !== undefined ? { source } : {}),
      });
      // A query no pipeline limits to the rule's log source: refused when it would match nearly every event
      // (unscoped-match-all), else converted with a warning (src/lower/source-scope.ts).
      const scope = sourceScopeDiagnostics(target, rule, piped.value);
      const diagnostics = [...piped.diagnostics, ...scope, ...result.diagnostics];
      if (!result.ok || hasErrors(scope)) return { output: null, diagnostics, applied };
      const { query, parts } = result.value;
      // What output formats wrap (convertFiles renders them once every rule is converted).
      const formatInput = { query, expression: parts.expression, postFilter: parts.postFilter, source: parts.source, state, targetOptions: context.targetOptions };
      return { output: query, diagnostics, applied, formatInput, piped: piped.value.rule };
    },
  };
}

/**
 * A strict pipeline's refusal (`unmapped-field`) stops the pipeline run, and `--skip-unsupported` skips
 * it; a mistake in the same rule that the run had not reached yet (an unresolved placeholder) must still
 * fail. When every error is `unmapped-field`, the rule is run again without the strict checks and
 * lowered, and the errors of that run that may not be skipped are returned (none otherwise).
 */
function mistakesBehindUnmapped(rule: SigmaRule, context: RuleContext, id: TargetId, diagnostics: readonly Diagnostic[]): Diagnostic[] {
  if (!diagnostics.every((d) => d.severity !== 'error' || d.code === 'unmapped-field')) return [];
  const lenient = context.pipelines.map((p) => ({ ...p, transformations: p.transformations.filter((t) => t.type !== 'strict_field_mapping_failure') }));
  const again = applyPipelines(rule, lenient);
  const found = again.ok ? convertExpr(again.value.rule.detection, id, { targetOptions: context.targetOptions }).diagnostics : again.diagnostics;
  return found.filter((d) => d.severity === 'error' && !isSkippableCode(d.code));
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
