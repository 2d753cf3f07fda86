import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listYamlFiles } from '../../src/cli/io.js';
import type { ConversionRecord } from '../../src/convert.js';
import { convertFiles } from '../../src/convert.js';
import { findConverter } from '../../src/converters.js';
import { defaultPipelinesFor, findBuiltinPipeline } from '../../src/pipeline/builtins.js';
import { parseSigmaText, type ParsedFile } from '../../src/rule/parse-documents.js';
import { ACTIVE_FOLDERS, SIGMA_DIR } from './paths.js';

let parsed: ParsedFile[] | undefined;

/** Every active corpus file, parsed once per test process. */
export function corpusFiles(): ParsedFile[] {
  parsed ??= ACTIVE_FOLDERS.flatMap((folder) => listYamlFiles(join(SIGMA_DIR, folder))).map((f) => parseSigmaText(readFileSync(f), f));
  return parsed;
}

/** Converts the corpus for a target the way the CLI does by default (its default pipelines). */
export function convertCorpus(target: string, targetOptions: Record<string, boolean> = {}, extraPipelines: readonly string[] = []): ConversionRecord[] {
  const converter = findConverter(target);
  if (converter === undefined) throw new Error(`no target ${target}`);
  const extra = extraPipelines.map((name) => {
    const b = findBuiltinPipeline(name);
    if (b === undefined) throw new Error(`no built-in pipeline ${name}`);
    return b.pipeline;
  });
  return convertFiles(corpusFiles(), converter, { pipelines: [...defaultPipelinesFor(target), ...extra], targetOptions });
}

/** `converted N, refused M (code: count, ...)` plus the most common refusal messages, for the test log. */
export function summarize(target: string, records: readonly ConversionRecord[]): string {
  const ok = records.filter((r) => r.ok).length;
  const byCode = new Map<string, number>();
  const byReason = new Map<string, number>();
  for (const r of records) {
    if (r.ok) continue;
    const codes = new Set(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code));
    for (const c of codes) byCode.set(c, (byCode.get(c) ?? 0) + 1);
    const first = r.diagnostics.find((d) => d.severity === 'error');
    if (first) {
      const reason = first.message.replace(/'[^']*'|"[^"]*"|`[^`]*`/g, '…').slice(0, 110);
      byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
    }
  }
  const codes = [...byCode].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c}: ${n}`).join(', ');
  const reasons = [...byReason].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([m, n]) => `    ${String(n).padStart(5)} × ${m}`);
  return [`[corpus] ${target.padEnd(12)} ${records.length} rules: ${ok} converted, ${records.length - ok} refused${codes ? ` (${codes})` : ''}`, ...reasons].join('\n');
}
