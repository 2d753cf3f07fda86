import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConditionNode } from '../../src/ast/condition.js';
import { printCondition, quoteName, quotePattern } from '../../src/ast/print-condition.js';
import { stripSpans } from '../../src/ast/strip-spans.js';
import { pointSpan } from '../../src/diagnostics/span.js';
import { parseOk } from './helpers.js';

const canonical = (text: string) => printCondition(parseOk(text));

describe('printCondition', () => {
  it('prints lowercase operators, single spaces and minimal parentheses', () => {
    expect(canonical('  a   or\tb and c ')).toBe('a or (b and c)');
    expect(canonical('(a or b) and c')).toBe('(a or b) and c');
    expect(canonical('not a and b')).toBe('not a and b');
    expect(canonical('not (a and b)')).toBe('not (a and b)');
    expect(canonical('not ((1 of x*))')).toBe('not 1 of x*');
    expect(canonical('((a))')).toBe('a');
    expect(canonical('a and (b and c)')).toBe('a and (b and c)');
    expect(canonical('a and b and c')).toBe('a and b and c');
    expect(canonical('any of them or all of sel_*')).toBe('any of them or all of sel_*');
  });
  it('quotes names that need it', () => {
    expect(quoteName('select_tree_execution|endswith')).toBe('`select_tree_execution|endswith`');
    expect(quoteName('filter_main_mdadm.conf')).toBe('filter_main_mdadm.conf');
    expect(quoteName('it`s')).toBe('`it``s`');
    expect(quoteName('')).toBe('``');
    for (const word of ['and', 'or', 'not', 'of', 'them', 'AND', 'Not']) expect(quoteName(word)).toBe(`\`${word}\``);
    for (const word of ['notepad', 'any', 'all', '1', 'near', 'THEM']) expect(quoteName(word)).toBe(word);
    expect(quotePattern('sel_*')).toBe('sel_*');
    expect(quotePattern('sel|*')).toBe('`sel|*`');
    expect(quotePattern('them')).toBe('`them`');
  });
  it('prints a one-operand and/or as its operand', () => {
    const span = pointSpan('x');
    expect(printCondition({ kind: 'and', operands: [{ kind: 'ref', name: 'a', span }], span })).toBe('a');
  });
});

const span = pointSpan('<generated>');
const name = fc.oneof(
  fc.constantFrom(
    'notepad', 'and_x', 'them1', 'andy', 'order', 'of1', 'anyof', 'any', 'all', '1', 'not-x', 'near',
    'and', 'or', 'not', 'of', 'them', 'AND', 'Or', 'nOt', 'OF', 'THEM', 'a.b', '`', '``', '', 'a b', 'x|endswith',
  ),
  fc.stringMatching(/^[A-Za-z0-9_.-]{1,10}$/),
  fc.string({ maxLength: 6 }),
);
const pattern = fc.oneof(name, fc.stringMatching(/^[A-Za-z0-9_.*-]{1,10}$/), fc.string({ maxLength: 6 }).map((s) => `${s}*`));

const tree: fc.Arbitrary<ConditionNode> = fc.letrec<{ node: ConditionNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    name.map((n): ConditionNode => ({ kind: 'ref', name: n, span })),
    fc
      .tuple(fc.constantFrom('1', 'any', 'all') as fc.Arbitrary<'1' | 'any' | 'all'>, fc.option(pattern, { nil: null }))
      .map(([quantifier, p]): ConditionNode => ({
        kind: 'of',
        quantifier,
        target: p === null ? { kind: 'them' } : { kind: 'pattern', pattern: p },
        span,
      })),
    tie('node').map((operand): ConditionNode => ({ kind: 'not', operand, span })),
    fc
      .tuple(fc.constantFrom('and', 'or') as fc.Arbitrary<'and' | 'or'>, fc.array(tie('node'), { minLength: 2, maxLength: 4 }))
      .map(([kind, operands]): ConditionNode => ({ kind, operands, span })),
  ),
})).node;

describe('print/parse round trip', () => {
  it('parse(print(ast)) equals ast modulo spans', () => {
    fc.assert(
      fc.property(tree, (ast) => {
        const printed = printCondition(ast);
        expect(stripSpans(parseOk(printed)), printed).toEqual(stripSpans(ast));
        expect(printCondition(parseOk(printed))).toBe(printed);
      }),
      { numRuns: 2000 },
    );
  });
});
