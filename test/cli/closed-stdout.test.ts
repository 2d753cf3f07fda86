import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/paths.js';

/**
 * A reader that stops early (`sigma-transpiler convert ... | head`) closes the pipe before the queries
 * are printed. The run still ends as it would have (its summary on stderr, its exit status), with no
 * stack trace, and leaves no temporary file. Runs the bundled CLI, the `sigma-transpiler` command (`npm test` builds it first).
 */
const CLI = join(REPO_ROOT, 'dist', 'cli', 'main.js');

let temp: string;
beforeEach(() => {
  temp = mkdtempSync(join(tmpdir(), 'closed-stdout-'));
});
afterEach(() => rmSync(temp, { recursive: true, force: true }));

/** Runs the CLI with its stdout's reading end closed at once; resolves with its status and stderr. */
function runWithClosedStdout(args: readonly string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, TMPDIR: temp }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (t: string) => void (stderr += t));
    child.on('error', fail);
    child.on('close', (status) => done({ status, stderr }));
  });
}

describe('convert with stdout closed by its reader', () => {
  it('ends as usual: summary, exit status, no stack trace, no temporary file left', async () => {
    const { status, stderr } = await runWithClosedStdout(['convert', '-t', 'splunk,sql', '-s', join(REPO_ROOT, 'rules')]);
    expect(stderr).not.toMatch(/EPIPE|Unhandled|internal error|\n\s+at /);
    expect(stderr).toMatch(/converted, 0 failed.*\(target sql\)\n$/);
    expect(status).toBe(0);
    expect(readdirSync(temp)).toEqual([]);
  });
});
