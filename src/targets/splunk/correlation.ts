import type { CorrelationPlan, CorrelationQuery, CorrelationRenderer, CorrelationRuleInput } from '../../correlation/plan.js';
import {
  C_COMPARISON,
  conditionBounds,
  inputGroupField,
  isDefaultOrderedCondition,
  spanInUnits,
} from '../../correlation/render-helpers.js';
import { assertNever } from '../../diagnostics/assert-never.js';
import { type Unsupported, unsupported } from '../../lower/target.js';
import { evalFieldName, quote } from './spl-text.js';

/*
 * Correlation rules in Splunk SPL (semantics: README "Correlation rules"; the splunk README says how).
 * Facts relied on (Splunk Search Reference 9.x/10.x, help.splunk.com/.../spl-search-reference/.../search-commands/):
 * - multisearch: a generating command running at least two subsearches at once, each made of streaming
 *   commands only; search, eval and where are named as such. An event matched by two subsearches comes
 *   out once per subsearch (rows, not a set).
 * - sort: `sort 0` sorts every result (the default count is 10,000); ascending unless `-`.
 * - streamstats: statistics of the events seen so far, current event included; `time_window` bounds
 *   them by _time and needs the events sorted by time; a `by` clause keeps one window per group.
 * - eventstats: adds a statistic over all events of the by-group to each event.
 * - stats functions count/dc/sum/avg/max ignore null values; dc counts distinct values.
 * - table keeps the listed fields; rename AS "quoted name" sets a field name with any characters.
 */

const RULE = 'sigma_rule';
const ORDER = 'sigma_order';
const VALUE = 'sigma_value';
const RESULT = 'sigma_result';

function groupColumn(i: number): string {
  return `sigma_g${i}`;
}

