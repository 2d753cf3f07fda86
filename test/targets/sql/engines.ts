import Database from 'better-sqlite3';
import pg from 'pg';
import type { Expr } from '../../../src/ast/expr.js';
import { convertExpr } from '../../../src/lower/convert-expr.js';
import { sqlColumns } from '../../../src/targets/sql/columns.js';
import { parseSigmaText } from '../../../src/rule/parse-documents.js';

/** An event: field -> value; a missing key is an absent field (NULL). Numbers stay numbers in SQLite. */
export type SqlEvent = Readonly<Record<string, string | number | null>>;

export const ID = '__id';

/**
 * The test's regexp() for SQLite. The sql target's contract is PCRE semantics with a leading `(?ims)`
 * group; this stand-in moves that group into JavaScript RegExp flags (as src/value/check-regex.ts does)
 * and searches unanchored. JavaScript and PCRE agree on the patterns these tests use (no `$` before a
 * final newline, no PCRE-only syntax).
 */
export function jsRegexp(pattern: string, value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const leading = /^\(\?([ims]+)\)/.exec(pattern);
  const flags = leading ? (leading[1] ?? '') : '';
  const body = leading ? pattern.slice(leading[0].length) : pattern;
  return new RegExp(body, flags).test(String(value)) ? 1 : 0;
}

export function sqlFor(expr: Expr, postgres = false, source?: string): string {
  const r = convertExpr(expr, 'sql', { targetOptions: { postgres }, ...(source === undefined ? {} : { source }) });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.value.query;
}

export function ruleExpr(yaml: string, file = 'test.yml'): Expr {
  const parsed = parseSigmaText(yaml, file);
  const doc = parsed.documents[0];
  const errors = [...parsed.diagnostics, ...(doc?.diagnostics ?? [])].filter((d) => d.severity === 'error');
  if (errors.length > 0 || doc?.document?.kind !== 'rule') {
    throw new Error(`rule does not parse: ${errors.map((d) => d.message).join('; ')}`);
  }
  return doc.document.detection;
}

/** A minimal Sigma rule around a detection body (indented by the caller as YAML under `detection:`). */
export function rule(detection: string): string {
  return `title: test\nlogsource:\n    product: test\ndetection:\n${detection}`;
}

function columnsOf(expr: Expr, events: readonly SqlEvent[]): string[] {
  const cols = new Set<string>(sqlColumns(expr));
  for (const e of events) for (const k of Object.keys(e)) cols.add(k);
  return [...cols];
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Runs the query for `expr` in a fresh in-memory SQLite database whose table `events` has one column
 * per field WITHOUT a declared type (so 5145 stays an integer and '5145' stays text), and returns the
 * indexes of the matching events.
 */
export function runSqlite(expr: Expr, events: readonly SqlEvent[], query = sqlFor(expr)): number[] {
  const db = new Database(':memory:');
  try {
    db.function('regexp', { deterministic: true }, jsRegexp);
    const cols = columnsOf(expr, events);
    db.exec(`CREATE TABLE events (${[ID, ...cols].map(quote).join(', ')})`);
    const insert = db.prepare(
      `INSERT INTO events (${[ID, ...cols].map(quote).join(', ')}) VALUES (${[ID, ...cols].map(() => '?').join(', ')})`,
    );
    // better-sqlite3 binds every JS number as REAL; integers are bound as BigInt so they are stored as
    // INTEGER, as a log loader would store an event id.
    const bind = (v: string | number | null | undefined) => (typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : (v ?? null));
    events.forEach((e, i) => insert.run(i, ...cols.map((c) => bind(e[c]))));
    const rows = db.prepare(query).all() as Record<string, unknown>[];
    return rows.map((r) => Number(r[ID])).sort((a, b) => a - b);
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------------------------------------------
// PostgreSQL

export async function connectPg(): Promise<pg.Client | null> {
  const client = new pg.Client({
    host: process.env.PGHOST ?? '127.0.0.1',
    port: Number(process.env.PGPORT ?? 5432),
    user: process.env.PGUSER ?? 'postgres',
    password: process.env.PGPASSWORD ?? 'postgres',
    database: process.env.PGDATABASE ?? 'postgres',
    connectionTimeoutMillis: 2000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch {
    return null;
  }
}

/**
 * Runs the PostgreSQL query for `expr` on a temporary table `events` with one `text` column per field
 * (numbers stored as their text), and returns the indexes of the matching events.
 */
export async function runPg(
  client: pg.Client,
  expr: Expr,
  events: readonly SqlEvent[],
  query = sqlFor(expr, true),
): Promise<number[]> {
  const cols = columnsOf(expr, events);
  await client.query('DROP TABLE IF EXISTS pg_temp.events');
  await client.query(`CREATE TEMP TABLE events (${quote(ID)} integer, ${cols.map((c) => `${quote(c)} text`).join(', ')})`);
  for (const [i, e] of events.entries()) {
    const values = cols.map((c) => {
      const v = e[c];
      return v === undefined || v === null ? null : String(v);
    });
    await client.query(
      `INSERT INTO events VALUES ($1${cols.map((_, j) => `, $${j + 2}`).join('')})`,
      [i, ...values],
    );
  }
  const result = await client.query(query);
  return result.rows.map((r: Record<string, unknown>) => Number(r[ID])).sort((a, b) => a - b);
}
