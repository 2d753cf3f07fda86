/**
 * Runs exactly the SPL the splunk correlation renderer writes (src/targets/splunk/correlation.ts) over
 * test events, with the documented semantics of each command (Splunk Search Reference):
 * multisearch (each subsearch's events, all of them), search (search-evaluator.ts), where, eval,
 * `sort 0` (ascending; ties in an order the caller chooses, since Splunk promises none), streamstats
 * (events so far in stream order, current included; time_window: same group, _time within the span;
 * by-groups), eventstats (over the whole by-group), table, rename. Null-ignoring statistics.
 * Anything else throws, so an unread construct cannot pass.
 *
 * The one fact the docs leave open, whether time_window holds an event exactly one span older, is a
 * parameter (`inclusiveBoundary`); the renderer warns about it.
 */
import { evaluateSearch, parseSearch } from './search-evaluator.js';
import { evaluateWhere, parseWhere } from './where-evaluator.js';

export type Value = string | number | null;
export type Row = Record<string, Value>;

export interface SplunkEvent {
  readonly _time: number;
  readonly fields: Readonly<Record<string, string>>;
}

export interface RunOptions {
  readonly inclusiveBoundary: boolean;
  /** Orders events of equal sort keys (Splunk promises no order among them): a permutation seed. */
  readonly tieSeed: number;
}

function field(row: Row, name: string): Value {
  const bare = name.startsWith("'") ? name.slice(1, -1) : name;
  return row[bare] ?? null;
}

function toNumber(v: Value): number | null {
  if (v === null) return null;
  if (typeof v === 'number') return v;
  return /^[-+]?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : null;
}

