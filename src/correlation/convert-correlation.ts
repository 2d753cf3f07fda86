import { error, hasErrors, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { ConvertedRule, RuleConverter, RuleContext } from '../convert.js';
import type { SigmaCorrelation, SigmaDocument, SigmaRule } from '../rule/model.js';
import type { Result } from '../diagnostics/diagnostic.js';
import { buildPlan } from './build-plan.js';
import type { CorrelationPlan } from './plan.js';
import type { CorrelationIndex } from './resolve.js';

/** What converting the correlations of one run shares: the index, converted rules, built plans. */
export interface CorrelationRun {
  readonly index: CorrelationIndex;
  readonly converter: RuleConverter;
  readonly context: RuleContext;
  /** Converts a referenced rule as an ordinary rule of the run (filters applied). */
  readonly convertRule: (rule: SigmaRule) => ConvertedRule;
  readonly plans: Map<SigmaCorrelation, Result<CorrelationPlan>>;
}

/**
 * One correlation document to its query: references resolved, the plan built for the converter's target,
 * the target's renderer run. Every problem is a diagnostic on the correlation's record.
 */
export function convertCorrelation(c: SigmaCorrelation, run: CorrelationRun): ConvertedRule {
  // A target that converts no correlation says so first: that is the answer whatever the references are.
  const renderer = run.converter.correlation;
  if (typeof renderer !== 'function') {
    return {
      output: null,
      diagnostics: [
        error(
          run.converter.id === 'ast' ? 'correlation-unsupported' : 'unsupported-construct',
          `target ${run.converter.id} cannot express ${renderer.construct} exactly: ${renderer.reason}`,
          c.span,
        ),
      ],
    };
  }
  const resolved = run.index.resolve(c);
  if (resolved.value === null) return { output: null, diagnostics: resolved.diagnostics };
  const plan = buildPlan(resolved.value, { convertRule: run.convertRule, pipelines: run.context.pipelines, target: run.converter.id, memo: run.plans });
  if (!plan.ok) return { output: null, diagnostics: plan.diagnostics };
  const rendered = renderer(plan.value, run.context.targetOptions);
  const diagnostics: Diagnostic[] = [...plan.diagnostics];
  if (rendered.kind === 'unsupported') {
    diagnostics.push(error('unsupported-construct', `target ${run.converter.id} cannot express ${rendered.construct} exactly: ${rendered.reason}`, c.span));
    return { output: null, diagnostics };
  }
  for (const w of rendered.warnings) diagnostics.push(warning('correlation-approximation', w, c.span));
  return { output: hasErrors(diagnostics) ? null : rendered.text, diagnostics };
}

/**
 * `converts`: whether a correlation converts (its record has a query).
 * Documents the run's correlations reference with `generate: false` and no correlation with
 * `generate: true`: they are not emitted on their own (README, Correlation rules, "generate"). Value: the correlation.
 */
export function correlationParts(
  documents: readonly SigmaDocument[],
  index: CorrelationIndex,
  converts: (c: SigmaCorrelation) => boolean,
): Map<SigmaDocument, SigmaCorrelation> {
  const parts = new Map<SigmaDocument, SigmaCorrelation>();
  const generated = new Set<SigmaDocument>();
  for (const d of documents) {
    if (d.kind !== 'correlation') continue;
    for (const ref of d.ruleRefs) {
      const found = index.lookup(ref);
      if (!('doc' in found)) continue;
      // A detection rule stays a building block even when the correlation fails (emitted alone it would
      // alert on every single event). A referenced correlation is only held by one that converts, so a
      // cycle or a failed chain still shows each correlation's own errors.
      if (found.doc.kind === 'correlation' && !converts(d)) continue;
      if (d.generate) generated.add(found.doc);
      else if (!parts.has(found.doc)) parts.set(found.doc, d);
    }
  }
  for (const g of generated) parts.delete(g);
  return parts;
}
