import { it } from 'vitest';
import { convertCorpus, summarize } from './support/convert-corpus.js';
import { writeFileSync } from 'node:fs';
it('x', () => {
  const r = convertCorpus('elastic-esql');
  console.log(summarize('elastic-esql', r));
  const rulesOnly = r.filter((x) => /\/sigma\/rules\//.test(x.file));
  console.log('rules/', rulesOnly.length, rulesOnly.filter((x) => x.ok).length);
  const reasons = new Map<string, number>();
  for (const x of r) if (!x.ok) { const d = x.diagnostics.find((d) => d.severity === 'error'); const m = (d?.message ?? '').slice(0, 160); reasons.set(m, (reasons.get(m) ?? 0) + 1); }
  writeFileSync('/tmp/esql/reasons.txt', [...reasons].sort((a, b) => b[1] - a[1]).map(([m, n]) => `${n} ${m}`).join('\n'));
  writeFileSync('/tmp/esql/outputs.txt', r.filter((x) => x.ok).map((x) => `# ${x.file}\n${x.output}`).join('\n'));
}, 600000);
