import { type LineIndex, lineStartsOf, type SourceSpan } from '../diagnostics/span.js';
import type { YamlScalar } from './node.js';
import { Decline, fromCodePoint, hexEscapeLength, hexValue, simpleEscape, typePlain } from './fast-scalars.js';

/**
 * The text side of the fast reader (fast-reader.ts holds the block structure): position helpers, spans
 * computed from a line cursor, js-yaml's separation rules, and the scalar readers (plain, quoted, block).
 * Each mirrors the js-yaml 4 function it names (lib/loader.js) for the cases it accepts, and throws
 * `Decline` on anything else.
 */

export const SP = 0x20;
export const LF = 0x0a;
export const CR = 0x0d;
export const HASH = 0x23;
export const COLON = 0x3a;
export const DASH = 0x2d;
export const DOT = 0x2e;
export const SQUOTE = 0x27;
export const DQUOTE = 0x22;
export const BACKSLASH = 0x5c;

export interface FastLimits {
  readonly maxDepth: number;
  readonly maxNodes: number;
}

export function isEol(c: number): boolean {
  return c === LF || c === CR;
}

/** Space, line break, or the end of the text (js-yaml's isWsOrEol, plus its terminating NUL). */
export function isWsEolEnd(c: number): boolean {
  return c === SP || c === LF || c === CR || c === 0;
}

export function isFlowIndicator(c: number): boolean {
  return c === 0x2c || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d;
}

/** Whether a plain scalar may start with `c` followed by `next` (js-yaml readPlainScalar's first test). */
export function plainStart(c: number, next: number, flow: boolean): boolean {
  switch (c) {
    case SP:
    case LF:
    case CR:
    case 0:
    case HASH:
    case 0x26: // &
    case 0x2a: // *
    case 0x21: // !
    case 0x7c: // |
    case 0x3e: // >
    case SQUOTE:
    case DQUOTE:
    case 0x25: // %
    case 0x40: // @
    case 0x60: // `
      return false;
    case 0x3f: // ?
    case DASH:
      return !(isWsEolEnd(next) || (flow && isFlowIndicator(next)));
    default:
      return !isFlowIndicator(c);
  }
}

/** How the first line of a plain scalar ended. */
export const enum Stop {
  /** At `: ` (or `:` before a line break): the scalar is a key. */
  Colon,
  /** At ` #`: the rest of the line is a comment. */
  Comment,
  /** At the line break (or the end of the text). */
  Eol,
}

export function fold(breaks: number): string {
  return breaks === 1 ? ' ' : breaks > 1 ? '\n'.repeat(breaks - 1) : '';
}

/**
 * `s.indexOf(needle, p)`, remembered: when the line has none, the search runs on into later lines, and the
 * next line asks again from a later place. An answer found from `start` holds for any `p` in `[start, found]`
 * (and for any `p` past `start` when there was none).
 */
class RememberedSearch {
  private start = -1;
  private found = -1;

  constructor(
    private readonly s: string,
    private readonly needle: string,
  ) {}

  from(p: number): number {
    if (this.start < 0 || p < this.start || (this.found >= 0 && p > this.found)) {
      this.start = p;
      this.found = this.s.indexOf(this.needle, p);
    }
    return this.found;
  }
}

export abstract class TextReader {
  /** The text, with a final line break added like js-yaml adds one. */
  protected readonly s: string;
  protected readonly n: number;
  protected nodes = 0;
  /** Set by `scanPlainLine`: where the line's part of a plain scalar ended, and after its last non-space character. */
  protected stopAt = 0;
  protected segEnd = 0;
  /** Set by `skipSeparation`: whether it passed a line break. */
  protected crossed = false;
  /** Set by `skipBreaks`: line breaks passed. */
  protected breaks = 0;
  /** Set by `quoted`: whether the scalar spans lines. */
  protected multiline = false;
  protected readonly starts: readonly number[];
  /** Collection nesting the reader takes: below maxDepth (js-yaml reports on deeper), and its own stack bound. */
  protected readonly maxLevel: number;
  /** Where `scanPlainLine` finds the next `:` and the next ` #`. */
  private readonly colons: RememberedSearch;
  private readonly comments: RememberedSearch;
  /** Line of the last span end, where `lineOf` starts looking. */
  protected cursor = 0;

