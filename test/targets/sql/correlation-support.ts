import Database from 'better-sqlite3';
import type pg from 'pg';
import { convertFiles, type ConversionRecord } from '../../../src/convert.js';
import { findConverter } from '../../../src/converters.js';
import { parseSigmaText } from '../../../src/rule/parse-documents.js';

/** Events of the correlation tests: one table `events`; a missing key is NULL. */
export type CorrEvent = Readonly<Record<string, string | number | null>>;

export const BASE = Date.UTC(2024, 0, 1, 0, 0, 0);

/** ISO-8601 text of BASE + ms, as the events table stores time. */
export const at = (ms: number): string => new Date(BASE + ms).toISOString();

/** Converts the documents (several YAML texts) for sql and returns every record. */
export function convertSql(texts: readonly string[], targetOptions: Readonly<Record<string, boolean | string>> = {}): ConversionRecord[] {
  const sql = findConverter('sql');
  if (sql === undefined) throw new Error('no sql converter');
  return convertFiles(texts.map((t, i) => parseSigmaText(t, `doc${i}.yml`)), sql, { targetOptions });
}

/** The query of the correlation titled `title` (throws with the diagnostics when it did not convert). */
export function correlationQuery(texts: readonly string[], title: string, targetOptions: Readonly<Record<string, boolean | string>> = {}): string {
  const r = convertSql(texts, targetOptions).find((x) => x.title === title);
  if (r === undefined || !r.ok || r.output === null) throw new Error(`no query for ${title}: ${JSON.stringify(r?.diagnostics.map((d) => d.message))}`);
  return r.output;
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

function columnsOf(events: readonly CorrEvent[], extra: readonly string[]): string[] {
  const cols = new Set<string>(extra);
  for (const e of events) for (const k of Object.keys(e)) cols.add(k);
  return [...cols];
}

/** Runs `query` in SQLite over a table `events` (untyped columns: numbers stay numbers); returns its rows. */
export function runSqliteRows(query: string, events: readonly CorrEvent[], columns: readonly string[] = []): Record<string, unknown>[] {
  const db = new Database(':memory:');
  try {
    const cols = columnsOf(events, ['timestamp', ...columns]);
    db.exec(`CREATE TABLE events (${cols.map(quote).join(', ')})`);
    const insert = db.prepare(`INSERT INTO events VALUES (${cols.map(() => '?').join(', ')})`);
    const bind = (v: string | number | null | undefined) => (typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : (v ?? null));
    for (const e of events) insert.run(...cols.map((c) => bind(e[c])));
    return db.prepare(query).all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

/**
 * Runs `query` in PostgreSQL over a temporary table `events`: `timestamp` a timestamptz, every other
 * column text (the sql target's PostgreSQL contract).
 */
export async function runPgRows(client: pg.Client, query: string, events: readonly CorrEvent[], columns: readonly string[] = []): Promise<Record<string, unknown>[]> {
  const cols = columnsOf(events, ['timestamp', ...columns]);
  await client.query('DROP TABLE IF EXISTS pg_temp.events');
  await client.query(`CREATE TEMP TABLE events (${cols.map((c) => `${quote(c)} ${c === 'timestamp' ? 'timestamptz' : 'text'}`).join(', ')})`);
  for (const e of events) {
    const values = cols.map((c) => {
      const v = e[c];
      return v === undefined || v === null ? null : String(v);
    });
    await client.query(`INSERT INTO events VALUES (${cols.map((_, j) => `$${j + 1}`).join(', ')})`, values);
  }
  return (await client.query(query)).rows as Record<string, unknown>[];
}

/** A firing as the tests compare it: ISO time (ms) and the group values, joined. */
export function firingKey(row: Record<string, unknown>, groupBy: readonly string[], timeColumn = 'timestamp'): string {
  const t = row[timeColumn];
  const time = t instanceof Date ? t.toISOString() : String(t);
  return [time, ...groupBy.map((g) => String(row[g]))].join(' ');
}
