import type { RegexValue } from '../../ast/value.js';
import { assertNever } from '../../diagnostics/assert-never.js';
import { leadingFlags } from '../check-regex.js';
import { parseRegex } from './parse.js';
import {
  CASE_SCAN_LIMIT,
  caseClass,
  complementRanges,
  MAX_CODE_POINT,
  normalizeRanges,
  posixRanges,
  rangesContain,
  shorthandRanges,
  someNode,
  type CharRanges,
  type RegexNode,
} from './tree.js';

/*
 * Prints a Sigma `re` value (PCRE, unanchored) as a Lucene regular expression, which ES|QL's RLIKE
 * matches against the WHOLE value:
 * - Syntax: https://www.elastic.co/guide/en/elasticsearch/reference/current/regexp-syntax.html and Lucene's
 *   RegExp (https://lucene.apache.org/core/9_12_0/core/org/apache/lucene/util/automaton/RegExp.html).
 * - ES|QL builds the automaton with `RegExp.ALL` (elastic/elasticsearch, x-pack/plugin/esql-core/.../
 *   predicate/regex/RLikePattern.java), so the optional operators `&` (intersection), `~` (complement),
 *   `#` (empty language), `@` (any string), `<n-m>` (interval) and `"..."` (quoted string) are all live:
 *   every one of `. ? + * | { } [ ] ( ) " \ # @ & < > ~` is escaped with a backslash when literal, and so
 *   are `^` and `$` (meaningless in Lucene; escaped so no future anchor syntax can read them). Lucene
 *   reads a backslash before any character as that character; a backslash is never written before a
 *   letter or digit (recent Lucene versions give `\d \w \s ...` a meaning).
 * - Anchoring: Lucene has no anchors; a pattern is matched against the whole value. A `^`/`\A` at the
 *   start of a top-level branch drops the leading `.*`, a `$`/`\Z` at its end becomes an optional final
 *   line break (PCRE's `$` without m also matches before a final newline), `\z` nothing; elsewhere the
 *   branch is wrapped in `.*`. An anchor anywhere else is refused.
 * - `.` is any character in Lucene; without the s flag PCRE's `.` excludes the newline: `[^\n]`.
 * - Shorthands `\d \w \s` and POSIX classes are printed as their PCRE2 ASCII sets (tree.ts).
 * - The i flag: ES|QL's RLIKE has no case-insensitive option, so each ASCII letter becomes a class of
 *   both cases; a non-ASCII letter under i is refused (PCRE's folding of it depends on its UTF/UCP mode).
 * - The m flag only changes `^` and `$`: accepted when the pattern has neither.
 * - Lazy quantifiers print as greedy ones: whether a text contains a match does not depend on
 *   greediness (it only changes which match is reported) when there are no backreferences, lookarounds
 *   or atomic groups, all of which are refused.
 */

export type LuceneRegex = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly construct: string; readonly reason: string };
type Refusal = Extract<LuceneRegex, { ok: false }>;

interface Mode {
  readonly ignoreCase: boolean;
  readonly dotAll: boolean;
}

class Refused {
  constructor(readonly refusal: Refusal) {}
}

const LUCENE = "Elastic's RLIKE uses Lucene regular expressions";
const lacks = (construct: string, why = 'which have no such construct'): never => {
  throw new Refused({ ok: false, construct: `${construct} in a regular expression`, reason: `${LUCENE}, ${why}` });
};

/** Characters with a meaning in Lucene's syntax under RegExp.ALL (plus `^ $`, see the header). */
const RESERVED = new Set('.?+*|{}[]()"\\#@&<>~^$');
/** Inside a class: the same plus the range dash. */
const RESERVED_IN_CLASS = new Set('.?+*|{}[]()"\\#@&<>~^$-');

function literal(code: number, reserved: ReadonlySet<string>): string {
  const c = String.fromCodePoint(code);
  return reserved.has(c) ? `\\${c}` : c;
}

const NEWLINE = 0x0a;

