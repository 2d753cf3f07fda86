import { error, errorsAreSkippable, hasErrors, type Diagnostic, type Result, fail, ok } from '../diagnostics/diagnostic.js';
import type { ConvertedRule } from '../convert.js';
import { mapFieldName } from '../pipeline/map-field.js';
import type { ProcessingPipeline } from '../pipeline/types.js';
import type { SigmaCorrelation, SigmaRule } from '../rule/model.js';
import type { CorrelationCondition, CorrelationInput, CorrelationPlan } from './plan.js';
import { aliasField, type ResolvedCorrelation, type ResolvedInput } from './resolve.js';

/**
 * Builds a correlation's plan for one target (src/correlation/plan.ts): every referenced rule converted
 * with the target's pipelines and lowering (the same converter as an ordinary rule), group-by and value
 * fields mapped through each rule's pipelines, chained correlations planned recursively (memoised).
 */
export interface PlanContext {
  /** Converts one referenced rule as an ordinary rule of the run (filters, pipelines, lowering). */
  readonly convertRule: (rule: SigmaRule) => ConvertedRule;
  readonly pipelines: readonly ProcessingPipeline[];
  readonly target: string;
  /** Plans already built in this run (a correlation referenced twice is planned once). */
  readonly memo: Map<SigmaCorrelation, Result<CorrelationPlan>>;
}

export function buildPlan(resolved: ResolvedCorrelation, ctx: PlanContext): Result<CorrelationPlan> {
  const known = ctx.memo.get(resolved.correlation);
  if (known !== undefined) return known;
  const result = build(resolved, ctx);
  ctx.memo.set(resolved.correlation, result);
  return result;
}

function build(resolved: ResolvedCorrelation, ctx: PlanContext): Result<CorrelationPlan> {
  const c = resolved.correlation;
  const diagnostics: Diagnostic[] = [];
  const inputs: CorrelationInput[] = [];
  const tags = new Set<string>();
  for (const input of resolved.inputs) {
    const tag = tagOf(input);
    if (tags.has(tag)) {
      diagnostics.push(error('invalid-value', `the correlation lists ${JSON.stringify(input.ref.value)} twice; list each rule once`, input.ref.span));
      continue;
    }
    tags.add(tag);
    const built = input.kind === 'rule' ? ruleInput(c, input, tag, ctx) : chainInput(c, input, tag, ctx);
    diagnostics.push(...built.diagnostics);
    if (built.ok) inputs.push(built.value);
  }
  const condition = conditionOf(c, resolved.inputs.length, diagnostics);
  if (hasErrors(diagnostics) || condition === null) return fail(diagnostics);
  return ok(
    {
      correlation: c,
      type: c.type,
      timespanSeconds: c.timespanSeconds,
      groupBy: c.groupBy,
      condition,
      field: c.field?.value ?? null,
      percentile: null,
      inputs,
    },
    diagnostics,
  );
}

/** The rule-tag value: the document's name, else its id (README, Correlation rules, "Inputs"). */
function tagOf(input: ResolvedInput): string {
  const doc = input.kind === 'rule' ? input.rule : input.resolved.correlation;
  return doc.name ?? doc.id ?? input.ref.value;
}

/** The condition with the defaults (temporal: gte = number of inputs); temporal_ordered takes only that. */
function conditionOf(c: SigmaCorrelation, inputs: number, diagnostics: Diagnostic[]): CorrelationCondition | null {
  const given = Object.keys(c.condition).length > 0;
  if (c.type === 'temporal' || c.type === 'temporal_ordered') {
    if (!given) return { gte: inputs };
    const isDefault = Object.keys(c.condition).length === 1 && c.condition.gte === inputs;
    if (c.type === 'temporal_ordered' && !isDefault) {
      diagnostics.push(
        error(
          'unsupported-construct',
          `a temporal_ordered correlation with a condition other than gte: ${inputs} (all its rules, in order) has no defined meaning; remove the condition`,
          c.span,
        ),
      );
      return null;
    }
  }
  return c.condition;
}

/**
 * The code of a correlation's error about an input that failed with these diagnostics: a refusal
 * (`unsupported-construct`, which --skip-unsupported skips) when every error is a refusal, as the
 * option judges the input alone (a field the target's schema lacks, a query that would match every
 * event, a construct it cannot express); `correlation-input` when any is a mistake to fix (an unresolved
 * placeholder behind a refusal keeps the correlation failing).
 */
function refusalOr(diagnostics: readonly Diagnostic[]): 'unsupported-construct' | 'correlation-input' {
  return hasErrors(diagnostics) && errorsAreSkippable(diagnostics) ? 'unsupported-construct' : 'correlation-input';
}

