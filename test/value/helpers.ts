import type { Expr } from '../../src/ast/expr.js';
import type { Diagnostic, Result } from '../../src/diagnostics/diagnostic.js';
import { pointSpan } from '../../src/diagnostics/span.js';
import { buildSearchIdentifier } from '../../src/value/detection.js';
import { stripSpans } from '../../src/ast/strip-spans.js';
import { yamlNode } from './plain-to-node.js';

export { stripSpans };

/** Builds search identifier `sel` from a YAML snippet (its value). */
export function build(yamlText: string): Result<Expr> {
  return buildSearchIdentifier('sel', yamlNode(yamlText), pointSpan('test.yml'));
}

/** The Expr without spans; fails the test when the build failed. */
export function expr(yamlText: string): unknown {
  const r = build(yamlText);
  if (!r.ok) throw new Error(`build failed: ${r.diagnostics.map((d) => `${d.code}: ${d.message}`).join('\n')}`);
  return stripSpans(r.value);
}

export function errors(yamlText: string): { code: string; message: string; severity: string }[] {
  return build(yamlText).diagnostics.map((d: Diagnostic) => ({ code: d.code, message: d.message, severity: d.severity }));
}
