import { backslashEach, escapeRegexLiteral, isAscii, mapParts, type PatternPart } from '../../lower/string-shape.js';
import { type Unsupported, unsupported } from '../../lower/target.js';
import { hasLoneSurrogate, utf8LongerThan } from '../../value/encodings.js';

/*
 * Text pieces of SQL shared by the SQLite and PostgreSQL dialects. Sources:
 * - SQLite "SQL As Understood By SQLite" (lang_expr.html): a string literal is in single quotes, a
 *   quote inside is doubled, backslash is an ordinary character; identifiers in double quotes with
 *   `"` doubled (lang_keywords.html). LIKE: `%` any run, `_` one character, ASCII-only case folding,
 *   no escape character unless ESCAPE names one; GLOB: `*`, `?`, `[...]`, case-sensitive, no escape
 *   character at all (a literal `*` is `[*]`).
 * - PostgreSQL 15 manual §4.1.2.1 (standard_conforming_strings = on, the default since 9.1:
 *   backslashes are literal in '...'), §4.1.1 (quoted identifiers, `"` doubled, truncated to 63
 *   bytes), §9.7.1 (LIKE: `\` is the default escape; ILIKE), §9.7.3 (POSIX regular expressions).
 */

/** Why text cannot stand in an SQL literal or identifier, or null when it can. */
export function unwritableText(text: string): string | null {
  if (text.includes('\u0000')) return 'SQL text cannot contain the NUL character';
  // A lone UTF-16 surrogate has no UTF-8 encoding: neither engine can receive it.
  if (hasLoneSurrogate(text)) return 'the text holds a lone UTF-16 surrogate, which has no UTF-8 form';
  return null;
}

const QUOTES = /'/g;

/** `'...'` with `'` doubled: the same in SQLite and in PostgreSQL standard strings. */
export function sqlString(text: string): string {
  return text.includes("'") ? `'${text.replace(QUOTES, "''")}'` : `'${text}'`; // a replace only when needed (every value)
}

/** `"..."` with `"` doubled. */
export function sqlIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** PostgreSQL truncates identifiers to NAMEDATALEN-1 = 63 bytes (two long names could collide). */
export const PG_MAX_IDENTIFIER_BYTES = 63;

/**
 * Why a name cannot be a quoted identifier, or null. The 63-byte limit is PostgreSQL's, applied to
 * both dialects so that a rule converts the same way for either (and names that long do not occur).
 */
export function identifierProblem(name: string): string | null {
  if (name === '') return 'an SQL identifier cannot be empty';
  const bad = unwritableText(name);
  if (bad !== null) return bad;
  if (utf8LongerThan(name, PG_MAX_IDENTIFIER_BYTES)) {
    return `PostgreSQL truncates identifiers to ${PG_MAX_IDENTIFIER_BYTES} bytes, so the name could denote another column`;
  }
  return null;
}

/** The escape character written after every LIKE: `ESCAPE '\'`. */
export const LIKE_ESCAPE = "ESCAPE '\\'";

const LIKE_SPECIALS = /[\\%_]/g;

/** The writers of likePattern, made once: a literal is escaped only when it holds `\`, `%` or `_`. */
const LIKE = {
  literal: (text: string): string => backslashEach(text, LIKE_SPECIALS),
  multi: '%',
  single: '_',
} as const;

/** A LIKE pattern body (not yet quoted): `\`, `%`, `_` escaped with `\`; `*` -> `%`, `?` -> `_`. */
export function likePattern(parts: readonly PatternPart[]): string {
  return mapParts(parts, LIKE);
}

/**
 * A SQLite GLOB pattern body. GLOB has no escape character: `*`, `?` and `[` stand for themselves only
 * inside a bracket class (`[*]`). With `caseless`, every character that has other case forms becomes
 * a class of all of them (`[жЖ]`), which makes a case-sensitive GLOB match case-insensitively.
 */
export function globPattern(parts: readonly PatternPart[], caseless: boolean): string {
  const literal = (c: string): string => (c === '*' || c === '?' || c === '[' ? `[${c}]` : c);
  return mapParts(parts, { literal: (text) => caseClasses(text, caseless, literal), multi: '*', single: '?' });
}

/**
 * A PostgreSQL ARE matching exactly the whole Sigma string, with case classes for letters when
 * `caseless`. Default ARE mode (manual §9.7.3.5): `.` matches any character including newline, `^`/`$`
 * only at the ends of the string. Literal characters other than letters/digits are backslash-escaped
 * (in an ARE `\` followed by a non-alphanumeric character is that character).
 */
export function arePattern(parts: readonly PatternPart[], caseless: boolean): string {
  return `^${mapParts(parts, { literal: (text) => caseClasses(text, caseless, escapeRegexLiteral), multi: '.*', single: '.' })}$`;
}

/**
 * Each character of `text` as a bracket class of its case forms (`[жЖ]`) when `caseless` and it has
 * other forms, else through `literal`. Shared by the GLOB and ARE writers.
 */
function caseClasses(text: string, caseless: boolean, literal: (c: string) => string): string {
  return [...text]
    .map((c) => {
      const forms = caseless ? caseForms(c) : [c];
      return forms.length > 1 ? `[${forms.join('')}]` : literal(c);
    })
    .join('');
}

/**
 * The case forms of one character: the closure of {c} under JavaScript's toLowerCase/toUpperCase,
 * keeping only results that are one character (so `ß`, whose upper case is `SS`, stays `ß`).
 * This is this target's definition of case-insensitive for a character (README: "Case").
 * For ASCII letters it is {a, A}, exactly what SQLite LIKE and NOCASE fold.
 */
export function caseForms(c: string): string[] {
  const forms = [c];
  for (let i = 0; i < forms.length; i++) {
    const f = forms[i] ?? '';
    for (const g of [f.toLowerCase(), f.toUpperCase()]) {
      if ([...g].length === 1 && !forms.includes(g)) forms.push(g);
    }
  }
  return forms.sort();
}

/** True when the text has a character outside ASCII with other case forms (LIKE would not fold it). */
export function hasNonAsciiCase(text: string): boolean {
  if (isAscii(text)) return false; // nearly every value: no array of its characters
  return [...text].some((c) => c.charCodeAt(0) > 0x7f && caseForms(c).length > 1);
}

/** SQLITE_MAX_LIKE_PATTERN_LENGTH (default 50000 bytes): a longer LIKE/GLOB pattern fails at run time. */
const SQLITE_MAX_PATTERN_BYTES = 50000;

export function patternTooLong(pattern: string): Unsupported | null {
  return utf8LongerThan(pattern, SQLITE_MAX_PATTERN_BYTES)
    ? unsupported('a value this long', `SQLite refuses LIKE/GLOB patterns over ${SQLITE_MAX_PATTERN_BYTES} bytes`)
    : null;
}
