import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { supportOverview } from '../src/lower/supports.js';
import { TARGETS } from '../src/targets/registry.js';
import { REPO_ROOT } from './support/paths.js';

const README = join(REPO_ROOT, 'README.md');
const BEGIN = '<!-- support-overview:begin -->';
const END = '<!-- support-overview:end -->';

describe('README', () => {
  it('starts with the two quick-start commands, the second being npm test', () => {
    const lines = readFileSync(README, 'utf8').split('\n');
    expect(lines[0]).toBe('```sh');
    expect(lines[1]).toMatch(/^npm install && npm start\b/);
    expect(lines[2]).toMatch(/^npm test\b/);
    expect(readFileSync(join(REPO_ROOT, '.ci/run'), 'utf8')).toMatch(/^npm test$/m);
  });

  it('shows the support matrix generated from the target declarations (UPDATE_GOLDENS=1 rewrites it)', () => {
    const text = readFileSync(README, 'utf8');
    const start = text.indexOf(BEGIN);
    const end = text.indexOf(END);
    expect(start, 'README needs the support-overview markers').toBeGreaterThan(0);
    const generated = `${BEGIN}\n${supportOverview(TARGETS)}\n${END}`;
    const current = text.slice(start, end + END.length);
    if (process.env.UPDATE_GOLDENS === '1' && current !== generated) {
      writeFileSync(README, text.slice(0, start) + generated + text.slice(end + END.length));
      return;
    }
    expect(current).toBe(generated);
  });
});
