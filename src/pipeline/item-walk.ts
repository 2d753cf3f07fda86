import { and, not, or, type Expr, type ExprMatch, type ExprNot } from '../ast/expr.js';
import { assertNever } from '../diagnostics/assert-never.js';
import { includedFieldNames } from './conditions.js';
import { mappingIndex } from './field-mapping.js';
import { DROPPED } from './item-rewrites.js';
import type { Transformation } from './types.js';

/**
 * How apply.ts walks a rule's detection items: which names a transformation may select an item by
 * (fieldGate), and the detection rebuilt around rewritten items (rewriteItems).
 */

/** An expression after a rewrite of its items: a new expression, or DROPPED (no constraint left: "true"). */
export type Rewritten = Expr | typeof DROPPED;

/**
 * A quick test of the field names a transformation may select a detection item by (the item's field, or
 * for `X|fieldref: Y` the name Y), ahead of its conditions: most transformations name a few fields (a
 * mapping, a failure for `include_fields`), and a rule's other items are then passed over without
 * evaluating anything. It only rules names out: an item it lets through is still selected by the
 * transformation's conditions. undefined: any name may be selected. (hashes_fields and
 * value_to_condition name their fields in apply.ts, as eachItem's `relevant` items, which selectedItems
 * tests just as early.)
 */
export function fieldGate(t: Transformation): ((name: string) => boolean) | undefined {
  switch (t.type) {
    case 'field_name_mapping': {
      const index = mappingIndex(t.mapping);
      return (name) => index.has(name);
    }
    default: {
      const names = includedFieldNames(t.fieldNameConditions);
      return names === undefined ? undefined : (name) => names.includes(name);
    }
  }
}

/**
 * `e` with each item replaced by what `leaf` makes of it (the item itself: kept), rebuilt only where
 * something changed (an unchanged node is returned as it is). A dropped item is "true": it absorbs an
 * OR, and leaves an AND its other operands (an AND left with none is dropped too). A `not` whose operand
 * would be dropped keeps its form (the rule would match nothing); `keptNot` is told, after its operand's
 * items were visited, so the caller can refuse them.
 */
export function rewriteItems(e: Expr, leaf: (m: ExprMatch) => Rewritten, keptNot: (n: ExprNot) => void): Rewritten {
  switch (e.kind) {
    case 'and':
    case 'or': {
      // The operands from the first one rewritten on (none: the node is kept as it is).
      const operands = e.operands;
      let parts: Rewritten[] | undefined;
      for (let i = 0; i < operands.length; i++) {
        const o = operands[i] as Expr;
        const x = rewriteItems(o, leaf, keptNot);
        if (parts === undefined) {
          if (x === o) continue;
          parts = operands.slice(0, i);
        }
        parts.push(x);
      }
      if (parts === undefined) return e;
      const kept = parts.filter((x): x is Expr => x !== DROPPED);
      if (e.kind === 'or' && kept.length < parts.length) return DROPPED; // "true" absorbs an OR
      if (kept.length === 0) return DROPPED;
      return e.kind === 'and' ? and(kept, e.span) : or(kept, e.span);
    }
    case 'not': {
      const inner = rewriteItems(e.operand, leaf, keptNot);
      if (inner === e.operand) return e;
      if (inner === DROPPED) {
        keptNot(e);
        return e;
      }
      return not(inner, e.span);
    }
    case 'match':
      return leaf(e);
    default:
      return assertNever(e, 'expression');
  }
}
