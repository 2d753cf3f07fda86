import type { SourceSpan } from '../diagnostics/span.js';

/**
 * The condition as written: what the grammar produces and the printer prints. Spans are positions in
 * the YAML file (the grammar's offsets shifted to where the condition string stands).
 *
 * `and`/`or` are n-ary. The parser flattens an unparenthesised chain (`a and b and c` is one node with
 * three operands); a parenthesised group stays a child node, so printing and re-parsing is exact.
 */
export type ConditionNode = CondAnd | CondOr | CondNot | CondRef | CondOf;

export interface CondAnd {
  readonly kind: 'and';
  readonly operands: readonly ConditionNode[];
  readonly span: SourceSpan;
}

export interface CondOr {
  readonly kind: 'or';
  readonly operands: readonly ConditionNode[];
  readonly span: SourceSpan;
}

export interface CondNot {
  readonly kind: 'not';
  readonly operand: ConditionNode;
  readonly span: SourceSpan;
}

/** A search identifier by name. Names the grammar cannot spell are reached through `x of pattern`. */
export interface CondRef {
  readonly kind: 'ref';
  readonly name: string;
  readonly span: SourceSpan;
}

/**
 * `1 of X`, `any of X`, `all of X`. `quantifier` keeps how it was written (`1` and `any` mean the same)
 * so the printer gives back the author's text. `target` is `them` or a pattern where `*` matches any run
 * of characters and the whole name must match.
 */
export interface CondOf {
  readonly kind: 'of';
  readonly quantifier: '1' | 'any' | 'all';
  readonly target: { readonly kind: 'them' } | { readonly kind: 'pattern'; readonly pattern: string };
  readonly span: SourceSpan;
}

export type ConditionKind = ConditionNode['kind'];
