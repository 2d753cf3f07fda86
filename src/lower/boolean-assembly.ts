import { type ChainOperand, joinChain } from './chain.js';
import type { Binding, Fragment, QueryLanguage } from './target.js';

/*
 * Boolean assembly for the lowering engine (engine.ts): rendered operands joined by a language's and/or,
 * negated, parenthesised by its declared precedence; constants (pre-filters only) folded away.
 */

/**
 * A fragment the engine joined carries `chain`: how many operands its text holds at its top level, so
 * an enclosing chain of the same operator that inlines it counts them (BooleanSyntax.maxChain).
 */
export type Piece = (Fragment & { readonly chain?: number }) | { readonly kind: 'const'; readonly value: boolean };

export const TRUE: Piece = { kind: 'const', value: true };
export const FALSE: Piece = { kind: 'const', value: false };

export function join(op: 'and' | 'or', pieces: readonly Piece[], lang: QueryLanguage): Piece {
  // Constants only appear in pre-filters: fold them away (x AND true = x, x OR true = true, ...).
  const absorbing = op === 'or';
  let kept: readonly Piece[] = pieces;
  if (hasConstant(pieces)) {
    const fragments: Piece[] = [];
    for (const piece of pieces) {
      if (piece.kind !== 'const') fragments.push(piece);
      else if (piece.value === absorbing) return piece;
    }
    kept = fragments;
  }
  if (kept.length === 0) return op === 'and' ? TRUE : FALSE;
  if (kept.length === 1 && kept[0]) return kept[0];
  // Written straight into one string (every and/or of every rule comes here); the operand objects of
  // joinChain only when the chain is longer than the language accepts.
  const joiner = op === 'and' ? lang.boolean.and : lang.boolean.or;
  let text = '';
  let total = 0;
  for (const p of kept) {
    if (p.kind === 'const') continue; // none left (folded above)
    const grouped = needsParens(p.binds, op, lang);
    if (total > 0) text += joiner;
    text += grouped ? group(p.text, lang) : p.text;
    total += !grouped && p.binds === op ? (p.chain ?? 1) : 1;
  }
  const maxChain = lang.boolean.maxChain;
  if (maxChain === undefined || total <= maxChain) return { kind: 'fragment', text, binds: op, chain: total };
  const operands: ChainOperand[] = [];
  for (const p of kept) {
    if (p.kind === 'const') continue;
    operands.push(
      needsParens(p.binds, op, lang)
        ? { text: group(p.text, lang), operands: 1 }
        : { text: p.text, operands: p.binds === op ? (p.chain ?? 1) : 1 },
    );
  }
  const joined = joinChain(operands, joiner, lang.boolean.group, maxChain);
  return { kind: 'fragment', text: joined.text, binds: op, chain: joined.operands };
}

function hasConstant(pieces: readonly Piece[]): boolean {
  for (const piece of pieces) if (piece.kind === 'const') return true;
  return false;
}

export function negate(piece: Piece, lang: QueryLanguage): Piece {
  if (piece.kind === 'const') return piece.value ? FALSE : TRUE;
  const { open, close } = lang.boolean.not;
  const inner = needsParens(piece.binds, 'not', lang) ? group(piece.text, lang) : piece.text;
  // A function-style NOT (`not(...)`) is an atom; a prefix NOT binds as 'not'.
  return { kind: 'fragment', text: `${open}${inner}${close}`, binds: close === '' ? 'not' : 'atom' };
}

/** Does a child whose top operator is `child` need parentheses as an operand of `parent`? */
export function needsParens(child: Binding, parent: 'and' | 'or' | 'not', lang: QueryLanguage): boolean {
  if (child === 'atom') return false;
  const precedence = lang.boolean.precedence;
  if (parent === 'not') {
    if (lang.boolean.not.close !== '') return false; // not( ... ) delimits its operand itself
    // Some grammars (Kibana KQL) do not accept `not not x`: always group a NOT under a prefix NOT.
    return child === 'not' || precedence[child] < precedence.not;
  }
  if (child === parent) return false; // and/or are associative
  if (lang.boolean.groupMixed && child !== 'not') return true;
  return precedence[child] <= precedence[parent];
}

export function group(text: string, lang: QueryLanguage): string {
  return `${lang.boolean.group.open}${text}${lang.boolean.group.close}`;
}
