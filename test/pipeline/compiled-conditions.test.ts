/**
 * A condition set combined by an expression (`*_cond_expr`, `*_not`) is compiled once into nested tests
 * (src/pipeline/conditions.ts, planOf). Whatever the expression (ids it lacks included) and whichever
 * conditions hold, the set must hold exactly when evaluating the expression (evalCondExpr) says so.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evalCondExpr } from '../../src/pipeline/cond-expr.js';
import { fieldNamesHold } from '../../src/pipeline/conditions.js';
import type { CondExpr, ConditionSet, FieldNameCondition } from '../../src/pipeline/types.js';

const IDS = ['a', 'b', 'c', 'missing'];

const exprArb: fc.Arbitrary<CondExpr> = fc.letrec<{ e: CondExpr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...IDS).map((id): CondExpr => ({ kind: 'ref', id })),
    tie('e').map((operand): CondExpr => ({ kind: 'not', operand })),
    fc.tuple(fc.constantFrom('and' as const, 'or' as const), fc.array(tie('e'), { maxLength: 3 })).map(([kind, operands]): CondExpr => ({ kind, operands })),
  ),
})).e;

describe('condition sets combined by an expression', () => {
  it('hold exactly when the expression evaluates to true, for every assignment', () => {
    fc.assert(
      fc.property(exprArb, fc.subarray(IDS), (combine, holding) => {
        // Each condition holds when its own id is in `applied` (processing_item_applied); `missing` is
        // not a condition of the set, so it is false whatever `applied` holds.
        const conditions = ['a', 'b', 'c'].map((id) => ({ id, condition: { type: 'processing_item_applied', processingItemId: id } as FieldNameCondition }));
        const set: ConditionSet<FieldNameCondition> = { conditions, combine };
        const applied = new Set(holding);
        const want = evalCondExpr(combine, (id) => id !== 'missing' && applied.has(id));
        expect(fieldNamesHold(set, 'F', { applied })).toBe(want);
        // Evaluated again (the compiled plan reused) with another assignment.
        const other = new Set(IDS.filter((id) => !applied.has(id)));
        expect(fieldNamesHold(set, 'F', { applied: other })).toBe(evalCondExpr(combine, (id) => id !== 'missing' && other.has(id)));
      }),
      { numRuns: 1000 },
    );
  });
});
