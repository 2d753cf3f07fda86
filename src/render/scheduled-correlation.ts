import { spanInUnits } from '../correlation/render-helpers.js';
import type { FormatInput, FormattedDocument } from './format.js';

/*
 * A correlation in a scheduled search or rule. Each run looks back over its own interval; a correlation
 * fires at an anchor whose window reaches one timespan further back, so a run must also read that much
 * older data, and then report only the anchors inside its own interval (else consecutive runs report
 * the same firing again).
 */

/**
 * How far back before its own interval a run must read, in seconds: a correlation's look-back (its timespan
 * plus the longest chain of inner timespans), or null for a detection rule.
 */
export function correlationSpan(document: FormattedDocument, input: FormatInput): number | null {
  if (document.kind !== 'correlation') return null;
  return input.lookbackSeconds ?? document.timespanSeconds;
}

/**
 * Splunk: `dispatch.earliest_time` moved back by the timespan. Relative time modifiers chain offsets and
 * snaps from left to right (Splunk Search Reference, "Time modifiers"), so `-20m@m` becomes
 * `-20m@m-3600s`; seconds, so a daylight-saving change cannot make an hour or a day longer or shorter.
 */
export function splunkEarliest(earliest: string, spanSeconds: number | null): string {
  return spanSeconds === null ? earliest : `${earliest}-${spanSeconds}s`;
}

/**
 * Splunk: the correlation's search keeps only firings at or after the run's own start. `addinfo` adds
 * `info_min_time`, the search's earliest time (Search Reference, "addinfo"), which is that start moved
 * back by exactly the look-back.
 */
export function splunkSearch(query: string, spanSeconds: number | null): string {
  if (spanSeconds === null) return query;
  return `${query}\n| addinfo\n| where _time>=info_min_time+${spanSeconds}\n| fields - info_min_time, info_max_time, info_search_time, info_sid`;
}

function minutesOf(duration: string): number | null {
  const m = /^(\d+)([mhd])$/.exec(duration);
  return m === null ? null : Number(m[1]) * { m: 1, h: 60, d: 1440 }[m[2] as 'm' | 'h' | 'd'];
}

/** Minutes as `<n>d`, `<n>h` or `<n>m`, the largest unit that divides them. */
function minutesText(minutes: number): string {
  const [n, unit] = spanInUnits(minutes * 60);
  return `${n}${unit}`;
}

/** Sentinel's limit for queryPeriod (docs, "Create a scheduled analytics rule": 5 minutes to 14 days). */
const MAX_PERIOD_MINUTES = 14 * 24 * 60;

export interface SentinelSchedule {
  /** queryPeriod: the option, or queryFrequency plus the timespan (whole minutes, rounded up) when longer. */
  readonly period: string;
  /** Why Sentinel cannot schedule it, or null. */
  readonly problem: string | null;
}

export function sentinelSchedule(frequency: string, period: string, spanSeconds: number | null): SentinelSchedule {
  const f = minutesOf(frequency);
  const p = minutesOf(period);
  if (spanSeconds === null || f === null || p === null) return { period, problem: null };
  const needed = f + Math.ceil(spanSeconds / 60);
  if (needed > MAX_PERIOD_MINUTES) {
    return {
      period,
      problem: `a scheduled analytics rule reads at most 14 days back (queryPeriod), and this correlation needs its query frequency (${frequency}) plus its look-back (${Math.ceil(spanSeconds / 60)} minutes: its timespan and those of the correlations it chains); use a shorter query_frequency or the query format`,
    };
  }
  return { period: p >= needed ? period : minutesText(needed), problem: null };
}

/** Sentinel: only the firings of the last queryFrequency (each run reports its own interval). */
export function sentinelQuery(query: string, frequency: string, spanSeconds: number | null): string {
  return spanSeconds === null ? query : `${query}\n| where TimeGenerated > ago(${frequency})`;
}
