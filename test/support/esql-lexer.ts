/*
 * The lexer half of test/support/esql-parser.ts (see its header). Written from Elastic's lexer grammar,
 * elastic/elasticsearch x-pack/plugin/esql/src/main/antlr/EsqlBaseLexer.g4 and lexer/Expression.g4,
 * lexer/From.g4: ANTLR lexer modes become three scan functions (expression, FROM, KEEP/DROP), each
 * returning the longest match, keywords winning a tie with identifiers (they are declared first), and
 * keywords case-insensitive (the lexer is generated with `caseInsensitive = true`).
 */

export type TokenKind =
  | 'keyword' // text lowercased in `value`
  | 'identifier' // unquoted; `value` is the text
  | 'quoted-identifier' // `value` is the name without backquotes, `` `` `` undoubled
  | 'string' // `value` is the decoded string
  | 'integer'
  | 'decimal'
  | 'param' // `?`, `?name`, `?1`
  | 'op' // punctuation; `value` is the text
  | 'source' // FROM mode: UNQUOTED_SOURCE
  | 'id-pattern' // KEEP/DROP mode: ID_PATTERN
  | 'pipe'
  | 'eof';

export interface Token {
  readonly kind: TokenKind;
  readonly value: string;
  readonly offset: number;
  readonly end: number;
}

type MakeToken = (kind: TokenKind, value: string, end: number) => Token;

export class EsqlSyntaxError {
  constructor(
    readonly message: string,
    readonly offset: number,
  ) {}
}

/** Keywords of EXPRESSION_MODE (lexer/Expression.g4); `where` is NESTED_WHERE. */
const EXPRESSION_KEYWORDS = new Set(['by', 'and', 'asc', 'desc', 'false', 'first', 'in', 'is', 'last', 'like', 'not', 'null', 'nulls', 'or', 'rlike', 'true', 'where']);

/** Punctuation of EXPRESSION_MODE, longest first. */
const OPERATORS = ['==', '=~', '!=', '<=', '>=', '::', '<', '>', '=', ':', ',', '.', '(', ')', '[', ']', '{', '}', '+', '-', '*', '/', '%'];

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isLetter = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z]$/.test(c);
const isIdBody = (c: string | undefined): boolean => isLetter(c) || isDigit(c) || c === '_';

export class Lexer {
  constructor(readonly text: string) {}

  /** Skips WS, `// line` and nested `/* block *\/` comments (hidden channel in every mode). */
  skipHidden(pos: number): number {
    const t = this.text;
    for (;;) {
      const c = t[pos];
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') pos++;
      else if (t.startsWith('//', pos)) {
        while (pos < t.length && t[pos] !== '\n') pos++;
      } else if (t.startsWith('/*', pos)) pos = this.blockCommentEnd(pos);
      else return pos;
    }
  }

  private blockCommentEnd(start: number): number {
    let depth = 0;
    let pos = start;
    while (pos < this.text.length) {
      if (this.text.startsWith('/*', pos)) {
        depth++;
        pos += 2;
      } else if (this.text.startsWith('*/', pos)) {
        depth--;
        pos += 2;
        if (depth === 0) return pos;
      } else pos++;
    }
    throw new EsqlSyntaxError('unterminated /* comment', start);
  }

  /** DEFAULT_MODE: a command word (or UNKNOWN_CMD: a run of characters other than ` \r\n\t[]/`). */
  command(pos: number): Token {
    const start = this.skipHidden(pos);
    if (start >= this.text.length) return { kind: 'eof', value: '', offset: start, end: start };
    let end = start;
    while (end < this.text.length && !' \r\n\t[]/'.includes(this.text[end] ?? '')) end++;
    if (end === start) throw new EsqlSyntaxError(`unexpected '${this.text[start] ?? ''}', expected a command`, start);
    return { kind: 'keyword', value: this.text.slice(start, end).toLowerCase(), offset: start, end };
  }

  /** EXPRESSION_MODE (WHERE, EVAL, STATS, SORT, LIMIT, ROW). */
  expression(pos: number): Token {
    return this.scan(pos, (start, c, tok) => this.expressionToken(start, c, tok));
  }

  /**
   * The opening every mode but DEFAULT_MODE shares: hidden text skipped, then the end of the input or
   * `|` (which ends the command); anything else is left to `mode`, with the first character.
   */
  private scan(pos: number, mode: (start: number, c: string, tok: MakeToken) => Token): Token {
    const start = this.skipHidden(pos);
    const tok: MakeToken = (kind, value, end) => ({ kind, value, offset: start, end });
    if (start >= this.text.length) return tok('eof', '', start);
    const c = this.text[start] ?? '';
    if (c === '|') return tok('pipe', '|', start + 1);
    return mode(start, c, tok);
  }

