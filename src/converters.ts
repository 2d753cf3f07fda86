import { astConverter, type RuleConverter } from './convert.js';
import { convertExpr } from './lower/convert-expr.js';
import { diagnosticKey, hasErrors, type Diagnostic } from './diagnostics/diagnostic.js';
import type { ExprMatch } from './ast/expr.js';
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
      const leafErrors: LeafError[] = [];
      const result = convertExpr(run.output.rule.detection, id, {
        targetOptions: context.targetOptions,
        ...(source !== undefined ? { source } : {}),
        onLeafError: (leaf, diagnostic) => void leafErrors.push({ leaf, diagnostic }),
      });
      if (run.failed) return { output: null, diagnostics: [...run.diagnostics, ...loweringErrorsBesides(run, result.diagnostics, leafErrors)] };
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

/** A lowering error at a leaf of the detection, and that leaf (LowerOptions.onLeafError). */
interface LeafError {
  readonly leaf: ExprMatch;
  readonly diagnostic: Diagnostic;
}

/**
 * The lowering errors of a rule whose pipeline run failed, so that one run reports every problem of the
 * rule (and `--skip-unsupported` skips it only when every one may be skipped). Lowering reads the rule as
 * far as the pipelines took it; an error at an item the pipelines refused is left out when it repeats the
 * pipelines' error there (`repeatsAnError`: one error per item, as in the run itself). The item is the
 * leaf itself, not its place in the file: the leaves one item became (a field mapped to several, a
 * modifier's variants) share it, and an error at a leaf the pipelines did not refuse is reported. The
 * engine reports an error once however many leaves gave it (the same diagnosticKey): it is left
 * out only when every one of them repeats an error there. Warnings are left out: there is no query for
 * them to be about. The source-scope check is not made: it judges the limits the pipelines put on the
 * query, and the run that should have put them did not finish.
 */
function loweringErrorsBesides(run: PipelineRun, lowering: readonly Diagnostic[], leafErrors: readonly LeafError[]): Diagnostic[] {
  const repeated = new Set<string>();
  const own = new Set<string>();
  for (const { leaf, diagnostic } of leafErrors) {
    (repeatsAnError(run.refusedItems.get(leaf) ?? [], diagnostic.code) ? repeated : own).add(diagnosticKey(diagnostic));
  }
  return lowering.filter((d) => d.severity === 'error' && (own.has(diagnosticKey(d)) || !repeated.has(diagnosticKey(d))));
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
