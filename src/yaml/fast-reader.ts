import type { LineIndex, SourceSpan } from '../diagnostics/span.js';
import type { YamlDocument } from './load.js';
import type { YamlEntry, YamlMap, YamlNode, YamlScalar, YamlSeq } from './node.js';
import { Decline, fastPathAvailable, fromCodePoint, hexEscapeLength, hexValue, simpleEscape, typePlain } from './fast-scalars.js';

/**
 * A one-pass reader for the YAML that Sigma rules are written in: block mappings and sequences, plain,
 * quoted and block scalars, one-line flow sequences of scalars, comments and `---` documents. It builds
 * the same positioned trees as js-yaml plus tree-builder.ts, without js-yaml's events and the rescans of
 * the source that turn them into spans (that path costs about twice as much).
 *
 * It reads only what it handles exactly; on anything else (anchors, aliases, tags, flow mappings,
 * explicit keys, tabs, directives, duplicate or non-string keys, empty entries, any syntax error, limits
 * nearly reached) it declines and the loader runs js-yaml, so every problem is still reported by the
 * one path that reports problems. Each rule below mirrors a named js-yaml 4 function (lib/loader.js);
 * test/yaml/fast-reader.test.ts checks the result against that path on the corpus and on generated texts.
 */

const SP = 0x20;
const LF = 0x0a;
const CR = 0x0d;
const HASH = 0x23;
const COLON = 0x3a;
const DASH = 0x2d;
const DOT = 0x2e;
const SQUOTE = 0x27;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Characters the reader leaves to js-yaml: tabs, control characters (js-yaml's non-printable set and
 * more), unpaired surrogates, U+FFFE/F, and a CR that does not start a CRLF.
 */
