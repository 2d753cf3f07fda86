import { BOUND_KEYS } from '../rule/parse-correlation.js';
import type { CorrelationCondition, CorrelationInput, CorrelationPlan } from './plan.js';

/*
 * Small pieces every correlation renderer needs, so each target only says how they are written.
 */

export type ConditionOperator = keyof CorrelationCondition;

/** The internal column holding group-by entry `i` (the sigma_ prefix is reserved, so no Sigma field is shadowed). */
export function groupColumn(i: number): string {
  return `sigma_g${i}`;
}

/** The bounds given, in BOUND_KEYS' fixed order (deterministic whatever order the YAML used); the renderer ANDs them. */
export function conditionBounds(condition: CorrelationCondition): ReadonlyArray<readonly [ConditionOperator, number]> {
  const out: Array<readonly [ConditionOperator, number]> = [];
  for (const op of BOUND_KEYS) {
    const value = condition[op];
    if (value !== undefined) out.push([op, value]);
  }
  return out;
}

/** The comparison operator of languages with C-like comparisons (SPL eval, Kusto). */
export const C_COMPARISON: Readonly<Record<ConditionOperator, string>> = {
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
  eq: '==',
  neq: '!=',
};

/** A span written in the largest unit that divides it: 3600 -> [1, 'h']; 604800 -> [7, 'd']. */
export function spanInUnits(seconds: number): readonly [number, 'd' | 'h' | 'm' | 's'] {
  if (seconds % 86400 === 0) return [seconds / 86400, 'd'];
  if (seconds % 3600 === 0) return [seconds / 3600, 'h'];
  if (seconds % 60 === 0) return [seconds / 60, 'm'];
  return [seconds, 's'];
}

/** The field an input contributes for group-by entry `index` (a mapped event field or an inner group-by name). */
export function inputGroupField(input: CorrelationInput, index: number): string {
  const field = input.groupBy[index];
  if (field === undefined) throw new Error(`correlation input ${input.tag} has no group-by field ${index}`);
  return field;
}

/**
 * How much older than a firing the events behind it can be: the plan's timespan plus, for chained inputs,
 * the longest of theirs (an inner firing at the edge of the window stands on events one inner timespan older).
 */
export function planLookbackSeconds(plan: CorrelationPlan): number {
  let inner = 0;
  for (const input of plan.inputs) {
    if (input.kind === 'correlation') inner = Math.max(inner, planLookbackSeconds(input.plan));
  }
  return plan.timespanSeconds + inner;
}

/** The sources (tables, indexes) the plan's rules read, chained plans included, each once, in order. */
export function planSources(plan: CorrelationPlan): string[] {
  const out: string[] = [];
  for (const input of plan.inputs) {
    const found = input.kind === 'rule' ? (input.source === null ? [] : [input.source]) : planSources(input.plan);
    for (const s of found) if (!out.includes(s)) out.push(s);
  }
  return out;
}
