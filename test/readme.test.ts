import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { supportOverview } from '../src/lower/supports.js';
import { TARGETS } from '../src/targets/registry.js';
import { REPO_ROOT, PSEXEC_RULE } from './support/paths.js';
import { runCli } from '../src/cli/program.js';
import { memoryIo } from './support/memory-io.js';
import { relative } from 'node:path';

const README = join(REPO_ROOT, 'README.md');

/** Replaces the text between `<!-- name:begin -->` and `<!-- name:end -->`, or checks it (UPDATE_GOLDENS=1 rewrites). */
function expectSection(name: string, body: string): void {
  const BEGIN = `<!-- ${name}:begin -->`;
  const END = `<!-- ${name}:end -->`;
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  expect(start, `README needs the ${name} markers`).toBeGreaterThan(0);
  const generated = `${BEGIN}\n${body}\n${END}`;
  const current = text.slice(start, end + END.length);
  if (process.env.UPDATE_GOLDENS === '1' && current !== generated) {
    writeFileSync(README, text.slice(0, start) + generated + text.slice(end + END.length));
    return;
  }
  expect(current).toBe(generated);
}

const EXAMPLES: readonly { target: string; args: string[]; lang: string }[] = [
  { target: 'splunk', args: [], lang: 'spl' },
  { target: 'elastic-kql', args: ['-O', 'case-insensitive-fields'], lang: 'kql' },
  { target: 'elastic-esql', args: [], lang: 'esql' },
  { target: 'sentinel-kql', args: [], lang: 'kql' },
  { target: 'sql', args: [], lang: 'sql' },
];

describe('README', () => {
  it('starts with the two quick-start commands, the second being npm test', () => {
    const lines = readFileSync(README, 'utf8').split('\n');
    expect(lines[0]).toBe('```sh');
    expect(lines[1]).toMatch(/^npm install && npm start\b/);
    expect(lines[2]).toMatch(/^npm test\b/);
    expect(readFileSync(join(REPO_ROOT, '.ci/run'), 'utf8')).toMatch(/^npm test$/m);
  });

  it('shows the support matrix generated from the target declarations (UPDATE_GOLDENS=1 rewrites it)', () => {
    expectSection('support-overview', supportOverview(TARGETS));
  });

  it('shows what the CLI really prints for PsExec on every target', async () => {
    const rule = relative(REPO_ROOT, PSEXEC_RULE);
    const blocks: string[] = [];
    for (const e of EXAMPLES) {
      if (!TARGETS.some((t) => t.id === e.target)) continue;
      const io = memoryIo();
      const status = await runCli(['convert', '-t', e.target, ...e.args, PSEXEC_RULE], io);
      expect(status, io.err).toBe(0);
      blocks.push(`\`sigma-transpiler convert -t ${[e.target, ...e.args].join(' ')} ${rule}\`\n\n\`\`\`${e.lang}\n${io.out.trimEnd()}\n\`\`\``);
    }
    expectSection('psexec-examples', blocks.join('\n\n'));
  });
});
