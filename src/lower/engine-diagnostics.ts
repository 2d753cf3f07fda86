import type { Expr, ExprMatch } from '../ast/expr.js';
import { type Diagnostic, error } from '../diagnostics/diagnostic.js';
import type { TargetDeclaration, Unsupported } from './target.js';

/* The lowering engine's diagnostics (engine.ts): refusals, unresolved placeholders, one of each. */

/** See LowerOptions.onLeafError. */
export type LeafErrorListener = (leaf: ExprMatch, diagnostic: Diagnostic) => void;

export function unsupportedDiagnostic(target: TargetDeclaration, u: Unsupported, node: Expr): Diagnostic {
  const option = u.option === undefined ? undefined : optionNamed(target, u.option);
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

/** A loop, not find(): a refused rule has an error at each refused leaf (elastic-kql: tens of thousands). */
function optionNamed(target: TargetDeclaration, name: string): TargetDeclaration['options'][number] | undefined {
  for (const o of target.options) if (o.name === name) return o;
  return undefined;
}

export function describeMatch(node: ExprMatch): string {
  return node.field === null ? `a keyword (${node.value.kind})` : `a ${node.value.kind} match on field '${node.field}'`;
}

/** An `unresolved-placeholder` error for each placeholder of the leaf's value, each told to `onLeafError`. */
export function placeholderErrors(m: ExprMatch, onLeafError: LeafErrorListener | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (m.value.kind !== 'string') return out;
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
  return out;
}

/**
 * The diagnostics without repeats (the same code, place and message), in order. A refused rule has an
 * error at each refused leaf, nearly all at places of their own: they are told apart by a number made
 * from the place (no key text built per diagnostic), and only diagnostics whose numbers are equal are
 * compared in full (code, place, then the long message).
 */
export function dedupe(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const kept: Diagnostic[] = [];
  const byPlace = new Map<number, Diagnostic[]>();
  for (const d of diagnostics) {
    const s = d.span;
    const hash = ((s.offset * 31 + s.endOffset) * 31 + s.line) * 31 + s.column;
    const same = byPlace.get(hash);
    if (same === undefined) {
      byPlace.set(hash, [d]);
    } else {
      if (same.some((e) => samePlace(e, d) && e.message === d.message)) continue;
      same.push(d);
    }
    kept.push(d);
  }
  return kept;
}

/** The same code and place, as diagnosticKey compares them (numbers as their text: NaN is NaN). */
function samePlace(a: Diagnostic, b: Diagnostic): boolean {
  const s = a.span;
  const t = b.span;
  return a.code === b.code && s.file === t.file && sameNumber(s.offset, t.offset) && sameNumber(s.endOffset, t.endOffset) && sameNumber(s.line, t.line) && sameNumber(s.column, t.column);
}

function sameNumber(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}
