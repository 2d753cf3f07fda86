import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, SIGMA_DIR } from '../../explain/golden.js';
import { correlationQuery } from './correlation-support.js';

/**
 * Every spec example correlation (../shared/sigma/spec-examples/correlation/) and the spec's chained
 * example, converted for sql (SQLite and PostgreSQL). The referenced detection rules the spec does not
 * show are in test/fixtures/correlation/inputs.yml. Goldens are rewritten only with UPDATE_GOLDENS=1.
 */
const EXAMPLES = join(SIGMA_DIR, 'spec-examples/correlation');
const GOLDEN = join(REPO_ROOT, 'test/golden/sql/correlation');
const INPUTS = readFileSync(join(REPO_ROOT, 'test/fixtures/correlation/inputs.yml'), 'utf8');

function expectGolden(name: string, actual: string): void {
  const path = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDENS === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) throw new Error(`missing golden ${path}: run with UPDATE_GOLDENS=1 and read it before committing`);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

const titleOf = (text: string): string => /^title: (.*)$/m.exec(text)?.[1]?.trim() ?? '';

describe.skipIf(!existsSync(EXAMPLES))('sql: the spec example correlations (goldens read by hand)', () => {
  const files = existsSync(EXAMPLES) ? readdirSync(EXAMPLES).filter((f) => f.endsWith('.yml')).sort() : [];
  for (const f of files) {
    const text = readFileSync(join(EXAMPLES, f), 'utf8');
    const base = f.replace(/\.yml$/, '');
    // event_count_ecs references the spec's failed-logon id: the fixture rule stands in (no pipeline maps it to ECS).
    const docs = [INPUTS, text];
    it(`${f} (SQLite)`, () => expectGolden(`${base}.sql`, correlationQuery(docs, titleOf(text)) + '\n'));
    it(`${f} (PostgreSQL)`, () => expectGolden(`${base}-postgres.sql`, correlationQuery(docs, titleOf(text), { postgres: true }) + '\n'));
  }
  it('the chained example (SQLite and PostgreSQL)', () => {
    const chained = readFileSync(join(REPO_ROOT, 'test/fixtures/correlation/chained.yml'), 'utf8');
    const title = 'Correlation - Multiple Failed Logins Followed by Successful Login';
    expectGolden('chained.sql', correlationQuery([chained], title) + '\n');
    expectGolden('chained-postgres.sql', correlationQuery([chained], title, { postgres: true }) + '\n');
  });
});
