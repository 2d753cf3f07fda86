import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/paths.js';

/**
 * The `sigma-transpiler` command runs the bundled CLI (dist/cli, scripts/build-cli.mjs); the library and
 * most tests use the module tree (dist/src). The two must not differ in anything a user sees: same
 * stdout, stderr, exit status and written pack, byte for byte, including the --jobs threads (their worker
 * is a file of its own in the bundle). `npm test` builds both first.
 */
const BUNDLE = join(REPO_ROOT, 'dist', 'cli', 'main.js');
const TREE = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');

const work = mkdtempSync(join(tmpdir(), 'cli-bundle-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(cli: string, args: readonly string[]): Run {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: work, encoding: 'utf8', maxBuffer: 1 << 26 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under `dir`, as relative path -> bytes (hex), sorted. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[relative(dir, full)] = readFileSync(full).toString('hex');
    }
  };
  walk(dir);
  return out;
}

/** The bundled rules, a broken rule (a misspelled modifier and an undefined identifier) and a correlation. */
const pack = join(work, 'pack');
cpSync(join(REPO_ROOT, 'rules'), pack, { recursive: true });
cpSync(join(REPO_ROOT, 'test', 'fixtures', 'correlation'), join(pack, 'correlation'), { recursive: true });
const cleanPack = join(work, 'clean-pack');
cpSync(pack, cleanPack, { recursive: true });
writeFileSync(
  join(pack, 'broken.yml'),
  [
    'title: Broken on purpose',
    'id: 5d2d4f0e-9d7b-4c1e-8b5a-0f4f3c2b1a00',
    'status: test',
    'logsource: { product: windows, category: process_creation }',
    'detection:',
    '  selection:',
    '    CommandLine|contians: foo',
    '  condition: selection and missing',
    'level: high',
    '',
  ].join('\n'),
);

/**
 * The modules a bundle file loads: static imports and re-exports (`from`), bare imports (`import 'x'`),
 * and calls of import(), require() or the bundler's __require (createRequire) with a literal name.
 */
function bundleSpecifiers(text: string): string[] {
  const patterns = [
    /^(?:import|export)\b[^'"]*?from\s*["']([^"']+)["']/gm,
    /^import\s*["']([^"']+)["']/gm,
    /(?:^|[^\w$.])(?:import|require|__require)\s*\(\s*["']([^"']+)["']\s*\)/gm,
  ];
  return patterns.flatMap((p) => [...text.matchAll(p)].map((m) => m[1] ?? ''));
}

describe('the bundled CLI (dist/cli) and the module tree (dist/src/cli) agree byte for byte', () => {
  it('the import check sees every way a bundle file loads a module', () => {
    const planted = [
      'import { a } from "./chunk-a.js";',
      'export { b } from "./chunk-b.js";',
      'import "side-effect";',
      'const c = __require("handlebars");',
      'const d = await import("js-yaml");',
      'x.require("not-a-load")',
    ].join('\n');
    expect(bundleSpecifiers(planted).sort()).toEqual(['./chunk-a.js', './chunk-b.js', 'handlebars', 'js-yaml', 'side-effect']);
  });

  it('the bundle is built and imports nothing but its own files and Node built-ins', () => {
    expect(existsSync(BUNDLE)).toBe(true);
    const dir = join(REPO_ROOT, 'dist', 'cli');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.js'))) {
      const text = readFileSync(join(dir, file), 'utf8');
      const specifiers = bundleSpecifiers(text);
      for (const s of specifiers) expect(s.startsWith('./') || s.startsWith('node:'), `${file} imports ${s}`).toBe(true);
    }
  });

  const cases: readonly (readonly string[])[] = [
    ['--version'],
    ['--help'],
    ['convert', '-t', 'all', '--json', pack],
    ['convert', '-t', 'splunk', '-f', 'savedsearches', '-s', pack],
    ['convert', '-t', 'nonsense', pack],
    ['check', '--format', 'sarif', pack],
    ['explain', join(pack, 'win_security_susp_psexec.yml')],
    ['list', 'pipelines'],
  ];
  for (const args of cases) {
    it(`sigma-transpiler ${args.map((a) => (a === pack ? 'PACK' : a.startsWith(pack) ? `PACK/${relative(pack, a)}` : a)).join(' ')}`, () => {
      const bundled = run(BUNDLE, args);
      const modules = run(TREE, args);
      expect(bundled).toEqual(modules);
      expect(bundled.stdout.length + bundled.stderr.length).toBeGreaterThan(0);
    });
  }

  it('convert -t all -s --jobs 2 -o DIR writes the same pack (the conversion thread runs the bundle too)', () => {
    const a = join(work, 'out-bundle');
    const b = join(work, 'out-tree');
    const bundled = run(BUNDLE, ['convert', '-t', 'all', '-s', '--jobs', '2', '-o', a, pack]);
    const modules = run(TREE, ['convert', '-t', 'all', '-s', '--jobs', '2', '-o', b, pack]);
    expect(bundled.status).toBe(1); // the broken rule fails: --skip-unsupported skips refusals, not mistakes
    expect({ ...bundled, stderr: bundled.stderr.replaceAll(a, 'OUT') }).toEqual({ ...modules, stderr: modules.stderr.replaceAll(b, 'OUT') });
    expect(existsSync(a)).toBe(false); // a failed run writes nothing
    const ok = ['convert', '-t', 'all', '-s', '--jobs', '2', '-o'];
    expect(run(BUNDLE, [...ok, a, cleanPack]).status).toBe(0);
    expect(run(TREE, [...ok, b, cleanPack]).status).toBe(0);
    expect(Object.keys(tree(a)).length).toBeGreaterThan(10);
    expect(tree(a)).toEqual(tree(b));
  });
});
