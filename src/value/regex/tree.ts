/*
 * The regex tree: Sigma's `re` (a PCRE subset, PCRE2 syntax: https://www.pcre.org/current/doc/html/pcre2pattern.html)
 * parsed once (parse.ts) so that each target prints its own dialect and refuses, by construct, the nodes
 * its dialect lacks. Characters are Unicode code points (PCRE2 in UTF mode).
 */
import { assertNever } from '../../diagnostics/assert-never.js';

/** One member of a character class (or a shorthand such as `\d` written outside one). */
export type ClassItem =
  | { readonly kind: 'range'; readonly from: number; readonly to: number }
  /** `\d \D \w \W \s \S`, whose PCRE2 sets (without UCP) are ASCII: see shorthandRanges. */
  | { readonly kind: 'shorthand'; readonly name: 'd' | 'D' | 'w' | 'W' | 's' | 'S' }
  /** `[:alpha:]`, `[:^digit:]`: PCRE2's POSIX classes (ASCII without UCP). */
  | { readonly kind: 'posix'; readonly name: string; readonly negated: boolean }
  /** A member no printer can read exactly (`\p{..}`, `\h`, `\v`, ...): every printer refuses it. */
  | { readonly kind: 'unsupported'; readonly construct: string };

export type AnchorKind =
  | 'lineStart' // ^
  | 'lineEnd' // $
  | 'textStart' // \A
  | 'textEnd' // \z
  | 'textEndNewline' // \Z
  | 'wordBoundary' // \b
  | 'notWordBoundary'; // \B

export type RegexNode =
  | { readonly kind: 'char'; readonly code: number }
  /** `.` */
  | { readonly kind: 'any' }
  | { readonly kind: 'class'; readonly negated: boolean; readonly items: readonly ClassItem[] }
  | { readonly kind: 'anchor'; readonly anchor: AnchorKind }
  | { readonly kind: 'sequence'; readonly items: readonly RegexNode[] }
  | { readonly kind: 'alternation'; readonly branches: readonly RegexNode[] }
  | { readonly kind: 'group'; readonly group: 'capturing' | 'non-capturing' | 'named' | 'atomic'; readonly name: string | null; readonly body: RegexNode }
  | { readonly kind: 'lookaround'; readonly behind: boolean; readonly negated: boolean; readonly body: RegexNode }
  | { readonly kind: 'repeat'; readonly min: number; readonly max: number | null; readonly mode: 'greedy' | 'lazy' | 'possessive'; readonly body: RegexNode }
  | { readonly kind: 'backreference'; readonly ref: string }
  /** `(?i)` (body null: applies to the rest of the enclosing group) or `(?i-s:...)` (scoped). */
  | { readonly kind: 'flags'; readonly on: string; readonly off: string; readonly body: RegexNode | null }
  /** A construct the parser knows but no printer translates (verbs, recursion, \K, \R, ...). */
  | { readonly kind: 'unsupported'; readonly construct: string };

/** A sorted list of disjoint inclusive code point ranges. */
export type CharRanges = readonly (readonly [number, number])[];

export const MAX_CODE_POINT = 0x10ffff;

/** Highest code point checked for case partners (Unicode has no cased letter above it). */
export const CASE_SCAN_LIMIT = 0x1ffff;

const caseClasses = new Map<number, CharRanges>();

/**
 * Every code point up to CASE_SCAN_LIMIT that has a lowercase or uppercase mapping other than itself,
 * found once. Unicode simple case folding only relates such code points (a code point that neither
 * case mapping changes folds to itself, and every code point folding to it has a mapping to it), so a
 * case class is found among them instead of among all 130,000 code points.
 */
let casedCodePoints: readonly number[] | undefined;
/** The cased code points as one string (casedText), which caseClass searches with one regex. */
let casedCodeText: string | undefined;

/** Code points per block that cased() tests as a whole first (0xd800 and 0xe000 are multiples of it). */
const CASE_BLOCK = 0x100;

/**
 * The cased code points (casedCodePoints), found once. The scan first asks a whole block of code points
 * whether the case mappings change it: most blocks (CJK, symbols, ...) hold no cased letter, and then
 * none of its code points is made into a string and mapped on its own (a mapping maps each code point
 * by itself; the test compares this with casedByEachCodePoint, the plain scan).
 */
export function cased(): readonly number[] {
  if (casedCodePoints === undefined) {
    const found: number[] = [];
    const block: number[] = [];
    for (let start = 0; start <= CASE_SCAN_LIMIT; start += CASE_BLOCK) {
      if (start >= 0xd800 && start <= 0xdfff) continue;
      block.length = 0;
      for (let c = start; c < start + CASE_BLOCK && c <= CASE_SCAN_LIMIT; c++) block.push(c);
      const text = String.fromCodePoint(...block);
      if (text.toLowerCase() === text && text.toUpperCase() === text) continue;
      for (const c of block) if (changesCase(c)) found.push(c);
    }
    casedCodePoints = found;
  }
  return casedCodePoints;
}

function changesCase(code: number): boolean {
  const s = String.fromCodePoint(code);
  return s.toLowerCase() !== s || s.toUpperCase() !== s;
}

/** cased() by mapping every code point on its own (slow; the tests check cased() against it). */
export function casedByEachCodePoint(): number[] {
  const found: number[] = [];
  for (let c = 0; c <= CASE_SCAN_LIMIT; c++) if ((c < 0xd800 || c > 0xdfff) && changesCase(c)) found.push(c);
  return found;
}