/** A field name of the correlation as one input's events hold it: alias, then the rule's pipelines. */
function mapForRule(c: SigmaCorrelation, input: ResolvedInput & { kind: 'rule' }, name: string, what: string, ctx: PlanContext, diagnostics: Diagnostic[]): string | null {
  const field = aliasField(c, name, input) ?? name;
  const mapped = mapFieldName(input.rule, field, ctx.pipelines, c.span);
  if (!mapped.ok) {
    diagnostics.push(
      error(refusalOr(mapped.diagnostics), `the ${what} field \`${field}\` of rule ${JSON.stringify(input.ref.value)} cannot be mapped by the pipelines: ${mapped.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message).join('; ')}`, input.ref.span),
    );
    return null;
  }
  if (mapped.value.kind === 'ambiguous') {
    const names = mapped.value.names;
    diagnostics.push(
      error(
        'unsupported-construct',
        names.length === 0
          ? `the pipelines remove the ${what} field \`${field}\` of rule ${JSON.stringify(input.ref.value)}, so the correlation cannot ${what === 'group-by' ? 'group by' : 'aggregate'} it`
          : `the pipelines map the ${what} field \`${field}\` of rule ${JSON.stringify(input.ref.value)} to several fields (${names.join(', ')}); a correlation needs one field per rule: map it to one (or add an alias)`,
        input.ref.span,
      ),
    );
    return null;
  }
  return mapped.value.name;
}

function ruleInput(c: SigmaCorrelation, input: ResolvedInput & { kind: 'rule' }, tag: string, ctx: PlanContext): Result<CorrelationInput> {
  const converted = ctx.convertRule(input.rule);
  const fi = converted.formatInput;
  if (converted.output === null || hasErrors(converted.diagnostics) || fi === undefined) {
    const errors = converted.diagnostics.filter((d) => d.severity === 'error');
    const reasons = errors.map((d) => `${d.message} (${d.span.file}:${d.span.line}:${d.span.column})`);
    return fail([
      error(
        refusalOr(errors),
        `rule ${JSON.stringify(input.ref.value)} (${input.rule.file}:${input.rule.span.line}) cannot be converted for ${ctx.target}, so neither can this correlation: ${reasons.join('; ') || 'no query'}`,
        input.ref.span,
      ),
    ]);
  }
  const diagnostics: Diagnostic[] = [];
  const groupBy = c.groupBy.map((g) => mapForRule(c, input, g, 'group-by', ctx, diagnostics));
  const field = c.field === null ? null : mapForRule(c, input, c.field.value, 'value', ctx, diagnostics);
  if (hasErrors(diagnostics)) return fail(diagnostics);
  // The rule's own warnings (e.g. from its pipelines) travel with the correlation that converts it.
  return ok({
    kind: 'rule',
    tag,
    rule: converted.piped ?? input.rule,
    expression: fi.expression,
    postFilter: fi.postFilter,
    source: fi.source,
    query: fi.query,
    groupBy: groupBy.map((g) => g ?? ''),
    field,
  }, converted.diagnostics);
}

function chainInput(c: SigmaCorrelation, input: ResolvedInput & { kind: 'correlation' }, tag: string, ctx: PlanContext): Result<CorrelationInput> {
  const inner = buildPlan(input.resolved, ctx);
  if (!inner.ok) {
    return fail([error(refusalOr(inner.diagnostics), `the correlation ${JSON.stringify(input.ref.value)} cannot be converted for ${ctx.target}; see its own diagnostics`, input.ref.span)]);
  }
  const diagnostics: Diagnostic[] = [];
  const holding = (name: string, what: string): string | null => {
    const field = aliasField(c, name, input) ?? name;
    if (inner.value.groupBy.includes(field)) return field;
    diagnostics.push(
      error(
        'unsupported-construct',
        `the correlation ${JSON.stringify(input.ref.value)} does not group by \`${field}\` (its group-by: ${inner.value.groupBy.join(', ') || 'none'}), so its firings have no ${what} value \`${field}\`; group it by that field or use an alias`,
        input.ref.span,
      ),
    );
    return null;
  };
  const groupBy = c.groupBy.map((g) => holding(g, 'group-by'));
  const field = c.field === null ? null : holding(c.field.value, 'value');
  if (hasErrors(diagnostics)) return fail(diagnostics);
  return ok({ kind: 'correlation', tag, plan: inner.value, groupBy: groupBy.map((g) => g ?? ''), field });
}

