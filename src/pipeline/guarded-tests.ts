import { and, type Expr, type ExprMatch } from '../ast/expr.js';
import type { SourceSpan } from '../diagnostics/span.js';
import type { LogSource } from '../rule/model.js';
import { conditionsExpr, conditionValue, type Facts } from './item-rewrites.js';
import type { FieldGuard } from './types.js';

/**
 * The alternatives a field mapping makes of one detection item when some of its names are guarded
 * (FieldMappingEntry.guards): each alternative is its test, ANDed with the guards of the names it uses
 * (the item's field and, for `X|fieldref: Y`, Y's). The item becomes the OR of them, in place, so a
 * `not` over the item covers guards and tests alike; each target then writes that negation exactly
 * (sql and elastic-esql push it to the leaves with their NULL-safe negation, src/lower/null-guard.ts).
 *
 * Two guards of one alternative that are the same condition are written once; a guard and its own
 * negation cannot hold together, so such an alternative is left out (it could never match). Guards are
 * compared by what they say (fields, values, case, negation), not by where they are written.
 */
export class GuardedTests {
  readonly alternatives: Expr[] = [];
  /** The facts of the guards' detection items (written by the pipeline in the target's names). */
  readonly facts = new Map<ExprMatch, Facts>();

  constructor(
    private readonly logsource: LogSource,
    private readonly guardFacts: Facts,
  ) {}

  add(guards: readonly (FieldGuard | null)[], test: Expr, span: SourceSpan): void {
    const kept = new Map<string, FieldGuard>();
    for (const g of guards) {
      if (g === null) continue;
      const key = guardKey(g);
      const opposite = `${g.negated ? '+' : '-'}${key.slice(1)}`;
      if (kept.has(opposite)) return;
      kept.set(key, g);
    }
    if (kept.size === 0) {
      this.alternatives.push(test);
      return;
    }
    const parts: Expr[] = [];
    for (const g of kept.values()) {
      const built = conditionsExpr(g.conditions, g.negated, g.span, (v, cased) => conditionValue(v, false, cased, this.logsource));
      for (const m of built.items) this.facts.set(m, this.guardFacts);
      parts.push(built.expr);
    }
    this.alternatives.push(and([...parts, test], span));
  }
}

/** What a guard says, as text: `+` or `-` (negated), then its conditions in order. */
function guardKey(g: FieldGuard): string {
  return `${g.negated ? '-' : '+'}${JSON.stringify(g.conditions.map((c) => [c.field, c.cased, c.values]))}`;
}
