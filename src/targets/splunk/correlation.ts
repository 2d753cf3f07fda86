import type {
  CorrelationChainInput,
  CorrelationPlan,
  CorrelationQuery,
  CorrelationRenderer,
  CorrelationRuleInput,
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

const PLAN = 'sigma_plan';
const RULE = 'sigma_rule';
const ORDER = 'sigma_order';
const VALUE = 'sigma_value';
const RESULT = 'sigma_result';

/** A group-by name as the output column (`rename ... AS "name"`); `*` is a rename wildcard. */
function renameTarget(name: string): string | Unsupported {
  if (/[*"\\]/.test(name) || name === '') {
    return unsupported(`the group-by name '${name}'`, 'Splunk rename cannot write a field name with *, " or \\');
  }
  return `"${name}"`;
}

function eventField(name: string): string | Unsupported {
  // eval assigns left to right: an event field named like the query's own sigma_* fields could be read
  // after it was overwritten.
  if (/^sigma_/i.test(name)) return unsupported(`the field name '${name}'`, 'the correlation query uses sigma_* fields of its own');
  return evalFieldName(name) ?? unsupported(`the field name '${name}'`, "an eval field name cannot contain ' or \\");
}

/**
 * A correlation of the tree (the outermost, or one reached through chained inputs), numbered in the order
 * its steps run: inner correlations before the ones that read their firings.
 */
interface Node {
  readonly plan: CorrelationPlan;
  readonly id: number;
  /** The correlation reading this one's firings, and at which input; null for the outermost. */
  readonly parent: { readonly node: Node; readonly input: CorrelationChainInput; readonly index: number } | null;
}

/** The nodes in step order (post-order), or a refusal when one correlation is read twice. */
function nodesOf(plan: CorrelationPlan): Node[] | Unsupported {
  const out: Node[] = [];
  const seen = new Set<CorrelationPlan>();
  let problem: Unsupported | null = null;
  const visit = (p: CorrelationPlan, parent: Node['parent']): Node => {
    if (seen.has(p)) {
      problem = unsupported(
        'a correlation read twice in one chain',
        'one stream of events carries each firing once, so it cannot feed two inputs',
      );
    }
    seen.add(p);
    // The id is set once the children are numbered (post-order); a placeholder object links them.
    const node: { plan: CorrelationPlan; id: number; parent: Node['parent'] } = { plan: p, id: -1, parent };
    for (const [index, input] of p.inputs.entries()) {
      if (input.kind === 'correlation') visit(input.plan, { node, input, index });
    }
    node.id = out.length;
    out.push(node);
    return node;
  };
  visit(plan, null);
  return problem ?? out;
}

/** One rule input's search with its plan, tag, order, group keys and value as eval assignments. */
function inputSearch(node: Node, input: CorrelationRuleInput, index: number, columns: number, multi: boolean): string | Unsupported {
  const plan = node.plan;
  const assignments = [
    ...(multi ? [`${PLAN}=${node.id}`] : []),
    `${RULE}=${quote(input.tag)}`,
    `${ORDER}=${index + 1}`,
  ];
  for (let i = 0; i < plan.groupBy.length; i++) {
    const f = eventField(inputGroupField(input, i));
    if (typeof f !== 'string') return f;
    assignments.push(`${groupColumn(i)}=${f}`);
  }
  // Correlations of a chain group by different numbers of fields: the unused keys are one constant.
  for (let i = plan.groupBy.length; i < columns; i++) assignments.push(`${groupColumn(i)}=""`);
  if (plan.field !== null) {
    if (input.field === null) return unsupported('a value_* correlation input without its field', 'the plan gave none');
    const f = eventField(input.field);
    if (typeof f !== 'string') return f;
    // value_sum/value_avg add numbers: tonumber() is null for a value that is not one, and null is ignored.
    assignments.push(`${VALUE}=${plan.type === 'value_sum' || plan.type === 'value_avg' ? `tonumber(${f})` : f}`);
  }
  const search = input.source === null ? input.expression : `index=${input.source} (${input.expression})`;
  const where = input.postFilter === null ? '' : ` | where ${input.postFilter}`;
  // In a chain, a row whose group-by field is absent is dropped here, before it joins the other correlations' rows.
  const present = plan.groupBy.map((_, i) => `isnotnull(${groupColumn(i)})`);
  const dropAbsent = multi && present.length > 0 ? ` | where ${present.join(' AND ')}` : '';
  return `search ${search}${where} | eval ${assignments.join(', ')}${dropAbsent}`;
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
      return unsupported('value_percentile as one window statistic', 'it is rendered as two counts');
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

/** The firing test of one correlation's rows, after its steps; null when every row fires. */
interface Steps {
  readonly kind: 'steps';
  readonly lines: string[];
  readonly fires: string | null;
  readonly warning: string | null;
}

/** The steps computing one correlation over the stream; `keys` are the by-fields (plan id first in a chain). */
function steps(plan: CorrelationPlan, keys: readonly string[]): Steps | Unsupported {
  const by = keys.length === 0 ? '' : ` by ${keys.join(' ')}`;
  const [n, unit] = spanInUnits(plan.timespanSeconds);
  const span = `${n}${unit}`;
  const lines: string[] = [];
  if (plan.type === 'temporal_ordered') {
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
    return {
      kind: 'steps',
      lines,
      fires: `${ORDER}==${plan.inputs.length} AND sigma_b>_time-${plan.timespanSeconds}`,
      warning: `Splunk's streamstats documentation does not say whether a time_window is capped at max_stream_window events (limits.conf, 10,000 by default); a group with more events within ${plan.correlation.timespan} could miss an earlier step`,
    };
  }
  const tie = ['_time', ...keys].join(' ');
  const statistic = plan.type === 'value_percentile' ? 'percentile' : windowStatistic(plan);
  if (typeof statistic !== 'string') return statistic;
  lines.push('| sort 0 _time');
  if (statistic === 'percentile') {
    // README: the share, in percent, of the window's values of the field that equal the anchor's value.
    // Both counts only grow along tied events, so the largest among the tied ones is the shared window's.
    lines.push(`| streamstats time_window=${span} count(${VALUE}) as sigma_all${by}`);
    lines.push(`| eventstats max(sigma_all) as sigma_total by ${tie}`);
    lines.push('| sort 0 _time');
    lines.push(`| streamstats time_window=${span} count(${VALUE}) as sigma_same by ${[...keys, VALUE].join(' ')}`);
    lines.push(`| eventstats max(sigma_same) as sigma_match by ${tie} ${VALUE}`);
    lines.push(`| eval ${RESULT}=if(isnotnull(${VALUE}) AND sigma_total>0, 100*sigma_match/sigma_total, null())`);
  } else if (statistic === 'count') {
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
  return {
    kind: 'steps',
    lines,
    fires: condition === '' ? null : condition,
    warning:
      `Splunk's streamstats documentation does not say whether an event exactly ${plan.correlation.timespan} older than the anchor is inside time_window ` +
      '(the Sigma window excludes it), nor whether a time_window is capped at max_stream_window events (limits.conf, 10,000 by default)',
  };
}

/**
 * A chained correlation's firing rows become rows of the correlation reading them: its plan id, the
 * input's tag and order, and its group keys taken from the inner group-by columns (via sigma_h*, since
 * eval assigns left to right).
 */
function promote(node: Node, columns: number): string[] | Unsupported {
  const parent = node.parent;
  if (parent === null) return [];
  const outer = parent.node.plan;
  if (outer.field !== null) {
    return unsupported(
      `a ${outer.type} correlation over a chained correlation`,
      "an inner correlation's firings carry no event field to aggregate",
    );
  }
  const mine = `${PLAN}==${node.id}`;
  const held: string[] = [];
  const moved: string[] = [];
  for (let i = 0; i < columns; i++) {
    let source = '""';
    if (i < outer.groupBy.length) {
      const at = node.plan.groupBy.indexOf(inputGroupField(parent.input, i));
      if (at < 0) return unsupported(`the group-by field of chained input ${parent.input.tag}`, 'the inner correlation does not group by it');
      source = groupColumn(at);
    }
    if (source === groupColumn(i)) continue;
    held.push(`sigma_h${i}=if(${mine}, ${source}, ${groupColumn(i)})`);
    moved.push(`${groupColumn(i)}=sigma_h${i}`);
  }
  const assign = [
    ...moved,
    `${RULE}=if(${mine}, ${quote(parent.input.tag)}, ${RULE})`,
    `${ORDER}=if(${mine}, ${parent.index + 1}, ${ORDER})`,
    `${PLAN}=if(${mine}, ${parent.node.id}, ${PLAN})`,
  ];
  return [...(held.length > 0 ? [`| eval ${held.join(', ')}`] : []), `| eval ${assign.join(', ')}`];
}

export const splunkCorrelation: CorrelationRenderer = (plan): CorrelationQuery | Unsupported => {
  const nodes = nodesOf(plan);
  if (!Array.isArray(nodes)) return nodes;
  const multi = nodes.length > 1;
  const columns = Math.max(...nodes.map((n) => n.plan.groupBy.length));
  const searches: string[] = [];
  for (const node of nodes) {
    for (const [index, input] of node.plan.inputs.entries()) {
      if (input.kind === 'correlation') continue;
      const s = inputSearch(node, input, index, columns, multi);
      if (typeof s !== 'string') return s;
      searches.push(s);
    }
  }
  const renames: string[] = [];
  const clash = outputClash(plan);
  if (clash !== null) return clash;
  for (const [i, name] of plan.groupBy.entries()) {
    const target = renameTarget(name);
    if (typeof target !== 'string') return target;
    renames.push(`${groupColumn(i)} AS ${target}`);
  }

  const lines =
    searches.length === 1
      ? [searches[0]!.slice('search '.length)]
      : ['| multisearch', ...searches.map((s) => `    [${s}]`)];
  const g = plan.groupBy.map((_, i) => groupColumn(i));
  // A row whose group-by field is absent belongs to no group (README, Correlation rules, "Groups").
  if (!multi && g.length > 0) lines.push(`| where ${g.map((c) => `isnotnull(${c})`).join(' AND ')}`);

  const warnings: string[] = [];
  for (const node of nodes) {
    const keys = multi ? [PLAN, ...Array.from({ length: columns }, (_, i) => groupColumn(i))] : g;
    const done = steps(node.plan, keys);
    if (done.kind === 'unsupported') return done;
    lines.push(...done.lines);
    if (done.warning !== null && !warnings.includes(done.warning)) warnings.push(done.warning);
    if (node.parent === null) {
      const tests = [...(multi ? [`${PLAN}==${node.id}`] : []), ...(done.fires === null ? [] : [done.fires])];
      if (tests.length > 0) lines.push(`| where ${tests.join(' AND ')}`);
    } else {
      // Rows of other correlations pass; this one's rows stay only where it fires.
      if (done.fires !== null) lines.push(`| where ${PLAN}!=${node.id} OR (${done.fires})`);
      const promoted = promote(node, columns);
      if (!Array.isArray(promoted)) return promoted;
      lines.push(...promoted);
    }
  }
  const output = plan.type === 'temporal_ordered' ? ['_time', ...g] : ['_time', ...g, RESULT];
  // The aggregate comes out under the correlation type's name, like the sql target's column.
  if (plan.type !== 'temporal_ordered') renames.push(`${RESULT} AS "${plan.type}"`);
  lines.push(`| table ${output.join(' ')}`);
  if (renames.length > 0) lines.push(`| rename ${renames.join(', ')}`);
  return { kind: 'correlation-query', text: lines.join('\n'), warnings };
};
