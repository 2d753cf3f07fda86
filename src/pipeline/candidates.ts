import type { LogSource } from '../rule/model.js';
import { BoundedCache } from '../base/bounded-cache.js';
import { assertNever } from '../diagnostics/assert-never.js';
import { evalConditionSet, planOf, ruleConditionHolds, type RuleView } from './conditions.js';
import type { CondExpr, ConditionSet, RuleCondition, Transformation } from './types.js';

/**
 * Which transformations of a pipeline may apply to the rules of one log source, decided once per log
 * source (see LogsourceVerdicts; src/pipeline/README.md, "Speed"). The condition tests themselves are in
 * conditions.ts.
 */

/** What is left of a transformation's rule conditions once its log-source conditions are decided: a test of the rule as the run shows it. */
export type RuleCheck = (view: RuleView) => boolean;

/** The transformations of a pipeline that may apply to rules of one log source (LogsourceVerdicts.candidates). */
export interface Candidates {
  /** Their indexes in the pipeline, ascending. */
  readonly indexes: Int32Array;
  /**
   * Per entry of `indexes` (same position): null when the transformation applies to every rule of the
   * log source (no rule conditions, or only log-source ones, and they hold), else the test of what its
   * rule conditions still ask of the rule (its log-source conditions are decided already).
   */
  readonly checks: readonly (RuleCheck | null)[];
}

/**
 * How each transformation of a pipeline decides whether it applies, precomputed: rule conditions on the
 * log source decide the same for every rule of that log source (and a pack has few distinct log
 * sources), so they are evaluated once per log source and pipeline, not once per rule. A run visits
 * only the transformations that may apply, and evaluates only what the log source left undecided.
 */
export interface LogsourceVerdicts {
  candidates(logsource: LogSource): Candidates;
}

/** Each transformations array's verdicts, with the members they were made for (found by identity, checked by its members). */
const verdictsByPipeline = new WeakMap<readonly Transformation[], { readonly given: readonly Transformation[]; readonly made: LogsourceVerdicts }>();
/** Past this many distinct log sources per pipeline the verdict cache starts over (memory stays bounded). */
const MAX_CACHED_LOGSOURCES = 4096;

/**
 * The same members in the same order. A cache found by an array's identity checks this against a copy
 * taken when the entry was made: the array may have been changed since (arrays are not frozen).
 */
export function sameMembers<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function logsourceVerdicts(transformations: readonly Transformation[]): LogsourceVerdicts {
  const known = verdictsByPipeline.get(transformations);
  if (known !== undefined && sameMembers(known.given, transformations)) return known.made;
  const given = [...transformations];
  const deciders = given.map((t) => deciderOf(t.ruleConditions));
  // By the log source's parts without case (all that its verdicts read).
  const byKey = new BoundedCache<string, Candidates>(MAX_CACHED_LOGSOURCES);
  const made: LogsourceVerdicts = {
    candidates(logsource) {
      const parts: SourceParts = [lowerOrNull(logsource.category), lowerOrNull(logsource.product), lowerOrNull(logsource.service)];
      // JSON text: a part may hold any character (a quoted YAML value), so joining them with a separator
      // would give two log sources one key. (Each rule has a log source object of its own, so finding it
      // by identity first would only add a miss per rule and pipeline.)
      return byKey.get(JSON.stringify(parts), () => {
        const indexes: number[] = [];
        const checks: (RuleCheck | null)[] = [];
        for (let i = 0; i < given.length; i++) {
          const left = (deciders[i] as Decider)(parts);
          if (left === false) continue;
          indexes.push(i);
          checks.push(left === true ? null : left);
        }
        return { indexes: Int32Array.from(indexes), checks };
      });
    },
  };
  verdictsByPipeline.set(transformations, { given, made });
  return made;
}

/** A log source's category, product and service, lower-cased (null: absent). */
type SourceParts = readonly [string | null, string | null, string | null];

/**
 * A set of rule conditions with its log-source conditions decided for a log source: true or false when
 * that decides it, else the test of the rest (the same and/or/not of the conditions left).
 */
type Decider = (logsource: SourceParts) => boolean | RuleCheck;

const ALWAYS: Decider = () => true;
const NEVER: Decider = () => false;

/**
 * A set's Decider, made once per set of a pipeline: each log-source condition with its parts
 * lower-cased, each other condition's test made once (as ruleConditionHolds evaluates it); an id the set
 * does not have is false, as in evalConditionSet.
 */
function deciderOf(set: ConditionSet<RuleCondition>): Decider {
  if (set.conditions.length === 0) return ALWAYS;
  const byId = planOf(set).byId as ReadonlyMap<string, RuleCondition>;
  const compile = (e: CondExpr): Decider => {
    switch (e.kind) {
      case 'ref': {
        const c = byId.get(e.id);
        if (c === undefined) return NEVER;
        if (c.type === 'logsource') {
          // logsourceHolds with both sides lower-cased once.
          const [category, product, service] = [lowerOrNull(c.category), lowerOrNull(c.product), lowerOrNull(c.service)];
          return (ls) => (category === null || category === ls[0]) && (product === null || product === ls[1]) && (service === null || service === ls[2]);
        }
        const check: RuleCheck = (view) => ruleConditionHolds(c, view);
        return () => check;
      }
      case 'not': {
        const x = compile(e.operand);
        return (ls) => {
          const r = x(ls);
          return typeof r === 'boolean' ? !r : (view) => !r(view);
        };
      }
      case 'and':
      case 'or': {
        const xs = e.operands.map(compile);
        // A decided operand that decides the whole (false in an and, true in an or) ends it; the other
        // decided value drops out.
        const decisive = e.kind === 'or';
        return (ls) => {
          const rest: RuleCheck[] = [];
          for (const x of xs) {
            const r = x(ls);
            if (r === decisive) return decisive;
            if (typeof r !== 'boolean') rest.push(r);
          }
          const [only] = rest;
          if (only === undefined) return !decisive;
          if (rest.length === 1) return only;
          return decisive ? (view) => rest.some((f) => f(view)) : (view) => rest.every((f) => f(view));
        };
      }
      default:
        return assertNever(e, 'condition expression');
    }
  };
  return compile(set.combine);
}

function lowerOrNull(part: string | undefined): string | null {
  return part === undefined ? null : part.toLowerCase();
}