  constructor(
    protected readonly text: string,
    protected readonly index: LineIndex,
    protected readonly limits: FastLimits,
  ) {
    const last = text.charCodeAt(text.length - 1);
    this.s = text.length === 0 || isEol(last) ? text : `${text}\n`;
    this.n = this.s.length;
    this.colons = new RememberedSearch(this.s, ':');
    this.comments = new RememberedSearch(this.s, ' #');
    // Line starts as LineIndex finds them, for `span`: the index's own when it is of this text (the
    // loader's is), so the file is scanned for lines once.
    this.starts = index.text === text ? index.starts : lineStartsOf(text);
    this.maxLevel = Math.min(limits.maxDepth, 1000);
  }

  protected at(i: number): number {
    return i < this.n ? this.s.charCodeAt(i) : 0;
  }

  /**
   * `index.span(start, end)` (same fields, same order), computed with a line cursor that moves from the
   * last span asked for: spans come in nearly increasing order, so this costs a step or two, where the
   * index's binary search and its two position objects cost more than the rest of the reader. A
   * collection passes the line of its start, found when it began, so the cursor need not walk back.
   */
  protected span(start: number, end: number, startLine = this.lineOf(start)): SourceSpan {
    const last = Math.max(start, Math.min(end, this.text.length));
    const a = startLine;
    const aStart = this.starts[a] as number;
    const b = this.lineOf(last);
    return {
      file: this.index.file,
      line: a + 1,
      column: start - aStart + 1,
      endLine: b + 1,
      endColumn: last - (this.starts[b] as number) + 1,
      offset: start,
      endOffset: last,
    };
  }

  /** Index of the line holding `offset` (LineIndex.position's line, less one). */
  protected lineOf(offset: number): number {
    const starts = this.starts;
    let l = this.cursor;
    while (l + 1 < starts.length && (starts[l + 1] as number) <= offset) l++;
    while (l > 0 && (starts[l] as number) > offset) l--;
    this.cursor = l;
    return l;
  }

  protected count(): void {
    if (++this.nodes >= this.limits.maxNodes) throw new Decline('near maxNodes');
  }

  /** Column of `p` (the characters before it on its line are spaces wherever this is asked). */
  protected column(p: number): number {
    return p === 0 ? 0 : p - this.s.lastIndexOf('\n', p - 1) - 1;
  }

  /** A `---` (or `...` for DOT) document marker at `p`, which starts a line (js-yaml testDocumentSeparator). */
  protected isMarker(p: number, c: number): boolean {
    return (
      (p === 0 || this.s.charCodeAt(p - 1) === LF) && this.startsWithThree(p, c) && isWsEolEnd(this.at(p + 3))
    );
  }

  /** `ccc` at `p` (a document marker's characters, whatever follows them). */
  protected startsWithThree(p: number, c: number): boolean {
    return this.at(p) === c && this.at(p + 1) === c && this.at(p + 2) === c;
  }

  protected isEntryDash(p: number): boolean {
    return this.at(p) === DASH && isWsEolEnd(this.at(p + 1));
  }

  /** js-yaml skipSeparationSpace with comments: spaces, comments and line breaks; sets `crossed`. */
  protected skipSeparation(p: number): number {
    this.crossed = false;
    for (;;) {
      let c = this.at(p);
      while (c === SP) c = this.at(++p);
      if (c === HASH) {
        // The text ends with a line break; a CR here is part of a CRLF.
        p = this.s.indexOf('\n', p);
        if (this.s.charCodeAt(p - 1) === CR) p--;
        c = this.s.charCodeAt(p);
      }
      if (c === LF) p++;
      else if (c === CR) p += 2;
      else return p;
      this.crossed = true;
    }
  }

  /** js-yaml skipSeparationSpace without comments, from a line break: blank lines and indentation; sets `breaks`. */
  protected skipBreaks(p: number): number {
    let breaks = 0;
    for (;;) {
      let c = this.at(p);
      while (c === SP) c = this.at(++p);
      if (c === LF) p++;
      else if (c === CR) p += this.at(p + 1) === LF ? 2 : 1;
      else break;
      breaks++;
    }
    this.breaks = breaks;
    return p;
  }

  protected nullAt(p: number): YamlScalar {
    this.count();
    return { kind: 'scalar', value: null, style: 'plain', span: this.span(p, p) };
  }