function casedText(): string {
  casedCodeText ??= cased()
    .map((c) => String.fromCodePoint(c))
    .join('');
  return casedCodeText;
}

/**
 * The code points equal to `code` case-insensitively as a JavaScript `iu` regular expression compares
 * them (ECMA-262 Canonicalize: Unicode simple case folding), `code` included: the meaning of a
 * case-insensitive Sigma value (the reference, test/support/evaluate-expr.ts, matches with `iu`).
 * For example `ж`: `ж Ж`; `k`: `k K` and the Kelvin sign U+212A; `σ`: `σ ς Σ`.
 */
export function caseClass(code: number): CharRanges {
  const known = caseClasses.get(code);
  if (known !== undefined) return known;
  const self = String.fromCodePoint(code);
  let ranges: CharRanges = [[code, code]];
  if (self.toLowerCase() !== self || self.toUpperCase() !== self || code > 0x7f) {
    // One search of the cased code points' text (each one code point, so a match is one partner)
    // instead of a test of each: the regex engine walks the text, not a loop of calls.
    const re = new RegExp(`\\u{${code.toString(16)}}`, 'giu');
    const found: [number, number][] = [[code, code]];
    for (const m of casedText().matchAll(re)) {
      const c = m[0].codePointAt(0) ?? code;
      if (c !== code) found.push([c, c]);
    }
    ranges = normalizeRanges(found);
  }
  caseClasses.set(code, ranges);
  return ranges;
}

/** caseClass by testing every code point up to CASE_SCAN_LIMIT (slow; the tests check caseClass against it). */
export function caseClassByScan(code: number): CharRanges {
  const re = new RegExp(`^\\u{${code.toString(16)}}$`, 'iu');
  const found: [number, number][] = [];
  for (let c = 0; c <= CASE_SCAN_LIMIT; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    if (re.test(String.fromCodePoint(c))) found.push([c, c]);
  }
  return normalizeRanges(found);
}

/** Sorts and merges ranges (adjacent ones too). */
export function normalizeRanges(ranges: Iterable<readonly [number, number]>): CharRanges {
  const sorted = [...ranges].filter(([a, b]) => a <= b).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** Every code point not in `ranges` (which must be normalized). */
export function complementRanges(ranges: CharRanges): CharRanges {
  const out: [number, number][] = [];
  let next = 0;
  for (const [a, b] of ranges) {
    if (a > next) out.push([next, a - 1]);
    next = b + 1;
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT]);
  return out;
}

export function rangesContain(ranges: CharRanges, code: number): boolean {
  return ranges.some(([a, b]) => code >= a && code <= b);
}

const DIGIT: CharRanges = [[0x30, 0x39]];
const WORD: CharRanges = [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]];
/** PCRE2 (since 8.34 / all of PCRE2) `\s`: HT, LF, VT, FF, CR, space (pcre2pattern, "Generic character types"). */
const SPACE: CharRanges = [[0x09, 0x0d], [0x20, 0x20]];

/**
 * The sets of PCRE2's shorthand classes without UCP (pcre2pattern, "Generic character types": "By default,
 * characters whose code points are greater than 127 never match \d, \s, or \w").
 */
export function shorthandRanges(name: 'd' | 'D' | 'w' | 'W' | 's' | 'S'): CharRanges {
  switch (name) {
    case 'd':
      return DIGIT;
    case 'D':
      return complementRanges(DIGIT);
    case 'w':
      return WORD;
    case 'W':
      return complementRanges(WORD);
    case 's':
      return SPACE;
    case 'S':
      return complementRanges(SPACE);
  }
}

/** PCRE2's POSIX classes, ASCII (pcre2pattern, "Posix character classes"); undefined when unknown. */
export function posixRanges(name: string): CharRanges | undefined {
  const table: Readonly<Record<string, CharRanges>> = {
    alnum: [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]],
    alpha: [[0x41, 0x5a], [0x61, 0x7a]],
    ascii: [[0x00, 0x7f]],
    blank: [[0x09, 0x09], [0x20, 0x20]],
    cntrl: [[0x00, 0x1f], [0x7f, 0x7f]],
    digit: DIGIT,
    graph: [[0x21, 0x7e]],
    lower: [[0x61, 0x7a]],
    print: [[0x20, 0x7e]],
    punct: [[0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e]],
    space: SPACE,
    upper: [[0x41, 0x5a]],
    word: WORD,
    xdigit: [[0x30, 0x39], [0x41, 0x46], [0x61, 0x66]],
  };
  return table[name];
}

/** Whether `test` holds for the node or any node inside it (every kind is walked: assertNever). */
export function someNode(node: RegexNode, test: (n: RegexNode) => boolean): boolean {
  if (test(node)) return true;
  switch (node.kind) {
    case 'sequence':
      return node.items.some((n) => someNode(n, test));
    case 'alternation':
      return node.branches.some((n) => someNode(n, test));
    case 'group':
    case 'lookaround':
    case 'repeat':
      return someNode(node.body, test);
    case 'flags':
      return node.body !== null && someNode(node.body, test);
    case 'anchor':
    case 'char':
    case 'any':
    case 'class':
    case 'backreference':
    case 'unsupported':
      return false;
    default:
      return assertNever(node, 'regex node');
  }
}
