import type { CorrelationPlan } from '../../src/correlation/plan.js';
import { evaluate, type EvalRow } from './correlation-eval.js';

/**
 * Expected firings for the Splunk and Sentinel correlation tests: events as those engines hold them
 * (text fields), evaluated by the independent evaluator of correlation-eval.ts (README, "Correlation
 * rules"), which the SQL and ES|QL tests use too.
 */

export interface TestEvent {
  /** Seconds. */
  readonly time: number;
  readonly fields: Readonly<Record<string, string>>;
}

export interface Firing {
  readonly time: number;
  readonly groups: readonly string[];
  /** The aggregate (null for temporal_ordered). */
  readonly value: number | null;
}

/** A number as SPL tonumber() / Kusto toreal() read the text: a decimal numeral, else none. */
function numeric(v: string | undefined): number | null {
  if (v === undefined || !/^[-+]?\d+(\.\d+)?$/.test(v.trim())) return null;
  return Number(v);
}

/**
 * `matches(tag, event)`: does the input rule with this tag match the event. The semantics themselves are
 * correlation-eval.ts's `evaluate` (the one independent evaluator); this builds its rows from events whose
 * fields are text, as Splunk and Kusto see them: an absent field (or, with `emptyIsAbsent`, an empty one,
 * as Kusto's isnotempty() reads it) is no value, and value_sum/value_avg read numbers from the text.
 */
export function referenceFirings(
  plan: CorrelationPlan,
  events: readonly TestEvent[],
  matches: (tag: string, event: TestEvent) => boolean,
  emptyIsAbsent = false,
): Firing[] {
  const cell = (v: string | undefined): string | null => (v === undefined || (emptyIsAbsent && v === '') ? null : v);
  const numbers = plan.type === 'value_sum' || plan.type === 'value_avg';
  const rows: EvalRow[] = [];
  for (const input of plan.inputs) {
    if (input.kind === 'rule') {
      for (const e of events) {
        if (!matches(input.tag, e)) continue;
        const raw = input.field === null ? undefined : e.fields[input.field];
        rows.push({
          time: e.time * 1000,
          tag: input.tag,
          groups: input.groupBy.map((f) => cell(e.fields[f])),
          value: numbers ? numeric(raw) : cell(raw),
        });
      }
    } else {
      for (const f of referenceFirings(input.plan, events, matches, emptyIsAbsent)) {
        rows.push({
          time: f.time * 1000,
          tag: input.tag,
          groups: input.groupBy.map((name) => f.groups[input.plan.groupBy.indexOf(name)] ?? null),
          value: null,
        });
      }
    }
  }
  const correlation = {
    type: plan.type,
    timespanMs: plan.timespanSeconds * 1000,
    tags: plan.inputs.map((i) => i.tag),
    condition: plan.condition,
  };
  return evaluate(correlation, rows).map((f) => ({ time: f.time / 1000, groups: f.groups.map(String), value: f.value }));
}

/** Firings as sorted strings, to compare as multisets. */
export function firingKeys(firings: readonly Firing[]): string[] {
  return firings
    .map((f) => JSON.stringify([f.time, f.groups, f.value === null ? null : Math.round(f.value * 1e6) / 1e6]))
    .sort();
}
