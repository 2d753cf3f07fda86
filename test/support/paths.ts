import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The SigmaHQ corpus beside the repository (CI has it; a user's fresh clone may not). */
export const SIGMA_DIR = process.env.SIGMA_CORPUS ?? resolve(REPO_ROOT, '../shared/sigma');
export const HAVE_CORPUS = existsSync(join(SIGMA_DIR, 'rules'));
export const ACTIVE_FOLDERS = ['rules', 'rules-emerging-threats', 'rules-threat-hunting', 'rules-placeholder', 'rules-compliance'];
export const PSEXEC_RULE = join(REPO_ROOT, 'rules/win_security_susp_psexec.yml');

/** Says once, visibly, why a corpus suite does not run. */
export function noteMissingCorpus(suite: string): void {
  if (!HAVE_CORPUS) console.log(`[skip] ${suite}: no Sigma corpus at ${SIGMA_DIR} (set SIGMA_CORPUS to run it)`);
}
