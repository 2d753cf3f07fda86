import type {
  CorrelationPlan,
  CorrelationQuery,
  CorrelationRenderer,
  CorrelationRuleInput,
} from '../../correlation/plan.js';
import { C_COMPARISON, conditionBounds, groupColumn } from '../../correlation/render-helpers.js';
import { assertNever } from '../../diagnostics/assert-never.js';
import { type Unsupported, unsupported } from '../../lower/target.js';
import { fieldKind } from './ecs-types.js';
import { esqlFieldName, esqlString, fieldNameProblem, numberLiteral } from './esql-text.js';

/*
 * Correlation rules in ES|QL (semantics: the main README's "Correlation rules"; the elastic-esql README's
 * "Correlation rules" section says how and what is approximated). Facts relied on, from Elastic's ES|QL
 * reference (https://www.elastic.co/docs/reference/query-languages/esql/):
 * - commands/stats-by: `STATS [aggs] BY groups` makes one row per distinct combination of the group
 *   values (a null group value is a group of its own, so absent keys are filtered before); `STATS BY g`
 *   without aggregates lists the distinct combinations. COUNT(*) counts rows, COUNT(x) the non-null
 *   values of x; SUM and AVG ignore null values (aggregation-functions).
 * - functions-operators/date-time-functions/date_trunc: DATE_TRUNC(<time span>, @timestamp) rounds a
 *   date down to fixed buckets of that span (a time-span literal such as `5 minutes`, `1 hour`,
 *   commands/...#esql-time-spans); every bucket is exactly the span long and buckets do not overlap. Not
 *   BUCKET: it is a grouping function, and Elasticsearch refuses one outside STATS ("cannot use grouping
 *   function [...] outside of a STATS command", x-pack/plugin/esql Verifier, VerifierTests
 *   testBucketOnlyInAggs); BUCKET with a span delegates to the same rounding.
 * - commands/mv_expand: MV_EXPAND col makes one row per value of a multi-valued column, duplicating the
 *   other columns. functions-operators/string-functions: SPLIT(str, delim) splits a string into a
 *   multi-valued string, CONCAT(a, b, ...) concatenates (null if any argument is null: every argument
 *   here is a CASE with an ELSE, never null). functions-operators/conditional-functions-and-expressions:
 *   CASE(cond, value, ..., else) returns the value of the first condition that is true (a null condition
 *   is not true), else the last argument (or null without one).
 * - MV_APPEND returns null when one argument is null (elastic/elasticsearch issue 114436), so it is not
 *   used to collect the rule tags; a comma-joined text of the matching rules' numbers is split instead.
 * - There is no self-join, window function or subquery (FORK, INLINESTATS are technical previews), so
 *   the look-back window anchored at each row is approximated by fixed buckets (a warning says how) and
 *   a chained correlation and value_percentile are refused.
 * - COUNT_DISTINCT is an estimate (HyperLogLog++, exact-ish only below its precision threshold):
 *   value_count and temporal count distinct values exactly with two STATS instead (distinct rows, then
 *   COUNT of them).
 * - temporal_ordered over two rules compares MIN of the rule-1 times with MAX of the rule-2 times per
 *   bucket (aggregation-functions: MIN, MAX take dates); over more rules the order is not checked and a
 *   warning says so.
 */

/** Internal columns. Sigma fields named sigma_* are refused, so none is shadowed. */
const ORDER = 'sigma_order';
const VALUE = 'sigma_value';
const RESULT = 'sigma_result';
const WINDOW = 'sigma_window';
const TIME = '@timestamp';

/**
 * An ES|QL time-span literal of exactly `seconds` (fixed units only: hours, minutes, seconds, so a day or
 * a week is never a calendar day, whose length a request time zone with daylight saving could change).
 */
function esqlTimeSpan(seconds: number): string {
  const [n, unit] = seconds % 3600 === 0 ? [seconds / 3600, 'hour'] : seconds % 60 === 0 ? [seconds / 60, 'minute'] : [seconds, 'second'];
  return `${String(n)} ${unit}${n === 1 ? '' : 's'}`;
}

/** An event field of an input, written in ES|QL, or a refusal. */
function eventField(name: string): string | Unsupported {
  const problem = fieldNameProblem(name);
  if (problem !== null) return unsupported(`the field name '${name}'`, problem);
  if (/^sigma_/i.test(name)) return unsupported(`the field name '${name}'`, 'the correlation query uses sigma_* columns of its own');
  return esqlFieldName(name);
}

