/*
 * Sigma's `re` is a PCRE subset; Kusto's `matches regex` is RE2 (Kusto docs, "matches regex operator";
 * RE2 syntax: github.com/google/re2/wiki/Syntax). This module passes a pattern through unchanged where
 * both read it the same, rewrites the one spelling RE2 lacks (`(?<name>` -> `(?P<name>`), and refuses
 * everything RE2 cannot do or reads differently, naming it:
 * - lookahead/lookbehind, backreferences (`\1`, `\k<n>`, `(?P=n)`), atomic groups, possessive
 *   quantifiers, recursion, conditionals, comments, backtracking verbs, the `x` flag;
 * - escapes RE2 lacks or reads differently: `\Z \G \K \R \X \C \h \H \v \V \e \c \N \E \u \U \l \L \o`;
 *   `\b` inside a class (PCRE: backspace; RE2: error); `\x` without two hex digits;
 * - repetition counts above 1000 (RE2's limit) and `{,n}` (PCRE2 10.43+: {0,n}; RE2: literal text).
 * - under m, a `^` that could stand at the end of the text (RE2 matches there after a final line break,
 *   PCRE does not): a `^` passes only before an atom that must consume a character.
 * Two flavour differences are rewritten so the meaning stays PCRE's:
 * - RE2's `\s` omits the vertical tab (PCRE2 includes it): `\s` becomes `[\s\v]`, `\S` becomes `[^\s\v]`,
 *   and inside a class `\s` gains `\v`; a `\S` inside a class cannot be rewritten and is refused.
 * - Without `m`, PCRE's `$` also matches before a final line break, RE2's only at the very end: `$`
 *   becomes `(?:\n?\z)`. That consumes the line break, which is the same for a yes/no search as long as
 *   nothing after the `$` could need it, so a `$` followed by more pattern (other than `)` or `|`) is
 *   refused, and so is any inline `m` flag (the rewrite could not follow the mode change).
 */

type Re2Refusal = { readonly ok: false; readonly construct: string; readonly reason: string };
type Re2Result = { readonly ok: true; readonly pattern: string } | Re2Refusal;

const RE2_HAS_NO = (construct: string): Re2Refusal => ({
  ok: false,
  construct: `${construct} in a regular expression`,
  reason: "Kusto's matches regex uses RE2, which has no such construct",
});

const READS_DIFFERENTLY = (construct: string): Re2Refusal => ({
  ok: false,
  construct: `${construct} in a regular expression`,
  reason: "Kusto's matches regex uses RE2, which reads it differently from PCRE",
});

/** Letter escapes both flavours read the same way, outside / inside a character class. */
const LETTERS_OUTSIDE = new Set('afnrtdDwWsSbBAz');
const LETTERS_INSIDE = new Set('afnrtdDwWsS');
/** Letter escapes that have a PCRE meaning RE2 lacks (a clearer message than "unknown"). */
const RE2_LACKS: Readonly<Record<string, string>> = {
  Z: 'the end-of-text anchor \\Z',
  G: 'the anchor \\G',
  K: 'the match reset \\K',
  R: 'the newline class \\R',
  X: 'the grapheme escape \\X',
  C: 'the single-byte escape \\C',
  h: 'the horizontal-space class \\h',
  H: 'the class \\H',
  V: 'the class \\V',
  e: 'the escape character \\e',
  c: 'the control escape \\c',
  N: 'the escape \\N',
  k: 'the backreference \\k',
  g: 'the backreference \\g',
  E: 'a \\E without \\Q',
  o: 'the octal escape \\o',
};

/** Writes `text` so RE2 reads every character literally (for \Q...\E, which we expand ourselves). */
function literal(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}-]/g, (c) => `\\${c}`);
}