  /**
   * Scans one line of a plain scalar in block context from `p` (js-yaml readPlainScalar's loop up to the
   * line break): returns why it stopped; sets `stopAt` and `segEnd` (after the last non-space character).
   */
  protected scanPlainLine(p: number): Stop {
    // Searched with indexOf rather than character by character: most scalars are one short line.
    const s = this.s;
    let eol = s.indexOf('\n', p);
    if (s.charCodeAt(eol - 1) === CR && eol - 1 >= p) eol--;
    let stop = Stop.Eol;
    let at = eol;
    // The first `:` followed by white space (or the line break) ends the scalar...
    for (let k = this.colons.from(p); k >= 0 && k < eol; k = this.colons.from(k + 1)) {
      const next = s.charCodeAt(k + 1);
      if (next === SP || next === LF || next === CR) {
        stop = Stop.Colon;
        at = k;
        break;
      }
    }
    // ...unless a ` #` comes first. (A `#` at `p` itself is never asked about: no caller starts a scalar there.)
    const hash = this.comments.from(p);
    if (hash >= 0 && hash + 1 < at) {
      stop = Stop.Comment;
      at = hash + 1;
    }
    let last = at;
    while (last > p && s.charCodeAt(last - 1) === SP) last--;
    this.stopAt = at;
    this.segEnd = last;
    return stop;
  }

  /**
   * A plain scalar in block context, continued on following lines indented at least `nodeIndent`; line
   * breaks fold to a space, blank lines to line breaks (js-yaml readPlainScalar, writeFoldedLines).
   */
  protected plainScalar(p: number, nodeIndent: number, scanned?: Stop): YamlScalar {
    this.count();
    // `scanned`: the caller has just scanned the first line (stopAt and segEnd are its).
    let stop = scanned ?? this.scanPlainLine(p);
    if (stop === Stop.Colon) throw new Decline('`: ` in a value');
    let text = this.s.slice(p, this.segEnd);
    let end = this.segEnd;
    while (stop === Stop.Eol) {
      const q = this.skipBreaks(this.stopAt);
      if (q >= this.n || this.column(q) < nodeIndent || this.at(q) === HASH) break;
      if (nodeIndent < 1) throw new Decline('plain scalar at column 0');
      const breaks = this.breaks;
      stop = this.scanPlainLine(q);
      if (stop === Stop.Colon) throw new Decline('`: ` in a continued plain scalar');
      text += fold(breaks) + this.s.slice(q, this.segEnd);
      end = this.segEnd;
    }
    return { kind: 'scalar', value: typePlain(text), style: 'plain', span: this.span(p, end) };
  }

  /** A single- or double-quoted scalar at `p` (js-yaml readSingleQuotedScalar, readDoubleQuotedScalar); sets `multiline`. */
  protected quoted(p: number): YamlScalar {
    this.count();
    const double = this.at(p) === DQUOTE;
    const s = this.s;
    this.multiline = false;
    // Most quoted scalars are one line without escapes: found with indexOf, as the loop below would read them.
    const close = s.indexOf(double ? '"' : "'", p + 1);
    if (close >= 0 && close < s.indexOf('\n', p + 1)) {
      const escape = double ? s.indexOf('\\', p + 1) : -1;
      const simple = double ? escape < 0 || escape > close : s.charCodeAt(close + 1) !== SQUOTE;
      if (simple) return { kind: 'scalar', value: s.slice(p + 1, close), style: double ? 'double' : 'single', span: this.span(p, close + 1) };
    }
    let i = p + 1;
    let capStart = i;
    let capEnd = i;
    let out = '';
    for (;;) {
      if (i >= this.n) throw new Decline('unterminated quoted scalar');
      const c = s.charCodeAt(i);
      if (!double && c === SQUOTE) {
        out += s.slice(capStart, i);
        i++;
        if (this.at(i) !== SQUOTE) break;
        capStart = i;
        i++;
        capEnd = i;
      } else if (double && c === DQUOTE) {
        out += s.slice(capStart, i);
        i++;
        break;
      } else if (double && c === BACKSLASH) {
        out += s.slice(capStart, i);
        const e = this.at(++i);
        if (isEol(e)) {
          i = this.skipBreaks(i);
          this.multiline = true;
        } else {
          const simple = simpleEscape(e);
          const digits = hexEscapeLength(e);
          if (simple !== undefined) {
            out += simple;
            i++;
          } else if (digits > 0) {
            let code = 0;
            for (let k = digits; k > 0; k--) {
              const h = hexValue(this.at(++i));
              if (h < 0) throw new Decline('bad hex escape');
              code = (code << 4) + h;
            }
            out += fromCodePoint(code);
            i++;
          } else {
            throw new Decline('unknown escape');
          }
        }
        capStart = capEnd = i;
      } else if (c === LF || c === CR) {
        out += s.slice(capStart, capEnd);
        i = this.skipBreaks(i);
        out += fold(this.breaks);
        capStart = capEnd = i;
        this.multiline = true;
      } else if (s.charCodeAt(i - 1) === LF && (this.isMarker(i, DASH) || this.isMarker(i, DOT))) {
        throw new Decline('document marker in a quoted scalar');
      } else {
        i++;
        if (c !== SP) capEnd = i;
      }
    }
    return { kind: 'scalar', value: out, style: double ? 'double' : 'single', span: this.span(p, i) };
  }

