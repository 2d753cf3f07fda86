import type { SigmaRule } from '../rule/model.js';
import { corpusKey, indicatorLines, ruleIdentity } from './indicators.js';

/** Which rules of a corpus look for each (field, kind, value) indicator. */
export interface CorpusIndex {
  /** Distinct rules indexed. */
  readonly rules: number;
  /** The identities (see `ruleIdentity`) of the rules looking for a key made by `corpusKey`. */
  lookup(key: string): ReadonlySet<string>;
}

const NONE: ReadonlySet<string> = new Set();

/**
 * Indexes the indicators of every rule in one pass. Only positive matches are indexed (what a rule
 * looks for, not what it excludes); a rule counts once per key however often it repeats the value.
 * Rules sharing an id (a rule and its copy) count once.
 */
export function buildCorpusIndex(rules: Iterable<SigmaRule>): CorpusIndex {
  const map = new Map<string, Set<string>>();
  const seen = new Set<string>();
  for (const rule of rules) {
    const who = ruleIdentity(rule);
    seen.add(who);
    for (const { line } of indicatorLines(rule)) {
      for (const v of line.values) {
        const key = corpusKey(line.field, line, v.normalized);
        let set = map.get(key);
        if (set === undefined) map.set(key, (set = new Set()));
        set.add(who);
      }
    }
  }
  return {
    rules: seen.size,
    lookup: (key) => map.get(key) ?? NONE,
  };
}
