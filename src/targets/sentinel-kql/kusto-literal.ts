import { backslashEach } from '../../lower/string-shape.js';

/*
 * Kusto string literals and names. Facts from Microsoft's docs ("The string data type") and checked
 * against Microsoft's own parser (Kusto.Language, test/support/kusto.ts):
 * - Regular literals `"..."`: `\\` `\"` `\'` `\t` `\n` `\r` `\uXXXX` (and a few more) are escapes; an
 *   unknown escape (`\z`, `\/`) is a syntax error, and a raw CR or LF ends the literal with an error.
 * - Verbatim literals `@"..."`: the backslash is an ordinary character, `""` is a quote, and a raw CR
 *   or LF is a syntax error too (only ```multi-line``` literals hold raw line breaks).
 * - A name that is not a plain identifier, or that is a keyword, is written `['name']` (the bracket holds
 *   a string literal). Keywords are case-sensitive and lower-case (`where`, `title`, `kind`, ...), except
 *   `true`/`false`, which are literals in any case (`True`, `FALSE`), and some `__internal` names.
 */

/**
 * Characters written as escapes rather than raw, for correctness (CR, LF) and so a reader sees them:
 * control and format characters, line/paragraph separators, unpaired surrogates, and every space
 * other than the plain space (a no-break space looks like a space but is not one).
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]|(?! )\p{Zs}/u;
const INVISIBLE_ALL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]|(?! )\p{Zs}/gu;

const QUOTES = /"/g;

/** What a regular literal in each quote escapes with a backslash. */
const DOUBLE_QUOTED = /[\\"]/g;
const SINGLE_QUOTED = /[\\']/g;

const SHORT_ESCAPES: Readonly<Record<string, string>> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** `\uXXXX` for one UTF-16 code unit (astral characters never reach here: they are not invisible). */
function unicodeEscape(c: string): string {
  return [...Array(c.length).keys()]
    .map((i) => `\\u${c.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0')}`)
    .join('');
}

/** A regular literal in the given quote: backslash and that quote escaped, invisible characters as escapes. */
export function regularLiteral(text: string, quote: '"' | "'" = '"'): string {
  // Each replace runs only when the text holds what it replaces: most values hold neither, and a
  // replace with a callback costs far more than the test (this runs for every value written).
  let body = backslashEach(text, quote === '"' ? DOUBLE_QUOTED : SINGLE_QUOTED);
  if (INVISIBLE.test(body)) body = body.replace(INVISIBLE_ALL, (c) => SHORT_ESCAPES[c] ?? unicodeEscape(c));
  return `${quote}${body}${quote}`;
}

/**
 * The most readable exact literal for a text: verbatim `@"..."` when it has a backslash (Windows paths,
 * regular expressions) and nothing that must be escaped, otherwise a regular `"..."` literal.
 */
export function kustoString(text: string): string {
  if (text.includes('\\') && !INVISIBLE.test(text)) return `@"${text.includes('"') ? text.replace(QUOTES, '""') : text}"`;
  return regularLiteral(text);
}

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A column or table name: bare when it is a plain identifier that cannot be a keyword (it has an
 * upper-case letter, does not start with `__`, and is not a spelling of true/false), else `['name']`.
 * Bracketing more names than strictly needed is harmless; a bare keyword would not parse.
 */
export function kustoName(name: string): string {
  const bare =
    PLAIN_NAME.test(name) &&
    /[A-Z]/.test(name) &&
    !name.startsWith('__') &&
    !['true', 'false'].includes(name.toLowerCase());
  return bare ? name : `[${regularLiteral(name, "'")}]`;
}

/**
 * A field as a Kusto expression. A plain name is a column. A dotted name is a path into a `dynamic`
 * column (Kusto's `Column.key` property access; Log Analytics column names never contain a dot), e.g.
 * `EventData.ScriptBlockText` in WindowsEvent: wrapped in tostring() so string operators see the text
 * (an absent key is null, and tostring(null) is "", like an absent string column). Keys that are not
 * plain identifiers are written `['key']`. Undefined when a segment is empty (`a..b`, `.a`).
 */
export function kustoField(name: string): string | undefined {
  if (name === '') return undefined;
  if (!name.includes('.')) return kustoName(name);
  const [column = '', ...keys] = name.split('.');
  if (column === '' || keys.some((k) => k === '')) return undefined;
  const path = keys.map((k) => (PLAIN_NAME.test(k) && kustoName(k) === k ? `.${k}` : `[${regularLiteral(k, "'")}]`)).join('');
  return `tostring(${kustoName(column)}${path})`;
}