/** Splits at a separator outside parentheses and double quotes. */
function splitTop(text: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && text.startsWith(sep, i)) {
      out.push(text.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

/** eval expressions of the renderer: "str", number, field, 'field', tonumber(F), null(), if(test, X, Y). */
function evalExpr(text: string, row: Row): Value {
  let m: RegExpExecArray | null;
  if ((m = /^"((?:[^"\\]|\\.)*)"$/.exec(text))) return m[1]!.replace(/\\(.)/g, '$1');
  if (/^-?\d+$/.test(text)) return Number(text);
  if (text === 'null()') return null;
  if ((m = /^(\d+)\*(\w+)\/(\w+)$/.exec(text))) {
    const a = toNumber(field(row, m[2]!));
    const b = toNumber(field(row, m[3]!));
    return a === null || b === null || b === 0 ? null : (Number(m[1]) * a) / b;
  }
  if ((m = /^tonumber\((.+)\)$/.exec(text))) return toNumber(field(row, m[1]!));
  if ((m = /^if\((.*)\)$/.exec(text))) {
    const [test, a, b, ...rest] = splitTop(m[1]!, ', ');
    if (b === undefined || rest.length > 0) throw new Error(`if() not understood: ${text}`);
    return whereHolds(test!, row) ? evalExpr(a!, row) : evalExpr(b, row);
  }
  if (/^(?:[A-Za-z_]\w*|'[^']*')$/.test(text)) return field(row, text);
  throw new Error(`eval expression not understood: ${text}`);
}

function assignments(text: string, row: Row): Row {
  const out = { ...row };
  for (const part of splitTop(text, ', ')) {
    const eq = part.indexOf('=');
    out[part.slice(0, eq)] = evalExpr(part.slice(eq + 1), out);
  }
  return out;
}

/** The correlation where clauses: OR of AND of atoms (isnotnull(F), F<op>N, F>_time-N), parentheses. */
function whereHolds(text: string, row: Row): boolean {
  const ors = splitTop(text, ' OR ');
  if (ors.length > 1) return ors.some((t) => whereHolds(t, row));
  const ands = splitTop(text, ' AND ');
  if (ands.length > 1) return ands.every((t) => whereHolds(t, row));
  const atom = text;
  let m: RegExpExecArray | null;
  if ((m = /^\((.*)\)$/.exec(atom))) return whereHolds(m[1]!, row);
  if ((m = /^isnotnull\((\w+)\)$/.exec(atom))) return field(row, m[1]!) !== null;
  if ((m = /^(\w+)>_time-(\d+)$/.exec(atom))) {
    const v = toNumber(field(row, m[1]!));
    return v !== null && v > (row['_time'] as number) - Number(m[2]);
  }
  if ((m = /^(\w+)(>=|<=|==|!=|>|<)(-?\d+(?:\.\d+)?)$/.exec(atom))) {
    const v = toNumber(field(row, m[1]!));
    if (v === null) return false;
    const n = Number(m[3]);
    return { '>=': v >= n, '<=': v <= n, '==': v === n, '!=': v !== n, '>': v > n, '<': v < n }[m[2]!]!;
  }
  if ((m = /^(\w+)==([A-Za-z_]\w*)$/.exec(atom))) {
    const a = toNumber(field(row, m[1]!));
    return a !== null && a === toNumber(field(row, m[2]!));
  }
  throw new Error(`where atom not understood: ${atom}`);
}

function spanSeconds(text: string): number {
  const m = /^(\d+)([smhd])$/.exec(text);
  if (!m) throw new Error(`span not understood: ${text}`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

function groupKey(row: Row, by: readonly string[]): string {
  return JSON.stringify(by.map((f) => field(row, f)));
}

type Stat = { fn: string; arg: string | null; as: string };

function parseStats(text: string): { stats: Stat[]; by: string[] } {
  const [aggs = '', byText] = text.split(' by ');
  const stats: Stat[] = [];
  const re = /(count|dc|sum|avg|max)(?:\((\w+)\))? as (\w+)/g;
  let m: RegExpExecArray | null;
  let consumed = '';
  while ((m = re.exec(aggs))) {
    stats.push({ fn: m[1]!, arg: m[2] ?? null, as: m[3]! });
    consumed += m[0];
  }
  if (consumed.replace(/ /g, '') !== aggs.replace(/ /g, '')) throw new Error(`statistics not understood: ${aggs}`);
  return { stats, by: byText === undefined ? [] : byText.split(' ') };
}

function statistic(stat: Stat, rows: readonly Row[]): Value {
  if (stat.fn === 'count' && stat.arg === null) return rows.length;
  if (stat.fn === 'count') return rows.filter((r) => field(r, stat.arg ?? '') !== null).length;
  const values = rows.map((r) => field(r, stat.arg ?? '')).filter((v): v is string | number => v !== null);
  switch (stat.fn) {
    case 'dc':
      return new Set(values.map(String)).size;
    case 'sum':
    case 'avg':
    case 'max': {
      const ns = values.map(toNumber).filter((n): n is number => n !== null);
      if (ns.length === 0) return null;
      if (stat.fn === 'max') return Math.max(...ns);
      const sum = ns.reduce((a, b) => a + b, 0);
      return stat.fn === 'sum' ? sum : sum / ns.length;
    }
    default:
      throw new Error(`statistic not understood: ${stat.fn}`);
  }
}

/** A deterministic permutation (so ties come in an order the test chooses). */
function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function runSubsearch(text: string, events: readonly SplunkEvent[]): Row[] {
  const m = /^(?:search )?(.*?)(?: \| where (.*?))? \| eval (.*?)(?: \| where (.*))?$/.exec(text);
  if (!m) throw new Error(`subsearch not understood: ${text}`);
  const search = parseSearch(m[1]!);
  const where = m[2] === undefined ? null : parseWhere(m[2]);
  const out: Row[] = [];
  for (const e of events) {
    if (!evaluateSearch(search, e.fields)) continue;
    if (where !== null && !evaluateWhere(where, e.fields)) continue;
    const row = assignments(m[3]!, { ...e.fields, _time: e._time });
    if (m[4] === undefined || whereHolds(m[4], row)) out.push(row);
  }
  return out;
}

export function runCorrelationSpl(spl: string, events: readonly SplunkEvent[], options: RunOptions): Row[] {
  const lines = spl.split('\n');
  let rows: Row[];
  let i = 0;
  if (lines[0] === '| multisearch') {
    rows = [];
    i = 1;
    while (i < lines.length && lines[i]!.startsWith('    [')) {
      rows.push(...runSubsearch(lines[i]!.slice(5, -1), events));
      i++;
    }
    if (i < 3) throw new Error('multisearch needs at least two subsearches');
  } else {
    rows = runSubsearch(lines[0]!, events);
    i = 1;
  }
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    let m: RegExpExecArray | null;
    if ((m = /^\| where (.*)$/.exec(line))) {
      rows = rows.filter((r) => whereHolds(m![1]!, r));
    } else if ((m = /^\| sort 0 (.*)$/.exec(line))) {
      const keys = m[1]!.split(', ');
      rows = shuffle(rows, options.tieSeed).sort((a, b) => {
        for (const k of keys) {
          const d = (toNumber(field(a, k)) ?? 0) - (toNumber(field(b, k)) ?? 0);
          if (d !== 0) return d;
        }
        return 0;
      });
    } else if ((m = /^\| eval (.*)$/.exec(line))) {
      rows = rows.map((r) => assignments(m![1]!, r));
    } else if ((m = /^\| streamstats (?:time_window=(\w+) )?(.*)$/.exec(line))) {
      const span = m[1] === undefined ? Infinity : spanSeconds(m[1]);
      const { stats, by } = parseStats(m[2]!);
      const seen: Row[] = [];
      rows = rows.map((r) => {
        seen.push(r);
        const t = r['_time'] as number;
        const window = seen.filter((w) => {
          if (groupKey(w, by) !== groupKey(r, by)) return false;
          const age = t - (w['_time'] as number);
          return options.inclusiveBoundary ? age <= span : age < span;
        });
        const out = { ...r };
        for (const s of stats) out[s.as] = statistic(s, window);
        return out;
      });
    } else if ((m = /^\| eventstats (.*)$/.exec(line))) {
      const { stats, by } = parseStats(m[1]!);
      const groups = new Map<string, Row[]>();
      for (const r of rows) groups.set(groupKey(r, by), [...(groups.get(groupKey(r, by)) ?? []), r]);
      // The docs promise no order after eventstats: the rows come out shuffled, so nothing may rely on it.
      rows = shuffle(
        rows.map((r) => {
          const out = { ...r };
          for (const s of stats) out[s.as] = statistic(s, groups.get(groupKey(r, by))!);
          return out;
        }),
        options.tieSeed + 1,
      );
    } else if ((m = /^\| table (.*)$/.exec(line))) {
      const keep = m[1]!.split(' ');
      rows = rows.map((r) => Object.fromEntries(keep.map((k) => [k, r[k] ?? null])));
    } else if ((m = /^\| rename (.*)$/.exec(line))) {
      const pairs = m[1]!.split(', ').map((p) => {
        const pm = /^(\w+) AS "([^"]*)"$/.exec(p);
        if (!pm) throw new Error(`rename not understood: ${p}`);
        return [pm[1]!, pm[2]!] as const;
      });
      rows = rows.map((r) => {
        const out: Row = {};
        for (const [k, v] of Object.entries(r)) out[pairs.find(([from]) => from === k)?.[1] ?? k] = v;
        return out;
      });
    } else {
      throw new Error(`command not understood: ${line}`);
    }
  }
  return rows;
}
