import { assertNever } from '../diagnostics/assert-never.js';
import { conditionsText, targetText } from './item-rewrites.js';
import type { CondExpr, ConditionValue, FieldMappingEntry, ProcessingPipeline, RuleCondition, Transformation } from './types.js';

/**
 * What a pipeline does per log source, derived from its transformations (for `list pipelines`): the
 * log sources its `rule_conditions` name, and for each the conditions it adds, the state it sets (table,
 * index), the log source it changes to, how many field mappings apply, and whether the source is refused
 * or strictly mapped. Nothing here is a second hand-written list: editing a pipeline file changes it.
 */
export interface SourceMapping {
  /** `product=aws service=cloudtrail`, or `every rule` for transformations without a log source condition. */
  readonly logsource: string;
  readonly mapsTo: readonly string[];
}

const EVERY_RULE = 'every rule';

/** The log source conditions a condition expression requires (not under `not`), and whether others take part. */
function logsourcesOf(t: Transformation): { sources: string[]; conditional: boolean } {
  const byId = new Map(t.ruleConditions.conditions.map((c) => [c.id, c.condition] as const));
  const sources: string[] = [];
  let conditional = false;
  const visit = (e: CondExpr, negated: boolean): void => {
    switch (e.kind) {
      case 'ref': {
        const c: RuleCondition | undefined = byId.get(e.id);
        if (c?.type === 'logsource' && !negated) sources.push(logsourceText(c));
        else conditional = true;
        return;
      }
      case 'and':
      case 'or':
        for (const o of e.operands) visit(o, negated);
        return;
      case 'not':
        visit(e.operand, !negated);
        return;
      default:
        return assertNever(e, 'condition expression');
    }
  };
  if (t.ruleConditions.conditions.length > 0) visit(t.ruleConditions.combine, false);
  return { sources, conditional };
}

/** `product=aws service=cloudtrail`: the log source fields given, in that order ('' for none). */
function logsourceFields(l: { readonly product?: string; readonly category?: string; readonly service?: string }): string {
  return (['product', 'category', 'service'] as const)
    .filter((k) => l[k] !== undefined)
    .map((k) => `${k}=${l[k] ?? ''}`)
    .join(' ');
}

function logsourceText(c: Extract<RuleCondition, { type: 'logsource' }>): string {
  const text = logsourceFields(c);
  return text !== '' ? text : EVERY_RULE;
}

function valueText(v: ConditionValue): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** One transformation's effect in a few words, or null for one that only rewrites values. */
function effectOf(t: Transformation): string | null {
  switch (t.type) {
    case 'add_condition': {
      const parts = t.conditions.map((c) => `${c.field}=${c.values.length === 1 ? valueText(c.values[0] ?? null) : `(${c.values.map(valueText).join(' | ')})`}`);
      return t.negated ? `not (${parts.join(' ')})` : parts.join(' ');
    }
    case 'set_state':
      return `${t.key}=${typeof t.val === 'string' ? t.val : t.val.join(', ')}`;
    case 'change_logsource':
      return `log source -> ${logsourceFields(t)}`;
    case 'field_name_mapping':
    case 'field_name_prefix_mapping': {
      // A field mapped to itself is a field the source has under the rule's name: counted, not listed.
      const keptByName = (m: FieldMappingEntry): boolean => m.to.length === 1 && m.to[0] === m.from && !m.guards?.[0];
      const kept = t.mapping.filter(keptByName).length;
      const renamed = t.mapping.filter((m) => !keptByName(m)).map((m) => `${m.from} -> ${m.to.map((to, i) => targetText(to, m.guards?.[i])).join(' | ')}`);
      const what = t.type === 'field_name_mapping' ? 'fields' : 'field prefixes';
      return [renamed.length > 0 ? `${what}: ${renamed.join(', ')}` : '', kept > 0 ? `${kept} ${what} kept by name` : ''].filter((x) => x !== '').join('; ');
    }
    case 'field_name_prefix':
      return `fields prefixed ${t.prefix}`;
    case 'field_name_suffix':
      return `fields suffixed ${t.suffix}`;
    case 'rule_failure':
      return 'refused';
    case 'rule_warning':
      return 'a warning';
    case 'detection_item_failure':
      return `some fields refused (${t.id})`;
    case 'strict_field_mapping_failure':
      return 'any other field refused';
    case 'value_to_condition':
      return `${t.field} values: ${t.mapping.map((e) => `${JSON.stringify(e.value)} -> ${conditionsText(e.conditions, false)}`).join(', ')}`;
    case 'hashes_fields':
      return `hashes: ${t.fields.join(', ')} -> ${Object.entries(t.mapping).map(([a, f]) => `${a.toUpperCase()} ${f}`).join(', ')}`;
    case 'replace_string':
    case 'convert_type':
    case 'value_placeholders':
    case 'wildcard_placeholders':
    case 'drop_detection_item':
      return null;
    default:
      return assertNever(t, 'transformation');
  }
}

/** The log sources a pipeline maps and to what, in the order they first appear in the file. */
export function describePipelineSources(pipeline: ProcessingPipeline): SourceMapping[] {
  const order: string[] = [];
  const effects = new Map<string, string[]>();
  for (const t of pipeline.transformations) {
    const effect = effectOf(t);
    if (effect === null) continue;
    const { sources, conditional } = logsourcesOf(t);
    const text = conditional ? `${effect} (conditional: ${t.id})` : effect;
    for (const source of sources.length > 0 ? sources : [EVERY_RULE]) {
      let list = effects.get(source);
      if (list === undefined) {
        list = [];
        effects.set(source, list);
        order.push(source);
      }
      if (!list.includes(text)) list.push(text);
    }
  }
  return order.map((logsource) => ({ logsource, mapsTo: effects.get(logsource) ?? [] }));
}
