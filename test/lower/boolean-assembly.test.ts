import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Piece, join, needsParens } from '../../src/lower/boolean-assembly.js';
import { type ChainGroup, type ChainOperand, joinChain, joinTexts } from '../../src/lower/chain.js';
import type { BooleanSyntax, QueryLanguage } from '../../src/lower/target.js';

/*
 * join writes an and/or straight into one string and builds joinChain's operands only past maxChain;
 * joinChain and joinTexts join short chains with loops (issue #13). Each is compared here with the plain
 * form it replaced: every operand mapped to a ChainOperand, then chunked the one way (reference below).
 */

/** joinChain as it was written before: reduce, map and join, chunked past maxChain. */
function referenceChain(items: readonly ChainOperand[], joiner: string, group: ChainGroup, maxChain: number | undefined): ChainOperand {
  const total = items.reduce((n, item) => n + item.operands, 0);
  if (maxChain === undefined || total <= maxChain || items.length <= 1) return { text: items.map((i) => i.text).join(joiner), operands: total };
  const limit = Math.max(2, maxChain);
  const chunks: ChainOperand[][] = [];
  let current: ChainOperand[] = [];
  let size = 0;
  for (const item of items) {
    if (current.length > 0 && size + item.operands > limit) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += item.operands;
  }
  chunks.push(current);
  return referenceChain(chunks.map((c) => ({ text: `${group.open}${c.map((i) => i.text).join(joiner)}${group.close}`, operands: 1 })), joiner, group, maxChain);
}

/** join as it was written before: constants folded, every operand mapped, then the chain joined. */
function referenceJoin(op: 'and' | 'or', pieces: readonly Piece[], lang: QueryLanguage): Piece {
  const absorbing = op === 'or';
  const kept: Exclude<Piece, { kind: 'const' }>[] = [];
  for (const piece of pieces) {
    if (piece.kind === 'const') {
      if (piece.value === absorbing) return piece;
      continue;
    }
    kept.push(piece);
  }
  const [only] = kept;
  if (kept.length === 0) return { kind: 'const', value: op === 'and' };
  if (kept.length === 1 && only) return only;
  const operands = kept.map((p) =>
    needsParens(p.binds, op, lang)
      ? { text: `${lang.boolean.group.open}${p.text}${lang.boolean.group.close}`, operands: 1 }
      : { text: p.text, operands: p.binds === op ? (p.chain ?? 1) : 1 },
  );
  const joined = referenceChain(operands, op === 'and' ? lang.boolean.and : lang.boolean.or, lang.boolean.group, lang.boolean.maxChain);
  return { kind: 'fragment', text: joined.text, binds: op, chain: joined.operands };
}

const GROUP = { open: '(', close: ')' };
const maxChain = fc.oneof(fc.constant(undefined), fc.integer({ min: 0, max: 6 }));

const lang = fc
  .record({
    precedence: fc.constantFrom({ not: 3, and: 2, or: 1 }, { not: 1, and: 2, or: 3 }),
    groupMixed: fc.boolean(),
    notClose: fc.constantFrom('', ')'),
    maxChain,
  })
  .map(({ precedence, groupMixed, notClose, maxChain: m }): QueryLanguage => {
    const boolean: BooleanSyntax = {
      and: ' & ',
      or: ' | ',
      not: { open: notClose === '' ? '!' : 'not(', close: notClose },
      precedence,
      group: GROUP,
      groupMixed,
      always: 'T',
      never: 'F',
      negation: 'operator',
      ...(m !== undefined ? { maxChain: m } : {}),
    };
    // join reads only the boolean syntax of its language.
    return { name: 'toy', boolean } as QueryLanguage;
  });

const piece: fc.Arbitrary<Piece> = fc.oneof(
  fc.constantFrom<Piece>({ kind: 'const', value: true }, { kind: 'const', value: false }),
  fc.record({
    kind: fc.constant('fragment' as const),
    text: fc.constantFrom('a', 'b', 'c | d', 'e & f', '!g'),
    binds: fc.constantFrom('atom' as const, 'not' as const, 'and' as const, 'or' as const),
  }),
  fc.record({
    kind: fc.constant('fragment' as const),
    text: fc.constantFrom('x | y | z', 'x & y & z'),
    binds: fc.constantFrom('and' as const, 'or' as const),
    chain: fc.integer({ min: 1, max: 9 }),
  }),
);

describe('and/or assembly written straight into one string', () => {
  it('join gives what mapping every operand and joining the chain gave, constants, groups and maxChain included', () => {
    fc.assert(
      fc.property(fc.constantFrom('and' as const, 'or' as const), fc.array(piece, { maxLength: 14 }), lang, (op, pieces, l) => {
        expect(join(op, pieces, l)).toEqual(referenceJoin(op, pieces, l));
      }),
      { numRuns: 3000 },
    );
  });

  it('joinChain and joinTexts give what reduce/map/join gave', () => {
    const items = fc.array(fc.record({ text: fc.constantFrom('a', 'b', '(c)'), operands: fc.integer({ min: 0, max: 5 }) }), { maxLength: 14 });
    fc.assert(
      fc.property(items, maxChain, (xs, m) => {
        expect(joinChain(xs, ' | ', GROUP, m)).toEqual(referenceChain(xs, ' | ', GROUP, m));
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', ''), { maxLength: 14 }), maxChain, (texts, m) => {
        expect(joinTexts(texts, ' | ', GROUP, m)).toBe(referenceChain(texts.map((text) => ({ text, operands: 1 })), ' | ', GROUP, m).text);
      }),
      { numRuns: 3000 },
    );
  });
});
