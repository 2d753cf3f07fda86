import type { Expr } from '../../ast/expr.js';
import { assertNever } from '../../diagnostics/assert-never.js';
import { RAW_COLUMN } from './sql.js';

/**
 * The columns a converted query reads, in first-use order: every matched field, every field a
 * `fieldref` names, and the raw column when the rule has keywords. The event table must have all of
 * them (SQL rejects an unknown column); an absent field is a NULL in its column.
 */
export function sqlColumns(expr: Expr): string[] {
  const seen = new Set<string>();
  const walk = (e: Expr): void => {
    switch (e.kind) {
      case 'and':
      case 'or':
        e.operands.forEach(walk);
        return;
      case 'not':
        walk(e.operand);
        return;
      case 'match':
        seen.add(e.field ?? RAW_COLUMN);
        if (e.value.kind === 'fieldref') seen.add(e.value.field);
        return;
      default:
        assertNever(e, 'expression');
    }
  };
  walk(expr);
  return [...seen];
}
