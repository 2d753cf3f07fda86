import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPack, countFindings, type CheckReport } from '../../src/check/check.js';
import { listYamlFiles } from '../../src/cli/io.js';
import { ACTIVE_FOLDERS, HAVE_CORPUS, SIGMA_DIR, noteMissingCorpus } from '../support/paths.js';

noteMissingCorpus('check over the corpus');

function checkFolders(folders: readonly string[]): CheckReport {
  const files = folders.flatMap((f) => listYamlFiles(join(SIGMA_DIR, f)));
  return checkPack(files.map((file) => ({ file: relative(SIGMA_DIR, file), text: readFileSync(file) })));
}

/** One line per code (count, severity, code) and the first place it was found, for the test log. */
function summary(label: string, report: CheckReport): string {
  const byCode = new Map<string, { n: number; severity: string; first: string }>();
  for (const f of report.findings) {
    const e = byCode.get(f.code) ?? { n: 0, severity: f.severity, first: `${f.span.file}:${f.span.line}:${f.span.column}` };
    e.n++;
    byCode.set(f.code, e);
  }
  const c = countFindings(report.findings);
  const lines = [...byCode].sort((a, b) => b[1].n - a[1].n || (a[0] < b[0] ? -1 : 1)).map(([code, e]) => `  ${String(e.n).padStart(5)} ${e.severity.padEnd(7)} ${code.padEnd(30)} e.g. ${e.first}`);
  return [`[check] ${label}: ${report.files} files, ${report.documents} documents: ${c.error} errors, ${c.warning} warnings, ${c.info} notes`, ...lines].join('\n');
}

describe.skipIf(!HAVE_CORPUS)('check over the SigmaHQ corpus', () => {
  it('active folders: no crash, and no error (the corpus passes SigmaHQ CI); a summary per code', () => {
    const report = checkFolders(ACTIVE_FOLDERS);
    console.log(summary('active folders', report));
    expect(report.files).toBeGreaterThan(3700);
    expect(report.findings.filter((f) => f.severity === 'error').map((f) => `${f.span.file}:${f.span.line} ${f.code}`)).toEqual([]);
    // SPEC-DIGEST §4: the Ryuk rule's '\*.bak' is the corpus' known escaped wildcard.
    expect(report.findings.some((f) => f.code === 'escaped-wildcard' && f.span.file.includes('ryuk'))).toBe(true);
    for (const f of report.findings) expect(f.span.line).toBeGreaterThan(0);
  });

  it('unsupported/ and deprecated/: no crash, every finding placed in its file', () => {
    for (const folder of ['unsupported', 'deprecated']) {
      const report = checkFolders([folder]);
      console.log(summary(folder, report));
      expect(report.files).toBeGreaterThan(50);
      for (const f of report.findings) expect(f.span.file.startsWith(`${folder}/`)).toBe(true);
    }
  });
});
