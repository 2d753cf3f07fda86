/**
 * The active corpus through `sql` with its default pipeline (`sql-tables`, one table per log source), as
 * `convert -t sql` writes it: every output is prepared and run in SQLite against a table created under
 * the name the query reads, with the columns the query names. A table name SQLite cannot resolve (a
 * schema-qualified `"gcp_gcp"."audit"`) fails here.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { convertCorpus, summarize } from '../../support/convert-corpus.js';
import { HAVE_CORPUS, noteMissingCorpus } from '../../support/paths.js';
import { jsRegexp } from './engines.js';

noteMissingCorpus('sql corpus with sql-tables');

/** The double-quoted identifiers of a query in order, skipping '...' literals (quotes doubled in both). */
export function quotedIdentifiers(sql: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      let j = i + 1;
      let text = '';
      for (;;) {
        if (j >= sql.length) throw new Error(`unterminated ${c} in ${sql}`);
        if (sql[j] === c) {
          if (sql[j + 1] === c) {
            text += c;
            j += 2;
            continue;
          }
          break;
        }
        text += sql[j];
        j++;
      }
      if (c === '"') out.push(text);
      i = j + 1;
    } else i++;
  }
  return out;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const FROM = /^SELECT \* FROM ("(?:[^"]|"")*"(?:\."(?:[^"]|"")*")*) WHERE /;

describe.skipIf(!HAVE_CORPUS)('sql with sql-tables over the corpus', () => {
  it('quotedIdentifiers skips literals and undoubles quotes', () => {
    expect(quotedIdentifiers(`SELECT * FROM "t" WHERE "a""b" = 'x"y''z' AND "c" LIKE '%'`)).toEqual(['t', 'a"b', 'c']);
  });

  it('every output reads one table by a plain name and prepares and runs in SQLite', () => {
    const records = convertCorpus('sql');
    console.log(summarize('sql (sql-tables)', records));
    const byTable = new Map<string, { columns: Map<string, string>; items: { file: string; query: string }[] }>();
    const badNames: string[] = [];
    for (const r of records) {
      if (!r.ok || r.output === null) continue;
      const query = r.output.trim();
      const from = FROM.exec(query);
      expect(from, `${r.file}: ${query}`).not.toBeNull();
      const [table, ...columns] = quotedIdentifiers(query);
      if (from?.[1] !== quote(table ?? '') || !/^[a-z0-9_]+$/.test(table ?? '')) badNames.push(`${r.file}: ${from?.[1]}`);
      const entry = byTable.get(table ?? '') ?? { columns: new Map<string, string>(), items: [] };
      // SQLite column names are ASCII case-insensitive: "Status" and "status" are one column there.
      for (const c of columns) entry.columns.set(c.toLowerCase(), c);
      entry.items.push({ file: r.file, query });
      byTable.set(table ?? '', entry);
    }
    expect(badNames.slice(0, 10)).toEqual([]);
    const db = new Database(':memory:');
    db.function('regexp', { deterministic: true }, jsRegexp);
    const failures: string[] = [];
    let prepared = 0;
    for (const [table, { columns, items }] of [...byTable].sort((a, b) => a[0].localeCompare(b[0]))) {
      expect(columns.size, table).toBeLessThan(2000);
      const cols = [...columns.values()];
      db.exec(`CREATE TABLE ${quote(table)} (${cols.map(quote).join(', ')})`);
      // One row of empty strings (every LIKE, GLOB, REGEXP and CAST runs) and one of NULLs.
      db.prepare(`INSERT INTO ${quote(table)} VALUES (${cols.map(() => "''").join(', ')})`).run();
      db.prepare(`INSERT INTO ${quote(table)} VALUES (${cols.map(() => 'NULL').join(', ')})`).run();
      for (const { file, query } of items) {
        try {
          db.prepare(query).all();
          prepared++;
        } catch (e) {
          failures.push(`${file}: ${String(e)}`);
        }
      }
    }
    db.close();
    console.log(`[corpus] sql (sql-tables): ${prepared} queries over ${byTable.size} tables prepared and run in SQLite`);
    expect(failures.slice(0, 10)).toEqual([]);
    const rulesFolder = records.filter((r) => /[/\\]rules[/\\]/.test(r.file));
    expect(rulesFolder.filter((r) => r.ok).length / rulesFolder.length).toBeGreaterThanOrEqual(0.98);
  }, 120_000);
});
