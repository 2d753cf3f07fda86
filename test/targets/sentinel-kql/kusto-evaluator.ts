/**
 * Runs exactly the Kusto the sentinel-kql correlation renderer writes (src/targets/sentinel-kql/
 * correlation.ts) over test rows, with the documented semantics of each operator (learn.microsoft.com/
 * kusto/query): let, materialize, union (all rows), where, project, extend, serialize + row_number(),
 * join kind=inner (every matching pair), summarize ... by, and the scalar functions used (tostring of
 * an absent value is "", toreal of text that is no number is null, comparisons with null are null and
 * `where` keeps only true). The rule filters are limited to `tostring(F) == "v"` and `tostring(F) in (...)`.
 * Anything else throws, so an unread construct cannot pass. Times are seconds.
 */

export type KValue = string | number | boolean | null;
export type KRow = Record<string, KValue>;

/** Splits at a separator outside parentheses, brackets and double quotes. */
function splitTop(text: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted !== null) {
      if (c === '\\') i++;
      else if (c === quoted) quoted = null;
    } else if (c === '"' || c === "'") quoted = c;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (depth === 0 && text.startsWith(sep, i)) {
      out.push(text.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

/** The text inside the parentheses that open at `open`, and what follows them. */
function parenthesised(text: string, open: number): { inside: string; rest: string } {
  let depth = 0;
  let quoted: string | null = null;
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (quoted !== null) {
      if (c === '\\') i++;
      else if (c === quoted) quoted = null;
    } else if (c === '"' || c === "'") quoted = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return { inside: text.slice(open + 1, i), rest: text.slice(i + 1) };
  }
  throw new Error(`unbalanced parentheses: ${text}`);
}

const SPAN: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

function columnName(text: string): string {
  const m = /^\['((?:[^'\\]|\\.)*)'\]$/.exec(text);
  if (m) return m[1]!.replace(/\\(.)/g, '$1');
  if (/^[A-Za-z_]\w*$/.test(text)) return text;
  throw new Error(`column not understood: ${text}`);
}

function isNull(v: KValue): v is null {
  return v === null;
}

function cmp(op: string, a: KValue, b: KValue): KValue {
  if (isNull(a) || isNull(b)) return null;
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    default:
      throw new Error(`operator ${op}`);
  }
}

/** A scalar expression of the renderer's output, on one row. */
export function scalar(text: string, row: KRow): KValue {
  const t = text.trim();
  const ors = splitTop(t, ' or ');
  if (ors.length > 1) {
    const vs = ors.map((o) => scalar(o, row));
    return vs.includes(true) ? true : vs.includes(null) ? null : false;
  }
  const ands = splitTop(t, ' and ');
  if (ands.length > 1) {
    const vs = ands.map((a) => scalar(a, row));
    return vs.includes(false) ? false : vs.includes(null) ? null : true;
  }
  for (const op of [' == ', ' != ', ' >= ', ' <= ', ' > ', ' < ']) {
    const parts = splitTop(t, op);
    if (parts.length === 2) return cmp(op.trim(), scalar(parts[0]!, row), scalar(parts[1]!, row));
  }
  const inList = splitTop(t, ' in (');
  if (inList.length === 2) {
    const v = scalar(inList[0]!, row);
    const items = splitTop(inList[1]!.replace(/\)$/, ''), ', ').map((i) => scalar(i, row));
    return v === null ? null : items.includes(v);
  }
  // Left-associative: split at the last operator of the lowest precedence.
  for (const ops of [[' - '], [' / ', ' * ']]) {
    let best: { at: number; op: string } | null = null;
    for (const op of ops) {
      const parts = splitTop(t, op);
      if (parts.length < 2) continue;
      const at = t.length - parts[parts.length - 1]!.length - op.length;
      if (best === null || at > best.at) best = { at, op };
    }
    if (best !== null) {
      const a = scalar(t.slice(0, best.at), row);
      const b = scalar(t.slice(best.at + best.op.length), row);
      if (typeof a !== 'number' || typeof b !== 'number') return null;
      return best.op === ' - ' ? a - b : best.op === ' / ' ? a / b : a * b;
    }
  }
  let m: RegExpExecArray | null;
  if ((m = /^"((?:[^"\\]|\\.)*)"$/.exec(t))) return m[1]!.replace(/\\(.)/g, '$1');
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  if ((m = /^(\d+)([smhd])$/.exec(t))) return Number(m[1]) * SPAN[m[2]!]!;
  if ((m = /^([a-z_]+)\((.*)\)$/s.exec(t))) {
    const args = m[2] === '' ? [] : splitTop(m[2]!, ', ');
    const arg = (i: number) => scalar(args[i]!, row);
    switch (m[1]) {
      case 'tostring': {
        const v = arg(0);
        return v === null ? '' : String(v);
      }
      case 'toreal': {
        const v = arg(0);
        if (typeof v === 'number') return v;
        return typeof v === 'string' && /^\s*[-+]?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : null;
      }
      case 'isnotempty': {
        const v = arg(0);
        return v !== null && v !== '';
      }
      case 'isnotnull':
        return arg(0) !== null;
      case 'isempty': {
        const v = arg(0);
        return v === null || v === '';
      }
      case 'not': {
        const v = arg(0);
        return v === null ? null : !v;
      }
      case 'real':
        if (args[0] === 'null') return null;
        break;
      case 'iff': {
        return arg(0) === true ? arg(1) : arg(2);
      }
    }
    throw new Error(`function not understood: ${t}`);
  }
  const name = columnName(t);
  return row[name] ?? null;
}

