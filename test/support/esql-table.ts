import { evaluateEsql, type EsqlEvent, type EsqlEventValue, type EsqlFieldType } from './esql-evaluator.js';
import { parseEsql, type EsqlExpr, type EsqlField } from './esql-parser.js';

/*
 * Runs a whole ES|QL query over a table of events (tests only): the commands the correlation renderer
 * writes, from Elastic's command reference (https://www.elastic.co/docs/reference/query-languages/esql/commands/):
 * - FROM: the events given (index patterns are not checked).
 * - WHERE keeps a row when its condition is true; EVAL adds columns left to right (esql-evaluator.ts).
 * - MV_EXPAND col: one row per value of col (a null stays one row).
 * - STATS aggs BY groups: one row per distinct combination of the group values; a multi-valued group
 *   value puts the row in the group of each of its values, a null is a group of its own
 *   (commands/stats-by, "multivalued fields" note: the entire row goes into each group). Aggregates:
 *   COUNT(*) rows, COUNT(x) the non-null values of x, SUM, AVG, MIN, MAX over the non-null values (null
 *   for none; MIN/MAX of numbers only: dates are longs here);
 *   a multi-valued x adds every value. No aggregates: the distinct group combinations.
 * - KEEP names (no patterns): those columns, in that order.
 * - A grouping function (BUCKET) anywhere but in STATS is an error, as Elasticsearch's analyzer says
 *   ("cannot use grouping function [...] outside of a STATS command": x-pack/plugin/esql Verifier,
 *   VerifierTests.testBucketOnlyInAggs; the grouping-functions page lists them under STATS only).
 * Anything else is an error. Rows come out in first-seen order.
 */

export type EsqlRow = Record<string, EsqlEventValue>;

export type EsqlTableResult = { readonly ok: true; readonly rows: readonly EsqlRow[] } | { readonly ok: false; readonly error: string };

class TableError {
  constructor(readonly message: string) {}
}

type Scalar = string | number | boolean;

const valuesOf = (v: EsqlEventValue | undefined): Scalar[] => (v === undefined || v === null ? [] : Array.isArray(v) ? [...(v as Scalar[])] : [v as Scalar]);

function packValues(values: readonly Scalar[]): EsqlEventValue {
  return values.length === 0 ? null : values.length === 1 ? (values[0] ?? null) : values;
}

function evalIn(row: EsqlRow, expr: EsqlExpr, types: Record<string, EsqlFieldType>): { value: EsqlEventValue; type: string } {
  const r = evaluateEsql(expr, row, { types });
  if (!r.ok) throw new TableError(r.error);
  return { value: r.value.value as EsqlEventValue, type: r.value.type };
}

function remember(types: Record<string, EsqlFieldType>, name: string, type: string): void {
  if (type === 'keyword' || type === 'text' || type === 'long' || type === 'integer' || type === 'double' || type === 'boolean' || type === 'ip') types[name] = type;
}

function aggregate(field: EsqlField, rows: readonly EsqlRow[], types: Record<string, EsqlFieldType>): EsqlEventValue {
  const e = field.expr;
  if (e.kind !== 'call') throw new TableError('STATS: an aggregate must be a function call');
  const name = e.name.toUpperCase();
  if (name === 'COUNT' && e.star) return rows.length;
  const arg = e.args[0];
  if (arg === undefined || e.args.length !== 1) throw new TableError(`STATS: ${name} takes one argument here`);
  const all = rows.flatMap((r) => valuesOf(evalIn(r, arg, types).value));
  const numbers = (): number[] => all.map((v) => {
    if (typeof v !== 'number') throw new TableError(`STATS: ${name} of a non-number`);
    return v;
  });
  switch (name) {
    case 'COUNT':
      return all.length;
    case 'SUM':
      return all.length === 0 ? null : numbers().reduce((a, b) => a + b, 0);
    case 'AVG':
      return all.length === 0 ? null : numbers().reduce((a, b) => a + b, 0) / all.length;
    case 'MIN':
      return all.length === 0 ? null : Math.min(...numbers());
    case 'MAX':
      return all.length === 0 ? null : Math.max(...numbers());
    default:
      throw new TableError(`STATS: aggregate ${name} is not supported by the test executor`);
  }
}

