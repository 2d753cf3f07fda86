import { matchesOf, type Expr, type ExprMatch } from '../ast/expr.js';
import { assertNever } from '../diagnostics/assert-never.js';
import type { LogSource, SigmaRule } from '../rule/model.js';
import { mapGet } from '../yaml/node.js';
import { evalCondExpr } from './cond-expr.js';
import { printSigmaString } from '../value/sigma-string.js';
import type { ConditionSet, DetectionItemCondition, FieldNameCondition, PipelineState, RuleCondition } from './types.js';

/** What rule conditions look at: the rule as the pipelines have transformed it so far. */
export interface RuleView {
  readonly rule: SigmaRule;
  readonly logsource: LogSource;
  readonly detection: Expr;
  readonly appliedIds: ReadonlySet<string>;
  readonly state: PipelineState;
}

export function evalConditionSet<C>(set: ConditionSet<C>, test: (c: C) => boolean): boolean {
  // No conditions: the transformation applies everywhere (negation only applies to conditions given).
  if (set.conditions.length === 0) return true;
  const byId = new Map(set.conditions.map((c) => [c.id, c.condition]));
  return evalCondExpr(set.combine, (id) => {
    const c = byId.get(id);
    return c !== undefined && test(c);
  });
}

export function ruleConditionHolds(c: RuleCondition, view: RuleView): boolean {
  switch (c.type) {
    case 'logsource':
      // Like pySigma's LogsourceCondition: each field the condition names must equal the rule's.
      return (['category', 'product', 'service'] as const).every((k) => c[k] === undefined || view.logsource[k]?.toLowerCase() === c[k]?.toLowerCase());
    case 'tag':
      return view.rule.tags.some((t) => t.toLowerCase() === c.tag.toLowerCase());
    case 'rule_attribute':
      return attributeHolds(view.rule, view.logsource, c.attribute, c.value, c.op);
    case 'contains_field':
      return matchesOf(view.detection).some((m) => m.field === c.field);
    case 'processing_item_applied':
      return view.appliedIds.has(c.processingItemId);
    case 'processing_state': {
      const v = view.state[c.key];
      return typeof v === 'string' ? v === c.val : v !== undefined && v.includes(c.val);
    }
    case 'is_sigma_rule':
      return true;
    default:
      return assertNever(c, 'rule condition');
  }
}

const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'];
// pySigma's SigmaStatus order.
const STATUSES = ['unsupported', 'deprecated', 'experimental', 'test', 'stable'];

function attributeHolds(rule: SigmaRule, logsource: LogSource, attribute: string, expected: string | number, op: string): boolean {
  const known: Record<string, unknown> = {
    // An extension of pySigma's attribute names: the (pipeline-changed) log source's parts, so a
    // pipeline can test that a part is set at all (`op: ne, value: ''`), which logsource cannot.
    'logsource.category': logsource.category,
    'logsource.product': logsource.product,
    'logsource.service': logsource.service,
    title: rule.title,
    id: rule.id,
    name: rule.name,
    status: rule.status,
    description: rule.description,
    license: rule.license,
    author: rule.author,
    references: rule.references,
    date: rule.date,
    modified: rule.modified,
    tags: rule.tags,
    level: rule.level,
    falsepositives: rule.falsepositives,
    fields: rule.fields,
    taxonomy: rule.taxonomy,
  };
  let actual: unknown = Object.prototype.hasOwnProperty.call(known, attribute) ? known[attribute] : undefined;
  if (actual === undefined) {
    // A custom attribute: a top-level scalar of the rule document.
    const entry = mapGet(rule.source, attribute);
    if (entry?.value.kind === 'scalar') actual = entry.value.value;
  }
  if (actual === undefined || actual === null) return false;
  if (Array.isArray(actual)) {
    const has = actual.map(String).includes(String(expected));
    return op === 'in' ? has : op === 'not_in' ? !has : op === 'ne';
  }
  const order = attribute === 'level' ? LEVELS : attribute === 'status' ? STATUSES : null;
  let a: string | number = typeof actual === 'number' ? actual : String(actual);
  let b: string | number = typeof actual === 'number' ? Number(expected) : String(expected);
  if (order !== null) {
    a = order.indexOf(String(actual));
    b = order.indexOf(String(expected));
  }
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'gt':
      return a > b;
    case 'gte':
      return a >= b;
    case 'lt':
      return a < b;
    case 'lte':
      return a <= b;
    default:
      return false;
  }
}

/** Per-item facts the engine tracks: which transformations touched it. */
export interface ItemFacts {
  readonly applied: ReadonlySet<string>;
}

export function fieldNameConditionHolds(c: FieldNameCondition, field: string | null, facts: ItemFacts): boolean {
  switch (c.type) {
    case 'include_fields':
      return field !== null && includes(c, field);
    case 'exclude_fields':
      return !(field !== null && includes(c, field));
    case 'processing_item_applied':
      return facts.applied.has(c.processingItemId);
    default:
      return assertNever(c, 'field name condition');
  }
}

function includes(c: { readonly fields: readonly string[]; readonly mode: 'plain' | 're'; readonly patterns: readonly RegExp[] }, field: string): boolean {
  return c.mode === 'plain' ? c.fields.includes(field) : c.patterns.some((p) => p.test(field));
}

export function detectionItemConditionHolds(c: DetectionItemCondition, item: ExprMatch, facts: ItemFacts): boolean {
  switch (c.type) {
    case 'match_string': {
      const r = item.value.kind === 'string' && c.pattern.test(printSigmaString(item.value.parts));
      return c.negate ? !r : r;
    }
    case 'is_null': {
      const r = item.value.kind === 'null';
      return c.negate ? !r : r;
    }
    case 'contains_wildcard': {
      const r = item.value.kind === 'string' && item.value.parts.some((p) => p.kind === 'wildcard-multi' || p.kind === 'wildcard-single');
      return c.negate ? !r : r;
    }
    case 'processing_item_applied':
      return facts.applied.has(c.processingItemId);
    default:
      return assertNever(c, 'detection item condition');
  }
}
