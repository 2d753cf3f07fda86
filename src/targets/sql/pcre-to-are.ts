import type { RegexValue } from '../../ast/value.js';
import { leadingFlags } from '../../value/check-regex.js';

/*
 * Sigma regular expressions are PCRE (SPEC-DIGEST §5, `re`). PostgreSQL has POSIX "advanced regular
 * expressions" (ARE, manual §9.7.3), which differ in ways that would silently change a match:
 *
 * | PCRE                         | ARE (default, non-newline-sensitive mode)       | we write            |
 * |------------------------------|--------------------------------------------------|---------------------|
 * | `.` excludes `\n` (no `s`)   | `.` matches `\n`                                | `[^\n]`             |
 * | `$` end or before final `\n` | `$` end of string only                          | `(?=\n?$)`          |
 * | `m`: `^` after inner `\n`    | (newline-sensitive modes also change `.`/`[^]`) | `(?:^|(?<=\n)(?!$))`|
 * | `m`: `$` before any `\n`     |                                                  | `(?=\n|$)`          |
 * | `\b` `\B` ASCII word boundary| `\b` is backspace; `\y` uses locale word chars | lookaround on `[A-Za-z0-9_]` |
 * | `\d \w \s` ASCII             | locale classes                                   | explicit ASCII sets |
 * | `\Z` `\z`                    | `\Z` is the very end                             | `(?=\n?$)` `\Z`     |
 * | `\xhh`                       | `\x` takes any number of hex digits             | `\u00hh`            |
 * | `(?i)` anywhere, `(?i:…)`    | options only at the very start                  | refused (except at the start) |
 *
 * Refused (no exact ARE form, or a meaning that depends on the PCRE version): named groups, atomic
 * groups, possessive quantifiers, inline flag groups after the start, backtracking verbs, `\p{}`,
 * `\Q…\E`, `\K`, `\G`, `\h`, `\v`, `\R`, `\c`, octal and multi-digit escapes, `{,n}`, bounds over 255
 * (ARE's DUPMAX), POSIX `[:class:]` (locale-dependent in ARE), and back references in a pattern with
 * lookaround (ARE renumbers groups inside constraints).
 */

type AreResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: string };

const ARE_DUPMAX = 255;

/** PCRE's word characters without Unicode properties (ARE's \w and \y follow the locale instead). */
const WORD = '[A-Za-z0-9_]';

const CLASS_OUT: Readonly<Record<string, string>> = {
  d: '[0-9]',
  D: '[^0-9]',
  w: '[A-Za-z0-9_]',
  W: '[^A-Za-z0-9_]',
  s: '[\\t\\n\\v\\f\\r ]',
  S: '[^\\t\\n\\v\\f\\r ]',
};

const CLASS_IN: Readonly<Record<string, string>> = {
  d: '0-9',
  w: 'A-Za-z0-9_',
  s: '\\t\\n\\v\\f\\r ',
};

/** Escapes that are the same character in PCRE and ARE (tab, newline, CR, form feed, escape, bell). */
const SAME_CHAR_ESCAPES = new Set(['t', 'n', 'r', 'f', 'e', 'a']);

type Last = 'start' | 'atom' | 'quantifier' | 'constraint';

