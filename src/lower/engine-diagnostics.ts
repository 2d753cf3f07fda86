import { matchesOf, type Expr, type ExprMatch } from '../ast/expr.js';
import { type Diagnostic, error } from '../diagnostics/diagnostic.js';
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

/**
 * The diagnostics without repeats (the same code, place and message), in order. Most stand at places of
 * their own (a refused rule has an error at each refused leaf, and the messages are long): they are told
 * apart by place first, and messages are compared only where a place repeats.
 */
export function dedupe(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const byPlace = new Map<string, Diagnostic[]>();
  return diagnostics.filter((d) => {
    const { file, line, column, offset, endOffset } = d.span;
    const place = `${d.code}\u0000${file}\u0000${line}\u0000${column}\u0000${offset}\u0000${endOffset}`;
    const same = byPlace.get(place);
    if (same === undefined) {
      byPlace.set(place, [d]);
      return true;
    }
    if (same.some((e) => e.message === d.message)) return false;
    same.push(d);
    return true;
  });
}