/** `name = expr` or a bare column. */
function assignment(text: string): { name: string; expr: string } {
  const parts = splitTop(text, ' = ');
  if (parts.length === 2) return { name: columnName(parts[0]!.trim()), expr: parts[1]! };
  return { name: columnName(text.trim()), expr: text.trim() };
}

function aggregate(text: string, rows: readonly KRow[]): KValue {
  const m = /^([a-z_]+)\((.*)\)$/.exec(text.trim());
  if (!m) throw new Error(`aggregate not understood: ${text}`);
  const args = m[2] === '' ? [] : splitTop(m[2]!, ', ');
  const values = (i: number) => rows.map((r) => scalar(args[i]!, r));
  const where = (i: number) => rows.map((r) => scalar(args[i]!, r) === true);
  switch (m[1]) {
    case 'count':
      return rows.length;
    case 'count_distinct':
      return new Set(values(0).filter((v) => v !== null)).size;
    case 'count_distinctif': {
      const keep = where(1);
      return new Set(values(0).filter((v, i) => keep[i] && v !== null)).size;
    }
    case 'countif':
      return where(0).filter(Boolean).length;
    case 'sumif': {
      const keep = where(1);
      return values(0).reduce<number>((a, v, i) => (keep[i] && typeof v === 'number' ? a + v : a), 0);
    }
    case 'max': {
      const ns = values(0).filter((v): v is number => typeof v === 'number');
      return ns.length === 0 ? null : Math.max(...ns);
    }
    default:
      throw new Error(`aggregate not understood: ${text}`);
  }
}

export class KustoRun {
  private readonly lets = new Map<string, KRow[]>();

  constructor(private readonly tables: Readonly<Record<string, readonly KRow[]>>) {}

  run(query: string): KRow[] {
    const statements = splitTop(query, ';\n');
    for (const s of statements.slice(0, -1)) {
      const m = /^let (\w+) = ([\s\S]*)$/.exec(s.trim());
      if (!m) throw new Error(`statement not understood: ${s}`);
      this.lets.set(m[1]!, this.tabular(m[2]!));
    }
    return this.tabular(statements[statements.length - 1]!);
  }

  private tabular(text: string): KRow[] {
    const t = text.trim();
    let rows: KRow[];
    let rest: string;
    if (t.startsWith('materialize(')) {
      const p = parenthesised(t, t.indexOf('('));
      rows = this.tabular(p.inside);
      rest = p.rest;
    } else if (t.startsWith('union\n')) {
      rows = [];
      rest = t.slice('union'.length);
      for (;;) {
        rest = rest.replace(/^[\s,]+/, '');
        if (!rest.startsWith('(')) break;
        const p = parenthesised(rest, 0);
        rows.push(...this.tabular(p.inside));
        rest = p.rest;
      }
    } else {
      const m = /^(\w+)([\s\S]*)$/.exec(t)!;
      const source = this.lets.get(m[1]!) ?? this.tables[m[1]!];
      if (source === undefined) throw new Error(`unknown table ${m[1]}`);
      rows = [...source];
      rest = m[2]!;
    }
    const ops = splitTop(rest.trim(), '| ').map((o) => o.trim()).filter((o) => o !== '');
    for (const op of ops) rows = this.operator(op, rows);
    return rows;
  }

  private operator(op: string, rows: KRow[]): KRow[] {
    let m: RegExpExecArray | null;
    if ((m = /^where ([\s\S]*)$/.exec(op))) return rows.filter((r) => scalar(m![1]!, r) === true);
    if ((m = /^project ([\s\S]*)$/.exec(op))) {
      const cols = splitTop(m[1]!, ', ').map(assignment);
      return rows.map((r) => Object.fromEntries(cols.map((c) => [c.name, scalar(c.expr, r)])));
    }
    if ((m = /^extend ([\s\S]*)$/.exec(op))) {
      const cols = splitTop(m[1]!, ', ').map(assignment);
      return rows.map((r) => ({ ...r, ...Object.fromEntries(cols.map((c) => [c.name, scalar(c.expr, r)])) }));
    }
    if ((m = /^serialize (\w+) = row_number\(\)$/.exec(op))) {
      return rows.map((r, i) => ({ ...r, [m![1]!]: i + 1 }));
    }
    if ((m = /^join kind=inner ([\s\S]*)$/.exec(op))) {
      const p = parenthesised(m[1]!, 0);
      const right = this.tabular(p.inside);
      const on = /^ on (.*)$/.exec(p.rest);
      if (!on) throw new Error(`join not understood: ${op}`);
      const keys = on[1]!.split(', ').map(columnName);
      const out: KRow[] = [];
      for (const l of rows) {
        for (const r of right) {
          if (!keys.every((k) => l[k] !== null && l[k] !== undefined && l[k] === r[k])) continue;
          const row: KRow = { ...l };
          for (const [k, v] of Object.entries(r)) if (!keys.includes(k)) row[k in row ? `${k}1` : k] = v;
          out.push(row);
        }
      }
      return out;
    }
    if ((m = /^summarize ([\s\S]*) by (.*)$/.exec(op))) {
      const aggs = splitTop(m[1]!, ', ').map(assignment);
      const by = m[2]!.split(', ').map(columnName);
      const groups = new Map<string, KRow[]>();
      for (const r of rows) {
        const key = JSON.stringify(by.map((b) => r[b] ?? null));
        groups.set(key, [...(groups.get(key) ?? []), r]);
      }
      return [...groups.values()].map((g) => ({
        ...Object.fromEntries(by.map((b) => [b, g[0]![b] ?? null])),
        ...Object.fromEntries(aggs.map((a) => [a.name, aggregate(a.expr, g)])),
      }));
    }
    throw new Error(`operator not understood: ${op}`);
  }
}
