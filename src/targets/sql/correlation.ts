import { assertNever } from '../../diagnostics/assert-never.js';
import type { CorrelationCondition, CorrelationPlan, CorrelationQuery, CorrelationRenderer } from '../../correlation/plan.js';
import { type ConditionOperator, conditionBounds } from '../../correlation/render-helpers.js';
import { unsupported, type Unsupported } from '../../lower/target.js';
import { identifierProblem, sqlIdentifier, sqlString, unwritableText } from './sql-text.js';

/**
 * Correlation rules in SQL (SQLite; PostgreSQL with `postgres`), with exactly the semantics of the
 * README's "Correlation rules" section:
 *
 * - `<p>_rows`: every input's events as one table (UNION ALL): time, rule tag, group-by values, value field;
 *   a numbered row each. An input rule is its own query as a sub-select; a chained correlation is its
 *   `<p>_fired` table.
 * - `<p>_fired`: per anchor row r, the aggregate over the rows w of its group with
 *   r.time - span < w.time <= r.time, kept when the condition holds. event_count, value_sum, value_avg
 *   and temporal: window functions over a RANGE frame (one sorted pass per group); value_count and
 *   value_percentile: a self-join on the window, GROUP BY the anchor's row number, HAVING the condition
 *   (COUNT(DISTINCT) is not allowed over a window); temporal_ordered: an EXISTS over a chain of rows in the
 *   listed order. Exact at both boundaries in every form.
 * - the final SELECT: one row per firing, ordered by time and group.
 *
 * Time: SQLite reads the timestamp column with unixepoch(col) plus the fraction's digits (ISO-8601 text, any
 * of SQLite's time-value formats; https://sqlite.org/lang_datefunc.html) and compares whole microseconds;
 * PostgreSQL casts it to timestamptz and compares with an interval
 * (https://www.postgresql.org/docs/current/functions-datetime.html).
 */

export const TIMESTAMP_OPTION = 'timestamp-column';
export const DEFAULT_TIMESTAMP_COLUMN = 'timestamp';

interface Ctx {
  readonly pg: boolean;
  readonly timestamp: string;
  readonly ctes: string[];
  readonly names: Map<CorrelationPlan, string>;
}

export const sqlCorrelation: CorrelationRenderer = (plan, options) => {
  const pg = options['postgres'] === true;
  const column = options[TIMESTAMP_OPTION];
  const timestamp = typeof column === 'string' ? column : DEFAULT_TIMESTAMP_COLUMN;
  const problem = identifierProblem(timestamp);
  if (problem !== null) return unsupported(`the timestamp column '${timestamp}'`, problem);
  for (const name of plan.groupBy) {
    const p = identifierProblem(name);
    if (p !== null) return unsupported(`the group-by name '${name}'`, p);
  }
  const out = outputColumns(plan, timestamp);
  if (out.kind === 'unsupported') return out;
  const cols = out.columns;
  const ctx: Ctx = { pg, timestamp, ctes: [], names: new Map() };
  const fired = renderPlan(plan, ctx);
  if (typeof fired !== 'string') return fired;
  const select = [
    // SQLite: the whole milliseconds of the microseconds (floor, also before 1970), as ISO-8601 text.
    `${pg ? '"time"' : `strftime('%Y-%m-%dT%H:%M:%fZ', ("time" - ("time" % 1000 + 1000) % 1000) / 1000 / 1000.0, 'unixepoch')`} AS ${sqlIdentifier(cols[0] ?? timestamp)}`,
    ...plan.groupBy.map((_, i) => `"g${i}" AS ${sqlIdentifier(cols[i + 1] ?? '')}`),
    `"value" AS ${sqlIdentifier(cols[cols.length - 1] ?? plan.type)}`,
  ];
  const order = ['"time"', ...plan.groupBy.map((_, i) => `"g${i}"`)].join(', ');
  const text = `WITH\n${ctx.ctes.join(',\n')}\nSELECT ${select.join(', ')}\nFROM ${sqlIdentifier(fired)}\nORDER BY ${order}`;
  const result: CorrelationQuery = { kind: 'correlation-query', text, warnings: [] };
  return result;
};

