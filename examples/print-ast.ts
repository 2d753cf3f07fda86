/**
 * Load a Sigma rule and print its AST through the library API (the same API the CLI uses).
 * Run: npm run build && node dist/examples/print-ast.js rules/win_security_susp_psexec.yml
 * In your own project, import from 'sigma-transpiler' instead of '../src/index.js'.
 */
import { readFileSync } from 'node:fs';
import { parseSigmaText, printCondition, printExpr, renderDiagnostic } from '../src/index.js';

export function printAst(file: string, text: string): string {
  const parsed = parseSigmaText(text, file);
  const out: string[] = [];
  for (const doc of parsed.documents) {
    for (const d of [...parsed.diagnostics, ...doc.diagnostics]) out.push(renderDiagnostic(d, parsed.index));
    if (doc.document?.kind !== 'rule') continue;
    const rule = doc.document;
    out.push(`${rule.title} (${rule.id ?? 'no id'})`);
    for (const c of rule.conditions) out.push(`condition: ${printCondition(c.node)}`);
    out.push(printExpr(rule.detection));
  }
  return out.join('\n');
}

const file = process.argv[2];
if (file !== undefined && import.meta.url === `file://${process.argv[1]}`) {
  console.log(printAst(file, readFileSync(file, 'utf8')));
}