export function toLuceneRegex(pattern: string, flags: RegexValue['flags']): LuceneRegex {
  const lead = leadingFlags(pattern, flags);
  if (lead.unknown !== '') {
    return { ok: false, construct: `the inline flag group with '${lead.unknown}' in a regular expression`, reason: `${LUCENE}, which have no such flag` };
  }
  const parsed = parseRegex(lead.body);
  if (!parsed.ok) {
    return { ok: false, construct: 'a regular expression that does not parse', reason: `${parsed.message} at offset ${parsed.offset}` };
  }
  try {
    if ((lead.flags.multiline || usesInlineM(parsed.tree)) && hasLineAnchor(parsed.tree)) {
      lacks('the m flag with ^ or $', 'which have no line anchors');
    }
    const text = search(parsed.tree, { ignoreCase: lead.flags.ignoreCase, dotAll: lead.flags.dotAll });
    return { ok: true, text };
  } catch (e) {
    if (e instanceof Refused) return e.refusal;
    throw e;
  }
}

/** The whole-value Lucene pattern that matches exactly the texts in which `node` finds a match. */
function search(node: RegexNode, mode: Mode): string {
  if (node.kind === 'alternation') return node.branches.map((b) => search(b, mode)).join('|');
  let items = node.kind === 'sequence' ? [...node.items] : [node];
  let anchoredStart = false;
  while (isStartAnchor(items[0])) {
    anchoredStart = true;
    items = items.slice(1);
  }
  let end: 'open' | 'newline' | 'text' = 'open';
  const last = items[items.length - 1];
  if (last?.kind === 'anchor' && (last.anchor === 'lineEnd' || last.anchor === 'textEndNewline' || last.anchor === 'textEnd')) {
    end = last.anchor === 'textEnd' ? 'text' : 'newline';
    items = items.slice(0, -1);
  }
  const only = items[0];
  if (!anchoredStart && end === 'open' && items.length === 1 && only !== undefined) {
    // A lone group at the top (`(^a$)|(^b$)`): its branches are top-level branches too.
    if (only.kind === 'group' && only.group !== 'atomic') return search(only.body, mode);
    if (only.kind === 'flags' && only.body !== null) return search(only.body, applyFlags(mode, only.on, only.off));
  }
  // A leading group whose branches start with `^` (`(^|/)x`): each branch brings its own prefix.
  const lead = anchoredStart ? null : leadingAnchoredGroup(items[0], mode);
  if (lead !== null) {
    anchoredStart = true;
    items = items.slice(1);
  }
  const body = `${lead ?? ''}${items.map((n) => print(n, mode)).join('')}`;
  const prefix = anchoredStart ? '' : '.*';
  const suffix = end === 'open' ? '.*' : end === 'newline' ? `${literal(NEWLINE, RESERVED)}?` : '';
  const text = `${prefix}${body}${suffix}`;
  return text === '' ? '()' : text; // Lucene has no empty branch; `()` is the empty string
}

/**
 * `(^a|b)` at the start of a branch, as `(a|.*b)` (the `.*` of an unanchored start moved into the
 * branches that have no `^`); null when `n` is not such a group.
 */
function leadingAnchoredGroup(n: RegexNode | undefined, mode: Mode): string | null {
  if (n?.kind !== 'group' || n.group === 'atomic' || n.body.kind !== 'alternation') return null;
  const branches = n.body.branches.map((b) => (b.kind === 'sequence' ? b.items : [b]));
  if (!branches.some((b) => isStartAnchor(b[0]))) return null;
  const printed = branches.map((b) => {
    let rest = b;
    while (isStartAnchor(rest[0])) rest = rest.slice(1);
    const text = rest.map((x) => print(x, mode)).join('');
    return rest.length === b.length ? `.*${text}` : text === '' ? '()' : text;
  });
  return `(${printed.join('|')})`;
}

function isStartAnchor(n: RegexNode | undefined): boolean {
  return n?.kind === 'anchor' && (n.anchor === 'lineStart' || n.anchor === 'textStart');
}