// eslint-disable-next-line no-control-regex
const UNHANDLED = /[\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|\r(?!\n)/;

export interface FastLimits {
  readonly maxDepth: number;
  readonly maxNodes: number;
}

/** The documents of `text`, or why the fast reader declined it. */
export type FastResult = { readonly documents: YamlDocument[] } | { readonly declined: string };

export function readFast(text: string, index: LineIndex, limits: FastLimits): FastResult {
  if (!fastPathAvailable) return { declined: 'js-yaml does not expose its implicit types' };
  if (UNHANDLED.test(text)) return { declined: 'tab, control character or lone CR' };
  try {
    return { documents: new FastReader(text, index, limits).stream() };
  } catch (e) {
    if (e instanceof Decline) return { declined: e.reason };
    throw e;
  }
}

function isEol(c: number): boolean {
  return c === LF || c === CR;
}

/** Space, line break, or the end of the text (js-yaml's isWsOrEol, plus its terminating NUL). */
function isWsEolEnd(c: number): boolean {
  return c === SP || c === LF || c === CR || c === 0;
}

function isFlowIndicator(c: number): boolean {
  return c === 0x2c || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d;
}

/** Whether a plain scalar may start with `c` followed by `next` (js-yaml readPlainScalar's first test). */
function plainStart(c: number, next: number, flow: boolean): boolean {
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
const enum Stop {
  /** At `: ` (or `:` before a line break): the scalar is a key. */
  Colon,
  /** At ` #`: the rest of the line is a comment. */
  Comment,
  /** At the line break (or the end of the text). */
  Eol,
}

function fold(breaks: number): string {
  return breaks === 1 ? ' ' : breaks > 1 ? '\n'.repeat(breaks - 1) : '';
}

class FastReader {
  /** The text, with a final line break added like js-yaml adds one. */
  private readonly s: string;
  private readonly n: number;
  private nodes = 0;
  /** Set by `scanPlainLine`: where the line's part of a plain scalar ended, and after its last non-space character. */
  private stopAt = 0;
  private segEnd = 0;
  /** Set by `skipSeparation`: whether it passed a line break. */
  private crossed = false;
  /** Set by `skipBreaks`: line breaks passed. */
  private breaks = 0;
  /** Set by `quoted`: whether the scalar spans lines. */
  private multiline = false;
  private readonly starts: number[];
  /** Caches of `colonFrom` and `commentFrom`: where the last search started and what it found. */
  private colonSearch = -1;
  private colonAt = -1;
  private hashSearch = -1;
  private hashAt = -1;
  /** Line of the last span end, where `lineOf` starts looking. */
  private cursor = 0;

  constructor(
    private readonly text: string,
    private readonly index: LineIndex,
    private readonly limits: FastLimits,
  ) {
    const last = text.charCodeAt(text.length - 1);
    this.s = text.length === 0 || isEol(last) ? text : `${text}\n`;
    this.n = this.s.length;
    // Line starts as LineIndex finds them (after each LF), for `span`.
    const starts = [0];
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) starts.push(nl + 1);
    this.starts = starts;
  }

  private at(i: number): number {
    return i < this.n ? this.s.charCodeAt(i) : 0;
  }

  /**
   * `index.span(start, end)` (same fields, same order), computed with a line cursor that moves from the
   * last span asked for: spans come in nearly increasing order, so this costs a step or two, where the
   * index's binary search and its two position objects cost more than the rest of the reader. A
   * collection passes the line of its start, found when it began, so the cursor need not walk back.
   */
  private span(start: number, end: number, startLine = this.lineOf(start)): SourceSpan {
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
  private lineOf(offset: number): number {
    const starts = this.starts;
    let l = this.cursor;
    while (l + 1 < starts.length && (starts[l + 1] as number) <= offset) l++;
    while (l > 0 && (starts[l] as number) > offset) l--;
    this.cursor = l;
    return l;
  }

  private count(): void {
    if (++this.nodes >= this.limits.maxNodes) throw new Decline('near maxNodes');
  }

  /** Column of `p` (the characters before it on its line are spaces wherever this is asked). */
  private column(p: number): number {
    return p === 0 ? 0 : p - this.s.lastIndexOf('\n', p - 1) - 1;
  }

  /** A `---` (or `...` for DOT) document marker at `p`, which starts a line (js-yaml testDocumentSeparator). */
  private isMarker(p: number, c: number): boolean {
    return (
      (p === 0 || this.s.charCodeAt(p - 1) === LF) &&
      this.at(p) === c &&
      this.at(p + 1) === c &&
      this.at(p + 2) === c &&
      isWsEolEnd(this.at(p + 3))
    );
  }

  private isEntryDash(p: number): boolean {
    return this.at(p) === DASH && isWsEolEnd(this.at(p + 1));
  }

  /** js-yaml skipSeparationSpace with comments: spaces, comments and line breaks; sets `crossed`. */
  private skipSeparation(p: number): number {
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
  private skipBreaks(p: number): number {
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

  stream(): YamlDocument[] {
    const documents: YamlDocument[] = [];
    let p = this.skipSeparation(0);
    while (p < this.n) {
      const docStart = p;
      if (this.isMarker(p, DASH)) {
        let q = p + 3;
        while (this.at(q) === SP) q++;
        if (this.at(q) !== HASH && !isWsEolEnd(this.at(q))) throw new Decline('content after ---');
        p = this.skipSeparation(q);
        if (p >= this.n || this.isMarker(p, DASH)) throw new Decline('empty document');
      } else if (documents.length > 0) {
        throw new Decline('content after a document');
      }
      if (this.isMarker(p, DOT)) throw new Decline('document end marker');
      if (this.column(p) !== 0) throw new Decline('root not at column 0');
      const docLine = this.lineOf(docStart);
      const root = this.mapping(p, 0, 1);
      documents.push({ index: documents.length, node: root, span: this.span(docStart, Math.max(docStart, root.span.endOffset), docLine), diagnostics: [] });
      p = this.skipSeparation(root.span.endOffset);
      if (p < this.n && !this.isMarker(p, DASH)) throw new Decline('content after a document');
    }
    if (documents.length === 0) throw new Decline('no document');
    return documents;
  }

  /** A block mapping whose first key is at `p`, in column `indent` (js-yaml readBlockMapping, implicit keys only). */
  private mapping(p: number, indent: number, level: number): YamlMap {
    if (level >= this.limits.maxDepth) throw new Decline('near maxDepth');
    this.count();
    const entries: YamlEntry[] = [];
    let seen: Set<string> | undefined;
    const start = p;
    const startLine = this.lineOf(start);
    let end = p + 1;
    for (;;) {
      const keyStart = p;
      let key: string;
      let keyEnd: number;
      const c = this.at(p);
      if (c === SQUOTE || c === DQUOTE) {
        const k = this.quoted(p);
        if (this.multiline) throw new Decline('multi-line key');
        key = k.value as string;
        keyEnd = k.span.endOffset;
      } else {
        if (!plainStart(c, this.at(p + 1), false)) throw new Decline('not a key');
        if (this.scanPlainLine(p) !== Stop.Colon) throw new Decline('not a key');
        keyEnd = this.segEnd;
        // `: x` has no key (js-yaml reads an empty plain scalar as none).
        if (keyEnd === p) throw new Decline('empty key');
        const typed = typePlain(this.s.slice(p, keyEnd));
        if (typeof typed !== 'string') throw new Decline('non-string key');
        key = typed;
      }
      let q = keyEnd;
      while (this.at(q) === SP) q++;
      if (this.at(q) !== COLON || !isWsEolEnd(this.at(q + 1))) throw new Decline('not a key');
      // Duplicate keys are js-yaml's error to report. Small maps are searched, larger ones hashed.
      if (entries.length < 16) {
        for (const e of entries) if (e.key === key) throw new Decline('duplicate key');
      } else {
        seen ??= new Set(entries.map((e) => e.key));
        if (seen.has(key)) throw new Decline('duplicate key');
      }
      seen?.add(key);
      this.count();
      const keySpan = this.span(keyStart, keyEnd);
      const value = this.blockValue(q + 1, indent, level + 1);
      entries.push({ key, keySpan, value });
      end = Math.max(end, keyEnd, value.span.endOffset);
      p = this.skipSeparation(value.span.endOffset);
      if (p >= this.n) break;
      if (!this.crossed) throw new Decline('content after a value');
      const col = this.column(p);
      if (col > indent) throw new Decline('bad indentation of a mapping entry');
      if (col < indent) break;
      if (indent === 0 && this.isMarker(p, DASH)) break;
    }
    return { kind: 'map', entries, span: this.span(start, end, startLine) };
  }

  /**
   * The value after a block mapping's `:` at `afterColon - 1` (js-yaml composeNode in block-out context,
   * allowed to seek past the line): on the same line, on the lines below, or none (null, placed after the `:`).
   */
  private blockValue(afterColon: number, mapIndent: number, level: number): YamlNode {
    let p = afterColon;
    while (this.at(p) === SP) p++;
    const c = this.at(p);
    if (c !== HASH && !isEol(c) && p < this.n) return this.inlineValue(p, mapIndent + 1, level);
    const q = this.skipSeparation(p);
    const col = q < this.n ? this.column(q) : -1;
    if (col < mapIndent) return this.nullAt(afterColon);
    if (this.isEntryDash(q)) return this.sequence(q, col, level);
    if (col === mapIndent) return this.nullAt(afterColon);
    return this.mapping(q, col, level);
  }

  private nullAt(p: number): YamlScalar {
    this.count();
    return { kind: 'scalar', value: null, style: 'plain', span: this.span(p, p) };
  }

  /** A node that starts on its key's line after `: `; `nodeIndent` is js-yaml's flowIndent (key column + 1). */
  private inlineValue(p: number, nodeIndent: number, level: number): YamlNode {
    const c = this.at(p);
    switch (c) {
      case 0x5b:
        return this.flowSequence(p, level);
      case SQUOTE:
      case DQUOTE:
        return this.quoted(p);
      case 0x7c:
      case 0x3e:
        return this.blockScalar(p, nodeIndent);
      default:
        if (!plainStart(c, this.at(p + 1), false)) throw new Decline('value starts with an indicator');
        return this.plainScalar(p, nodeIndent);
    }
  }

  /** A block sequence whose first `-` is at `p`, in column `indent` (js-yaml readBlockSequence). */
  private sequence(p: number, indent: number, level: number): YamlSeq {
    if (level >= this.limits.maxDepth) throw new Decline('near maxDepth');
    this.count();
    const items: YamlNode[] = [];
    const start = p;
    const startLine = this.lineOf(start);
    let end = p + 1;
    for (;;) {
      let q = p + 1;
      while (this.at(q) === SP) q++;
      const c = this.at(q);
      if (c === HASH || isEol(c) || q >= this.n) {
        q = this.skipSeparation(q);
        if (q >= this.n || this.column(q) <= indent) throw new Decline('empty sequence entry');
      }
      const item = this.entry(q, this.column(q), indent, level + 1);
      items.push(item);
      end = Math.max(end, item.span.endOffset);
      p = this.skipSeparation(item.span.endOffset);
      if (p >= this.n) break;
      if (!this.crossed) throw new Decline('content after a sequence entry');
      const col = this.column(p);
      if (col > indent) throw new Decline('bad indentation of a sequence entry');
      if (col < indent || !this.isEntryDash(p)) break;
    }
    return { kind: 'seq', items, span: this.span(start, end, startLine) };
  }

  /**
   * A block sequence entry at `p` in column `col` (js-yaml composeNode in block-in context with compact
   * collections): a nested sequence, a mapping whose first key is here, or a scalar.
   */
  private entry(p: number, col: number, seqIndent: number, level: number): YamlNode {
    const c = this.at(p);
    if (this.isEntryDash(p)) return this.sequence(p, col, level);
    switch (c) {
      case 0x5b:
        return this.flowSequence(p, level);
      case 0x7c:
      case 0x3e:
        return this.blockScalar(p, seqIndent + 1);
      case SQUOTE:
      case DQUOTE: {
        const scalar = this.quoted(p);
        let q = scalar.span.endOffset;
        while (this.at(q) === SP) q++;
        return this.at(q) === COLON && isWsEolEnd(this.at(q + 1)) ? this.mapping(p, col, level) : scalar;
      }
      default:
        if (!plainStart(c, this.at(p + 1), false)) throw new Decline('entry starts with an indicator');
        return this.scanPlainLine(p) === Stop.Colon ? this.mapping(p, col, level) : this.plainScalar(p, seqIndent + 1);
    }
  }

  /**
   * `s.indexOf(':', p)`, remembered: when the line has none, the search runs on into later lines, and the
   * next line asks again from a later place. An answer found from `from` holds for any `p` in `[from, at]`.
   */
  private colonFrom(p: number): number {
    if (p < this.colonSearch || (p > this.colonAt && this.colonAt >= 0) || this.colonSearch < 0) {
      this.colonSearch = p;
      this.colonAt = this.s.indexOf(':', p);
    }
    return this.colonAt;
  }

  /** `s.indexOf(' #', p)`, remembered like `colonFrom`. */
  private commentFrom(p: number): number {
    if (p < this.hashSearch || (p > this.hashAt && this.hashAt >= 0) || this.hashSearch < 0) {
      this.hashSearch = p;
      this.hashAt = this.s.indexOf(' #', p);
    }
    return this.hashAt;
  }

  /**
   * Scans one line of a plain scalar in block context from `p` (js-yaml readPlainScalar's loop up to the
   * line break): returns why it stopped; sets `stopAt` and `segEnd` (after the last non-space character).
   */
  private scanPlainLine(p: number): Stop {
    // Searched with indexOf rather than character by character: most scalars are one short line.
    const s = this.s;
    let eol = s.indexOf('\n', p);
    if (s.charCodeAt(eol - 1) === CR && eol - 1 >= p) eol--;
    let stop = Stop.Eol;
    let at = eol;
    // The first `:` followed by white space (or the line break) ends the scalar...
    for (let k = this.colonFrom(p); k >= 0 && k < eol; k = this.colonFrom(k + 1)) {
      const next = s.charCodeAt(k + 1);
      if (next === SP || next === LF || next === CR) {
        stop = Stop.Colon;
        at = k;
        break;
      }
    }
    // ...unless a ` #` comes first. (A `#` at `p` itself is never asked about: no caller starts a scalar there.)
    const hash = this.commentFrom(p);
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
  private plainScalar(p: number, nodeIndent: number): YamlScalar {
    this.count();
    let stop = this.scanPlainLine(p);
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
  private quoted(p: number): YamlScalar {
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

  /** A flow sequence of scalars on one line, `[a, 'b', 1]` (js-yaml readFlowCollection without pairs or nesting). */
  private flowSequence(p: number, level: number): YamlSeq {
    if (level >= this.limits.maxDepth) throw new Decline('near maxDepth');
    this.count();
    const items: YamlNode[] = [];
    const startLine = this.lineOf(p);
    let q = this.skipInline(p + 1);
    while (this.at(q) !== 0x5d) {
      const c = this.at(q);
      let item: YamlScalar;
      if (c === SQUOTE || c === DQUOTE) {
        item = this.quoted(q);
        if (this.multiline) throw new Decline('multi-line flow entry');
        q = item.span.endOffset;
      } else {
        if (!plainStart(c, this.at(q + 1), true)) throw new Decline('flow entry starts with an indicator');
        this.count();
        let last = q;
        let i = q;
        for (;; i++) {
          const d = this.at(i);
          if (d === COLON) {
            const next = this.at(i + 1);
            if (isWsEolEnd(next) || isFlowIndicator(next)) throw new Decline('pair in a flow sequence');
          } else if (d === HASH && this.at(i - 1) === SP) {
            throw new Decline('comment in a flow sequence');
          } else if (isFlowIndicator(d)) {
            break;
          } else if (isEol(d) || d === 0) {
            throw new Decline('multi-line flow sequence');
          }
          if (d !== SP) last = i + 1;
        }
        item = { kind: 'scalar', value: typePlain(this.s.slice(q, last)), style: 'plain', span: this.span(q, last) };
        q = i;
      }
      items.push(item);
      q = this.skipInline(q);
      const d = this.at(q);
      if (d === 0x2c) {
        q = this.skipInline(q + 1);
        if (this.at(q) === 0x2c) throw new Decline('empty flow entry');
      } else if (d !== 0x5d) {
        throw new Decline('unexpected character in a flow sequence');
      }
    }
    return { kind: 'seq', items, span: this.span(p, q + 1, startLine) };
  }

  /** Spaces inside a one-line flow sequence; a comment or line break there is left to js-yaml. */
  private skipInline(p: number): number {
    while (this.at(p) === SP) p++;
    const c = this.at(p);
    if (c === HASH || isEol(c) || c === 0) throw new Decline('multi-line flow sequence');
    return p;
  }

  /** A literal or folded block scalar at `p` (a port of js-yaml readBlockScalar, same steps in the same order). */
  private blockScalar(p: number, nodeIndent: number): YamlScalar {
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