/** Translates a Sigma (PCRE) regex with its flags into an ARE with the same matches, or says why not. */
export function pcreToAre(pattern: string, flags: RegexValue['flags']): AreResult {
  const lead = leadingFlags(pattern, flags);
  if (lead.unknown !== '') return fail(`the inline flag '${lead.unknown[0] ?? ''}' has no PostgreSQL equivalent`);
  const { ignoreCase, multiline, dotAll } = lead.flags;
  let i = pattern.length - lead.body.length;
  const hasLookaround = [...structuralIndexes(pattern)].some((at) => /^\(\?<?[=!]/.test(pattern.slice(at, at + 4)));
  const groupCount = countGroups(pattern);
  let out = '';
  let last: Last = 'start';
  /** Where the last atom starts in `out` (to repeat it when a bound exceeds ARE's limit). */
  let atomStart = 0;
  /** Open groups: where each starts in `out`, and whether it is a lookaround (a constraint once closed). */
  const groupStarts: { readonly at: number; readonly lookaround: boolean }[] = [];

  while (i < pattern.length) {
    const c = pattern[i] ?? '';
    switch (c) {
      case '\\': {
        const e = escapeOutside(pattern, i, groupCount, hasLookaround);
        if (!e.ok) return e;
        atomStart = out.length;
        out += e.text;
        last = e.constraint ? 'constraint' : 'atom';
        i = e.next;
        break;
      }
      case '[': {
        const b = bracket(pattern, i);
        if (!b.ok) return b;
        atomStart = out.length;
        out += b.text;
        last = 'atom';
        i = b.next;
        break;
      }
      case '(': {
        const rest = pattern.slice(i + 1);
        if (rest.startsWith('*')) return fail('backtracking verbs (*VERB) have no PostgreSQL equivalent');
        if (rest.startsWith('?')) {
          const kind = /^\?(:|=|!|<=|<!)/.exec(rest);
          if (!kind) return fail(`the group '(${rest.slice(0, 3)}' (named, atomic, inline options or comment) has no exact PostgreSQL equivalent`);
          groupStarts.push({ at: out.length, lookaround: kind[1] !== ':' });
          out += `(?${kind[1] ?? ''}`;
          i += 1 + (kind[0]?.length ?? 0);
        } else {
          groupStarts.push({ at: out.length, lookaround: false });
          out += '(';
          i += 1;
        }
        last = 'start';
        break;
      }
      case ')': {
        const open = groupStarts.pop();
        atomStart = open?.at ?? 0;
        out += ')';
        // A lookaround group is a constraint, which ARE does not let a quantifier follow.
        last = open?.lookaround === true ? 'constraint' : 'atom';
        i += 1;
        break;
      }
      case '|':
        out += '|';
        last = 'start';
        i += 1;
        break;
      case '.':
        atomStart = out.length;
        out += dotAll ? '.' : '[^\\n]';
        last = 'atom';
        i += 1;
        break;
      case '^':
        out += multiline ? '(?:^|(?<=\\n)(?!$))' : '^';
        last = 'constraint';
        i += 1;
        break;
      case '$':
        out += multiline ? '(?=\\n|$)' : '(?=\\n?$)';
        last = 'constraint';
        i += 1;
        break;
      case '*':
      case '+':
      case '?':
      case '{': {
        let quantifier: string = c;
        let length = 1;
        if (c === '{') {
          const bound = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
          if (bound === null) {
            if (/^\{,\d*\}/.test(pattern.slice(i))) {
              return fail("'{,n}' is a quantifier in PCRE2 10.43 and later but literal text before; write {0,n}");
            }
            atomStart = out.length;
            out += '\\{';
            last = 'atom';
            i += 1;
            break;
          }
          const low = Number(bound[1]);
          const high = bound[2] === undefined ? low : bound[3] === '' ? Infinity : Number(bound[3]);
          if (last !== 'atom') return fail(`'${bound[0]}' does not follow something it can repeat`);
          if (high < low) return fail(`the bound '${bound[0]}' is reversed`);
          if (low > ARE_DUPMAX || (high > ARE_DUPMAX && high !== Infinity)) {
            // ARE bounds stop at 255 (RE_DUP_MAX): repeat the atom in pieces, X{300} = X{255}X{45}.
            const atom = out.slice(atomStart);
            if (/^\((?!\?)/.test(atom)) return fail(`a capturing group with a bound over ${ARE_DUPMAX}`);
            if (pattern[i + bound[0].length] === '+') return fail('possessive quantifiers have no PostgreSQL equivalent');
            out = out.slice(0, atomStart) + repeatAtom(atom.startsWith('(') ? atom : `(?:${atom})`, low, high);
            last = 'quantifier';
            i += bound[0].length + (pattern[i + bound[0].length] === '?' ? 1 : 0);
            break;
          }
          quantifier = bound[0];
          length = bound[0].length;
        }
        if (last !== 'atom') return fail(`'${quantifier}' does not follow something it can repeat`);
        const next = pattern[i + length];
        if (next === '+') return fail('possessive quantifiers have no PostgreSQL equivalent');
        // A lazy quantifier does not change whether a pattern matches, and ARE accepts it.
        if (next === '?') {
          quantifier += '?';
          length += 1;
        }
        out += quantifier;
        last = 'quantifier';
        i += length;
        break;
      }
      case '}':
      case ']':
        atomStart = out.length;
        out += `\\${c}`;
        last = 'atom';
        i += 1;
        break;
      default: {
        // One whole code point, so a quantifier after an astral character repeats all of it.
        const cp = String.fromCodePoint(pattern.codePointAt(i) ?? 0);
        atomStart = out.length;
        out += cp;
        last = 'atom';
        i += cp.length;
      }
    }
  }
  return { ok: true, text: `${ignoreCase ? '(?i)' : ''}${out}` };
}

/** `atom` repeated low..high times (high may be Infinity) with bounds of at most ARE_DUPMAX each. */
function repeatAtom(atom: string, low: number, high: number): string {
  let out = '';
  for (let left = low; left > 0; left -= ARE_DUPMAX) out += `${atom}{${Math.min(left, ARE_DUPMAX)}}`;
  if (high === Infinity) return `${out}${atom}*`;
  for (let left = high - low; left > 0; left -= ARE_DUPMAX) out += `${atom}{0,${Math.min(left, ARE_DUPMAX)}}`;
  return out;
}

function fail(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}

/** Indexes of the characters that stand outside escapes and bracket expressions. */
function* structuralIndexes(pattern: string): Generator<number> {
  let inBracket = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
    } else if (inBracket) {
      if (c === ']') inBracket = false;
    } else if (c === '[') {
      inBracket = true;
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
    } else {
      yield i;
    }
  }
}

