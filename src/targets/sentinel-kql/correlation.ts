import type {
  CorrelationInput,
  CorrelationPlan,
  CorrelationQuery,
  CorrelationRenderer,
} from '../../correlation/plan.js';
import {
  C_COMPARISON,
  conditionBounds,
  groupColumn,
  inputGroupField,
  spanInUnits,
} from '../../correlation/render-helpers.js';
import { assertNever } from '../../diagnostics/assert-never.js';
import { type Unsupported, unsupported } from '../../lower/target.js';
import { kustoField, kustoName, kustoString } from './kusto-literal.js';

/*
 * Correlation rules in Kusto (semantics: README "Correlation rules"; this target's README says how).
 * Facts relied on, from Microsoft's Kusto docs (learn.microsoft.com/kusto/query/...):
 * - union-operator: `union (T1 | ...), (T2 | ...)` takes parenthesised tabular expressions; rows keep
 *   their duplicates (union is UNION ALL).
 * - join-operator: the default flavour is innerunique (it dedups the left keys): `kind=inner` is the
 *   plain inner join every matching pair of rows comes out of. Equality keys only; the window is a
 *   `where` after the join.
 * - materialize-function: the union is computed once and both sides of the self-join read the same rows.
 * - serialize-operator / row-number-function: a unique number per row (the anchor's identity, so two
 *   events at the same time and group stay two anchors).
 * - count_distinct / count_distinctif (learn.microsoft.com/azure/data-explorer/kusto/query/count-distinct-aggfunction,
 *   "Applies to ... Microsoft Sentinel"): an EXACT distinct count (past 100M values a runtime error, never an
 *   estimate); dcount() is an estimate (HyperLogLog) and is never used.
 * - sumif/countif: exact; the average is sum/count over the non-null values; value_percentile (README's
 *   definition) is countif(same value) / countif(any value) per anchor.
 * - Empty strings: Kusto stores an absent string as "" (this target's README), so a group key that is
 *   empty is "absent" and its row is dropped (`isnotempty`).
 */

/** Internal column names (never a Sigma field: the prefix is reserved in the README). */
const ROW = 'sigma_row';
const RULE = 'sigma_rule';
const ORDER = 'sigma_order';
const VALUE = 'sigma_value';
const RESULT = 'sigma_result';
const T = 'TimeGenerated';
const ALL = 'sigma_all';

function kustoSpan(seconds: number): string {
  const [n, unit] = spanInUnits(seconds);
  return `${n}${unit}`;
}

interface Rendered {
  readonly kind: 'rendered';
  /** `let name = ...;` statements, in dependency order. */
  readonly lets: string[];
  /** The table of firings: TimeGenerated, the group-by names, sigma_result (not for the ordered types). */
  readonly table: string;
}

/** A Kusto expression for a field of an input's events, or a refusal. */
function field(name: string): string | Unsupported {
  return kustoField(name) ?? unsupported(`the field name \`${name}\``, 'a Kusto column needs a name in every part');
}

function asString(expr: string): string {
  return expr.startsWith('tostring(') ? expr : `tostring(${expr})`;
}

/** The keys every row of this plan carries: group columns, or one constant when there is no group-by. */
function keys(plan: CorrelationPlan): string[] {
  return plan.groupBy.length === 0 ? [ALL] : plan.groupBy.map((_, i) => groupColumn(i));
}

