/**
 * Convert one rule for every target, as a CI script might: each target's query, or the diagnostics
 * that explain why a target refused the rule.
 * Run: npm run build && node dist/examples/convert-rule.js rules/win_security_susp_psexec.yml
 */
import { readFileSync } from 'node:fs';
import { CONVERTERS, convertFiles, defaultPipelinesFor, parseSigmaText } from '../src/index.js';

export function convertForEveryTarget(file: string, text: string): Map<string, string> {
  const parsed = parseSigmaText(text, file);
  const results = new Map<string, string>();
  for (const converter of CONVERTERS) {
    const [record] = convertFiles([parsed], converter, { pipelines: defaultPipelinesFor(converter.id) });
    if (record === undefined) continue;
    results.set(converter.id, record.ok ? (record.output ?? '') : record.diagnostics.map((d) => `${d.code}: ${d.message}`).join('\n'));
  }
  return results;
}

const file = process.argv[2];
if (file !== undefined && import.meta.url === `file://${process.argv[1]}`) {
  for (const [target, text] of convertForEveryTarget(file, readFileSync(file, 'utf8'))) console.log(`== ${target}\n${text}\n`);
}
