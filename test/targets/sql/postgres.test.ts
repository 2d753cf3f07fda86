import fc from 'fast-check';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pcreToAre } from '../../../src/targets/sql/pcre-to-are.js';
import { IPV4_ARE, IPV6_ARE } from '../../../src/targets/sql/sql-ip.js';
import { CASES } from './cases.js';
import { connectPg, rule, ruleExpr, runPg, sqlFor } from './engines.js';
import { cidrProperty, pattern, stringProperty, text } from './string-props.js';

const noFlags = { ignoreCase: false, multiline: false, dotAll: false };

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

  for (const c of CASES.filter((x) => x.only !== 'sqlite')) {
    it(c.name, async () => {
      if (client === null) return;
      expect(await runPg(client, c.expr, c.events)).toEqual(c.pg ?? c.matches);
    });
  }
});

describe.skipIf(client === null)('sql on PostgreSQL: properties and engine facts', () => {
  afterAll(async () => {
    await client?.end();
  });
  const db = () => {
    if (client === null) throw new Error('no client');
    return client;
  };

  it('Sigma strings (literal and wildcard, cased or not) match what the reference matcher says', async () => {
    await fc.assert(
      fc.asyncProperty(pattern, fc.array(text, { maxLength: 3 }), fc.boolean(), fc.boolean(), async (tokens, others, cased, negate) => {
        const p = stringProperty(tokens, others, cased, negate);
        expect(await runPg(db(), p.expr, p.events), p.yaml).toEqual(p.matches);
      }),
      { numRuns: 60 },
    );
  });

  it('IPv4 cidr matches what address arithmetic says', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 32 }), fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { maxLength: 6 }), async (net, prefix, addrs) => {
        const p = cidrProperty(net, prefix, addrs);
        expect(await runPg(db(), p.expr, p.events), p.network).toEqual(p.matches);
      }),
      { numRuns: 40 },
    );
  });

  it('every text the IPv6 and IPv4 shape regexes accept is valid inet input (the cast cannot raise)', async () => {
    const h = fc.stringMatching(/^[0-9a-fA-F]{1,4}$/);
    const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
    const candidate = fc.oneof(
      fc.array(h, { minLength: 1, maxLength: 9 }).chain((groups) =>
        fc.tuple(fc.nat(groups.length), fc.boolean(), v4).map(([at, compress, tail]) => {
          const parts = [...groups];
          if (compress) parts.splice(at, 0, '');
          const joined = parts.join(':').replace(/^:/, '::').replace(/:$/, '::');
          return at % 3 === 0 ? `${joined}:${tail}` : joined;
        }),
      ),
      fc.constantFrom('::', '::1', ':::', '1::2::3', '::ffff:1.2.3.4', '1:2:3:4:5:6:7::', '::1:2:3:4:5:6:7', '1:2:3:4:5:6:1.2.3.4', '1::1.2.3.4', '01.2.3.4', '1.2.3'),
      v4,
    );
    const values = fc.sample(candidate, { numRuns: 400, seed: 42 });
    const result = await db().query(
      `SELECT v FROM unnest($1::text[]) AS v WHERE (v ~ $2 OR v ~ $3) AND v::inet IS NULL`,
      [values, IPV6_ARE, IPV4_ARE],
    );
    expect(result.rows).toEqual([]);
    // And the regexes accept what they should: the compressed and embedded forms inet reads.
    const accepted = await db().query(`SELECT v, v ~ $2 AS ok FROM unnest($1::text[]) AS v`, [['::', '::1', '1:2:3:4:5:6:7::', '::1:2:3:4:5:6:7', '1:2:3:4:5:6:1.2.3.4', '1::1.2.3.4', 'FE80::1'], IPV6_ARE]);
    expect(accepted.rows.every((r: { ok: boolean }) => r.ok)).toBe(true);
  });

  it('a number also matches an integer column', async () => {
    const c = db();
    await c.query('DROP TABLE IF EXISTS pg_temp.events');
    await c.query('CREATE TEMP TABLE events ("__id" integer, "EventID" integer)');
    await c.query('INSERT INTO events VALUES (0, 5145), (1, 5144), (2, NULL)');
    const expr = ruleExpr(rule(`    sel:\n        EventID: 5145\n    condition: not sel\n`));
    const rows = await c.query(sqlFor(expr, true));
    expect(rows.rows.map((r: { __id: number }) => r.__id).sort()).toEqual([1, 2]);
  });

  it('translated regular expressions keep PCRE meaning (newlines, $, \\b, classes)', async () => {
    const cases: [string, Partial<typeof noFlags>, string, boolean][] = [
      ['ab$', {}, 'ab\n', true], // PCRE $ also matches before a final newline
      ['ab$', {}, 'ab\nx', false],
      ['ab$', { multiline: true }, 'ab\nx', true],
      ['^x', { multiline: true }, 'ab\nx', true],
      ['^$', { multiline: true }, 'a\n', false], // PCRE ^ does not match after a final newline
      ['^$', { multiline: true }, 'a\n\nb', true],
      ['a.b', {}, 'a\nb', false],
      ['a.b', { dotAll: true }, 'a\nb', true],
      ['[^x]', {}, '\n', true],
      ['\\bé', {}, 'é', false], // é is not a PCRE word character: no boundary before it (ARE's \y would see one)
      ['\\bé', {}, 'aé', true],
      ['a\\b', {}, 'aé', true],
      ['\\w', {}, 'é', false],
      ['\\d', {}, '٣', false],
      ['ab\\Z', {}, 'ab\n', true],
      ['ab\\z', {}, 'ab\n', false],
      ['\\x41', {}, 'A', true],
      ['(?i)cmd', {}, 'CMD', true],
      ['cmd', { ignoreCase: true }, 'CmD', true],
      ['(a)\\1', {}, 'aa', true],
      ['x{2}', {}, 'xx', true],
      ['a{x}', {}, 'a{x}', true],
      ['^x{256}$', {}, 'x'.repeat(256), true], // over ARE's bound limit: repeated in pieces
      ['^x{256}$', {}, 'x'.repeat(255), false],
      ['^x{2,300}$', {}, 'x'.repeat(300), true],
      ['^x{2,300}$', {}, 'x'.repeat(301), false],
      ['^😀{2}$', {}, '😀😀', true],
    ];
    for (const [pattern, flags, subject, expected] of cases) {
      const are = pcreToAre(pattern, { ...noFlags, ...flags });
      if (!are.ok) throw new Error(`${pattern}: ${are.reason}`);
      const r = await db().query('SELECT $1::text ~ $2 AS m', [subject, are.text]);
      expect(r.rows[0]?.m, `${pattern} on ${JSON.stringify(subject)}`).toBe(expected);
    }
  });

  it('translated regular expressions agree with JavaScript on patterns without $ (where PCRE and JS agree)', async () => {
    const atom = fc.constantFrom('a', 'b', '1', '_', ' ', '.', '\\d', '\\D', '\\w', '\\W', '\\s', '\\S', '[ab]', '[^a]', '[\\w.]', '\\.', 'é', '\\b', '\\B');
    const quant = fc.constantFrom('', '', '*', '+', '?', '{1,2}', '*?');
    const seq = fc.array(fc.tuple(atom, quant).map(([a, q]) => (a === '\\b' || a === '\\B' ? a : a + q)), { minLength: 1, maxLength: 4 }).map((x) => x.join(''));
    const regex = fc.tuple(fc.boolean(), fc.array(seq, { minLength: 1, maxLength: 2 }), fc.boolean()).map(([anchor, alts, group]) => {
      const body = alts.join('|');
      return `${anchor ? '^' : ''}${group ? `(${body})` : body}`;
    });
    const subject = fc.array(fc.constantFrom('a', 'b', 'A', '1', '_', ' ', '\n', 'é', '.', 'x'), { maxLength: 5 }).map((a) => a.join(''));
    const flags = fc.record({ ignoreCase: fc.boolean(), multiline: fc.boolean(), dotAll: fc.boolean() });
    const samples = fc.sample(fc.tuple(regex, flags, fc.array(subject, { minLength: 1, maxLength: 6 })), { numRuns: 150, seed: 7 });
    for (const [pattern, f, subjects] of samples) {
      const are = pcreToAre(pattern, f);
      if (!are.ok) throw new Error(`${pattern}: ${are.reason}`);
      const js = new RegExp(pattern, `${f.ignoreCase ? 'i' : ''}${f.multiline ? 'm' : ''}${f.dotAll ? 's' : ''}`);
      const r = await db().query('SELECT s, s ~ $2 AS m FROM unnest($1::text[]) WITH ORDINALITY AS t(s, n) ORDER BY n', [subjects, are.text]);
      expect(r.rows.map((x: { m: boolean }) => x.m), `${pattern} ${JSON.stringify(f)} -> ${are.text} on ${JSON.stringify(subjects)}`).toEqual(subjects.map((s) => js.test(s)));
    }
  });
});
