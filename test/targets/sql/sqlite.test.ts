import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CASES } from './cases.js';
import { jsRegexp, rule, ruleExpr, runSqlite, sqlFor } from './engines.js';

describe('sql on SQLite: each fixture matches exactly the events Sigma says', () => {
  for (const c of CASES.filter((x) => x.only !== 'postgres')) {
    it(c.name, () => {
      expect(runSqlite(c.expr, c.events)).toEqual(c.matches);
    });
  }
});

/** Runs `query` over one column "F" declared with `type`, one row per value; returns the matching values. */
function matchesInTypedColumn(query: string, type: string, values: readonly (string | bigint | number | null)[]): unknown[] {
  const db = new Database(':memory:');
  try {
    db.function('regexp', { deterministic: true }, jsRegexp);
    db.exec(`CREATE TABLE events ("F" ${type}, "_raw" TEXT)`);
    const insert = db.prepare('INSERT INTO events ("F") VALUES (?)');
    for (const v of values) insert.run(v);
    return (db.prepare(query).all() as { F: unknown }[]).map((r) => r.F);
  } finally {
    db.close();
  }
}

describe('sql on SQLite: booleans in a column with TEXT affinity', () => {
  // TEXT affinity turns the 1 of `"F" = 1` into '1' (datatype3.html §4.2), so the text '1' would match.
  const values = ['1', '0', 'true', 'TRUE', 'false', 'False', 'yes', null] as const;

  it('true matches only the text true (any case)', () => {
    const q = sqlFor(ruleExpr(rule('    sel:\n        F: true\n    condition: sel\n')));
    expect(matchesInTypedColumn(q, 'TEXT', values)).toEqual(['true', 'TRUE']);
  });

  it('false matches only the text false (any case)', () => {
    const q = sqlFor(ruleExpr(rule('    sel:\n        F: false\n    condition: sel\n')));
    expect(matchesInTypedColumn(q, 'TEXT', values)).toEqual(['false', 'False']);
  });

  it('not true matches everything else, NULL included', () => {
    const q = sqlFor(ruleExpr(rule('    sel:\n        F: true\n    condition: not sel\n')));
    expect(matchesInTypedColumn(q, 'TEXT', values)).toEqual(['1', '0', 'false', 'False', 'yes', null]);
  });

  it('an INTEGER column still matches 1 / 0 (stored as integers)', () => {
    const q = sqlFor(ruleExpr(rule('    sel:\n        F: true\n    condition: sel\n')));
    expect(matchesInTypedColumn(q, 'INTEGER', [1n, 0n, '1', 'true', 1.5])).toEqual([1, 1, 'true']);
  });
});
