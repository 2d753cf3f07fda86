import type { CorrelationBounds as Bounds, CorrelationType as CorrelationKind } from '../../src/rule/model.js';

/**
 * The independent evaluator of correlation semantics, written from the README's "Correlation rules"
 * section, NOT from any renderer: the SQL and ES|QL tests compare their engines' results with it, and
 * the Splunk and Sentinel tests through correlation-reference.ts (events as text fields).
 */

export type Cell = string | number | null;

/** One row: an event one input matched (or a firing of an inner correlation). */
export interface EvalRow {
  /** Milliseconds; null = no time (belongs to no window). */
  readonly time: number | null;
  readonly tag: string;
  /** Per group-by name, the row's value. */
  readonly groups: readonly Cell[];
  readonly value: Cell;
}

/** The correlation types and condition bounds of the rule model (types only: the evaluation stays independent). */
export type { CorrelationKind, Bounds };

export interface EvalCorrelation {
  readonly type: CorrelationKind;
  readonly timespanMs: number;
  /** The input tags in `rules` order. */
  readonly tags: readonly string[];
  /** As written; temporal types default to gte: number of inputs. */
  readonly condition: Bounds;
}

export interface Firing {
  readonly time: number;
  readonly groups: readonly Cell[];
  readonly value: number | null;
}

/** Equality as the SQL engines compare stored values: same type and same value. */
const same = (a: Cell, b: Cell): boolean => a !== null && b !== null && typeof a === typeof b && a === b;
const key = (c: Cell): string => `${typeof c}:${String(c)}`;

function holds(value: number | null, b: Bounds): boolean {
  if (value === null) return false;
  return (
    (b.gt === undefined || value > b.gt) &&
    (b.gte === undefined || value >= b.gte) &&
    (b.lt === undefined || value < b.lt) &&
    (b.lte === undefined || value <= b.lte) &&
    (b.eq === undefined || value === b.eq) &&
    (b.neq === undefined || value !== b.neq)
  );
}

/** The firings of a correlation over its rows, sorted by time then group values. */
export function evaluate(c: EvalCorrelation, rows: readonly EvalRow[]): Firing[] {
  const condition = (c.type === 'temporal' || c.type === 'temporal_ordered') && Object.keys(c.condition).length === 0 ? { gte: c.tags.length } : c.condition;
  // A row without time or with an absent group-by value belongs to no group.
  const kept = rows.filter((r) => r.time !== null && r.groups.every((g) => g !== null));
  const out: Firing[] = [];
  for (const r of kept) {
    const rt = r.time as number;
    const window = kept.filter((w) => {
      const t = w.time as number;
      return w.groups.every((g, i) => same(g, r.groups[i] ?? null)) && t > rt - c.timespanMs && t <= rt;
    });
    let value: number | null;
    switch (c.type) {
      case 'event_count':
        value = window.length;
        break;
      case 'value_count':
        value = new Set(window.filter((w) => w.value !== null).map((w) => key(w.value))).size;
        break;
      case 'value_sum':
      case 'value_avg': {
        const nums = window.flatMap((w) => (typeof w.value === 'number' ? [w.value] : []));
        if (nums.length === 0) value = null;
        else {
          const sum = nums.reduce((a, b) => a + b, 0);
          value = c.type === 'value_sum' ? sum : sum / nums.length;
        }
        break;
      }
      case 'value_percentile': {
        if (r.value === null) {
          value = null;
          break;
        }
        const present = window.filter((w) => w.value !== null);
        value = (100 * present.filter((w) => same(w.value, r.value)).length) / present.length;
        break;
      }
      case 'temporal':
        value = new Set(window.map((w) => w.tag)).size;
        break;
      case 'temporal_ordered': {
        if (r.tag !== c.tags[c.tags.length - 1]) continue;
        // Greedy: the earliest row of each earlier input at or after the previous one's time.
        let prev = -Infinity;
        let found = true;
        for (const tag of c.tags.slice(0, -1)) {
          const times = window.filter((w) => w.tag === tag && (w.time as number) >= prev).map((w) => w.time as number);
          if (times.length === 0) {
            found = false;
            break;
          }
          prev = Math.min(...times);
        }
        if (found) out.push({ time: rt, groups: r.groups, value: null });
        continue;
      }
    }
    if (holds(value, condition)) out.push({ time: rt, groups: r.groups, value });
  }
  return out.sort((a, b) => a.time - b.time || JSON.stringify(a.groups).localeCompare(JSON.stringify(b.groups)));
}
