import { backslashEach, isAscii, isCaseless, mapParts, type PatternPart } from '../../lower/string-shape.js';
import type { PatternStringValue } from '../../lower/target.js';
import { hasLoneSurrogate } from '../../value/encodings.js';
import { luceneText } from '../../value/regex/lucene.js';

/*
 * Text pieces of ES|QL. Sources:
 * - The lexer, elastic/elasticsearch x-pack/plugin/esql/src/main/antlr/lexer/Expression.g4:
 *   QUOTED_STRING is `"` (ESCAPE_SEQUENCE | UNESCAPED_CHARS)* `"` with ESCAPE_SEQUENCE = `\` [tnr"\\] and
 *   UNESCAPED_CHARS = ~[\r\n"\\], or a triple-quoted `"""..."""` that takes its text raw but cannot hold
 *   a line break (~[\r\n]) nor the text `"""`. We always write the double-quoted form: it can hold every
 *   string (a line break as `\n`), where the triple-quoted one cannot, and one form is simpler to test.
 *   UNQUOTED_IDENTIFIER is LETTER (LETTER|DIGIT|_)* or (_|@) (LETTER|DIGIT|_)+, the lexer is
 *   case-insensitive (EsqlBaseLexer.g4 `caseInsensitive = true`), QUOTED_IDENTIFIER is `` `...` ``.
 * - The parser, parser/Expression.g4, and ExpressionBuilder.visitQualifiedName: a qualifiedName is
 *   identifiers joined by `.` into ONE field name, so `` `a.b` `` and `a.b` name the same field.
 * - LIKE (docs/reference/query-languages/esql/_snippets/operators/detailedDescription/like.md,
 *   https://www.elastic.co/docs/reference/query-languages/esql/functions-operators/operators#esql-like):
 *   `*` any run of characters, `?` one character, `\` escapes the next character; a whole-value,
 *   case-sensitive match (Lucene wildcard syntax, WildcardQuery).
 */

/** Why text cannot stand in an ES|QL query, or null when it can (a lone surrogate: the query cannot be sent). */
export function unwritableText(text: string): string | null {
  return hasLoneSurrogate(text) ? 'the text holds a lone UTF-16 surrogate, which has no UTF-8 form' : null;
}

