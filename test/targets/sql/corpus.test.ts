import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Expr } from '../../../src/ast/expr.js';
import { listYamlFiles } from '../../../src/cli/io.js';
import { convertExpr } from '../../../src/lower/convert-expr.js';
import { parseSigmaText } from '../../../src/rule/parse-documents.js';
import { sqlColumns } from '../../../src/targets/sql/columns.js';
import { ACTIVE_FOLDERS, HAVE_CORPUS, noteMissingCorpus, SIGMA_DIR } from '../../support/paths.js';
import { connectPg, jsRegexp } from './engines.js';

noteMissingCorpus('sql corpus conversion');

interface Converted {
  readonly file: string;
  readonly query: string;
  readonly columns: readonly string[];
}

interface Outcome {
  readonly converted: Converted[];
  readonly refused: Map<string, number>;
  readonly reasons: Map<string, number>;
  readonly crashes: string[];
}

function loadRules(): { file: string; expr: Expr }[] {
  const rules: { file: string; expr: Expr }[] = [];
  for (const folder of ACTIVE_FOLDERS) {
    for (const file of listYamlFiles(join(SIGMA_DIR, folder))) {
      for (const d of parseSigmaText(readFileSync(file), file).documents) {
        if (d.document?.kind === 'rule') rules.push({ file, expr: d.document.detection });
      }
    }
  }
  return rules;
}

function convertAll(rules: readonly { file: string; expr: Expr }[], postgres: boolean): Outcome {
  const out: Outcome = { converted: [], refused: new Map(), reasons: new Map(), crashes: [] };
  for (const { file, expr } of rules) {
    try {
      const r = convertExpr(expr, 'sql', { targetOptions: { postgres } });
      if (r.ok) {
        out.converted.push({ file, query: r.value.query, columns: sqlColumns(expr) });
        continue;
      }
      const codes = [...new Set(r.diagnostics.map((d) => d.code))];
      for (const code of codes) out.refused.set(code, (out.refused.get(code) ?? 0) + 1);
      for (const d of r.diagnostics) {
        const reason = /cannot express (.*?) exactly: ([^;]*)/.exec(d.message)?.slice(1, 3).join(': ').replace(/'.*?'/, "'…'") ?? d.code;
        out.reasons.set(reason, (out.reasons.get(reason) ?? 0) + 1);
      }
    } catch (e) {
      out.crashes.push(`${file}: ${String(e)}`);
    }
  }
  return out;
}

function summary(engine: string, total: number, o: Outcome): string {
  const refused = [...o.refused].sort().map(([c, n]) => `${c}=${n}`).join(' ');
  const reasons = [...o.reasons].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${n}× ${r}`).join('; ');
  return `[corpus] sql ${engine}: ${total} rules, ${o.converted.length} converted, refused: ${refused || 'none'} (${reasons || '-'})`;
}

/** Groups queries so each group's columns fit in one table (SQLite allows 2000, PostgreSQL 1600). */
function chunks(items: readonly Converted[], maxColumns: number, caseInsensitive: boolean): { columns: string[]; items: Converted[] }[] {
  // SQLite column names are ASCII case-insensitive: "Status" and "status" are one column there.
  const key = (c: string) => (caseInsensitive ? c.replace(/[A-Z]/g, (x) => x.toLowerCase()) : c);
  const out: { columns: Map<string, string>; items: Converted[] }[] = [];
  for (const item of items) {
    let last = out[out.length - 1];
    const added = item.columns.filter((c) => !last?.columns.has(key(c))).length;
    if (last === undefined || last.columns.size + added > maxColumns) {
      last = { columns: new Map(), items: [] };
      out.push(last);
    }
    for (const c of item.columns) if (!last.columns.has(key(c))) last.columns.set(key(c), c);
    last.items.push(item);
  }
  return out.map((c) => ({ columns: [...c.columns.values()], items: c.items }));
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

describe.skipIf(!HAVE_CORPUS)('sql: the whole SigmaHQ corpus', () => {
  const rules = HAVE_CORPUS ? loadRules() : [];

  it('converts every rule for SQLite or refuses it with a diagnostic; every query prepares and runs', () => {
    const o = convertAll(rules, false);
    console.log(summary('SQLite', rules.length, o));
    expect(o.crashes).toEqual([]);
    const failures: string[] = [];
    for (const chunk of chunks(o.converted, 1500, true)) {
      const db = new Database(':memory:');
      db.function('regexp', { deterministic: true }, jsRegexp);
      db.exec(`CREATE TABLE events (${chunk.columns.map(quote).join(', ')})`);
      // One row of empty strings (every LIKE, GLOB, REGEXP and CAST runs) and one of NULLs.
      db.prepare(`INSERT INTO events VALUES (${chunk.columns.map(() => "''").join(', ')})`).run();
      db.prepare(`INSERT INTO events VALUES (${chunk.columns.map(() => 'NULL').join(', ')})`).run();
      for (const c of chunk.items) {
        try {
          db.prepare(c.query).all();
        } catch (e) {
          failures.push(`${c.file}: ${String(e)}`);
        }
      }
      db.close();
    }
    expect(failures.slice(0, 10)).toEqual([]);
    expect(o.converted.length).toBeGreaterThan(rules.length * 0.95);
  }, 120_000);

  it('converts every rule for PostgreSQL or refuses it; every query runs on the server', async () => {
    const o = convertAll(rules, true);
    console.log(summary('PostgreSQL', rules.length, o));
    expect(o.crashes).toEqual([]);
    expect(o.converted.length).toBeGreaterThan(rules.length * 0.95);
    const client = await connectPg();
    if (client === null) {
      console.log('[skip] sql corpus on PostgreSQL: no server at PGHOST/PGPORT');
      return;
    }
    const failures: string[] = [];
    try {
      for (const chunk of chunks(o.converted, 1500, false)) {
        await client.query('DROP TABLE IF EXISTS pg_temp.events');
        await client.query(`CREATE TEMP TABLE events (${chunk.columns.map((c) => `${quote(c)} text`).join(', ')})`);
        await client.query(`INSERT INTO events VALUES (${chunk.columns.map(() => "''").join(', ')})`);
        await client.query(`INSERT INTO events VALUES (${chunk.columns.map(() => 'NULL').join(', ')})`);
        for (const c of chunk.items) {
          try {
            await client.query(c.query);
          } catch (e) {
            failures.push(`${c.file}: ${String(e)}`);
          }
        }
      }
    } finally {
      await client.end();
    }
    expect(failures.slice(0, 10)).toEqual([]);
  }, 120_000);
});
