import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listYamlFiles } from '../../src/cli/io.js';
import { parseSigmaText } from '../../src/rule/parse-documents.js';
import { runCli } from '../../src/cli/program.js';
import { memoryIo } from '../support/memory-io.js';
import { ACTIVE_FOLDERS, HAVE_CORPUS, SIGMA_DIR, noteMissingCorpus } from '../support/paths.js';

noteMissingCorpus('corpus loading');

describe.skipIf(!HAVE_CORPUS)('whole SigmaHQ corpus', () => {
  it('loads and parses every active rule with no error', () => {
    const failures: string[] = [];
    let rules = 0;
    for (const folder of ACTIVE_FOLDERS) {
      for (const file of listYamlFiles(join(SIGMA_DIR, folder))) {
        const parsed = parseSigmaText(readFileSync(file), file);
        const errors = [...parsed.diagnostics, ...parsed.documents.flatMap((d) => d.diagnostics)].filter((d) => d.severity === 'error');
        for (const e of errors) failures.push(`${e.span.file}:${e.span.line}:${e.span.column} ${e.code} ${e.message}`);
        rules += parsed.documents.filter((d) => d.document?.kind === 'rule').length;
      }
    }
    console.log(`[corpus] ${rules} active rules parsed`);
    expect(failures.slice(0, 20)).toEqual([]);
    expect(rules).toBeGreaterThan(3700);
  });

  it('processes every unsupported rule without a crash and rejects each legacy construct cleanly', () => {
    const silentLegacy: string[] = [];
    const codes = new Map<string, number>();
    let files = 0;
    for (const file of listYamlFiles(join(SIGMA_DIR, 'unsupported'))) {
      files++;
      const text = readFileSync(file, 'utf8');
      const parsed = parseSigmaText(text, file);
      const errors = [...parsed.diagnostics, ...parsed.documents.flatMap((d) => d.diagnostics)].filter((d) => d.severity === 'error');
      // Sigma v1 constructs that v2 removed: each must be refused, not silently dropped.
      const legacy = /condition:.*(\|\s*count\(|\bnear\b)|^\s+timeframe:/m.test(text);
      if (legacy && errors.length === 0) silentLegacy.push(file);
      for (const e of errors) {
        codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
        expect(e.span.line).toBeGreaterThan(0);
        expect(e.message.length).toBeGreaterThan(10);
      }
    }
    console.log(`[corpus] unsupported/: ${files} files; errors by code: ${[...codes].sort().map(([c, n]) => `${c}=${n}`).join(' ')}`);
    expect(silentLegacy).toEqual([]);
  });

  it('`convert --target ast --json` over the active folders reports every rule ok', async () => {
    const io = memoryIo();
    const status = await runCli(['convert', '--target', 'ast', '--json', ...ACTIVE_FOLDERS.map((f) => join(SIGMA_DIR, f))], io);
    const records = io.out.trim().split('\n').map((l) => JSON.parse(l) as { ok: boolean; file: string });
    expect(records.filter((r) => !r.ok).map((r) => r.file)).toEqual([]);
    expect(records.length).toBeGreaterThan(3700);
    expect(status).toBe(0);
  });

  it('loads the spec examples: correlations and filters', () => {
    const kinds: string[] = [];
    for (const file of listYamlFiles(join(SIGMA_DIR, 'spec-examples'))) {
      const parsed = parseSigmaText(readFileSync(file), file);
      for (const d of parsed.documents) {
        expect(d.diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
        kinds.push(d.document?.kind ?? 'none');
      }
    }
    expect(kinds.filter((k) => k === 'correlation')).toHaveLength(8);
    expect(kinds.filter((k) => k === 'filter')).toHaveLength(2);
  });
});