/** The output columns: the time (named as the timestamp column), the group-by names, the aggregate. */
function outputColumns(plan: CorrelationPlan, timestamp: string): { readonly kind: 'columns'; readonly columns: readonly string[] } | Unsupported {
  const cols = [timestamp, ...plan.groupBy, plan.type];
  const seen = new Set<string>();
  for (const c of cols) {
    const key = c.toLowerCase();
    if (seen.has(key)) {
      return unsupported(`the output column '${c}'`, `the timestamp column, the group-by names and the aggregate (${plan.type}) must differ (SQL compares column names case-insensitively)`);
    }
    seen.add(key);
  }
  return { kind: 'columns', columns: cols };
}

/** Writes the plan's CTEs (inner plans first) and returns the name of its `_fired` table. */
function renderPlan(plan: CorrelationPlan, ctx: Ctx): string | Unsupported {
  const known = ctx.names.get(plan);
  if (known !== undefined) return known;
  // The window is written in whole microseconds (both engines): exact integers only.
  if (!Number.isSafeInteger(plan.timespanSeconds * 1000000)) {
    return unsupported(`the timespan ${plan.correlation.timespan}`, 'a window longer than about 285 years cannot be written as an exact number of microseconds');
  }
  const inner = new Map<number, string>();
  for (const [i, input] of plan.inputs.entries()) {
    if (input.kind !== 'correlation') continue;
    const name = renderPlan(input.plan, ctx);
    if (typeof name !== 'string') return name;
    inner.set(i, name);
  }
  const p = `c${ctx.names.size}`;
  const rows = `${p}_rows`;
  const fired = `${p}_fired`;
  ctx.names.set(plan, fired);
  const parts: string[] = [];
  for (const [i, input] of plan.inputs.entries()) {
    const bad = unwritableText(input.tag);
    if (bad !== null) return unsupported(`the rule tag ${JSON.stringify(input.tag)}`, bad);
    const cols: string[] = [];
    if (input.kind === 'rule') {
      for (const f of [...input.groupBy, ...(input.field === null ? [] : [input.field])]) {
        const problem = identifierProblem(f);
        if (problem !== null) return unsupported(`the field name '${f}'`, problem);
      }
      const ts = `"i".${sqlIdentifier(ctx.timestamp)}`;
      cols.push(`${timeOf(ts, ctx.pg)} AS "time"`, `${sqlString(input.tag)} AS "tag"`);
      input.groupBy.forEach((g, k) => cols.push(`"i".${sqlIdentifier(g)} AS "g${k}"`));
      cols.push(`${input.field === null ? 'NULL' : valueOf(`"i".${sqlIdentifier(input.field)}`, plan, ctx.pg)} AS "value"`);
      parts.push(`  SELECT ${cols.join(', ')}\n  FROM (${input.query.trim()}) AS "i"`);
    } else {
      const from = inner.get(i) ?? '';
      const innerCol = (name: string): string => `"g${input.plan.groupBy.indexOf(name)}"`;
      cols.push(`"time"`, `${sqlString(input.tag)} AS "tag"`);
      input.groupBy.forEach((g, k) => cols.push(`${innerCol(g)} AS "g${k}"`));
      cols.push(`${input.field === null ? 'NULL' : valueOf(innerCol(input.field), plan, ctx.pg)} AS "value"`);
      parts.push(`  SELECT ${cols.join(', ')}\n  FROM ${sqlIdentifier(from)}`);
    }
  }
  ctx.ctes.push(`${sqlIdentifier(rows)} AS (\n  SELECT ROW_NUMBER() OVER () AS "row", "u".* FROM (\n${parts.join('\n  UNION ALL\n')}\n  ) AS "u"\n)`);
  ctx.ctes.push(`${sqlIdentifier(fired)} AS (\n${firedQuery(plan, rows, ctx)}\n)`);
  return fired;
}

