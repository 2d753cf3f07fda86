/**
 * Small scanners over YAML source text. js-yaml reports where a node's parse began and ended, but those
 * places can sit before whitespace, comments and node properties (`!tag`, `&anchor`), or after trailing
 * spaces; these helpers find the exact first and last character of the content.
 */

export function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function isInlineSpace(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/**
 * Skips spaces, tabs, line breaks and comments from `p`; returns the first other position. Like
 * js-yaml's `skipSeparationSpace`, it takes any `#` between tokens as a comment: the scanners only
 * run between tokens, never inside a plain scalar where `a#b` is text.
 */
export function skipSpace(src: string, p: number): number {
  const n = src.length;
  while (p < n) {
    const c = src.charCodeAt(p);
    if (isSpace(c)) p++;
    else if (c === 0x23) {
      while (p < n && src.charCodeAt(p) !== 0x0a && src.charCodeAt(p) !== 0x0d) p++;
    } else break;
  }
  return p;
}

/** Moves back from `p` over spaces, tabs and line breaks (not comments). */
export function trimBack(src: string, p: number, floor = 0): number {
  while (p > floor && isSpace(src.charCodeAt(p - 1))) p--;
  return p;
}

/**
 * Whether the node that js-yaml opened at `open` follows a `?` explicit key indicator. In block context
 * js-yaml opens the key right after the `?`; in flow context after the white space that follows it.
 */
export function precededByExplicitKey(src: string, open: number, flow: boolean, from = 0): boolean {
  if (!flow) return open > 0 && src.charCodeAt(open - 1) === 0x3f;
  const q = trimBack(src, open);
  if (q > 0 && src.charCodeAt(q - 1) === 0x3f && (q === 1 || isSpace(src.charCodeAt(q - 2)) || isFlowIndicator(src.charCodeAt(q - 2)))) return true;
  // js-yaml also skips comments after the `?` (`[? #note` + line break + `key]`): scan forward from the
  // end of the previous entry, where only separators, comments and the indicator itself can stand.
  let p = from;
  while (p < open) {
    p = skipSpace(src, p);
    const c = src.charCodeAt(p);
    if (p >= open) return false;
    if (c === 0x2c || c === 0x5b || c === 0x7b) {
      p++;
      continue;
    }
    if (c !== 0x3f) return false;
    const next = src.charCodeAt(p + 1);
    return p + 1 >= src.length || isSpace(next) || isFlowIndicator(next);
  }
  return false;
}

function isFlowIndicator(code: number): boolean {
  return code === 0x2c || code === 0x5b || code === 0x5d || code === 0x7b || code === 0x7d;
}

/** The end of a `!tag` or `&anchor` property token starting at `p` (YAML 1.2 §6.9). */
function propertyEnd(src: string, p: number): number {
  const n = src.length;
  if (src.charCodeAt(p) === 0x21 && src.charCodeAt(p + 1) === 0x3c) {
    const close = src.indexOf('>', p);
    return close < 0 ? n : close + 1;
  }
  const anchor = src.charCodeAt(p) === 0x26;
  let q = p + 1;
  while (q < n) {
    const c = src.charCodeAt(q);
    if (isSpace(c) || (anchor && isFlowIndicator(c))) break;
    q++;
  }
  return q;
}

export interface ContentStart {
  /** First character of the node's content (after properties). */
  readonly content: number;
  /** First and end position of the properties, equal when there are none. */
  readonly propsStart: number;
  readonly propsEnd: number;
}

/**
 * Where the content of a node that js-yaml opened at `open` begins: skips white space, comments and
 * properties that start before `limit` (the position where js-yaml closed the node).
 */
export function contentStart(src: string, open: number, limit: number): ContentStart {
  let p = skipSpace(src, open);
  const propsStart = p;
  let propsEnd = p;
  while (p < limit) {
    const c = src.charCodeAt(p);
    if (c !== 0x21 && c !== 0x26) break;
    propsEnd = propertyEnd(src, p);
    p = skipSpace(src, propsEnd);
  }
  if (propsEnd === propsStart) return { content: p, propsStart, propsEnd: propsStart };
  return { content: p, propsStart, propsEnd };
}

/**
 * Position of the `:` value indicator after a key that ends at `p` (skipping white space and comments),
 * or -1. In block context the `:` must be followed by white space (YAML 1.2 §7.3.3 "ns-plain-safe"):
 * `:x` starts a plain scalar instead. In flow context js-yaml takes any `:` after a complete key.
 * A `:` at or after `limit` (where the collection being built ends) belongs to an enclosing one.
 */
export function valueIndicatorAfter(src: string, p: number, flow: boolean, limit: number): number {
  const q = skipSpace(src, p);
  if (q >= limit || src.charCodeAt(q) !== 0x3a) return -1;
  if (flow || q + 1 >= src.length || isSpace(src.charCodeAt(q + 1))) return q;
  return -1;
}

/** End of an alias name that starts after the `*` at `p` (YAML 1.2 §7.1: ends at space or flow indicator). */
export function aliasEnd(src: string, p: number): number {
  let q = p + 1;
  while (q < src.length) {
    const c = src.charCodeAt(q);
    if (isSpace(c) || isFlowIndicator(c)) break;
    q++;
  }
  return q;
}

/**
 * Positions of block sequence entry indicators (`-` followed by white space) in `[from, to)`, which
 * holds only white space, comments and indicators: js-yaml emits no event for an entry left empty.
 */
export function entryIndicators(src: string, from: number, to: number): number[] {
  const out: number[] = [];
  let p = skipSpace(src, from);
  while (p < to) {
    if (src.charCodeAt(p) === 0x2d && (p + 1 >= src.length || isSpace(src.charCodeAt(p + 1)))) {
      out.push(p);
      p = skipSpace(src, p + 1);
    } else break;
  }
  return out;
}

/** Skips one `-` entry indicator at `p` if there is one. */
export function skipEntryIndicator(src: string, p: number): number {
  if (src.charCodeAt(p) === 0x2d && isInlineSpace(src.charCodeAt(p + 1))) return skipSpace(src, p + 1);
  return p;
}