/** An output column name (group-by name or the aggregate), or a refusal. */
function outputName(name: string): string | Unsupported {
  const problem = fieldNameProblem(name);
  if (problem !== null) return unsupported(`the group-by name '${name}'`, problem);
  if (/^sigma_/i.test(name)) return unsupported(`the group-by name '${name}'`, 'the correlation query uses sigma_* columns of its own');
  // KEEP reads `*` as a wildcard even in a quoted name.
  if (name.includes('*')) return unsupported(`the group-by name '${name}'`, 'KEEP reads * as a wildcard');
  return esqlFieldName(name);
}

/**
 * One value per row across the inputs: the field itself when every input uses the same one (`numeric`:
 * through TO_DOUBLE unless it is known to be numeric), else a CASE on the row's input number. CASE needs
 * one type in every branch, and fields of one kind may still differ (keyword and text, long and
 * integer), so each branch is converted: TO_STRING, or TO_DOUBLE when `numeric`.
 */
function perInput(inputs: readonly CorrelationRuleInput[], pick: (input: CorrelationRuleInput) => string | null, numeric: boolean): string | Unsupported {
  const fields: string[] = [];
  for (const input of inputs) {
    const name = pick(input);
    if (name === null || name === '') return unsupported(`the correlation input ${input.tag}`, 'the plan gives it no field');
    const problem = eventField(name);
    if (typeof problem !== 'string') return problem;
    fields.push(name);
  }
  if (new Set(fields).size === 1) {
    const f = esqlFieldName(fields[0]!);
    return numeric && fieldKind(fields[0]!) !== 'number' ? `TO_DOUBLE(${f})` : f;
  }
  const branches = fields.map((name, i) => {
    const f = esqlFieldName(name);
    return `${ORDER} == ${esqlString(String(i + 1))}, ${numeric ? `TO_DOUBLE(${f})` : `TO_STRING(${f})`}`;
  });
  return `CASE(${branches.join(', ')})`;
}

/** True when the condition only bounds a count from below (gt/gte), which a superset of rows keeps. */
function lowerBoundOnly(plan: CorrelationPlan): boolean {
  return conditionBounds(plan.condition).every(([key]) => key === 'gt' || key === 'gte');
}

/**
 * How a bucket that fires relates to the look-back windows: the window anchored at a bucket's last row
 * holds every row of the bucket (all are less than one timespan older) and maybe earlier ones, so a
 * count (rows, distinct values, distinct rules) over it is at least the bucket's.
 */
function extraFirings(plan: CorrelationPlan): string {
  const bound = `${plan.type}${conditionBounds(plan.condition).map(([k, v]) => ` ${k} ${String(v)}`).join(',')}`;
  const never = "; it never fires where the Sigma rule does not (the look-back window at a bucket's last row holds all of the bucket's rows, so its count is at least the bucket's)";
  const may = `, and a bucket may also fire where no look-back window does (the window at a row also holds earlier rows of the previous bucket, and the condition ${bound} is not only a lower bound on a count)`;
  switch (plan.type) {
    case 'event_count':
    case 'value_count':
    case 'temporal':
      return lowerBoundOnly(plan) ? never : may;
    case 'temporal_ordered':
      // Up to two rules the order is checked within the bucket: a rule-1 row at or before a rule-2 row,
      // both less than one timespan apart, is what the look-back window at that rule-2 row holds.
      return orderChecked(plan)
        ? "; it never fires where the Sigma rule does not (a rule-1 row at or before a rule-2 row of one bucket lie within the look-back window of that rule-2 row)"
        : ', and it may also fire where the Sigma rule does not, since the order of the rules is not checked (see the other warning)';
    case 'value_sum':
    case 'value_avg':
    case 'value_percentile':
      return may;
    default:
      return assertNever(plan.type);
  }
}

/** The spec's "should" aspect (sliding vs fixed windows), said exactly for this plan. */
function windowWarning(plan: CorrelationPlan): string {
  const span = plan.correlation.timespan;
  return (
    `ES|QL has no look-back window: rows are aggregated in fixed, non-overlapping ${span} buckets (DATE_TRUNC(${esqlTimeSpan(plan.timespanSeconds)}, @timestamp)) ` +
    `instead of the ${span} window anchored at each row, so rows less than ${span} apart that fall on both sides of a bucket boundary are aggregated apart and may not fire` +
    `${extraFirings(plan)}; one row is output per firing bucket (its start as @timestamp), not per anchor row`
  );
}

