import { describe, expect, it } from 'vitest';
import { CASES } from './cases.js';
import { runSqlite } from './engines.js';

describe('sql on SQLite: each fixture matches exactly the events Sigma says', () => {
  for (const c of CASES.filter((x) => x.only !== 'postgres')) {
    it(c.name, () => {
      expect(runSqlite(c.expr, c.events)).toEqual(c.matches);
    });
  }
});
