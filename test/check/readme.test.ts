import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checksTable } from '../../src/check/registry.js';
import { REPO_ROOT } from '../support/paths.js';

const README = join(REPO_ROOT, 'README.md');
const BEGIN = '<!-- check-codes:begin -->';
const END = '<!-- check-codes:end -->';

describe('README: check', () => {
  it('lists every check of the registry (UPDATE_GOLDENS=1 rewrites the table)', () => {
    const text = readFileSync(README, 'utf8');
    const start = text.indexOf(BEGIN);
    const end = text.indexOf(END);
    expect(start, 'README needs the check-codes markers').toBeGreaterThan(0);
    const generated = `${BEGIN}\n${checksTable()}\n${END}`;
    const current = text.slice(start, end + END.length);
    if (process.env.UPDATE_GOLDENS === '1' && current !== generated) {
      writeFileSync(README, text.slice(0, start) + generated + text.slice(end + END.length));
      return;
    }
    expect(current).toBe(generated);
  });

  it('shows the check command in the command-line summary', () => {
    expect(readFileSync(README, 'utf8')).toMatch(/^sigma-transpiler check \[--config FILE\]/m);
  });
});
