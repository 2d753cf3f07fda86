// Benchmark: parse the whole active SigmaHQ corpus, then convert it for every target with its default
// pipelines. Prints wall-clock times (best of N runs) and rules per second. Run: npm run bench
// (builds first). Set SIGMA_CORPUS to point elsewhere; RUNS to change the repeat count.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseSigmaText } from '../dist/src/rule/parse-documents.js';
import { CONVERTERS } from '../dist/src/converters.js';
import { convertFiles } from '../dist/src/convert.js';
import { defaultPipelinesFor } from '../dist/src/pipeline/builtins.js';

const corpus = process.env.SIGMA_CORPUS ?? resolve(import.meta.dirname ?? '.', '../../shared/sigma');
const runs = Number(process.env.RUNS ?? 5);
const folders = ['rules', 'rules-emerging-threats', 'rules-threat-hunting', 'rules-placeholder', 'rules-compliance'];

function walk(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = join(dir, name);
      return statSync(full).isDirectory() ? walk(full) : /\.ya?ml$/.test(name) ? [full] : [];
    });
}

const files = folders.flatMap((f) => walk(join(corpus, f)));
const texts = files.map((f) => [f, readFileSync(f)]);
const best = (fn) => {
  let min = Infinity;
  let result;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = fn();
    min = Math.min(min, performance.now() - t0);
  }
  return [min, result];
};

const [parseMs, parsed] = best(() => texts.map(([f, t]) => parseSigmaText(t, f)));
const rules = parsed.reduce((n, p) => n + p.documents.length, 0);
console.log(`corpus: ${files.length} files, ${rules} rule documents (${corpus})`);
console.log(`parse + validate + resolve: ${parseMs.toFixed(0)} ms  (${((rules / parseMs) * 1000).toFixed(0)} rules/s)`);
for (const c of CONVERTERS) {
  const pipelines = defaultPipelinesFor(c.id);
  const [ms, records] = best(() => convertFiles(parsed, c, { pipelines }));
  const ok = records.filter((r) => r.ok).length;
  console.log(`${c.id.padEnd(13)} convert: ${ms.toFixed(0).padStart(5)} ms  (${((records.length / ms) * 1000).toFixed(0)} rules/s), ${ok}/${records.length} converted`);
}