  private expressionToken(start: number, c: string, tok: MakeToken): Token {
    const t = this.text;
    if (c === '"') return this.quotedString(start);
    if (c === '`') {
      let end = start + 1;
      let name = '';
      for (;;) {
        if (end >= t.length) throw new EsqlSyntaxError('unterminated quoted identifier', start);
        if (t[end] === '`') {
          if (t[end + 1] === '`') {
            name += '`';
            end += 2;
            continue;
          }
          break;
        }
        name += t[end];
        end++;
      }
      if (name === '') throw new EsqlSyntaxError('empty quoted identifier', start);
      return tok('quoted-identifier', name, end + 1);
    }
    if (isDigit(c) || (c === '.' && isDigit(t[start + 1]))) return this.number(start);
    if (isLetter(c) || ((c === '_' || c === '@') && isIdBody(t[start + 1]))) {
      let end = start + 1;
      while (isIdBody(t[end])) end++;
      const text = t.slice(start, end);
      return EXPRESSION_KEYWORDS.has(text.toLowerCase()) ? tok('keyword', text.toLowerCase(), end) : tok('identifier', text, end);
    }
    if (c === '?') {
      const m = /^\?(?:[A-Za-z_][A-Za-z0-9_]*|\d+)?/.exec(t.slice(start));
      const text = m?.[0] ?? '?';
      return tok('param', text, start + text.length);
    }
    for (const op of OPERATORS) if (t.startsWith(op, start)) return tok('op', op, start + op.length);
    throw new EsqlSyntaxError(`token recognition error at '${c}'`, start);
  }

  /**
   * QUOTED_STRING: `"` (`\` [tnr"\\] | ~[\r\n"\\])* `"`, or `"""` (~[\r\n])*? `"""` `"`? `"`? whose value
   * is the text between the first three and the last three quotes, undecoded.
   */
  private quotedString(start: number): Token {
    const t = this.text;
    if (t.startsWith('"""', start)) {
      const close = t.indexOf('"""', start + 3);
      const newline = t.slice(start + 3, close < 0 ? t.length : close).search(/[\r\n]/);
      if (close >= 0 && newline < 0) {
        let end = close + 3;
        if (t[end] === '"') end++;
        if (t[end] === '"') end++;
        return { kind: 'string', value: t.slice(start + 3, end - 3), offset: start, end };
      }
      // Not a triple-quoted string: `""` (the empty string) is the longest match of the other form.
    }
    let pos = start + 1;
    let value = '';
    for (;;) {
      const c = t[pos];
      if (c === undefined || c === '\r' || c === '\n') throw new EsqlSyntaxError('unterminated string literal (a line break must be written \\n)', start);
      if (c === '"') return { kind: 'string', value, offset: start, end: pos + 1 };
      if (c === '\\') {
        const e = t[pos + 1];
        const decoded = e === 't' ? '\t' : e === 'n' ? '\n' : e === 'r' ? '\r' : e === '"' ? '"' : e === '\\' ? '\\' : undefined;
        if (decoded === undefined) throw new EsqlSyntaxError(`invalid escape sequence \\${e ?? ''} in a string literal (only \\t \\n \\r \\" \\\\)`, pos);
        value += decoded;
        pos += 2;
        continue;
      }
      value += c;
      pos++;
    }
  }

  /** INTEGER_LITERAL or DECIMAL_LITERAL, longest match. */
  private number(start: number): Token {
    const m = /^(?:\d+\.\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|\d+)/.exec(this.text.slice(start));
    const text = m?.[0] ?? '';
    const decimal = /[.eE]/.test(text);
    return { kind: decimal ? 'decimal' : 'integer', value: text, offset: start, end: start + text.length };
  }

  /** FROM_MODE (lexer/From.g4): sources, `,`, `:`, `::`, `[`, `]`, `=`, METADATA, quoted strings. */
  from(pos: number): Token {
    return this.scan(pos, (start, c, tok) => this.fromToken(start, c, tok));
  }

  private fromToken(start: number, c: string, tok: MakeToken): Token {
    const t = this.text;
    if (c === '"') return this.quotedString(start);
    if (t.startsWith('::', start)) return tok('op', '::', start + 2);
    if (':,[]=()'.includes(c)) return tok('op', c, start + 1);
    let end = start;
    for (;;) {
      const d = t[end];
      if (d === undefined || ':"=|,[]() \t\r\n'.includes(d)) break;
      if (d === '/' && (t[end + 1] === '*' || t[end + 1] === '/' || t[end + 1] === undefined)) break;
      end++;
    }
    if (end === start) throw new EsqlSyntaxError(`token recognition error at '${c}'`, start);
    const text = t.slice(start, end);
    return text.toLowerCase() === 'metadata' ? tok('keyword', 'metadata', end) : tok('source', text, end);
  }

  /** PROJECT_MODE (KEEP, DROP): ID_PATTERN, `.`, `,`. */
  project(pos: number): Token {
    return this.scan(pos, (start, c, tok) => {
      if (c === '.' || c === ',') return tok('op', c, start + 1);
      const m = /^(?:(?:[A-Za-z*][A-Za-z0-9_*]*|[_@][A-Za-z0-9_*]+)|`(?:[^`]|``)+`)+/.exec(this.text.slice(start));
      if (m === null) throw new EsqlSyntaxError(`token recognition error at '${c}'`, start);
      return tok('id-pattern', m[0], start + m[0].length);
    });
  }
}
