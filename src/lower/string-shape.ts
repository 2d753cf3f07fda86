import { classifyString, normalizeParts, type StringShape as ValueStringShape } from '../value/sigma-string.js';
import { assertNever } from '../diagnostics/assert-never.js';
import type { StringPart } from '../ast/value.js';

/**
 * Small helpers over a Sigma string's parts, so targets choose their operator from the value's shape
 * (`endswith` vs a pattern) without re-parsing Sigma escapes. Placeholders never reach a target: the
 * engine refuses them first (unresolved-placeholder), so these helpers take only the three other kinds.
 */
export type PatternPart = Exclude<StringPart, { readonly kind: 'placeholder' }>;

/**
 * The value model's shapes (exact, prefix `text*`, suffix `*text`, contains `*text*`, any `*`), and for
 * anything else (`?`, `*` between literals) the parts themselves.
 */
export type StringShape =
  | Exclude<ValueStringShape, { readonly kind: 'pattern' }>
  | { readonly kind: 'pattern'; readonly parts: readonly PatternPart[] };

export function isPatternParts(parts: readonly StringPart[]): parts is readonly PatternPart[] {
  for (const p of parts) if (p.kind === 'placeholder') return false; // a loop: the engine asks for every leaf
  return true;
}

/** The value model's shape (`classifyString`), with the parts kept for the `pattern` case. */
export function stringShape(input: readonly PatternPart[]): StringShape {
  const shape = classifyString(input);
  return shape.kind === 'pattern' ? { kind: 'pattern', parts: normalizeParts(input) } : shape;
}

/**
 * Every literal character of the parts, wildcards dropped (`a*b` gives `ab`), e.g. to ask whether case
 * can matter at all. Not the value model's `literalText`, which is null when there is a wildcard.
 */
export function literalChars(parts: readonly PatternPart[]): string {
  // A loop, not map/join: this runs for every value of every target (no array per call).
  let text = '';
  for (const p of parts) if (p.kind === 'literal') text += p.text;
  return text;
}

/** True when upper- and lower-casing leave the text unchanged: case-(in)sensitivity cannot matter. */
export function isCaseless(text: string): boolean {
  // Most text is ASCII, where exactly the letters A-Z a-z have case: then one search answers, with no
  // case-mapped copies of the text (every value of every target asks; a regex, not a loop of calls).
  if (isAscii(text)) return !ASCII_LETTER.test(text);
  return text.toLowerCase() === text && text.toUpperCase() === text;
}

const NON_ASCII = /[^\u0000-\u007f]/;
const ASCII_LETTER = /[A-Za-z]/;

/** True when every UTF-16 code unit of the text is ASCII (one regex search). */
export function isAscii(text: string): boolean {
  return !NON_ASCII.test(text);
}

/**
 * Writes the parts as a regular expression body that matches exactly the same strings, with `*` as
 * `multi` (e.g. `[\s\S]*` or `.*` under a dot-all flag) and `?` as `single`. Every regex
 * metacharacter of the literals is escaped with a backslash (valid in PCRE, RE2, JavaScript, POSIX ERE).
 */
export function partsToRegex(
  parts: readonly PatternPart[],
  tokens: { readonly multi: string; readonly single: string },
): string {
  return mapParts(parts, { literal: escapeRegexLiteral, ...tokens });
}

/**
 * Writes parts in a target's pattern syntax: each literal through `literal` (the target's escaping),
 * `*` as `multi`, `?` as `single`. Every pattern writer (regex, LIKE, GLOB) is one call of this.
 */
export function mapParts(
  parts: readonly PatternPart[],
  write: { readonly literal: (text: string) => string; readonly multi: string; readonly single: string },
): string {
  // A loop, not map/join: every pattern of every target is written here (no array per call).
  let out = '';
  for (const p of parts) {
    switch (p.kind) {
      case 'literal':
        out += write.literal(p.text);
        break;
      case 'wildcard-multi':
        out += write.multi;
        break;
      case 'wildcard-single':
        out += write.single;
        break;
      default:
        return assertNever(p, 'string part');
    }
  }
  return out;
}

const REGEX_SPECIALS = /[\\^$.|?*+()[\]{}]/g;

/** Escapes the characters that are special anywhere in a regex (outside a character class). */
export function escapeRegexLiteral(text: string): string {
  return backslashEach(text, REGEX_SPECIALS);
}

/**
 * `text` with a `\` before each match of `specials` (a regex with the `g` flag; `$&` in the replacement
 * is the match). A replace runs only when a search finds one (most values hold none, and every value of
 * every target is written). The regex's lastIndex does not matter: `search` and a `g` replace start at 0.
 */
export function backslashEach(text: string, specials: RegExp): string {
  return text.search(specials) < 0 ? text : text.replace(specials, '\\$&');
}