/**
 * The time of a row as the window compares it: PostgreSQL timestamptz (microseconds); SQLite whole
 * microseconds as an integer, like PostgreSQL. unixepoch(col) gives the whole seconds (floored, time zone
 * applied; https://sqlite.org/lang_datefunc.html); the fraction's first six digits are read from the text
 * itself, because unixepoch(col, 'subsec') keeps only milliseconds, and rounds some of them (.0009 to .001,
 * .9999 to .999), which would make distinct times equal (a tie is inside the window) or move a row across the
 * window's edge. A fraction is the digits after a '.' that follows a ':' (HH:MM:SS.fff...).
 */
function timeOf(column: string, pg: boolean): string {
  if (pg) return `CAST(${column} AS timestamptz)`;
  const digits = `substr("f", 1, length("f") - length(ltrim("f", '0123456789')))`;
  const micros = `CASE WHEN "k" > 0 AND "d" > "k" THEN CAST(substr(${digits} || '000000', 1, 6) AS INTEGER) ELSE 0 END`;
  return (
    `(SELECT unixepoch("v") * 1000000 + ${micros} ` +
    `FROM (SELECT "v", instr("v", ':') AS "k", instr("v", '.') AS "d", substr("v", instr("v", '.') + 1) AS "f" FROM (SELECT ${column} AS "v")))`
  );
}

/**
 * The value field as aggregated. value_sum/value_avg take numbers only, the same ones in both engines: a
 * value stored as a number, or text that is a decimal number as written
 * (`[-+]?(digits[.digits]|.digits)[e[-+]digits]`, white space around allowed); anything else counts as
 * absent (never as 0, never as a numeric prefix of the text).
 */
function valueOf(column: string, plan: CorrelationPlan, pg: boolean): string {
  if (plan.type !== 'value_sum' && plan.type !== 'value_avg') return column;
  return pg
    ? `CASE WHEN CAST(${column} AS text) ~ '^[[:space:]]*[-+]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][-+]?[0-9]+)?[[:space:]]*$' THEN CAST(CAST(${column} AS text) AS double precision) END`
    : `CASE WHEN typeof(${column}) IN ('integer', 'real') THEN ${column} WHEN typeof(${column}) = 'text' THEN ${sqliteNumericText(column)} END`;
}

/**
 * SQLite text that is a decimal number, as a number (else NULL). SQLite's CAST reads the longest numeric
 * prefix ('5abc' is 5; https://sqlite.org/lang_expr.html#castexpr), so the text is checked first with GLOB
 * (https://sqlite.org/lang_corefunc.html#glob): after trimming white space and one sign, a mantissa `m` of
 * digits with at most one '.' and at least one digit, and an optional exponent `e` of an optional sign and digits.
 */
function sqliteNumericText(column: string): string {
  const ws = `' ' || char(9, 10, 11, 12, 13)`;
  const unsigned = (x: string): string => `CASE WHEN ${x} GLOB '[+-]*' THEN substr(${x}, 2) ELSE ${x} END`;
  // Nested one step per name: s (trimmed), u (s without its sign), p (where the exponent starts),
  // m (mantissa) and e (exponent digits without their sign, '0' when there is none).
  const t = `SELECT trim(${column}, ${ws}) AS "s"`;
  const n = `SELECT "s", ${unsigned('"s"')} AS "u" FROM (${t})`;
  const x = `SELECT "s", "u", max(instr("u", 'e'), instr("u", 'E')) AS "p" FROM (${n})`;
  const y =
    `SELECT "s", "u", CASE WHEN "p" = 0 THEN "u" ELSE substr("u", 1, "p" - 1) END AS "m", ` +
    `CASE WHEN "p" = 0 THEN '0' ELSE ${unsigned('substr("u", "p" + 1)')} END AS "e" FROM (${x})`;
  const ok = [
    `"u" NOT GLOB '*[^0-9.eE+-]*'`,
    `"m" GLOB '*[0-9]*'`,
    `"m" NOT GLOB '*[^0-9.]*'`,
    `"m" NOT GLOB '*.*.*'`,
    `"e" <> ''`,
    `"e" NOT GLOB '*[^0-9]*'`,
  ];
  return `(SELECT CASE WHEN ${ok.join(' AND ')} THEN CAST("s" AS NUMERIC) END FROM (${y}))`;
}

