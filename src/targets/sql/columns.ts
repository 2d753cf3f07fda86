import { matchesOf, type Expr } from '../../ast/expr.js';
import { RAW_COLUMN } from './sql.js';

/**
 * The columns a converted query reads, in first-use order: every matched field, every field a
 * `fieldref` names, and the raw column when the rule has keywords. The event table must have all of
 * them (SQL rejects an unknown column); an absent field is a NULL in its column.
 */
export function sqlColumns(expr: Expr): string[] {
  const seen = new Set<string>();
  for (const m of matchesOf(expr)) {
    seen.add(m.field ?? RAW_COLUMN);
    if (m.value.kind === 'fieldref') seen.add(m.value.field);
  }
  return [...seen];
}
