import { matchesOf, type Expr, type ExprMatch } from '../ast/expr.js';
import { type Diagnostic, diagnosticKey, error } from '../diagnostics/diagnostic.js';
import type { TargetDeclaration, Unsupported } from './target.js';

/* The lowering engine's diagnostics (engine.ts): refusals, unresolved placeholders, one of each. */

/** See LowerOptions.onLeafError. */
export type LeafErrorListener = (leaf: ExprMatch, diagnostic: Diagnostic) => void;

export function unsupportedDiagnostic(target: TargetDeclaration, u: Unsupported, node: Expr): Diagnostic {
  const option = target.options.find((o) => o.name === u.option);
  const hint =
    option === undefined
      ? 'convert this rule for another target, or skip it (--skip-unsupported)'
      : `the target option '${option.name}' makes it exact if your data fits (${option.summary}); otherwise skip the rule (--skip-unsupported)`;
  return error(
    'unsupported-construct',
    `${target.id} cannot express ${u.construct} exactly: ${u.reason}; ${hint}`,
    node.span,
  );
}

export function describeMatch(node: ExprMatch): string {
  return node.field === null ? `a keyword (${node.value.kind})` : `a ${node.value.kind} match on field '${node.field}'`;
}

export function findPlaceholders(expr: Expr, onLeafError: LeafErrorListener | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const m of matchesOf(expr)) {
    if (m.value.kind !== 'string') continue;
    for (const part of m.value.parts) {
      if (part.kind !== 'placeholder') continue;
      const diagnostic = error(
        'unresolved-placeholder',
        `no pipeline resolved the placeholder %${part.name}%; give a pipeline that defines \`vars: {${part.name}: [...]}\`` +
          ' with a `value_placeholders` transformation (or `wildcard_placeholders` to match any value);' +
          ' Sigma requires refusing a rule whose placeholders stay unresolved',
        m.span,
      );
      out.push(diagnostic);
      onLeafError?.(m, diagnostic);
    }
  }
  return out;
}

export function dedupe(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = diagnosticKey(d);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
