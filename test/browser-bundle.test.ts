/**
 * The core runs in a browser: bundle src/index.ts for the browser with Vite (no Node built-ins
 * allowed), then run the bundle in a bare JavaScript context that has no `process`, `require`, `Buffer`
 * or file system, and convert the PsExec rule there.
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { build } from 'vite';
import { describe, expect, it } from 'vitest';
import { PSEXEC_RULE, REPO_ROOT } from './support/paths.js';

describe('browser bundle', () => {
  it('bundles without Node built-ins and converts a rule in a context without Node globals', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'sigma-browser-'));
    const warnings: string[] = [];
    await build({
      configFile: false,
      logLevel: 'silent',
      customLogger: { info() {}, warn: (m: string) => warnings.push(m), warnOnce: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m), clearScreen() {}, hasErrorLogged: () => false, hasWarned: false },
      build: {
        outDir,
        emptyOutDir: true,
        minify: false,
        lib: { entry: join(REPO_ROOT, 'src/index.ts'), formats: ['iife'], name: 'SigmaTranspiler', fileName: () => 'bundle.js' },
      },
    });
    expect(warnings.filter((w) => /externalized for browser|node:/.test(w))).toEqual([]);
    const code = readFileSync(join(outDir, 'bundle.js'), 'utf8');
    expect(code).not.toMatch(/require\(["']node:|from ["']node:/);
    const sandbox: Record<string, unknown> = { TextEncoder, TextDecoder, console };
    runInNewContext(`${code}\nthis.SigmaTranspiler = SigmaTranspiler;`, sandbox);
    const api = sandbox['SigmaTranspiler'] as typeof import('../src/index.js');
    const parsed = api.parseSigmaText(readFileSync(PSEXEC_RULE, 'utf8'), 'psexec.yml');
    const converter = api.findConverter('sentinel-kql');
    expect(converter).toBeDefined();
    const [record] = api.convertFiles([parsed], converter!);
    expect(record?.ok).toBe(true);
    expect(record?.output).toContain('ShareName =~ @"\\\\*\\IPC$"');
    expect(typeof (sandbox as { process?: unknown }).process).toBe('undefined');
  });
});
