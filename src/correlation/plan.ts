import type { CorrelationBounds, CorrelationType, SigmaCorrelation, SigmaRule } from '../rule/model.js';
import type { TargetOptionValues, Unsupported } from '../lower/target.js';

/** Every bound given must hold; a range such as {gt: 100, lte: 200} is ANDed (the rule model's bounds). */
export type CorrelationCondition = CorrelationBounds;

/** One referenced detection rule, converted for the target. */
export interface CorrelationRuleInput {
  readonly kind: 'rule';
  /** The value of the rule-tag column: the rule's `name`, else its `id`. */
  readonly tag: string;
  /** The rule after its pipelines. */
  readonly rule: SigmaRule;
  /** The target's lowered parts for this rule (what output formats receive). */
  readonly expression: string;
  readonly postFilter: string | null;
  readonly source: string | null;
  /** The rule's whole query as the target prints it alone. */
  readonly query: string;
  /** Per plan.groupBy entry (same order): the field of this input's events holding it, alias and pipeline
   *  mapping applied, as a field name (the renderer writes it in its own syntax). */
  readonly groupBy: readonly string[];
  /** value_* types: the field of this input's events (mapped); null for other types. */
  readonly field: string | null;
}

/** A referenced correlation (chaining): its firings are this input's rows. */
export interface CorrelationChainInput {
  readonly kind: 'correlation';
  readonly tag: string;
  readonly plan: CorrelationPlan;
  /** Per outer plan.groupBy entry: the inner plan's group-by name that holds it. */
  readonly groupBy: readonly string[];
  readonly field: string | null;
}

export type CorrelationInput = CorrelationRuleInput | CorrelationChainInput;

/** A correlation resolved for one target: everything a renderer needs, nothing target-specific left to look up. */
export interface CorrelationPlan {
  readonly correlation: SigmaCorrelation;
  readonly type: CorrelationType;
  readonly timespanSeconds: number;
  /** The group-by names as the correlation writes them (alias names or field names): the output columns. */
  readonly groupBy: readonly string[];
  /**
   * With the defaults applied (temporal: gte = number of inputs). temporal_ordered: always that default;
   * buildPlan refuses any other condition (the ordered sequence is the condition), so renderers need not check.
   */
  readonly condition: CorrelationCondition;
  /** value_* types: the field name as the correlation writes it; null otherwise. */
  readonly field: string | null;
  /** value_percentile only. */
  readonly percentile: number | null;
  readonly inputs: readonly CorrelationInput[];
}

export interface CorrelationQuery {
  readonly kind: 'correlation-query';
  readonly text: string;
  /** "should" aspects approximated (spec compatibility rule), one sentence each. */
  readonly warnings: readonly string[];
}

/** A target's correlation hook: the plan in, the query text out, or a refusal naming the construct. */
export type CorrelationRenderer = (plan: CorrelationPlan, options: TargetOptionValues) => CorrelationQuery | Unsupported;
