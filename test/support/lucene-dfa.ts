import { type LNode, parseLucene } from './lucene-regex.js';

/*
 * An ESTIMATE (tests only) of the work Lucene spends determinizing a regular expression. ES|QL's RLIKE
 * determinizes the pattern's automaton with Operations.DEFAULT_DETERMINIZE_WORK_LIMIT (RLikePattern.java);
 * Lucene's powerset construction adds the size of each new subset to its effort and gives up
 * (TooComplexToDeterminizeException, the query fails) past ten times the work limit, i.e. 100,000.
 * This builds a Thompson NFA from the Lucene syntax our printer emits (no `&`, `~`, `<n-m>`), runs the
 * same powerset construction and sums the subset sizes. Lucene's own NFA differs in detail (no epsilon
 * moves), so the number is a guide to which patterns are near the limit, not Lucene's exact figure.
 */

interface Nfa {
  readonly eps: number[][];
  readonly edges: [number, number, number][][]; // [lo, hi, target]
}

function build(node: LNode, nfa: Nfa, from: number): number | null {
  const fresh = (): number => {
    nfa.eps.push([]);
    nfa.edges.push([]);
    return nfa.eps.length - 1;
  };
  const edge = (a: number, lo: number, hi: number, b: number): void => void nfa.edges[a]?.push([lo, hi, b]);
  const eps = (a: number, b: number): void => void nfa.eps[a]?.push(b);
  switch (node.kind) {
    case 'any': {
      const to = fresh();
      edge(from, 0, 0x10ffff, to);
      return to;
    }
    case 'set': {
      const to = fresh();
      const ranges = [...node.ranges].sort((x, y) => x[0] - y[0]);
      if (!node.negated) for (const [lo, hi] of ranges) edge(from, lo, hi, to);
      else {
        let next = 0;
        for (const [lo, hi] of ranges) {
          if (lo > next) edge(from, next, lo - 1, to);
          next = Math.max(next, hi + 1);
        }
        if (next <= 0x10ffff) edge(from, next, 0x10ffff, to);
      }
      return to;
    }
    case 'string': {
      let cur = from;
      for (const c of node.codes) {
        const to = fresh();
        edge(cur, c, c, to);
        cur = to;
      }
      return cur;
    }
    case 'concat': {
      let cur: number | null = from;
      for (const item of node.items) {
        if (cur === null) return null;
        cur = build(item, nfa, cur);
      }
      return cur;
    }
    case 'union': {
      const a = build(node.a, nfa, from);
      const b = build(node.b, nfa, from);
      if (a === null || b === null) return null;
      const to = fresh();
      eps(a, to);
      eps(b, to);
      return to;
    }
    case 'repeat': {
      let cur = from;
      for (let k = 0; k < node.min; k++) {
        const start = fresh();
        eps(cur, start);
        const end = build(node.body, nfa, start);
        if (end === null) return null;
        cur = end;
      }
      if (node.max === null) {
        const loop = fresh();
        eps(cur, loop);
        const end = build(node.body, nfa, loop);
        if (end === null) return null;
        eps(end, loop);
        return loop;
      }
      const to = fresh();
      eps(cur, to);
      for (let k = node.min; k < node.max; k++) {
        const start = fresh();
        eps(cur, start);
        const end = build(node.body, nfa, start);
        if (end === null) return null;
        eps(end, to);
        cur = end;
      }
      return to;
    }
    case 'empty-language':
    case 'any-string':
    case 'inter':
    case 'complement':
    case 'interval':
      return null;
  }
}

/** The estimated determinize effort (sum of subset sizes), stopping at `cap`; null for syntax we do not model. */
export function determinizeEffort(pattern: string, cap = 1_000_000): number | null {
  const nfa: Nfa = { eps: [[]], edges: [[]] };
  const accept = build(parseLucene(pattern), nfa, 0);
  if (accept === null) return null;
  const closure = (states: Iterable<number>): number[] => {
    const seen = new Set<number>();
    const stack = [...states];
    while (stack.length > 0) {
      const s = stack.pop() ?? 0;
      if (seen.has(s)) continue;
      seen.add(s);
      for (const t of nfa.eps[s] ?? []) stack.push(t);
    }
    return [...seen].sort((a, b) => a - b);
  };
  const start = closure([0]);
  const known = new Set<string>([start.join(',')]);
  const work = [start];
  let effort = 0;
  while (work.length > 0) {
    const set = work.pop() ?? [];
    effort += set.length;
    if (effort >= cap) return effort;
    const points = new Set<number>([0]);
    for (const s of set) for (const [lo, hi] of nfa.edges[s] ?? []) {
      points.add(lo);
      points.add(hi + 1);
    }
    const sorted = [...points].filter((p) => p <= 0x10ffff).sort((a, b) => a - b);
    for (const p of sorted) {
      const targets: number[] = [];
      for (const s of set) for (const [lo, hi, t] of nfa.edges[s] ?? []) if (p >= lo && p <= hi) targets.push(t);
      if (targets.length === 0) continue;
      const next = closure(targets);
      const key = next.join(',');
      if (!known.has(key)) {
        known.add(key);
        work.push(next);
      }
    }
  }
  return effort;
}
