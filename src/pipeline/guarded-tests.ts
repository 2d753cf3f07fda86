import { and, not, or, type Expr, type ExprMatch } from '../ast/expr.js';
import { assertNever } from '../diagnostics/assert-never.js';
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
  /** Some alternative has a guard. */
  guarded = false;

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
    const alternative = and([...parts, test], span);
    // Each key is JSON text, which holds no raw NUL (JSON escapes it): joined with NUL, keys stay apart.
    guardedParts.set(alternative, { key: [...kept.keys()].join('\u0000'), guards: parts, test });
    this.alternatives.push(alternative);
    this.guarded = true;
  }
}

/** The alternatives GuardedTests wrote: their guards (as text, and as written) and their test. */
const guardedParts = new WeakMap<Expr, { readonly key: string; readonly guards: readonly Expr[]; readonly test: Expr }>();

/**
 * Writes each guard once per OR: `(G and a) or (H and b) or (G and c) or (H and d)` becomes
 * `(G and (a or c)) or (H and (b or d))`, which means the same (and distributes over or). A list of
 * values (`DestinationPort: [1, 2]`, an OR of items, each mapped on its own) then tests each name once
 * with all its values, so targets still write one `in` per name. Nested ORs are flattened into their
 * parent first (the same OR); only alternatives GuardedTests wrote are grouped, in first-seen order,
 * everything else keeps its place. Returns `e` itself when there is nothing to group.
 */
export function groupGuards(e: Expr): Expr {
  switch (e.kind) {
    case 'match':
      return e;
    case 'not': {
      const inner = groupGuards(e.operand);
      return inner === e.operand ? e : not(inner, e.span);
    }
    case 'and': {
      const parts = e.operands.map(groupGuards);
      return parts.every((x, i) => x === e.operands[i]) ? e : and(parts, e.span);
    }
    case 'or': {
      const children = e.operands.map(groupGuards);
      const unchanged = (): Expr => (children.every((x, i) => x === e.operands[i]) ? e : or(children, e.span));
      const flat: Expr[] = [];
      const visit = (x: Expr): void => {
        if (x.kind === 'or') x.operands.forEach(visit);
        else flat.push(x);
      };
      children.forEach(visit);
      const groups = new Map<string, Expr[]>();
      const out: (Expr | string)[] = [];
      for (const x of flat) {
        const parts = guardedParts.get(x);
        if (parts === undefined) {
          out.push(x);
          continue;
        }
        const group = groups.get(parts.key);
        if (group === undefined) {
          groups.set(parts.key, [x]);
          out.push(parts.key);
        } else group.push(x);
      }
      if ([...groups.values()].every((g) => g.length === 1)) return unchanged();
      const rebuilt = out.flatMap((x): Expr[] => {
        if (typeof x !== 'string') return [x];
        const members = groups.get(x) ?? [];
        const first = members[0];
        const firstParts = first === undefined ? undefined : guardedParts.get(first);
        if (first === undefined || firstParts === undefined || members.length === 1) return members;
        // A member grouped in a nested OR already has an OR of tests: one OR (the same disjunction).
        const tests = members.flatMap((mm) => {
          const test = guardedParts.get(mm)?.test ?? mm;
          return test.kind === 'or' ? test.operands : [test];
        });
        const test = or(tests, first.span);
        const grouped = and([...firstParts.guards, test], first.span);
        guardedParts.set(grouped, { key: x, guards: firstParts.guards, test });
        return [grouped];
      });
      return or(rebuilt, e.span);
    }
    default:
      return assertNever(e, 'expression');
  }
}

/** What a guard says, as text: `+` or `-` (negated), then its conditions in order. */
function guardKey(g: FieldGuard): string {
  return `${g.negated ? '-' : '+'}${JSON.stringify(g.conditions.map((c) => [c.field, c.cased, c.values]))}`;
}
