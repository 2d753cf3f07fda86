import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/paths.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.includes('.generated.') ? [join(dir, e.name)] : [],
  );
}

const SRC = join(REPO_ROOT, 'src');

describe('architecture', () => {
  it('the core (everything but src/cli) uses no Node API, so it runs in a browser', () => {
    const offenders = sources(SRC)
      .filter((f) => !relative(SRC, f).startsWith('cli'))
      .flatMap((f) => {
        const text = readFileSync(f, 'utf8');
        const hits = [/from ['"]node:/, /from ['"](fs|path|os|url|child_process)['"]/, /\bprocess\.(env|argv|exit|stdout|cwd)/, /\bBuffer\./, /\brequire\(/];
        return hits.filter((h) => h.test(text)).map((h) => `${relative(REPO_ROOT, f)}: ${h}`);
      });
    expect(offenders).toEqual([]);
  });

  it('the lowering engine (src/lower) does not import the pipeline layer (it declares what it reads of its output)', () => {
    const offenders = sources(join(SRC, 'lower')).filter((f) => /from ['"]\.\.\/pipeline\//.test(readFileSync(f, 'utf8')));
    expect(offenders.map((f) => relative(REPO_ROOT, f))).toEqual([]);
  });

  it('src has no `any`', () => {
    const offenders = sources(SRC).flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .map((line, i) => ({ line, i }))
        .filter(({ line }) => !/^\s*(\*|\/\*|\/\/)/.test(line)) // comment lines
        .filter(({ line }) => /(:\s*any\b|\bas any\b|<any>|any\[\])/.test(line.replace(/\/\/.*$|\/\*.*?\*\/|'[^']*'|`[^`]*`/g, '')))
        .map(({ i }) => `${relative(REPO_ROOT, f)}:${i + 1}`),
    );
    expect(offenders).toEqual([]);
  });
});
