import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from './paths.js';

/** vitest globalSetup: regenerates the generated sources (cheap, deterministic). */
export default function setup(): void {
  for (const script of ['generate-parser.mjs', 'generate-templates.mjs', 'generate-pipelines.mjs']) {
    execFileSync(process.execPath, [`scripts/${script}`], { cwd: REPO_ROOT, stdio: 'ignore' });
  }
}
