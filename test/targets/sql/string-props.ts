import fc from 'fast-check';
import type { Expr } from '../../../src/ast/expr.js';
import type { StringPart } from '../../../src/ast/value.js';
import { printSigmaString } from '../../../src/value/sigma-string.js';
import { rule, ruleExpr, type SqlEvent } from './engines.js';

/**
 * Property fixtures for Sigma strings: a rule `F: <value>` written the way a rule author would (the
 * Sigma-escaped text from printSigmaString, embedded in YAML), parsed by the real front end, and a set
 * of events with the indexes a reference matcher (written independently of the target) says match.
 */

/** Characters that stress every escaping layer: Sigma, YAML, SQL literals, LIKE, GLOB, regex. */
export const ALPHABET = [
  '\\', "'", '"', '*', '?', '%', '_', '|', '(', ')', ':', '<', '>', '{', '}', '[', ']', '^', '$', '.',
  ' ', '\t', '\n', 'a', 'A', 'b', 'é', 'É', 'ж', 'Ж', 'ß', '字', '😀',
];

const char = fc.constantFrom(...ALPHABET);
export const text = fc.array(char, { maxLength: 6 }).map((a) => a.join(''));

type Token = { kind: 'lit'; text: string } | { kind: 'multi' } | { kind: 'single' };

export const pattern: fc.Arbitrary<Token[]> = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: fc.array(char, { minLength: 1, maxLength: 3 }).map((a): Token => ({ kind: 'lit', text: a.join('') })) },
    { weight: 1, arbitrary: fc.constant<Token>({ kind: 'multi' }) },
    { weight: 1, arbitrary: fc.constant<Token>({ kind: 'single' }) },
  ),
  { maxLength: 5 },
);

export function toParts(tokens: readonly Token[]): StringPart[] {
  return tokens.map((t): StringPart => (t.kind === 'lit' ? { kind: 'literal', text: t.text } : { kind: t.kind === 'multi' ? 'wildcard-multi' : 'wildcard-single' }));
}

/** A YAML scalar for the value: single-quoted (`'` doubled) unless it has a line break or tab. */
export function yamlScalar(value: string): string {
  return /[\n\t\r]/.test(value) ? JSON.stringify(value) : `'${value.replace(/'/g, "''")}'`;
}

/** Sigma case-insensitivity per character, written independently of the target's caseForms. */
function charEq(r: string, d: string, cased: boolean): boolean {
  if (r === d) return true;
  if (cased) return false;
  const lr = r.toLowerCase();
  return lr === d.toLowerCase() && [...lr].length === 1;
}

/** Reference matcher: does `value` match the pattern tokens (whole value, * any run, ? one character)? */
export function referenceMatch(tokens: readonly Token[], value: string, cased: boolean): boolean {
  const p: ({ kind: 'char'; c: string } | { kind: 'multi' } | { kind: 'single' })[] = [];
  for (const t of tokens) {
    if (t.kind === 'lit') for (const c of t.text) p.push({ kind: 'char', c });
    else p.push(t);
  }
  const v = [...value];
  // memo[i][j]: p[i..] matches v[j..]
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = i * 1000 + j;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let result: boolean;
    const t = p[i];
    if (t === undefined) result = j === v.length;
    else if (t.kind === 'multi') result = go(i + 1, j) || (j < v.length && go(i, j + 1));
    else if (j >= v.length) result = false;
    else if (t.kind === 'single') result = go(i + 1, j + 1);
    else result = charEq(t.c, v[j] ?? '', cased) && go(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}

function swapCase(s: string): string {
  return [...s].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');
}

/** Strings that match the pattern: each * filled with some text, each ? with one character. */
function instances(tokens: readonly Token[], fills: readonly string[]): string[] {
  return fills.map((fill, k) =>
    tokens.map((t) => (t.kind === 'lit' ? t.text : t.kind === 'multi' ? fill : [...(fill + 'x')][k % Math.max(1, [...fill].length)] ?? 'x')).join(''),
  );
}

export interface StringProperty {
  readonly expr: Expr;
  readonly events: SqlEvent[];
  readonly matches: number[];
  readonly yaml: string;
}

/** Builds the rule and events for a pattern; `negate` writes `condition: not sel`. */
export function stringProperty(tokens: readonly Token[], others: readonly string[], cased: boolean, negate: boolean): StringProperty {
  const sigma = printSigmaString(toParts(tokens));
  const key = cased ? 'F|cased' : 'F';
  const yaml = rule(`    sel:\n        ${key}: ${yamlScalar(sigma)}\n    condition: ${negate ? 'not sel' : 'sel'}\n`);
  const base = instances(tokens, others.length > 0 ? others : ['']);
  const values = [...base, ...base.map(swapCase), ...others, ...base.map((b) => `${b}x`), ...base.map((b) => [...b].slice(1).join(''))];
  const events: SqlEvent[] = [...values.map((v) => ({ F: v })), {}];
  const matches = events
    .map((e, i) => {
      const v = e.F;
      const positive = typeof v === 'string' && referenceMatch(tokens, v, cased);
      return (negate ? !positive : positive) ? i : -1;
    })
    .filter((i) => i >= 0);
  return { expr: ruleExpr(yaml), events, matches, yaml };
}

/** A rule `F|cidr: <network>` and dotted-quad events around it, with what address arithmetic says. */
export function cidrProperty(net: number, prefix: number, addrs: readonly number[]) {
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const base = (net & mask) >>> 0;
  const dotted = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
  const network = `${dotted(base)}/${prefix}`;
  // Addresses near the network: random ones, ones inside (random host bits), and the edges.
  const size = 2 ** (32 - prefix);
  const candidates = [...addrs, ...addrs.map((a) => base + (a % size)), base, base + size - 1, base - 1, base + size].filter((a) => a >= 0 && a < 2 ** 32);
  const events = candidates.map((a) => ({ F: dotted(a) }));
  const matches = candidates.map((a, i) => (((a & mask) >>> 0) === base ? i : -1)).filter((i) => i >= 0);
  const expr = ruleExpr(rule(`    sel:\n        F|cidr: '${network}'\n    condition: sel\n`));
  return { expr, events, matches, network };
}
