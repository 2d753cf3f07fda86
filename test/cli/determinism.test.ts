import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { CONVERTERS } from '../../src/converters.js';
import { memoryIo } from '../support/memory-io.js';
import { REPO_ROOT } from '../support/paths.js';

/** Same input, same bytes: CI diffs of generated packs must only show real changes. */
describe('deterministic output', () => {
  for (const c of CONVERTERS) {
    for (const format of c.formats) {
      it(`${c.id} ${format}: two runs over rules/ print the same bytes`, async () => {
        const run = async (): Promise<string> => {
          const io = memoryIo();
          await runCli(['convert', '-t', c.id, '-f', format, '-s', join(REPO_ROOT, 'rules')], io);
          const json = memoryIo();
          await runCli(['convert', '-t', c.id, '-f', format, '-s', '--json', join(REPO_ROOT, 'rules')], json);
          return `${io.out}\n${io.err}\n${json.out}`;
        };
        const first = await run();
        expect(first.length).toBeGreaterThan(100);
        expect(await run()).toBe(first);
      });
    }
  }
});