const STRING_SPECIAL = /[\\"\n\r\t]/;
const STRING_SPECIALS = /[\\"\n\r\t]/g;

/** A double-quoted ES|QL string literal: `\` `"` and the line breaks/tab escaped, everything else raw. */
export function esqlString(text: string): string {
  // Most values hold nothing to escape: the test is far cheaper than a replace with a callback.
  if (!STRING_SPECIAL.test(text)) return `"${text}"`;
  const body = text.replace(STRING_SPECIALS, (c) => {
    switch (c) {
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      default:
        return `\\${c}`;
    }
  });
  return `"${body}"`;
}

/**
 * Tokens of the expression lexer that an unquoted identifier part must not spell (any case), across
 * the grammar's versions (lexer/Expression.g4 and the modes that follow WHERE); such a part is quoted.
 */
const KEYWORDS = new Set([
  'and', 'as', 'asc', 'by', 'desc', 'false', 'first', 'in', 'is', 'last', 'like', 'metadata', 'not',
  'null', 'nulls', 'on', 'or', 'rlike', 'true', 'where', 'with',
]);

const UNQUOTED_PART = /^(?:[A-Za-z][A-Za-z0-9_]*|[_@][A-Za-z0-9_]+)$/;

/** Why a field name cannot be written, or null. */
export function fieldNameProblem(name: string): string | null {
  if (name === '') return 'an ES|QL field name cannot be empty';
  // Older versions keep a doubled backquote inside a quoted identifier as two characters, newer ones
  // read it as one: a name with a backquote would denote different fields in different versions.
  if (name.includes('`')) return 'a backquote in a quoted ES|QL identifier is read differently by different Elasticsearch versions';
  return unwritableText(name);
}

/** A field name: unquoted when every dotted part is a plain identifier, else the whole name in backquotes. */
export function esqlFieldName(name: string): string {
  const plain = name.split('.').every((part) => UNQUOTED_PART.test(part) && !KEYWORDS.has(part.toLowerCase()));
  return plain ? name : `\`${name}\``;
}

/** The field name written by esqlFieldName, read back (for hooks that only receive the written text). */
export function fieldNameOfText(text: string): string {
  return text.startsWith('`') && text.endsWith('`') && text.length >= 2 ? text.slice(1, -1) : text;
}

/** What a LIKE pattern escapes. */
const LIKE_SPECIALS = /[\\*?]/g;

/** A LIKE pattern literal: `*`, `?`, `\` escaped with `\` (a replace only when the text holds one). */
function likeLiteral(text: string): string {
  return backslashEach(text, LIKE_SPECIALS);
}

function likeLiteralLowered(text: string): string {
  return likeLiteral(toLowerRoot(text));
}

/** The writers of likePattern, made once (not an object and a closure per value). */
const LIKE = { literal: likeLiteral, multi: '*', single: '?' } as const;
const LIKE_LOWERED = { literal: likeLiteralLowered, multi: '*', single: '?' } as const;

/** A LIKE pattern body (not yet a string literal): literal `*`, `?`, `\` escaped with `\`. */
export function likePattern(parts: readonly PatternPart[], lower: boolean): string {
  return mapParts(parts, lower ? LIKE_LOWERED : LIKE);
}

/**
 * Lowercases as TO_LOWER does: Java's String.toLowerCase(locale) with the query's locale
 * (ChangeCase.java in x-pack/plugin/esql/.../function/scalar/string: `configuration().locale()`),
 * which for every locale but Turkish, Azeri and Lithuanian is Unicode's default case mapping, the one
 * JavaScript's toLowerCase applies (the README asks for such a locale; the default is one). Only text
 * whose cased letters are ASCII (asciiCased) is lowered this way.
 */
export function toLowerRoot(text: string): string {
  return text.toLowerCase();
}

/**
 * True when every letter with case in `text` is ASCII, so `TO_LOWER(f) == "lowered"` (and LIKE) is
 * exact. Elasticsearch's optimizer rewrites `TO_LOWER(f) == "lit"` into the case-insensitive `f =~
 * "lit"` and `TO_LOWER(f) LIKE "p"` into a case-insensitive LIKE on `f`, and both fold ASCII letters
 * only (elastic/elasticsearch x-pack/plugin/esql/.../optimizer/rules/logical/
 * ReplaceStringCasingWithInsensitiveEquivalent.java; InsensitiveEquals.automaton uses
 * AutomatonQueries.toCaseInsensitiveString, which keeps every code point above 128 as it is;
 * WildcardPattern uses Lucene's RegExp.ASCII_CASE_INSENSITIVE): `TO_LOWER(f) == "ж"` does not match
 * `Ж`. Other text is matched with RLIKE and classes of both cases (caseInsensitiveRegex).
 */
export function asciiCased(text: string): boolean {
  // ASCII text (nearly all) is decided by one search; other text by a walk by code point.
  if (isAscii(text)) return true;
  for (const c of text) if ((c.codePointAt(0) ?? 0) > 0x7f && !isCaseless(c)) return false;
  return true;
}

/**
 * True when `TO_LOWER(f) LIKE` of this text is misread by some Elasticsearch versions. The optimizer's
 * case-insensitive LIKE (see asciiCased; elastic/elasticsearch PR 128393, 8.19 and 9.1) builds its
 * automaton from the LIKE pattern turned into a Lucene regexp read with RegExp.ALL
 * (StringUtils.luceneWildcardToRegExp). That conversion escaped `" # & < >` from the start (PR 128750,
 * shipped with the rewrite) but `@` and `~` only from PR 157592 (2026): before, `@` in the text read as
 * "any string" and `~` as a complement. Such text is matched through RLIKE, written by our own Lucene
 * printer, the same in every version.
 */
export function likeMisreadWhenLowered(text: string): boolean {
  return /[@~]/.test(text);
}

/**
 * A case-insensitive Sigma string as a Lucene regular expression for RLIKE (whole value, `*` `.*`, `?`
 * `.`), each letter written as the class of its case partners (src/value/regex: `ж` as `[Жж]`).
 */
export function caseInsensitiveRegex(parts: readonly PatternPart[]): string {
  return mapParts(parts, { literal: (text) => luceneText(text, true), multi: '.*', single: '.' });
}

/** True when a Sigma string must be lowered on both sides to match case-insensitively. */
export function needsLowering(value: PatternStringValue, text: string): boolean {
  // `canonical`: the pipeline named the exact spelling the log writes (winlog.channel), so a
  // case-sensitive test is exact.
  return !value.cased && value.canonical !== true && !isCaseless(text);
}

/** A number literal, or null for one ES|QL cannot write (NaN, infinities). */
export function numberLiteral(n: number): string | null {
  return Number.isFinite(n) ? String(n) : null;
}
