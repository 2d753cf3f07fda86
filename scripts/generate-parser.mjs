// Compiles src/condition/condition.peggy into an ES module at src/condition/grammar.generated.ts.
// The output is git-ignored; `npm run build` and `npm run typecheck` regenerate it, so a fresh clone
// only needs `npm run generate` before running the tests.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import peggy from 'peggy';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const grammarPath = join(root, 'src/condition/condition.peggy');
const outPath = join(root, 'src/condition/grammar.generated.ts');

const grammar = readFileSync(grammarPath, 'utf8');
let source;
try {
  source = peggy.generate(grammar, {
    output: 'source',
    format: 'es',
    grammarSource: 'src/condition/condition.peggy',
    allowedStartRules: ['Condition'],
  });
} catch (e) {
  // GrammarError.format renders the grammar problem with a caret under the offending text.
  const message =
    typeof e?.format === 'function' ? e.format([{ source: 'src/condition/condition.peggy', text: grammar }]) : String(e);
  console.error(message);
  process.exit(1);
}

const header =
  '// @ts-nocheck\n' +
  '// Generated from src/condition/condition.peggy by scripts/generate-parser.mjs: do not edit.\n';
writeFileSync(outPath, header + source);
console.log(`wrote ${outPath.slice(root.length + 1)}`);