/** The rule inputs (a chained correlation is refused). */
function ruleInputs(plan: CorrelationPlan): CorrelationRuleInput[] | Unsupported {
  const out: CorrelationRuleInput[] = [];
  for (const input of plan.inputs) {
    switch (input.kind) {
      case 'rule':
        out.push(input);
        break;
      case 'correlation':
        return unsupported(
          `the chained correlation ${input.tag}`,
          'an ES|QL query is one pipeline over one FROM: it has no subquery or union to read another correlation\'s firings as rows',
        );
      default:
        return assertNever(input);
    }
  }
  if (out.length === 0) return unsupported('a correlation without rules', 'there is nothing to aggregate');
  return out;
}

/** The FROM of all inputs: they must read the same index patterns. */
function commonSource(inputs: readonly CorrelationRuleInput[]): string | Unsupported {
  const first = inputs[0]!.source;
  for (const input of inputs) {
    if (input.source === null) return unsupported(`the correlation input ${input.tag}`, 'its query names no index pattern to read');
    if (input.source !== first) {
      return unsupported(
        `a correlation of rules reading different index patterns (${String(first)}; ${input.source})`,
        'one ES|QL FROM reads every pattern for every rule, so a rule would also match events of the other rules\' indices',
      );
    }
    if (input.postFilter !== null) return unsupported(`the correlation input ${input.tag}`, 'its query needs a post-filter');
  }
  return first!;
}

/** The output columns are @timestamp, the group-by names and the type's name: they must differ. */
function outputClash(plan: CorrelationPlan): Unsupported | null {
  const seen = new Set<string>();
  for (const name of [TIME, ...plan.groupBy, plan.type]) {
    if (seen.has(name)) return unsupported(`the group-by name '${name}'`, `the output columns (${TIME}, the group-by names, ${plan.type}) must differ`);
    seen.add(name);
  }
  return null;
}

/** temporal_ordered over at most two rules: the order is checked within each bucket. */
function orderChecked(plan: CorrelationPlan): boolean {
  return plan.type === 'temporal_ordered' && plan.inputs.length <= 2;
}

/**
 * The aggregation lines, leaving RESULT per bucket and group; or, for an order checked within the
 * bucket, keeping only the buckets where the earliest rule-1 row is at or before the latest rule-2 row
 * (then some rule-1 row is at or before some rule-2 row; equal times are in order, as in the README).
 */
function aggregate(plan: CorrelationPlan, by: string): string[] | Unsupported {
  if (orderChecked(plan) && plan.inputs.length === 2) {
    return [
      `| EVAL sigma_t1 = CASE(${ORDER} == "1", ${TIME}), sigma_t2 = CASE(${ORDER} == "2", ${TIME})`,
      `| STATS sigma_first = MIN(sigma_t1), sigma_last = MAX(sigma_t2) BY ${by}`,
      '| WHERE sigma_first <= sigma_last',
    ];
  }
  switch (plan.type) {
    case 'event_count':
      return [`| STATS ${RESULT} = COUNT(*) BY ${by}`];
    case 'value_sum':
      return [`| STATS ${RESULT} = SUM(${VALUE}) BY ${by}`];
    case 'value_avg':
      return [`| STATS ${RESULT} = AVG(${VALUE}) BY ${by}`];
    case 'value_count':
      // Exact distinct count: the distinct (bucket, group, value) rows (null value included, so a bucket of
      // nulls stays with 0), then the non-null values among them.
      return [`| STATS BY ${by}, ${VALUE}`, `| STATS ${RESULT} = COUNT(${VALUE}) BY ${by}`];
    case 'temporal':
    case 'temporal_ordered':
      return [`| STATS BY ${by}, ${ORDER}`, `| STATS ${RESULT} = COUNT(*) BY ${by}`];
    case 'value_percentile':
      return unsupported(
        'value_percentile',
        "the share of a row's value among its window's values needs each row next to its window's totals, and ES|QL has no window function or generally available INLINESTATS",
      );
    default:
      return assertNever(plan.type);
  }
}

