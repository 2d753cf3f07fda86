import type { Diagnostic } from './diagnostic.js';
import type { LineIndex } from './span.js';

/**
 * Renders a diagnostic the way compilers do:
 *
 *     rules/x.yml:12:17: error[unknown-modifier] unknown modifier `contans` ...
 *        12 |     CommandLine|contans: foo
 *           |                 ^^^^^^^
 */
export function renderDiagnostic(d: Diagnostic, source?: LineIndex): string {
  const head = `${d.span.file}:${d.span.line}:${d.span.column}: ${d.severity}[${d.code}] ${d.message}`;
  if (source === undefined) return head;
  const text = source.lineText(d.span.line);
  if (text.trim() === '') return head;
  const shown = text.length > 200 ? text.slice(0, 200) + '…' : text;
  const gutter = String(d.span.line);
  const pad = ' '.repeat(gutter.length);
  const width =
    d.span.endLine === d.span.line ? Math.max(1, Math.min(d.span.endColumn - d.span.column, shown.length - d.span.column + 1)) : 1;
  const caret = ' '.repeat(Math.max(0, Math.min(d.span.column - 1, shown.length))) + '^'.repeat(Math.max(1, width));
  return `${head}\n ${gutter} | ${shown}\n ${pad} | ${caret}`;
}
