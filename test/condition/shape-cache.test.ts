/**
 * parseCondition parses each condition text once and places a copy per use: every use must get the
 * spans a direct parse through its own origin gives, and no node of one use may be a node of another.
 */
import { describe, expect, it } from 'vitest';
import type { ConditionNode } from '../../src/ast/condition.js';
import { textOrigin, type ConditionOrigin } from '../../src/condition/parse.js';
import { parseCondition } from '../../src/condition/parse.js';
import { parse as parseGenerated } from '../../src/condition/grammar.generated.js';

const direct = parseGenerated as (text: string, options: { span: ConditionOrigin['span'] }) => ConditionNode;

function nodes(n: ConditionNode): ConditionNode[] {
  switch (n.kind) {
    case 'and':
    case 'or':
      return [n, ...n.operands.flatMap(nodes)];
    case 'not':
      return [n, ...nodes(n.operand)];
    default:
      return [n];
  }
}

const CONDITIONS = [
  'selection',
  'selection and not filter',
  'selection and\n  not 1 of filter_*\n  or (a and b)',
  '`select_tree_execution|endswith` or `it``s`',
  'all of them and not (x or y or z)',
  '  1 of sel*  ',
];

describe('condition shapes parsed once, placed per use', () => {
  it('each use has the spans of a direct parse through its origin, and shares no node with another use', () => {
    for (const text of CONDITIONS) {
      const uses = ['a.yml', 'b.yml'].map((file, i) => {
        // A different file and a different position in it for each use.
        const origin = textOrigin(`${'\n'.repeat(i * 3)}${' '.repeat(i)}${text}`, file);
        const shifted: ConditionOrigin = { span: (s, e) => origin.span(s + i * 4, e + i * 4) };
        const r = parseCondition(text, shifted);
        expect(r.ok, text).toBe(true);
        if (!r.ok) throw new Error(text);
        expect(r.value, `${file}: ${text}`).toEqual(direct(text, { span: shifted.span }));
        return r.value;
      });
      const [a, b] = uses.map((u) => nodes(u as ConditionNode));
      for (const n of a ?? []) expect(b?.includes(n), text).toBe(false);
    }
  });
});
