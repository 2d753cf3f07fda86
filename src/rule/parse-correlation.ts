import { error } from '../diagnostics/diagnostic.js';
import type { SourceSpan } from '../diagnostics/span.js';
import type { YamlMap, YamlNode } from '../yaml/node.js';
import { mapGet } from '../yaml/node.js';
import type { CorrelationAlias, CorrelationBounds, CorrelationRef, CorrelationType, SigmaCorrelation } from './model.js';
import { FieldReader, readMeta } from './schema.js';

/**
 * A correlation document (SPEC-DIGEST §8): type, rules (with where each reference stands), group-by,
 * timespan in seconds (s m h d w; months and years refused), condition (bounds ANDed, field for value_*
 * types), aliases and generate. References are resolved later, across the run (src/correlation/).
 */

const CORRELATION_TYPES: readonly CorrelationType[] = [
  'event_count',
  'value_count',
  'temporal',
  'temporal_ordered',
  'value_sum',
  'value_avg',
  'value_percentile',
];

/** Seconds per timespan unit; months and years have no fixed length and are refused. */
const TIMESPAN_UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** Most rules one correlation may combine: a query over more is refused rather than generated. */
const MAX_CORRELATION_RULES = 1000;

/** The keys of a correlation condition, in the fixed order renderers and explain write them. */
export const BOUND_KEYS = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'] as const;

function isValueType(type: CorrelationType): boolean {
  return type === 'value_count' || type === 'value_sum' || type === 'value_avg' || type === 'value_percentile';
}

export function parseCorrelation(reader: FieldReader, index: number, file: string): SigmaCorrelation | null {
  const meta = readMeta(reader, 'correlation');
  const entry = mapGet(reader.node, 'correlation');
  if (entry === undefined || entry.value.kind !== 'map') {
    reader.diagnostics.push(error('invalid-type', '`correlation` must be a mapping with type, rules and timespan', entry?.value.span ?? reader.node.span));
    return null;
  }
  const section = entry.value;
  const c = new FieldReader(section, 'correlation.');
  const type = c.enumeration('type', CORRELATION_TYPES);
  if (mapGet(section, 'type') === undefined) c.diagnostics.push(error('missing-field', 'the correlation has no `type`', entry.keySpan));
  const rules = c.stringList('rules');
  if (rules.length === 0) c.diagnostics.push(error('missing-field', 'the correlation has no `rules`: list the ids or names of the rules it correlates', entry.keySpan));
  const rulesNode = mapGet(section, 'rules')?.value;
  const ruleItems: readonly YamlNode[] = rulesNode === undefined ? [] : rulesNode.kind === 'seq' ? rulesNode.items : [rulesNode];
  const ruleRefs: CorrelationRef[] = ruleItems.flatMap((n) => (n.kind === 'scalar' && typeof n.value === 'string' ? [{ value: n.value, span: n.span }] : []));
  if (ruleRefs.length > MAX_CORRELATION_RULES) {
    c.diagnostics.push(
      error('invalid-value', `the correlation combines ${ruleRefs.length} rules; at most ${MAX_CORRELATION_RULES} are converted: split it into smaller correlations`, c.spanOf('rules')),
    );
  }
  const timespan = c.string('timespan', { required: true });
  let timespanSeconds = 0;
  if (timespan !== undefined) {
    const m = /^(\d+)([smhdwMy])$/.exec(timespan);
    const seconds = m === null ? undefined : TIMESPAN_UNITS[m[2] ?? ''];
    if (m === null) {
      c.diagnostics.push(error('invalid-value', `\`correlation.timespan\` ${JSON.stringify(timespan)} must be a number and a unit (s seconds, m minutes, h hours, d days, w weeks), e.g. 1h`, c.spanOf('timespan')));
    } else if (seconds === undefined) {
      c.diagnostics.push(
        error('invalid-value', `\`correlation.timespan\` ${JSON.stringify(timespan)}: months and years have no fixed length; write the window in days or weeks (e.g. 30d)`, c.spanOf('timespan')),
      );
    } else {
      timespanSeconds = Number(m[1]) * seconds;
      if (timespanSeconds === 0 || !Number.isSafeInteger(timespanSeconds)) {
        c.diagnostics.push(error('invalid-value', `\`correlation.timespan\` ${JSON.stringify(timespan)} must be a positive window no longer than a few million years`, c.spanOf('timespan')));
      }
    }
  }
  const groupBy = c.stringList('group-by', { unique: true });
  const condition = type === undefined ? null : correlationCondition(section, type, c);
  const aliases = correlationAliases(section, c);
  const generateNode = mapGet(reader.node, 'generate')?.value;
  if (generateNode !== undefined && !(generateNode.kind === 'scalar' && typeof generateNode.value === 'boolean')) {
    c.diagnostics.push(error('invalid-type', '`generate` must be true or false', generateNode.span));
  }
  const generate = generateNode?.kind === 'scalar' && generateNode.value === true;
  reader.diagnostics.push(...c.diagnostics);
  if (type === undefined || timespan === undefined || condition === null) return null;
  return {
    ...meta,
    file,
    documentIndex: index,
    span: reader.node.span,
    type,
    rules,
    ruleRefs,
    groupBy,
    timespan,
    timespanSeconds,
    condition: condition.bounds,
    field: condition.field,
    aliases,
    generate,
    source: reader.node,
  };
}