function applyFlags(mode: Mode, on: string, off: string): Mode {
  return {
    ignoreCase: off.includes('i') ? false : on.includes('i') ? true : mode.ignoreCase,
    dotAll: off.includes('s') ? false : on.includes('s') ? true : mode.dotAll,
  };
}

/** Wraps a printed piece in parentheses unless it is one atom already. */
function atom(text: string, node: RegexNode): string {
  switch (node.kind) {
    case 'char':
    case 'any':
    case 'class':
    case 'group':
    case 'flags':
      return text;
    default:
      return `(${text})`;
  }
}

function print(node: RegexNode, mode: Mode): string {
  switch (node.kind) {
    case 'char':
      return printRanges(foldCase([[node.code, node.code]], mode, 'a non-ASCII letter'));
    case 'any':
      return mode.dotAll ? '.' : `[^${literal(NEWLINE, RESERVED_IN_CLASS)}]`;
    case 'class': {
      const ranges = foldCase(classRanges(node.items), mode, 'a character class with non-ASCII letters');
      const set = node.negated ? complementRanges(ranges) : ranges;
      if (set.length === 0) lacks('an empty character class', 'where it cannot be written');
      return printRanges(set);
    }
    case 'anchor':
      switch (node.anchor) {
        case 'lineStart':
        case 'textStart':
          return lacks('a start anchor (^ or \\A) that is not at the start of the pattern', 'which have no anchors (the whole value is matched)');
        case 'lineEnd':
        case 'textEnd':
        case 'textEndNewline':
          return lacks('an end anchor ($, \\z or \\Z) that is not at the end of the pattern', 'which have no anchors (the whole value is matched)');
        case 'wordBoundary':
          return lacks('the word boundary \\b', 'which have no word boundary assertion');
        case 'notWordBoundary':
          return lacks('the assertion \\B', 'which have no word boundary assertion');
        default:
          return assertNever(node.anchor, 'anchor');
      }
    case 'sequence':
      return node.items.length === 0 ? '()' : node.items.map((n) => print(n, mode)).join('');
    case 'alternation':
      return node.branches.map((b) => (b.kind === 'sequence' && b.items.length === 0 ? '()' : print(b, mode))).join('|');
    case 'group':
      if (node.group === 'atomic') return lacks('an atomic group (?>...)');
      return `(${print(node.body, mode)})`;
    case 'flags':
      if (node.body === null) return lacks('an inline flag group (?...) that is not at the start of the pattern', 'where it cannot be written');
      return `(${print(node.body, applyFlags(mode, node.on, node.off))})`;
    case 'lookaround':
      return lacks(node.behind ? 'a lookbehind' : 'a lookahead');
    case 'repeat': {
      if (node.mode === 'possessive') return lacks('a possessive quantifier');
      const body = atom(print(node.body, mode), node.body);
      const { min, max } = node;
      if (min === 0 && max === null) return `${body}*`;
      if (min === 1 && max === null) return `${body}+`;
      if (min === 0 && max === 1) return `${body}?`;
      if (max === null) return `${body}{${min},}`;
      return min === max ? `${body}{${min}}` : `${body}{${min},${max}}`;
    }
    case 'backreference':
      return lacks('a backreference');
    case 'unsupported':
      return lacks(node.construct);
    default:
      return assertNever(node, 'regex node');
  }
}

function classRanges(items: Extract<RegexNode, { kind: 'class' }>['items']): CharRanges {
  const all: (readonly [number, number])[] = [];
  for (const item of items) {
    switch (item.kind) {
      case 'range':
        all.push([item.from, item.to]);
        break;
      case 'shorthand':
        all.push(...shorthandRanges(item.name));
        break;
      case 'posix': {
        const r = posixRanges(item.name) ?? lacks(`the POSIX class [:${item.name}:]`, 'and PCRE2 does not know it either');
        all.push(...(item.negated ? complementRanges(normalizeRanges(r)) : r));
        break;
      }
      case 'unsupported':
        return lacks(item.construct);
      default:
        return assertNever(item, 'class item');
    }
  }
  return normalizeRanges(all);
}

