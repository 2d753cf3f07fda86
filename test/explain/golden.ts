import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const GOLDEN_DIR = join(REPO_ROOT, 'test/golden/explain');
/** The SigmaHQ corpus beside the repository (CI has it; a fresh clone may not). */
export const SIGMA_DIR = process.env.SIGMA_CORPUS ?? resolve(REPO_ROOT, '../shared/sigma');
export const HAVE_CORPUS = existsSync(join(SIGMA_DIR, 'rules'));

/** The goldens test/explain/correlation.test.ts writes. */
export const CORRELATION_GOLDENS = ['correlation-chained.txt', 'correlation-chained.md'];

/** Goldens are rewritten only with UPDATE_GOLDENS=1 (read the diff before committing); a missing one fails. */
const UPDATE = process.env.UPDATE_GOLDENS === '1';

export function expectGolden(name: string, actual: string): void {
  const path = join(GOLDEN_DIR, name);
  if (UPDATE) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) throw new Error(`missing golden ${path}: run with UPDATE_GOLDENS=1 and read it before committing`);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

export function goldenFiles(): string[] {
  return existsSync(GOLDEN_DIR) ? readdirSync(GOLDEN_DIR).sort() : [];
}

/** Every `*.yml`/`*.yaml` below a folder (or the file itself), sorted, as the CLI lists them. */
export function listYamlFiles(path: string): string[] {
  const full = resolve(SIGMA_DIR, path);
  if (!existsSync(full)) throw new Error(`no such file or folder: ${path}`);
  if (statSync(full).isFile()) return [path];
  const out: string[] = [];
  const walk = (p: string): void => {
    const entries = readdirSync(p, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const child = join(p, e.name);
      if (e.isDirectory()) walk(child);
      else if (/\.ya?ml$/i.test(e.name)) out.push(child);
    }
  };
  walk(full);
  return out;
}
