import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASES } from './cases.js';
import { connectPg, runPg } from './engines.js';

/**
 * The same fixtures against a real PostgreSQL server (scripts/start-postgres.sh; CI exports PGHOST...).
 * Without a reachable server the suite is skipped with one line.
 */
const client: pg.Client | null = await connectPg();
if (client === null) console.log('[skip] sql PostgreSQL suite: no server at PGHOST/PGPORT (run scripts/start-postgres.sh)');

describe.skipIf(client === null)('sql on PostgreSQL: each fixture matches exactly the events Sigma says', () => {
  beforeAll(async () => {
    await client?.query('SET standard_conforming_strings = on');
  });
  afterAll(async () => {
    await client?.end();
  });

  for (const c of CASES.filter((x) => x.only !== 'sqlite')) {
    it(c.name, async () => {
      if (client === null) return;
      expect(await runPg(client, c.expr, c.events)).toEqual(c.pg ?? c.matches);
    });
  }
});