/** Capturing groups: `(` not followed by `?` or `*`, outside brackets and escapes. */
function countGroups(pattern: string): number {
  let count = 0;
  for (const i of structuralIndexes(pattern)) {
    if (pattern[i] === '(' && pattern[i + 1] !== '?' && pattern[i + 1] !== '*') count++;
  }
  return count;
}

type Escape =
  | { readonly ok: true; readonly text: string; readonly next: number; readonly constraint: boolean }
  | { readonly ok: false; readonly reason: string };

function escapeOutside(pattern: string, at: number, groups: number, hasLookaround: boolean): Escape {
  const c = pattern[at + 1];
  const atom = (text: string, length = 2): Escape => ({ ok: true, text, next: at + length, constraint: false });
  const constraint = (text: string): Escape => ({ ok: true, text, next: at + 2, constraint: true });
  if (c === undefined) return fail('a regular expression cannot end with a backslash');
  const cls = CLASS_OUT[c];
  if (cls !== undefined) return atom(cls);
  if (SAME_CHAR_ESCAPES.has(c)) return atom(`\\${c}`);
  switch (c) {
    case 'b':
      return constraint(`(?:(?<=${WORD})(?!${WORD})|(?<!${WORD})(?=${WORD}))`);
    case 'B':
      return constraint(`(?:(?<=${WORD})(?=${WORD})|(?<!${WORD})(?!${WORD}))`);
    case 'A':
      return constraint('\\A');
    case 'Z':
      return constraint('(?=\\n?$)');
    case 'z':
      return constraint('\\Z');
    case 'x': {
      const hex = hexEscape(pattern, at);
      return hex === null ? fail("'\\x' must be followed by two hex digits or {hex}") : atom(hex.text, hex.length);
    }
    default:
      break;
  }
  if (/[1-9]/.test(c)) {
    if (/[0-9]/.test(pattern[at + 2] ?? '')) return fail('a multi-digit escape is a back reference or octal depending on the group count');
    if (Number(c) > groups) return fail(`\\${c} refers to a group that does not exist`);
    if (hasLookaround) return fail('PostgreSQL numbers groups differently inside lookaround, so back references would change');
    return atom(`\\${c}`);
  }
  if (/[0-9A-Za-z]/.test(c)) return fail(`the escape '\\${c}' has no exact PostgreSQL equivalent`);
  if (c.charCodeAt(0) > 0x7f) return fail('a backslash before a non-ASCII character');
  return atom(`\\${c}`);
}

/** `\xhh` or `\x{h...}` at `at` as an ARE `\uhhhh` / `\Uhhhhhhhh`, or null. */
function hexEscape(pattern: string, at: number): { text: string; length: number } | null {
  const rest = pattern.slice(at);
  const two = /^\\x([0-9A-Fa-f]{2})/.exec(rest);
  if (two) return { text: `\\u00${two[1] ?? ''}`, length: 4 };
  const braces = /^\\x\{([0-9A-Fa-f]{1,6})\}/.exec(rest);
  if (braces) {
    const code = parseInt(braces[1] ?? '', 16);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return null;
    return { text: `\\U${code.toString(16).padStart(8, '0')}`, length: braces[0].length };
  }
  return null;
}

type Bracket = { readonly ok: true; readonly text: string; readonly next: number } | { readonly ok: false; readonly reason: string };

/** A bracket expression starting at `at` (`[`). */
function bracket(pattern: string, at: number): Bracket {
  let i = at + 1;
  let out = '[';
  if (pattern[i] === '^') {
    out += '^';
    i++;
  }
  if (pattern[i] === ']') {
    out += ']';
    i++;
  }
  while (i < pattern.length) {
    const c = pattern[i] ?? '';
    if (c === ']') return { ok: true, text: `${out}]`, next: i + 1 };
    if (c === '[' && /[:.=]/.test(pattern[i + 1] ?? '')) {
      return fail('POSIX classes and collating elements ([:name:], [.x.], [=x=]) depend on the locale in PostgreSQL');
    }
    if (c === '\\') {
      const e = pattern[i + 1];
      if (e === undefined) break;
      const cls = CLASS_IN[e];
      if (cls !== undefined) {
        out += cls;
        i += 2;
        continue;
      }
      if (e === 'D' || e === 'W' || e === 'S') return fail(`'\\${e}' inside brackets has no PostgreSQL equivalent`);
      if (SAME_CHAR_ESCAPES.has(e) || e === 'b') {
        out += `\\${e}`; // \b inside brackets is a backspace in both
        i += 2;
        continue;
      }
      if (e === 'x') {
        const hex = hexEscape(pattern, i);
        if (hex === null) return fail("'\\x' must be followed by two hex digits or {hex}");
        out += hex.text;
        i += hex.length;
        continue;
      }
      if (/[0-9A-Za-z]/.test(e)) return fail(`the escape '\\${e}' inside brackets has no exact PostgreSQL equivalent`);
      if (e.charCodeAt(0) > 0x7f) return fail('a backslash before a non-ASCII character');
      out += `\\${e}`;
      i += 2;
      continue;
    }
    out += c;
    i++;
  }
  return fail('a bracket expression is not closed');
}