/** A group-by name as the output column (`rename ... AS "name"`); `*` is a rename wildcard. */
function renameTarget(name: string): string | Unsupported {
  if (/[*"\\]/.test(name) || name === '') {
    return unsupported(`the group-by name '${name}'`, 'Splunk rename cannot write a field name with *, " or \\');
  }
  return `"${name}"`;
}

function eventField(name: string): string | Unsupported {
  return evalFieldName(name) ?? unsupported(`the field name '${name}'`, "an eval field name cannot contain ' or \\");
}

/** One input's search with its tag, order, group keys and value as eval assignments. */
function inputSearch(plan: CorrelationPlan, input: CorrelationRuleInput, index: number): string | Unsupported {
  const assignments = [`${RULE}=${quote(input.tag)}`, `${ORDER}=${index + 1}`];
  for (let i = 0; i < plan.groupBy.length; i++) {
    const f = eventField(inputGroupField(input, i));
    if (typeof f !== 'string') return f;
    assignments.push(`${groupColumn(i)}=${f}`);
  }
  if (plan.field !== null) {
    if (input.field === null) return unsupported('a value_* correlation input without its field', 'the plan gave none');
    const f = eventField(input.field);
    if (typeof f !== 'string') return f;
    // value_sum/value_avg add numbers: tonumber() is null for a value that is not one, and null is ignored.
    assignments.push(`${VALUE}=${plan.type === 'value_count' ? f : `tonumber(${f})`}`);
  }
  const search = input.source === null ? input.expression : `index=${input.source} (${input.expression})`;
  const where = input.postFilter === null ? '' : ` | where ${input.postFilter}`;
  return `search ${search}${where} | eval ${assignments.join(', ')}`;
}

/** The window's statistic as a streamstats aggregation over the rows. */
function windowStatistic(plan: CorrelationPlan): string | Unsupported {
  switch (plan.type) {
    case 'event_count':
      return 'count';
    case 'value_count':
      return `dc(${VALUE})`;
    case 'temporal':
      return `dc(${RULE})`;
    case 'value_sum':
      return `sum(${VALUE})`;
    case 'value_avg':
      return `avg(${VALUE})`;
    case 'value_percentile':
      return unsupported(
        'a value_percentile correlation',
        'the Sigma specification does not define which percentile of what it compares, and Splunk has no exact percentile over a sliding window',
      );
    case 'temporal_ordered':
      return unsupported('temporal_ordered as a window statistic', 'it is rendered as a sequence');
    default:
      return assertNever(plan.type);
  }
}

/** The output columns are _time, the group-by names and the type's name: they must differ. */
function outputClash(plan: CorrelationPlan): Unsupported | null {
  const seen = new Set<string>();
  for (const name of ['_time', ...plan.groupBy, plan.type]) {
    if (seen.has(name)) {
      return unsupported(`the group-by name '${name}'`, `the output columns (_time, the group-by names, ${plan.type}) must differ`);
    }
    seen.add(name);
  }
  return null;
}

export const splunkCorrelation: CorrelationRenderer = (plan): CorrelationQuery | Unsupported => {
  const searches: string[] = [];
  for (const [index, input] of plan.inputs.entries()) {
    if (input.kind === 'correlation') {
      return unsupported(
        'a chained correlation (a correlation over correlations)',
        "the inner correlation's firings are not a streaming search, so multisearch cannot take them, and append/join truncate their subsearch results",
      );
    }
    const s = inputSearch(plan, input, index);
    if (typeof s !== 'string') return s;
    searches.push(s);
  }
  const renames: string[] = [];
  const clash = outputClash(plan);
  if (clash !== null) return clash;
  for (const [i, name] of plan.groupBy.entries()) {
    const target = renameTarget(name);
    if (typeof target !== 'string') return target;
    renames.push(`${groupColumn(i)} AS ${target}`);
  }
  const g = plan.groupBy.map((_, i) => groupColumn(i));
  const by = g.length === 0 ? '' : ` by ${g.join(' ')}`;
  const [n, unit] = spanInUnits(plan.timespanSeconds);
  const span = `${n}${unit}`;

  const lines =
    searches.length === 1
      ? [searches[0]!.slice('search '.length)]
      : ['| multisearch', ...searches.map((s) => `    [${s}]`)];
  // A row whose group-by field is absent belongs to no group (design, Group).
  if (g.length > 0) lines.push(`| where ${g.map((c) => `isnotnull(${c})`).join(' AND ')}`);

  const warnings: string[] = [];
  let output: string[];
  if (plan.type === 'temporal_ordered') {
    if (!isDefaultOrderedCondition(plan)) {
      return unsupported(
        'a temporal_ordered condition other than the default',
        'the ordered sequence itself is the condition (all inputs in the listed order within the timespan)',
      );
    }
    // Rows at the same time stand in the listed order, so "t(k-1) <= t(k)" includes equal times.
    // sigma_a after step k: the latest start (time of an input-1 row) of a chain of inputs 1..k ending at or
    // before this row. Only a start within the timespan of the anchor can fire, so each window is the timespan;
    // whether a row exactly one timespan older is inside it cannot change the result (its start fails the test).
    lines.push(`| sort 0 _time, ${ORDER}`);
    lines.push(`| eval sigma_b=if(${ORDER}==1, _time, null())`);
    for (let step = 2; step <= plan.inputs.length; step++) {
      lines.push(`| streamstats time_window=${span} max(sigma_b) as sigma_a${by}`);
      lines.push(`| eval sigma_b=if(${ORDER}==${step}, sigma_a, null())`);
    }
    lines.push(`| where ${ORDER}==${plan.inputs.length} AND sigma_b>_time-${plan.timespanSeconds}`);
    output = ['_time', ...g];
  } else {
    const statistic = windowStatistic(plan);
    if (typeof statistic !== 'string') return statistic;
    const tie = ['_time', ...g].join(' ');
    lines.push('| sort 0 _time');
    if (statistic === 'count') {
      lines.push(`| streamstats time_window=${span} count as sigma_n${by}`);
      // Rows with the same time share one window; streamstats saw all of them only at the last one,
      // whose running count is the largest: that count is every tied row's.
      lines.push(`| eventstats max(sigma_n) as ${RESULT} by ${tie}`);
    } else {
      lines.push(`| streamstats time_window=${span} count as sigma_n ${statistic} as sigma_window${by}`);
      // As above: the last tied row (largest running count) holds the statistic of the shared window.
      lines.push(`| eventstats max(sigma_n) as sigma_last by ${tie}`);
      lines.push(`| eval sigma_pick=if(sigma_n==sigma_last, sigma_window, null())`);
      lines.push(`| eventstats max(sigma_pick) as ${RESULT} by ${tie}`);
    }
    const condition = conditionBounds(plan.condition)
      .map(([op, v]) => `${RESULT}${C_COMPARISON[op]}${String(v)}`)
      .join(' AND ');
    if (condition !== '') lines.push(`| where ${condition}`);
    output = ['_time', ...g, RESULT];
    // The aggregate comes out under the correlation type's name, like the sql target's column.
    renames.push(`${RESULT} AS "${plan.type}"`);
    warnings.push(
      `Splunk's streamstats documentation does not say whether an event exactly ${plan.correlation.timespan} older than the anchor is inside time_window (the Sigma window excludes it)`,
    );
  }
  lines.push(`| table ${output.join(' ')}`);
  if (renames.length > 0) lines.push(`| rename ${renames.join(', ')}`);
  return { kind: 'correlation-query', text: lines.join('\n'), warnings };
};