export const esqlCorrelation: CorrelationRenderer = (plan): CorrelationQuery | Unsupported => {
  const inputs = ruleInputs(plan);
  if (!Array.isArray(inputs)) return inputs;
  const clash = outputClash(plan);
  if (clash !== null) return clash;
  const source = commonSource(inputs);
  if (typeof source !== 'string') return source;

  const lines = [`FROM ${source}`];
  const multi = inputs.length > 1;
  if (multi) {
    lines.push(`| WHERE ${inputs.map((i) => `(${i.expression})`).join(' OR ')}`);
    // An event two rules match is a row for each (UNION ALL): the numbers of the matching rules, split
    // into a multi-valued column and expanded; "0" marks a rule that does not match.
    const tags = inputs.map((i, n) => `CASE(${i.expression}, ${esqlString(String(n + 1))}, "0")`).join(', ",", ');
    lines.push(`| EVAL ${ORDER} = SPLIT(CONCAT(${tags}), ",")`);
    lines.push(`| MV_EXPAND ${ORDER}`);
    lines.push(`| WHERE ${ORDER} != "0"`);
  } else {
    lines.push(`| WHERE ${inputs[0]!.expression}`);
  }

  const assignments = [`${WINDOW} = DATE_TRUNC(${esqlTimeSpan(plan.timespanSeconds)}, ${TIME})`];
  if (!multi && (plan.type === 'temporal' || plan.type === 'temporal_ordered')) assignments.push(`${ORDER} = "1"`);
  for (let g = 0; g < plan.groupBy.length; g++) {
    const expr = perInput(inputs, (i) => i.groupBy[g] ?? null, false);
    if (typeof expr !== 'string') return expr;
    assignments.push(`${groupColumn(g)} = ${expr}`);
  }
  if (plan.type === 'value_count' || plan.type === 'value_sum' || plan.type === 'value_avg') {
    const expr = perInput(inputs, (i) => i.field, plan.type !== 'value_count');
    if (typeof expr !== 'string') return expr;
    assignments.push(`${VALUE} = ${expr}`);
  }
  lines.push(`| EVAL ${assignments.join(', ')}`);
  // A row without a time or with an absent group-by field belongs to no window or group (README, Correlation rules, "Groups").
  const present = [WINDOW, ...plan.groupBy.map((_, g) => groupColumn(g))].map((c) => `${c} IS NOT NULL`);
  lines.push(`| WHERE ${present.join(' AND ')}`);

  const by = [WINDOW, ...plan.groupBy.map((_, g) => groupColumn(g))].join(', ');
  const agg = aggregate(plan, by);
  if (!Array.isArray(agg)) return agg;
  lines.push(...agg);
  const tests: string[] = [];
  // An ordered pair is its own condition (the default, checked above); otherwise every bound on RESULT.
  for (const [key, v] of orderChecked(plan) && plan.inputs.length === 2 ? [] : conditionBounds(plan.condition)) {
    const literal = numberLiteral(v);
    if (literal === null) return unsupported(`the condition bound ${key}: ${String(v)}`, 'ES|QL has no literal for it');
    tests.push(`${RESULT} ${C_COMPARISON[key]} ${literal}`);
  }
  if (tests.length > 0) lines.push(`| WHERE ${tests.join(' AND ')}`);

  const outputs: [string, string][] = [[TIME, WINDOW]];
  for (const [g, name] of plan.groupBy.entries()) {
    const written = outputName(name);
    if (typeof written !== 'string') return written;
    outputs.push([written, groupColumn(g)]);
  }
  if (plan.type !== 'temporal_ordered') outputs.push([plan.type, RESULT]);
  lines.push(`| EVAL ${outputs.map(([name, column]) => `${name} = ${column}`).join(', ')}`);
  lines.push(`| KEEP ${outputs.map(([name]) => name).join(', ')}`);

  const warnings = [windowWarning(plan)];
  if (plan.type === 'temporal_ordered' && !orderChecked(plan)) {
    warnings.push(
      `the listed order of the ${String(plan.inputs.length)} rules is not checked: the query fires when every rule matched within one bucket, in any order (ES|QL has no way to follow a chain of more than two times within a group; with two rules the order is checked)`,
    );
  }
  return { kind: 'correlation-query', text: lines.join('\n'), warnings };
};