function stats(rows: readonly EsqlRow[], aggs: readonly EsqlField[], by: readonly EsqlField[], types: Record<string, EsqlFieldType>): EsqlRow[] {
  const groups = new Map<string, { key: EsqlRow; rows: EsqlRow[] }>();
  for (const row of rows) {
    // Every combination of the group values (a multi-valued one in each of its values' groups).
    let combos: EsqlRow[] = [{}];
    for (const g of by) {
      const name = g.name ?? (g.expr.kind === 'field' ? g.expr.parts.join('.') : null);
      if (name === null) throw new TableError('STATS BY: an unnamed expression');
      const { value, type } = evalIn(row, g.expr, types);
      remember(types, name, type);
      const vs: EsqlEventValue[] = value === null ? [null] : [...new Set(valuesOf(value))];
      combos = combos.flatMap((c) => vs.map((v) => ({ ...c, [name]: v })));
    }
    for (const key of combos) {
      const id = JSON.stringify(Object.entries(key));
      const group = groups.get(id) ?? { key, rows: [] };
      group.rows.push(row);
      groups.set(id, group);
    }
  }
  if (by.length === 0 && groups.size === 0) groups.set('[]', { key: {}, rows: [] });
  const out: EsqlRow[] = [];
  for (const { key, rows: members } of groups.values()) {
    const row: EsqlRow = {};
    for (const a of aggs) {
      if (a.name === null) throw new TableError('STATS: name each aggregate');
      row[a.name] = aggregate(a, members, types);
    }
    out.push({ ...row, ...key });
  }
  for (const a of aggs) if (a.name !== null) delete types[a.name];
  return out;
}

/** The grouping functions (grouping-functions page): usable in STATS ... BY only. */
const GROUPING_FUNCTIONS = new Set(['BUCKET', 'BIN', 'CATEGORIZE', 'TBUCKET']);

/** The first grouping function called anywhere in `node` (a parsed expression), or null. */
function groupingCall(node: unknown): string | null {
  if (Array.isArray(node)) {
    for (const n of node) {
      const found = groupingCall(n);
      if (found !== null) return found;
    }
    return null;
  }
  if (typeof node !== 'object' || node === null) return null;
  const o = node as Record<string, unknown>;
  if (o['kind'] === 'call' && typeof o['name'] === 'string' && GROUPING_FUNCTIONS.has(o['name'].toUpperCase())) return o['name'];
  return groupingCall(Object.values(o));
}

export function runEsqlTable(query: string, events: readonly EsqlEvent[], options: { readonly types?: Readonly<Record<string, EsqlFieldType>> } = {}): EsqlTableResult {
  const parsed = parseEsql(query);
  if (!parsed.ok) return { ok: false, error: `syntax error at ${parsed.offset}: ${parsed.message}` };
  for (const c of parsed.ast.commands) {
    const found = c.kind === 'stats' ? null : groupingCall(c);
    if (found !== null) return { ok: false, error: `cannot use grouping function [${found}] outside of a STATS command` };
  }
  const types: Record<string, EsqlFieldType> = { ...(options.types ?? {}) };
  try {
    let rows: EsqlRow[] = [];
    for (const c of parsed.ast.commands) {
      switch (c.kind) {
        case 'from':
          rows = events.map((e) => ({ ...e }));
          break;
        case 'where':
          rows = rows.filter((r) => {
            const { value, type } = evalIn(r, c.condition, types);
            if (type !== 'boolean' && type !== 'null') throw new TableError(`WHERE condition must be [boolean], found [${type}]`);
            return value === true;
          });
          break;
        case 'eval':
          rows = rows.map((r) => {
            let row = r;
            for (const f of c.fields) {
              if (f.name === null) throw new TableError('EVAL: name each column');
              const { value, type } = evalIn(row, f.expr, types);
              remember(types, f.name, type);
              row = { ...row, [f.name]: value };
            }
            return row;
          });
          break;
        case 'mv-expand':
          rows = rows.flatMap((r) => {
            const vs = valuesOf(r[c.field]);
            return vs.length <= 1 ? [r] : vs.map((v) => ({ ...r, [c.field]: v }));
          });
          break;
        case 'stats':
          rows = stats(rows, c.stats, c.by, types);
          break;
        case 'keep':
          rows = rows.map((r) => Object.fromEntries(c.patterns.map((p) => [p.replace(/^`|`$/g, ''), r[p.replace(/^`|`$/g, '')] ?? null])));
          break;
        case 'row':
        case 'drop':
        case 'sort':
        case 'limit':
          throw new TableError(`${c.kind.toUpperCase()} is not supported by the test executor`);
      }
    }
    return { ok: true, rows: rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, packValues(valuesOf(v))]))) };
  } catch (e) {
    if (e instanceof TableError) return { ok: false, error: e.message };
    throw e;
  }
}
