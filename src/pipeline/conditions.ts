import { matchesOf, type Expr, type ExprMatch } from '../ast/expr.js';
import { assertNever } from '../diagnostics/assert-never.js';
import type { LogSource, SigmaRule } from '../rule/model.js';
import { mapGet } from '../yaml/node.js';
import { printSigmaString } from '../value/sigma-string.js';
import type { CondExpr, ConditionSet, DetectionItemCondition, FieldNameCondition, PipelineState, RuleCondition } from './types.js';

/** What rule conditions look at: the rule as the pipelines have transformed it so far. */
export interface RuleView {
  readonly rule: SigmaRule;
  readonly logsource: LogSource;
  readonly detection: Expr;
  readonly appliedIds: ReadonlySet<string>;
  readonly state: PipelineState;
}

/**
 * How a condition set is evaluated, worked out once per set (sets are evaluated for every rule and
 * item): 'all' or 'any' when it combines each of its conditions once, in order, by and/or (the loader's
 * default, and nearly every set), so they are tested one by one; else by its expression, compiled
 * (`holds`, its conditions looked up once). `byId`: its conditions by id.
 */
type SetPlan = { readonly kind: 'all' | 'any'; readonly byId: ReadonlyMap<string, unknown> } | { readonly kind: 'expr'; readonly byId: ReadonlyMap<string, unknown>; readonly holds: Compiled };

/** A test of one condition, with the arguments evalConditionSet passes along. */
type Test = (c: unknown, a: unknown, b: unknown) => boolean;
/** A set's expression: whether it holds, each of its conditions tested by `test`. */
type Compiled = (test: Test, a: unknown, b: unknown) => boolean;

/** The expression as nested tests (what evalCondExpr does, with each id looked up here; an id the set does not have is false). */
function compile(e: CondExpr, byId: ReadonlyMap<string, unknown>): Compiled {
  switch (e.kind) {
    case 'ref': {
      if (!byId.has(e.id)) return () => false;
      const c = byId.get(e.id);
      return (test, a, b) => test(c, a, b);
    }
    case 'not': {
      const x = compile(e.operand, byId);
      return (test, a, b) => !x(test, a, b);
    }
    case 'and':
    case 'or': {
      const xs = e.operands.map((o) => compile(o, byId));
      const any = e.kind === 'or';
      return (test, a, b) => {
        for (const x of xs) if (x(test, a, b) === any) return any;
        return !any;
      };
    }
    default:
      return assertNever(e, 'condition expression');
  }
}
const plans = new WeakMap<ConditionSet<unknown>, SetPlan>();

export function planOf<C>(set: ConditionSet<C>): SetPlan {
  const known = plans.get(set);
  if (known !== undefined) return known;
  const byId = new Map(set.conditions.map((c) => [c.id, c.condition]));
  const e = set.combine;
  const eachOnce =
    (e.kind === 'and' || e.kind === 'or') &&
    byId.size === set.conditions.length &&
    e.operands.length === set.conditions.length &&
    e.operands.every((o, i) => o.kind === 'ref' && o.id === set.conditions[i]?.id);
  const plan: SetPlan = eachOnce ? { kind: e.kind === 'and' ? 'all' : 'any', byId } : { kind: 'expr', byId, holds: compile(e, byId) };
  plans.set(set, plan);
  return plan;
}

/**
 * Whether a condition set holds, each condition tested by `test(c, a, b)` (the arguments passed along,
 * so a caller that evaluates a set per detection item makes no closure per item).
 */
export function evalConditionSet<C, A, B>(set: ConditionSet<C>, test: (c: C, a: A, b: B) => boolean, a: A, b: B): boolean {
  // No conditions: the transformation applies everywhere (negation only applies to conditions given).
  const conditions = set.conditions;
  if (conditions.length === 0) return true;
  const plan = planOf(set);
  switch (plan.kind) {
    case 'all':
      for (const c of conditions) if (!test(c.condition, a, b)) return false;
      return true;
    case 'any':
      for (const c of conditions) if (test(c.condition, a, b)) return true;
      return false;
    case 'expr':
      return plan.holds(test as Test, a, b);
    default:
      return assertNever(plan, 'condition set plan');
  }
}