/**
 * Under i, adds the other case of every ASCII letter. A non-ASCII letter whose case partners are not all
 * in the set already is refused (PCRE folds it only in UTF mode, by Unicode's tables).
 */
function foldCase(ranges: CharRanges, mode: Mode, what: string): CharRanges {
  if (!mode.ignoreCase) return ranges;
  const extra: [number, number][] = [];
  for (const [a, b] of ranges) {
    for (let c = Math.max(a, 0x41); c <= Math.min(b, 0x7a); c++) {
      if (c <= 0x5a) extra.push([c + 0x20, c + 0x20]);
      else if (c >= 0x61) extra.push([c - 0x20, c - 0x20]);
    }
    for (let c = Math.max(a, 0x80); c <= Math.min(b, CASE_SCAN_LIMIT); c++) {
      const s = String.fromCodePoint(c);
      for (const other of [s.toLowerCase(), s.toUpperCase()]) {
        if (other === s) continue;
        const code = other.codePointAt(0) ?? 0;
        if ([...other].length !== 1 || !rangesContain(ranges, code)) lacks(`${what} under the i flag`, 'and PCRE folds non-ASCII letters only in UTF mode');
      }
    }
  }
  return normalizeRanges([...ranges, ...extra]);
}

/**
 * Literal text as a Lucene regexp that matches exactly that text: each character escaped where Lucene
 * reserves it, or under `caseInsensitive` written as the class of its case partners (caseClass: `ж` as
 * `[Жж]`), so that a case-sensitive RLIKE compares the text case-insensitively.
 */
export function luceneText(text: string, caseInsensitive: boolean): string {
  return [...text]
    .map((c) => {
      const code = c.codePointAt(0) ?? 0;
      return caseInsensitive ? printRanges(caseClass(code)) : literal(code, RESERVED);
    })
    .join('');
}

/** The surrogate code points: no UTF-8 text holds one, and a query holding one cannot be sent. */
const SURROGATES: CharRanges = [[0xd800, 0xdfff]];

/** `ranges` without the surrogates. */
function withoutSurrogates(ranges: CharRanges): CharRanges {
  return complementRanges(normalizeRanges([...complementRanges(ranges), ...SURROGATES]));
}

/**
 * One character, or a class; a set reaching the last code point prints as a negated class. Surrogate
 * code points are left out of what is printed (they match nothing in text either way).
 */
function printRanges(all: CharRanges): string {
  const set = withoutSurrogates(all);
  if (set.length === 0) lacks('a character class of surrogate code points only', 'where it cannot be written');
  const first = set[0];
  if (set.length === 1 && first !== undefined && first[0] === first[1]) return literal(first[0], RESERVED);
  if (set.length === 1 && first !== undefined && first[0] === 0 && first[1] === MAX_CODE_POINT) return '.';
  const last = set[set.length - 1];
  const negate = last !== undefined && last[1] === MAX_CODE_POINT;
  const shown = negate ? withoutSurrogates(complementRanges(set)) : set;
  if (shown.length === 0) return '.'; // every character
  const body = shown
    .map(([a, b]) => {
      const la = literal(a, RESERVED_IN_CLASS);
      const lb = literal(b, RESERVED_IN_CLASS);
      return a === b ? la : b === a + 1 ? `${la}${lb}` : `${la}-${lb}`;
    })
    .join('');
  return `[${negate ? '^' : ''}${body}]`;
}

function hasLineAnchor(node: RegexNode): boolean {
  return someNode(node, (n) => n.kind === 'anchor' && (n.anchor === 'lineStart' || n.anchor === 'lineEnd'));
}

function usesInlineM(node: RegexNode): boolean {
  return someNode(node, (n) => n.kind === 'flags' && n.on.includes('m'));
}