/** `condition`: bounds (ANDed) and, for value_* types, `field`. Null when it cannot be read (reported). */
function correlationCondition(section: YamlMap, type: CorrelationType, c: FieldReader): { bounds: CorrelationBounds; field: CorrelationRef | null } | null {
  const entry = mapGet(section, 'condition');
  const temporal = type === 'temporal' || type === 'temporal_ordered';
  if (entry === undefined) {
    if (temporal) return { bounds: {}, field: null };
    c.diagnostics.push(error('missing-field', `a ${type} correlation needs a \`condition\` such as {gte: 10}`, section.span));
    return null;
  }
  if (entry.value.kind !== 'map') {
    c.diagnostics.push(error('invalid-type', '`correlation.condition` must be a mapping such as {gte: 10} (a range: {gt: 100, lte: 200})', entry.value.span));
    return null;
  }
  const bounds: { -readonly [K in keyof CorrelationBounds]: CorrelationBounds[K] } = {};
  let field: CorrelationRef | null = null;
  let failed = false;
  for (const item of entry.value.entries) {
    if ((BOUND_KEYS as readonly string[]).includes(item.key)) {
      const v = item.value;
      if (v.kind !== 'scalar' || typeof v.value !== 'number' || !Number.isFinite(v.value)) {
        c.diagnostics.push(error('invalid-type', `\`correlation.condition.${item.key}\` must be a number`, v.span));
        failed = true;
        continue;
      }
      bounds[item.key as (typeof BOUND_KEYS)[number]] = v.value;
    } else if (item.key === 'field') {
      const v = item.value;
      if (v.kind === 'scalar' && typeof v.value === 'string') field = { value: v.value, span: v.span };
      else if (v.kind === 'seq' && v.items.length === 1 && v.items[0]?.kind === 'scalar' && typeof v.items[0].value === 'string') {
        field = { value: v.items[0].value, span: v.items[0].span };
      } else {
        const what = v.kind === 'seq' ? 'several fields have no defined meaning here' : 'it must be a field name';
        c.diagnostics.push(error('invalid-value', `\`correlation.condition.field\` names one field; ${what}: write one field name`, v.span));
        failed = true;
      }
    } else {
      c.diagnostics.push(error('invalid-value', `\`correlation.condition.${item.key}\` is not a condition key; use gt, gte, lt, lte, eq, neq (and field for value_* types)`, item.keySpan));
      failed = true;
    }
  }
  if (failed) return null;
  if (Object.keys(bounds).length === 0) {
    c.diagnostics.push(error('missing-field', '`correlation.condition` has no bound: add one of gt, gte, lt, lte, eq, neq (several are ANDed)', entry.keySpan));
    return null;
  }
  if (isValueType(type) && field === null) {
    c.diagnostics.push(error('missing-field', `a ${type} correlation needs \`condition.field\`: the field whose values it aggregates`, entry.keySpan));
    return null;
  }
  if (!isValueType(type) && field !== null) {
    c.diagnostics.push(error('invalid-value', `\`condition.field\` has no meaning for a ${type} correlation; remove it`, field.span));
    return null;
  }
  return { bounds, field };
}

/** `aliases: {alias: {ruleNameOrId: field}}`. */
function correlationAliases(section: YamlMap, c: FieldReader): CorrelationAlias[] {
  const entry = mapGet(section, 'aliases');
  if (entry === undefined || (entry.value.kind === 'scalar' && entry.value.value === null)) return [];
  if (entry.value.kind !== 'map') {
    c.diagnostics.push(error('invalid-type', '`correlation.aliases` must be a mapping: alias name -> {rule name or id: field}', entry.value.span));
    return [];
  }
  const out: CorrelationAlias[] = [];
  for (const alias of entry.value.entries) {
    if (alias.value.kind !== 'map') {
      c.diagnostics.push(error('invalid-type', `\`correlation.aliases.${alias.key}\` must be a mapping: rule name or id -> field`, alias.value.span));
      continue;
    }
    const fields: { rule: string; field: string; span: SourceSpan }[] = [];
    for (const f of alias.value.entries) {
      if (f.value.kind !== 'scalar' || typeof f.value.value !== 'string') {
        c.diagnostics.push(error('invalid-type', `\`correlation.aliases.${alias.key}.${f.key}\` must be a field name`, f.value.span));
        continue;
      }
      fields.push({ rule: f.key, field: f.value.value, span: f.keySpan });
    }
    out.push({ name: alias.key, span: alias.keySpan, fields });
  }
  return out;
}