/** `w` is in `r`'s window: same group, r.time - span < w.time <= r.time. */
function inWindow(w: string, plan: CorrelationPlan, ctx: Ctx, upper = true): string[] {
  const span = ctx.pg ? `INTERVAL '${plan.timespanSeconds} seconds'` : String(plan.timespanSeconds * 1000000);
  return [
    ...plan.groupBy.map((_, i) => `${w}."g${i}" = "r"."g${i}"`),
    `${w}."time" > "r"."time" - ${span}`,
    ...(upper ? [`${w}."time" <= "r"."time"`] : []),
  ];
}

function firedQuery(plan: CorrelationPlan, rows: string, ctx: Ctx): string {
  const groups = plan.groupBy.map((_, i) => `"r"."g${i}"`);
  const anchorKnown = [`"r"."time" IS NOT NULL`, ...groups.map((g) => `${g} IS NOT NULL`)];
  if (plan.type === 'temporal_ordered') {
    const n = plan.inputs.length;
    const last = plan.inputs[n - 1];
    const where = [...anchorKnown, `"r"."tag" = ${sqlString(last?.tag ?? '')}`];
    if (n > 1) {
      const from: string[] = [];
      const conds: string[] = [];
      for (let k = 0; k < n - 1; k++) {
        const w = `"w${k}"`;
        from.push(`${sqlIdentifier(rows)} AS ${w}`);
        conds.push(`${w}."tag" = ${sqlString(plan.inputs[k]?.tag ?? '')}`, ...inWindow(w, plan, ctx, false));
        conds.push(k === 0 ? `${w}."time" IS NOT NULL` : `"w${k - 1}"."time" <= ${w}."time"`);
      }
      conds.push(`"w${n - 2}"."time" <= "r"."time"`);
      where.push(`EXISTS (SELECT 1 FROM ${from.join(', ')} WHERE ${conds.join(' AND ')})`);
    }
    return `  SELECT "r"."time", ${[...groups, 'NULL AS "value"'].join(', ')}\n  FROM ${sqlIdentifier(rows)} AS "r"\n  WHERE ${where.join('\n    AND ')}`;
  }
  if (windowAggregate(plan, '') !== null) {
    // One pass per group, sorted by time: RANGE frames include the rows with the anchor's time stamp
    // (peers) and reach back to, not including, exactly one timespan earlier.
    // SQLite: https://sqlite.org/windowfunctions.html#frame_boundaries (integer microseconds: N-1 PRECEDING);
    // PostgreSQL: https://www.postgresql.org/docs/current/sql-expressions.html#SYNTAX-WINDOW-FUNCTIONS
    // (timestamptz has microsecond resolution: span - 1 microsecond PRECEDING).
    const preceding = ctx.pg ? `INTERVAL '${plan.timespanSeconds * 1000000 - 1} microseconds'` : String(plan.timespanSeconds * 1000000 - 1);
    const partition = plan.groupBy.length === 0 ? '' : `PARTITION BY ${plan.groupBy.map((_, i) => `"g${i}"`).join(', ')} `;
    const frame = `(${partition}ORDER BY "time" RANGE BETWEEN ${preceding} PRECEDING AND CURRENT ROW)`;
    const inner =
      `SELECT "time", ${[...plan.groupBy.map((_, i) => `"g${i}"`), `${windowAggregate(plan, 'OVER "w"') ?? ''} AS "value"`].join(', ')}\n    FROM ${sqlIdentifier(rows)}\n` +
      `    WHERE ${['"time" IS NOT NULL', ...plan.groupBy.map((_, i) => `"g${i}" IS NOT NULL`)].join(' AND ')}\n    WINDOW "w" AS ${frame}`;
    return `  SELECT "time", ${[...plan.groupBy.map((_, i) => `"g${i}"`), '"value"'].join(', ')}\n  FROM (\n    ${inner}\n  ) AS "a"\n  WHERE ${havingOf('"value"', plan.condition)}`;
  }
  const aggregate = aggregateOf(plan, ctx.pg);
  const groupCols = ['"r"."row"', '"r"."time"', ...groups, ...(plan.type === 'value_percentile' ? ['"r"."value"'] : [])];
  const where = [...anchorKnown, ...(plan.type === 'value_percentile' ? ['"r"."value" IS NOT NULL'] : [])];
  return (
    `  SELECT "r"."time", ${[...groups, `${aggregate} AS "value"`].join(', ')}\n` +
    `  FROM ${sqlIdentifier(rows)} AS "r"\n  JOIN ${sqlIdentifier(rows)} AS "w" ON ${inWindow('"w"', plan, ctx).join(' AND ')}\n` +
    `  WHERE ${where.join(' AND ')}\n  GROUP BY ${groupCols.join(', ')}\n  HAVING ${havingOf(aggregate, plan.condition)}`
  );
}