export function pcreToRe2(pattern: string, multiline = false): Re2Result {
  if (!multiline && /\(\?[A-Za-z]*m[A-Za-z]*(?:-[A-Za-z]*)?[:)]|\(\?[A-Za-z]*-[A-Za-z]*m/.test(pattern)) {
    return READS_DIFFERENTLY('an inline m flag');
  }
  let out = '';
  let i = 0;
  let inClass = false;
  let classBodyStart = 0;
  while (i < pattern.length) {
    const rest = pattern.slice(i);
    const c = pattern[i] ?? '';

    if (c === '\\') {
      const e = pattern[i + 1];
      if (e === undefined) return READS_DIFFERENTLY('a trailing backslash');
      if (e === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        out += literal(end < 0 ? pattern.slice(i + 2) : pattern.slice(i + 2, end));
        i = end < 0 ? pattern.length : end + 2;
        continue;
      }
      if (/[1-9]/.test(e)) return RE2_HAS_NO(`the backreference \\${e}`);
      if (e === 'x') {
        const hex = /^\\x(?:[0-9A-Fa-f]{2}|\{[0-9A-Fa-f]{1,6}\})/.exec(rest);
        if (!hex) return READS_DIFFERENTLY('the escape \\x without two hex digits');
        out += hex[0];
        i += hex[0].length;
        continue;
      }
      if (e === '0') {
        const octal = /^\\0[0-7]{0,2}/.exec(rest)?.[0] ?? '\\0';
        out += octal;
        i += octal.length;
        continue;
      }
      if (e === 'p' || e === 'P') {
        const prop = /^\\[pP](?:[A-Za-z]|\{\^?[A-Za-z_]+\})/.exec(rest);
        if (!prop) return READS_DIFFERENTLY(`the escape \\${e} without a property name`);
        out += prop[0];
        i += prop[0].length;
        continue;
      }
      if (/[A-Za-z]/.test(e)) {
        if (inClass && e === 'b') return READS_DIFFERENTLY('\\b inside a character class');
        if (!(inClass ? LETTERS_INSIDE : LETTERS_OUTSIDE).has(e)) {
          const known = RE2_LACKS[e];
          return known !== undefined ? RE2_HAS_NO(known) : READS_DIFFERENTLY(`the escape \\${e}`);
        }
        // PCRE2's \s includes the vertical tab; RE2's does not (see the header).
        if (e === 's' || e === 'S') {
          if (inClass && e === 'S') return READS_DIFFERENTLY('\\S inside a character class');
          out += inClass ? '\\s\\v' : e === 's' ? '[\\s\\v]' : '[^\\s\\v]';
          i += 2;
          continue;
        }
        out += `\\${e}`;
        i += 2;
        continue;
      }
      // Escaped non-letters are literal in both; RE2 rejects a backslash before a non-ASCII
      // character, which PCRE reads as that character, so the backslash is dropped there.
      out += e.charCodeAt(0) < 0x80 ? `\\${e}` : e;
      i += 2;
      continue;
    }

    if (inClass) {
      const posix = /^\[:\^?[a-z]+:\]/.exec(rest);
      if (posix) {
        out += posix[0];
        i += posix[0].length;
        continue;
      }
      if (c === ']' && i > classBodyStart) inClass = false;
      out += c;
      i++;
      continue;
    }

    switch (c) {
      case '[': {
        inClass = true;
        const negated = pattern[i + 1] === '^';
        out += negated ? '[^' : '[';
        i += negated ? 2 : 1;
        // A `]` first in a class is a literal in both flavours; written escaped to be plain.
        if (pattern[i] === ']') {
          out += '\\]';
          i++;
        }
        classBodyStart = i;
        continue;
      }
      case '(': {
        const group = openGroup(rest);
        if (!group.ok) return group;
        out += group.pattern;
        i += group.consumed;
        continue;
      }
      case '*':
      case '+':
      case '?': {
        out += c;
        i++;
        if (pattern[i] === '+') return RE2_HAS_NO('a possessive quantifier');
        continue;
      }
      case '^': {
        if (multiline && !consumesNext(pattern, i + 1)) {
          return {
            ok: false,
            construct: 'a `^` under the m flag that is not followed by a character to match in a regular expression',
            reason: "Kusto's matches regex uses RE2, whose `^` also matches after a line break that ends the text (PCRE's does not)",
          };
        }
        out += '^';
        i++;
        continue;
      }
      case '$': {
        if (multiline) {
          out += '$';
          i++;
          continue;
        }
        const next = pattern[i + 1];
        if (next !== undefined && next !== ')' && next !== '|') {
          return READS_DIFFERENTLY('a `$` followed by more pattern');
        }
        out += '(?:\\n?\\z)';
        i++;
        continue;
      }
      case '{': {
        const count = /^\{(\d+)(?:,(\d*))?\}/.exec(rest);
        if (count) {
          const numbers = [count[1], count[2]].filter((t) => t !== undefined && t !== '').map(Number);
          if (numbers.some((v) => v > 1000)) {
            return { ok: false, construct: 'a repetition count above 1000 in a regular expression', reason: 'RE2 (Kusto\'s matches regex) allows at most 1000' };
          }
          out += count[0];
          i += count[0].length;
          if (pattern[i] === '+') return RE2_HAS_NO('a possessive quantifier');
          continue;
        }
        if (/^\{,\d+\}/.test(rest)) return READS_DIFFERENTLY('the quantifier {,n}');
        out += '\\{'; // a literal brace in both; escaped so RE2 never reads it as a count
        i++;
        continue;
      }
      default:
        out += c;
        i++;
    }
  }
  return { ok: true, pattern: out };
}

/**
 * Does the pattern at `at` certainly consume a character (one atom with no quantifier allowing zero
 * repetitions)? Then a `^` before it cannot stand at the end of the text, where RE2's and PCRE's `^`
 * differ under m. Conservative: anything else (groups, anchors, other escapes) answers false.
 */
function consumesNext(pattern: string, at: number): boolean {
  const c = pattern[at];
  let end: number;
  if (c === undefined || '()|^$*+?{'.includes(c)) return false;
  if (c === '\\') {
    const e = pattern[at + 1];
    if (e === undefined || !(/[dDwWsSntrfa]/.test(e) || !/[0-9A-Za-z]/.test(e))) return false;
    end = at + 2;
  } else if (c === '[') {
    end = classEnd(pattern, at);
    if (end < 0) return false;
  } else {
    end = at + String.fromCodePoint(pattern.codePointAt(at) ?? 0).length;
  }
  const next = pattern[end];
  return !(next === '*' || next === '?' || (next === '{' && /^\{0*[,}]|^\{,/.test(pattern.slice(end))));
}

/** The index after the character class starting at `at` (`[`), or -1 when it does not close. */
function classEnd(pattern: string, at: number): number {
  let i = at + 1;
  if (pattern[i] === '^') i++;
  if (pattern[i] === ']') i++;
  while (i < pattern.length) {
    const c = pattern[i];
    const posix = /^\[:\^?[a-z]+:\]/.exec(pattern.slice(i));
    if (c === '\\') i += 2;
    else if (posix) i += posix[0].length;
    else if (c === ']') return i + 1;
    else i++;
  }
  return -1;
}

type Group = { readonly ok: true; readonly pattern: string; readonly consumed: number } | Re2Refusal;

/** `rest` starts with `(`: the group opener as RE2 text, or the refusal. */
function openGroup(rest: string): Group {
  if (rest.startsWith('(*')) return RE2_HAS_NO('a backtracking verb (*...)');
  if (!rest.startsWith('(?')) return { ok: true, pattern: '(', consumed: 1 };
  const body = rest.slice(2);
  if (body.startsWith(':')) return { ok: true, pattern: '(?:', consumed: 3 };
  if (body.startsWith('=') || body.startsWith('!')) return RE2_HAS_NO('a lookahead');
  if (body.startsWith('<=') || body.startsWith('<!')) return RE2_HAS_NO('a lookbehind');
  const named = /^(?:P?<|')([A-Za-z_][A-Za-z0-9_]*)[>']/.exec(body);
  if (named) return { ok: true, pattern: `(?P<${named[1] ?? ''}>`, consumed: 2 + named[0].length };
  if (body.startsWith('P=')) return RE2_HAS_NO('a named backreference');
  if (body.startsWith('>')) return RE2_HAS_NO('an atomic group');
  if (body.startsWith('#')) return RE2_HAS_NO('a comment group');
  if (body.startsWith('|')) return RE2_HAS_NO('a branch-reset group');
  if (body.startsWith('(')) return RE2_HAS_NO('a conditional group');
  if (/^(?:R|[+-]?\d|&|P>)/.test(body)) return RE2_HAS_NO('a recursive pattern');
  const flags = /^([A-Za-z]*)(?:-([A-Za-z]*))?([:)])/.exec(body);
  if (flags) {
    // Turning m off inside a multiline pattern would need the other `$` rewrite mid-pattern.
    if ((flags[2] ?? '').includes('m')) return READS_DIFFERENTLY('an inline flag turning m off');
    const letters = `${flags[1] ?? ''}${flags[2] ?? ''}`;
    const bad = [...letters].find((f) => !'imsU'.includes(f));
    if (bad !== undefined) {
      return bad === 'x' ? RE2_HAS_NO('the extended flag (?x)') : READS_DIFFERENTLY(`the inline flag ${bad}`);
    }
    return { ok: true, pattern: `(?${flags[0]}`, consumed: 2 + flags[0].length };
  }
  return READS_DIFFERENTLY('the group (?');
}