  /** A literal or folded block scalar at `p` (a port of js-yaml readBlockScalar, same steps in the same order). */
  protected blockScalar(p: number, nodeIndent: number): YamlScalar {
    this.count();
    const s = this.s;
    const folding = s.charCodeAt(p) === 0x3e;
    let chomping = 0; // 0 clip, 1 keep, -1 strip
    let didReadContent = false;
    let detectedIndent = false;
    let textIndent = nodeIndent;
    let emptyLines = 0;
    let atMoreIndented = false;
    let result = '';
    let i = p;
    let ch = this.at(i);
    for (;;) {
      ch = this.at(++i);
      if (ch === 0x2b || ch === DASH) {
        if (chomping !== 0) throw new Decline('repeated chomping indicator');
        chomping = ch === 0x2b ? 1 : -1;
      } else if (ch >= 0x30 && ch <= 0x39) {
        if (ch === 0x30 || detectedIndent) throw new Decline('bad indentation indicator');
        textIndent = nodeIndent + (ch - 0x30) - 1;
        detectedIndent = true;
      } else {
        break;
      }
    }
    if (ch === SP) {
      do ch = this.at(++i);
      while (ch === SP);
      if (ch === HASH) {
        do ch = this.at(++i);
        while (!isEol(ch) && ch !== 0);
      }
    }
    while (ch !== 0) {
      if (ch === LF) i++;
      else if (ch === CR) i += this.at(i + 1) === LF ? 2 : 1;
      else throw new Decline('text after a block scalar indicator');
      let lineIndent = 0;
      ch = this.at(i);
      while ((!detectedIndent || lineIndent < textIndent) && ch === SP) {
        lineIndent++;
        ch = this.at(++i);
      }
      if (!detectedIndent && lineIndent > textIndent) textIndent = lineIndent;
      if (isEol(ch)) {
        emptyLines++;
        continue;
      }
      if (!detectedIndent && textIndent === 0) throw new Decline('block scalar without indentation');
      if (lineIndent < textIndent) {
        if (chomping === 1) result += '\n'.repeat(didReadContent ? 1 + emptyLines : emptyLines);
        else if (chomping === 0 && didReadContent) result += '\n';
        break;
      }
      if (folding) {
        if (ch === SP) {
          atMoreIndented = true;
          result += '\n'.repeat(didReadContent ? 1 + emptyLines : emptyLines);
        } else if (atMoreIndented) {
          atMoreIndented = false;
          result += '\n'.repeat(emptyLines + 1);
        } else if (emptyLines === 0) {
          if (didReadContent) result += ' ';
        } else {
          result += '\n'.repeat(emptyLines);
        }
      } else {
        result += '\n'.repeat(didReadContent ? 1 + emptyLines : emptyLines);
      }
      didReadContent = true;
      detectedIndent = true;
      emptyLines = 0;
      const captureStart = i;
      // To the line break (the text ends with one; a CR before it belongs to it).
      i = s.indexOf('\n', i);
      if (s.charCodeAt(i - 1) === CR && i - 1 >= captureStart) i--;
      ch = s.charCodeAt(i);
      result += s.slice(captureStart, i);
    }
    // The tree builder ends the scalar at js-yaml's stop, moved back over white space.
    let end = Math.min(i, this.text.length);
    while (end > p && (s.charCodeAt(end - 1) === SP || isEol(s.charCodeAt(end - 1)))) end--;
    return { kind: 'scalar', value: result, style: 'block', span: this.span(p, end) };
  }
}