/**
 * The aggregate as window functions over `over`, where that is exact; null where it needs the self-join
 * (COUNT(DISTINCT) is not allowed over a window in either engine). temporal: one windowed count per rule
 * tag (the tags are known here), each turned into 1 when the rule has a row in the window.
 */
function windowAggregate(plan: CorrelationPlan, over: string): string | null {
  switch (plan.type) {
    case 'event_count':
      return `COUNT(*) ${over}`;
    case 'value_sum':
      return `SUM("value") ${over}`;
    case 'value_avg':
      return `AVG("value") ${over}`;
    case 'temporal':
      return `(${plan.inputs.map((i) => `CASE WHEN COUNT(CASE WHEN "tag" = ${sqlString(i.tag)} THEN 1 END) ${over} > 0 THEN 1 ELSE 0 END`).join(' + ')})`;
    case 'value_count':
    case 'value_percentile':
    case 'temporal_ordered':
      return null;
    default:
      return assertNever(plan.type, 'correlation type');
  }
}

function aggregateOf(plan: CorrelationPlan, pg: boolean): string {
  switch (plan.type) {
    case 'event_count':
      return 'COUNT(*)';
    case 'value_count':
      return 'COUNT(DISTINCT "w"."value")';
    case 'value_sum':
      return 'SUM("w"."value")';
    case 'value_avg':
      return 'AVG("w"."value")';
    case 'value_percentile':
      // The share (percent) of the window's values that equal the anchor's value (README).
      return `(100.0 * SUM(CASE WHEN "w"."value" = "r"."value" THEN 1 ELSE 0 END) / ${pg ? 'NULLIF(COUNT("w"."value"), 0)' : 'COUNT("w"."value")'})`;
    case 'temporal':
      return 'COUNT(DISTINCT "w"."tag")';
    case 'temporal_ordered':
      return 'NULL';
    default:
      return assertNever(plan.type, 'correlation type');
  }
}

/** The SQL comparison operator of each bound. */
const SQL_COMPARISON: Readonly<Record<ConditionOperator, string>> = {
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
  eq: '=',
  neq: '<>',
};

function havingOf(aggregate: string, condition: CorrelationCondition): string {
  const tests = conditionBounds(condition).map(([k, v]) => `${aggregate} ${SQL_COMPARISON[k]} ${String(v)}`);
  return tests.length === 0 ? '1 = 1' : tests.join(' AND ');
}