/** The projection of one input's rows: time, tag, order, group keys, value. */
function projection(
  plan: CorrelationPlan,
  input: CorrelationInput,
  index: number,
  inner: Rendered | null,
): string | Unsupported {
  const cols = [T, `${RULE} = ${kustoString(input.tag)}`, `${ORDER} = ${index + 1}`];
  if (plan.groupBy.length === 0) cols.push(`${ALL} = 1`);
  for (let i = 0; i < plan.groupBy.length; i++) {
    const name = inputGroupField(input, i);
    // An inner correlation's output columns are its group-by names (strings already).
    const expr = inner !== null ? kustoName(name) : field(name);
    if (typeof expr !== 'string') return expr;
    cols.push(`${groupColumn(i)} = ${asString(expr)}`);
  }
  if (plan.field !== null) {
    if (input.field === null) return unsupported('a value_* correlation input without its field', 'the plan gave none');
    const expr = inner !== null ? kustoName(input.field) : field(input.field);
    if (typeof expr !== 'string') return expr;
    cols.push(`${VALUE} = ${plan.type === 'value_sum' || plan.type === 'value_avg' ? `toreal(${expr})` : asString(expr)}`);
  }
  return cols.join(', ');
}

/** The output columns are TimeGenerated, the group-by names and the type's name: they must differ. */
function outputClash(plan: CorrelationPlan): Unsupported | null {
  const seen = new Set<string>();
  for (const name of [T, ...plan.groupBy, plan.type]) {
    if (seen.has(name)) {
      return unsupported(`the group-by name \`${name}\``, `the output columns (${T}, the group-by names, ${plan.type}) must differ`);
    }
    seen.add(name);
  }
  return null;
}