/**
 * The field names a set of field-name conditions can hold for, when it says: those of a plain
 * include_fields among conditions that must all hold (SetPlan 'all'); undefined for any other set. A
 * quick test ahead of the set (apply.ts passes over the other items of a rule without evaluating it).
 */
export function includedFieldNames(set: ConditionSet<FieldNameCondition>): readonly string[] | undefined {
  if (set.conditions.length === 0 || planOf(set).kind !== 'all') return undefined;
  for (const { condition: c } of set.conditions) if (c.type === 'include_fields' && c.mode === 'plain') return c.fields;
  return undefined;
}

/** Whether a transformation's field-name conditions hold for `field` (an item's field, or the field its value refers to). */
export function fieldNamesHold(set: ConditionSet<FieldNameCondition>, field: string | null, facts: ItemFacts): boolean {
  return evalConditionSet(set, fieldNameConditionHolds, field, facts);
}

/** Whether a transformation's detection-item conditions hold for the item. */
export function itemConditionsHold(set: ConditionSet<DetectionItemCondition>, item: ExprMatch, facts: ItemFacts): boolean {
  return evalConditionSet(set, detectionItemConditionHolds, item, facts);
}

/** A log source part as conditions compare it (case-insensitively, as pySigma's LogsourceCondition). */
function sameSourcePart(expected: string | undefined, actual: string | undefined): boolean {
  return expected === undefined || (actual !== undefined && (actual === expected || actual.toLowerCase() === expected.toLowerCase()));
}

export function ruleConditionHolds(c: RuleCondition, view: RuleView): boolean {
  switch (c.type) {
    case 'logsource':
      // Like pySigma's LogsourceCondition: each field the condition names must equal the rule's.
      return logsourceHolds(c, view.logsource);
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

/** The value of one of pySigma's rule attributes (undefined: not one of them, look for a custom one). */
function knownAttribute(rule: SigmaRule, logsource: LogSource, attribute: string): unknown {
  switch (attribute) {
    // An extension of pySigma's attribute names: the (pipeline-changed) log source's parts, so a
    // pipeline can test that a part is set at all (`op: ne, value: ''`), which logsource cannot.
    case 'logsource.category':
      return logsource.category;
    case 'logsource.product':
      return logsource.product;
    case 'logsource.service':
      return logsource.service;
    case 'title':
      return rule.title;
    case 'id':
      return rule.id;
    case 'name':
      return rule.name;
    case 'status':
      return rule.status;
    case 'description':
      return rule.description;
    case 'license':
      return rule.license;
    case 'author':
      return rule.author;
    case 'references':
      return rule.references;
    case 'date':
      return rule.date;
    case 'modified':
      return rule.modified;
    case 'tags':
      return rule.tags;
    case 'level':
      return rule.level;
    case 'falsepositives':
      return rule.falsepositives;
    case 'fields':
      return rule.fields;
    case 'taxonomy':
      return rule.taxonomy;
    default:
      return undefined;
  }
}

const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'];
// pySigma's SigmaStatus order.
const STATUSES = ['unsupported', 'deprecated', 'experimental', 'test', 'stable'];

function attributeHolds(rule: SigmaRule, logsource: LogSource, attribute: string, expected: string | number, op: string): boolean {
  let actual = knownAttribute(rule, logsource, attribute);
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

function logsourceHolds(c: Extract<RuleCondition, { type: 'logsource' }>, logsource: LogSource): boolean {
  return sameSourcePart(c.category, logsource.category) && sameSourcePart(c.product, logsource.product) && sameSourcePart(c.service, logsource.service);
}
