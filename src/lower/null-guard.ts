import { fragment, type Fragment } from './target.js';

/*
 * Sigma's `not` in languages with SQL's three-valued logic (a comparison on an absent field is NULL,
 * NOT NULL is NULL, and WHERE drops a NULL row): sql and elastic-esql. They declare
 * `negation: 'push-to-leaves'`, and each leaf writes its own negation with these helpers, so that it is
 * TRUE when the field is NULL. Both languages spell the test `<field> IS NULL` and the operators
 * `NOT` and `OR` (SQLite lang_expr.html; ES|QL "Working with NULL values",
 * https://www.elastic.co/docs/reference/query-languages/esql/esql-null-values).
 */

/**
 * A positive test, or its Sigma negation: true when any of `fieldTexts` is NULL or the test is false.
 * `binds` is the positive test's top operator; the negation binds as an `or`.
 */
export function nullGuardedLeaf(
  negated: boolean,
  fieldTexts: readonly string[],
  positive: string,
  binds: 'atom' | 'and' | 'or' = 'atom',
): Fragment {
  if (!negated) return fragment(positive, binds);
  const nulls = fieldTexts.map((f) => `${f} IS NULL`);
  const inner = binds === 'atom' ? positive : `(${positive})`;
  return fragment([...nulls, `NOT ${inner}`].join(' OR '), 'or');
}

/**
 * `<left> <op> <right>`, or its Sigma negation `<field> IS NULL OR <left> <notOp> <right>`. `left` is
 * the field or a function of it that is NULL exactly when the field is (`TO_LOWER(f)`). `f NOT LIKE
 * ...` reads better than `NOT f LIKE ...`; both mean the same on a non-NULL field.
 */
export function nullGuardedMatch(
  negated: boolean,
  fieldText: string,
  op: string,
  notOp: string,
  right: string,
  left: string = fieldText,
): Fragment {
  return negated
    ? fragment(`${fieldText} IS NULL OR ${left} ${notOp} ${right}`, 'or')
    : fragment(`${left} ${op} ${right}`);
}