function renderPlan(plan: CorrelationPlan, prefix: string, counter: { n: number }): Rendered | Unsupported {
  const clash = outputClash(plan);
  if (clash !== null) return clash;
  const lets: string[] = [];
  const branches: string[] = [];
  for (const [index, input] of plan.inputs.entries()) {
    let from: string;
    let inner: Rendered | null = null;
    switch (input.kind) {
      case 'rule':
        if (input.source === null) {
          return unsupported(`the correlation input ${input.tag}`, 'its query names no table to read');
        }
        from = `${input.source}\n    | where ${input.expression}`;
        break;
      case 'correlation': {
        counter.n += 1;
        const rendered = renderPlan(input.plan, `sigma_c${counter.n}`, counter);
        if (rendered.kind === 'unsupported') return rendered;
        inner = rendered;
        lets.push(...rendered.lets);
        from = rendered.table;
        break;
      }
      default:
        return assertNever(input);
    }
    const cols = projection(plan, input, index, inner);
    if (typeof cols !== 'string') return cols;
    branches.push(`${from}\n    | project ${cols}`);
  }
  const present = plan.groupBy.map((_, i) => `isnotempty(${groupColumn(i)})`);
  const rowsName = `${prefix}_rows`;
  const union =
    branches.length === 1 ? branches[0]! : `union\n    ${branches.map((b) => `(${b})`).join(',\n    ')}`;
  lets.push(
    `let ${rowsName} = materialize(${union}${present.length > 0 ? `\n    | where ${present.join(' and ')}` : ''}\n    | serialize ${ROW} = row_number());`,
  );
  const span = kustoSpan(plan.timespanSeconds);
  const k = keys(plan);
  const out = [
    `${T}`,
    ...plan.groupBy.map((name, i) => `${kustoName(name)} = ${groupColumn(i)}`),
  ];

  if (plan.type === 'temporal_ordered') {
    // B_k(x), for a row x of input k: the latest start time (time of the input-1 row) of a chain of rows
    // of inputs 1..k with t1 <= ... <= tk = x's time; rows older than x by the timespan or more cannot
    // start a chain that ends within the timespan of a later anchor, so each step joins within the window.
    let previous = `${prefix}_b1`;
    lets.push(
      `let ${previous} = ${rowsName}\n    | where ${ORDER} == 1\n    | project ${ROW}, ${T}, ${k.join(', ')}, sigma_start = ${T};`,
    );
    for (let step = 2; step <= plan.inputs.length; step++) {
      const name = `${prefix}_b${step}`;
      lets.push(
        [
          `let ${name} = ${rowsName}`,
          `    | where ${ORDER} == ${step}`,
          `    | join kind=inner (${previous} | project sigma_t = ${T}, ${k.join(', ')}, sigma_prev = sigma_start) on ${k.join(', ')}`,
          `    | where sigma_t <= ${T} and sigma_t > ${T} - ${span}`,
          `    | summarize sigma_start = max(sigma_prev) by ${ROW}, ${T}, ${k.join(', ')};`,
        ].join('\n'),
      );
      previous = name;
    }
    const table = `${previous}\n    | where sigma_start > ${T} - ${span}\n    | project ${out.join(', ')}`;
    return finish(prefix, lets, table);
  }

  let aggregate: string;
  let post: string | null = null;
  switch (plan.type) {
    case 'event_count':
      aggregate = `${RESULT} = count()`;
      break;
    case 'value_count':
      aggregate = `${RESULT} = count_distinctif(sigma_r_value, isnotempty(sigma_r_value))`;
      break;
    case 'temporal':
      aggregate = `${RESULT} = count_distinct(sigma_r_rule)`;
      break;
    case 'value_sum':
      aggregate = 'sigma_n = countif(isnotnull(sigma_r_value)), sigma_sum = sumif(sigma_r_value, isnotnull(sigma_r_value))';
      post = `${RESULT} = iff(sigma_n == 0, real(null), sigma_sum)`;
      break;
    case 'value_avg':
      aggregate = 'sigma_n = countif(isnotnull(sigma_r_value)), sigma_sum = sumif(sigma_r_value, isnotnull(sigma_r_value))';
      post = `${RESULT} = iff(sigma_n == 0, real(null), sigma_sum / sigma_n)`;
      break;
    case 'value_percentile':
      // README: the share, in percent, of the window's values of the field that equal the anchor's value.
      aggregate = 'sigma_n = countif(isnotempty(sigma_r_value)), sigma_same = countif(sigma_r_value == sigma_value)';
      post = `${RESULT} = iff(isempty(sigma_value) or sigma_n == 0, real(null), 100.0 * sigma_same / sigma_n)`;
      break;
    default:
      return assertNever(plan.type);
  }
  const right = [`sigma_t = ${T}`, ...k];
  if (plan.type === 'temporal') right.push(`sigma_r_rule = ${RULE}`);
  if (plan.field !== null) right.push(`sigma_r_value = ${VALUE}`);
  const condition = conditionBounds(plan.condition)
    .map(([op, n]) => `${RESULT} ${C_COMPARISON[op]} ${String(n)}`)
    .join(' and ');
  const lines = [
    rowsName,
    `    | join kind=inner (${rowsName} | project ${right.join(', ')}) on ${k.join(', ')}`,
    `    | where sigma_t > ${T} - ${span} and sigma_t <= ${T}`,
    `    | summarize ${aggregate} by ${[ROW, T, ...k, ...(plan.type === 'value_percentile' ? [VALUE] : [])].join(', ')}`,
  ];
  if (post !== null) lines.push(`    | extend ${post}`);
  if (condition !== '') lines.push(`    | where ${condition}`);
  // The aggregate comes out under the correlation type's name, like the sql target's column.
  lines.push(`    | project ${[...out, `${plan.type} = ${RESULT}`].join(', ')}`);
  return finish(prefix, lets, lines.join('\n'));
}

/** An inner plan's firings become a `let` of their own (an outer plan reads them by name). */
function finish(prefix: string, lets: string[], table: string): Rendered {
  if (prefix === 'sigma') return { kind: 'rendered', lets, table };
  const name = `${prefix}_fired`;
  return { kind: 'rendered', lets: [...lets, `let ${name} = ${table};`], table: name };
}

/** The whole query: the let statements, then the firings of the outermost correlation. */
export const sentinelCorrelation: CorrelationRenderer = (plan): CorrelationQuery | Unsupported => {
  const rendered = renderPlan(plan, 'sigma', { n: 0 });
  if (rendered.kind === 'unsupported') return rendered;
  return { kind: 'correlation-query', text: [...rendered.lets, rendered.table].join('\n'), warnings: [] };
};
