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

/** `any` as a type (written as a string so this file's own source does not hold it). */
const ANY = new RegExp([':\\s*any\\b', '\\bas any\\b', '<any>', 'any\\[\\]'].join('|'));

/**
 * The source with comments, string and template literals blanked (line breaks kept, so line numbers
 * stay): Sigma rules written as template literals in tests hold `rules: any`. Regular expression
 * literals are not recognised; one holding a quote could hide the rest of its line.
 */
function codeOnly(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\[\s\S])*`/g, (m) => m.replace(/[^\n]/g, ' '));
}

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

  it('src and test have no `any` (test/tsconfig.json type-checks the tests as strictly as src)', () => {
    const offenders = [...sources(SRC), ...sources(join(REPO_ROOT, 'test'))].flatMap((f) =>
      codeOnly(readFileSync(f, 'utf8'))
        .split('\n')
        .map((line, i) => ({ line, i }))
        .filter(({ line }) => ANY.test(line))
        .map(({ i }) => `${relative(REPO_ROOT, f)}:${i + 1}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the `any` check sees through comments, strings and template literals, and nothing else', () => {
    const planted = ['const a: any = 1; // x: any', "const b = 'c: any';", 'const d = `', 'rules: any', '`;', '/* e as any */ const f = g as any;', 'h<any>(i);'].join('\n');
    expect(codeOnly(planted).split('\n').map((line) => ANY.test(line))).toEqual([true, false, false, false, false, true, true]);
  });
});
