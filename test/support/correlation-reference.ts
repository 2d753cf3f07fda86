import type { CorrelationPlan } from '../../src/correlation/plan.js';

/**
 * The correlation semantics of the README ("Correlation rules"), written directly and slowly from it,
 * independent of any renderer: rows per input, groups, the look-back window
 * (r.time - span < t <= r.time), the aggregate and the condition, one firing per anchor row.
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

interface Row {
  readonly time: number;
  readonly tag: string;
  readonly order: number;
  readonly groups: readonly (string | undefined)[];
  readonly value: string | undefined;
}

/** A number as SPL tonumber() / Kusto toreal() read the text: a decimal numeral, else none. */
function numeric(v: string | undefined): number | null {
  if (v === undefined || !/^[-+]?\d+(\.\d+)?$/.test(v.trim())) return null;
  return Number(v);
}

function holds(plan: CorrelationPlan, v: number | null): boolean {
  if (v === null) return false;
  const c = plan.condition;
  return (
    (c.gt === undefined || v > c.gt) &&
    (c.gte === undefined || v >= c.gte) &&
    (c.lt === undefined || v < c.lt) &&
    (c.lte === undefined || v <= c.lte) &&
    (c.eq === undefined || v === c.eq) &&
    (c.neq === undefined || v !== c.neq)
  );
}

/** `matches(tag, event)`: does the input rule with this tag match the event. */
export function referenceFirings(
  plan: CorrelationPlan,
  events: readonly TestEvent[],
  matches: (tag: string, event: TestEvent) => boolean,
  /** Whether an empty string counts as absent (Kusto) or as a value (Splunk). */
  emptyIsAbsent = false,
): Firing[] {
  const present = (v: string | undefined): v is string => v !== undefined && !(emptyIsAbsent && v === '');
  const rows: Row[] = [];
  plan.inputs.forEach((input, order) => {
    if (input.kind === 'rule') {
      for (const e of events) {
        if (!matches(input.tag, e)) continue;
        rows.push({
          time: e.time,
          tag: input.tag,
          order,
          groups: input.groupBy.map((f) => e.fields[f]),
          value: input.field === null ? undefined : e.fields[input.field],
        });
      }
    } else {
      for (const f of referenceFirings(input.plan, events, matches, emptyIsAbsent)) {
        rows.push({
          time: f.time,
          tag: input.tag,
          order,
          groups: input.groupBy.map((name) => f.groups[input.plan.groupBy.indexOf(name)]),
          value: undefined,
        });
      }
    }
  });
  const grouped = rows.filter((r) => r.groups.every(present));
  const out: Firing[] = [];
  for (const r of grouped) {
    const window = grouped.filter(
      (w) => w.groups.every((g, i) => g === r.groups[i]) && w.time > r.time - plan.timespanSeconds && w.time <= r.time,
    );
    let value: number | null;
    switch (plan.type) {
      case 'event_count':
        value = window.length;
        break;
      case 'value_count':
        value = new Set(window.map((w) => w.value).filter(present)).size;
        break;
      case 'temporal':
        value = new Set(window.map((w) => w.tag)).size;
        break;
      case 'value_sum':
      case 'value_avg': {
        const ns = window.map((w) => numeric(w.value)).filter((n): n is number => n !== null);
        const sum = ns.reduce((a, b) => a + b, 0);
        value = ns.length === 0 ? null : plan.type === 'value_sum' ? sum : sum / ns.length;
        break;
      }
      case 'temporal_ordered': {
        const last = plan.inputs.length - 1;
        if (r.order !== last) continue;
        // Is there a chain of rows of inputs 0..last-1 with non-decreasing times, all <= r.time, in the window?
        const chain = (k: number, after: number): boolean =>
          k === last || window.some((w) => w.order === k && w.time >= after && w.time <= r.time && chain(k + 1, w.time));
        if (chain(0, -Infinity)) out.push({ time: r.time, groups: r.groups as string[], value: null });
        continue;
      }
      case 'value_percentile': {
        // README: the share, in percent, of the window's values of the field that equal the anchor's value.
        const values = window.map((w) => w.value).filter(present);
        value = present(r.value) && values.length > 0 ? (100 * values.filter((v) => v === r.value).length) / values.length : null;
        break;
      }
    }
    if (holds(plan, value)) out.push({ time: r.time, groups: r.groups as string[], value });
  }
  return out;
}

/** Firings as sorted strings, to compare as multisets. */
export function firingKeys(firings: readonly Firing[]): string[] {
  return firings
    .map((f) => JSON.stringify([f.time, f.groups, f.value === null ? null : Math.round(f.value * 1e6) / 1e6]))
    .sort();
}
