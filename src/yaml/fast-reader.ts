import type { LineIndex } from '../diagnostics/span.js';
import type { YamlDocument } from './load.js';
import type { YamlEntry, YamlMap, YamlNode, YamlScalar, YamlSeq } from './node.js';
import { Decline, fastPathAvailable, typePlain } from './fast-scalars.js';
import { COLON, DASH, DOT, DQUOTE, type FastLimits, HASH, isEol, isFlowIndicator, isWsEolEnd, plainStart, SP, SQUOTE, Stop, TextReader } from './fast-text.js';

export type { FastLimits } from './fast-text.js';

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

/**
 * Characters the reader leaves to js-yaml: tabs, control characters (js-yaml's non-printable set and
 * more), unpaired surrogates, U+FFFE/F, and a CR that does not start a CRLF. One plain character class
 * is tested first (fast); surrogates and CRs, which most files do not have at all, are looked at closer.
 */
// eslint-disable-next-line no-control-regex
const SUSPECT = /[\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]/;
// eslint-disable-next-line no-control-regex
const UNHANDLED_CHAR = /[\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]/;
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_CR = /\r(?!\n)/;

function unhandled(text: string): boolean {
  if (SUSPECT.test(text) && (UNHANDLED_CHAR.test(text) || UNPAIRED_SURROGATE.test(text))) return true;
  return text.includes('\r') && LONE_CR.test(text);
}

/** The documents of `text`, or why the fast reader declined it. */
export type FastResult = { readonly documents: YamlDocument[] } | { readonly declined: string };

export function readFast(text: string, index: LineIndex, limits: FastLimits): FastResult {
  if (!fastPathAvailable) return { declined: 'js-yaml does not expose its implicit types' };
  if (unhandled(text)) return { declined: 'tab, control character or lone CR' };
  // js-yaml drops a leading byte order mark (loadYaml has dropped one already: this is a second).
  if (text.charCodeAt(0) === 0xfeff) return { declined: 'byte order mark' };
  try {
    return { documents: new FastReader(text, index, limits).stream() };
  } catch (e) {
    // Anything unexpected (a stack overflow under a huge maxDepth, a bug) also leaves the file to js-yaml,
    // which reports on it exactly as before.
    return { declined: e instanceof Decline ? e.reason : `reader error: ${String(e)}` };
  }
}

/** The block structure: documents, mappings, sequences, flow sequences; scalars come from TextReader. */
class FastReader extends TextReader {
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
      } else if (this.startsWithThree(p, DASH) || this.startsWithThree(p, DOT)) {
        // js-yaml readDocument takes a first line `---x` for the marker `---` and `x` (no space needed),
        // and the tree builder starts a first document `...x` after the dots.
        throw new Decline('`---` or `...` without a space after it');
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
  private mapping(p: number, indent: number, level: number, firstKeyEnd = -1): YamlMap {
    if (level >= this.maxLevel) throw new Decline('near maxDepth');
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
        if (firstKeyEnd >= 0) {
          // The caller has read this line already.
          keyEnd = firstKeyEnd;
          firstKeyEnd = -1;
        } else {
          if (!plainStart(c, this.at(p + 1), false)) throw new Decline('not a key');
          if (this.scanPlainLine(p) !== Stop.Colon) throw new Decline('not a key');
          keyEnd = this.segEnd;
        }
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
        // An indexed loop: this runs for every key against the keys before it.
        for (let i = 0; i < entries.length; i++) if (entries[i]!.key === key) throw new Decline('duplicate key');
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
      // A `---` or `...` line ends the document (js-yaml testDocumentSeparator); `stream` decides what follows.
      if (indent === 0 && (this.isMarker(p, DASH) || this.isMarker(p, DOT))) break;
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
    // A deeper line: a mapping, or a scalar that js-yaml reads as the key of a mapping it does not find.
    return this.nodeAt(q, col, mapIndent + 1, level);
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
    if (level >= this.maxLevel) throw new Decline('near maxDepth');
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
      const item = this.nodeAt(q, this.column(q), indent + 1, level + 1);
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
   * A node at `p` in column `col` that may be a block collection: a sequence entry, or a mapping value on
   * the lines below its key (js-yaml composeNode with block collections allowed): a sequence, a mapping
   * whose first key is here, or a scalar. `nodeIndent` is js-yaml's flowIndent (parent's column + 1).
   */
  private nodeAt(p: number, col: number, nodeIndent: number, level: number): YamlNode {
    const c = this.at(p);
    if (this.isEntryDash(p)) return this.sequence(p, col, level);
    switch (c) {
      case 0x5b:
        return this.flowSequence(p, level);
      case 0x7c:
      case 0x3e:
        return this.blockScalar(p, nodeIndent);
      case SQUOTE:
      case DQUOTE: {
        const scalar = this.quoted(p);
        let q = scalar.span.endOffset;
        while (this.at(q) === SP) q++;
        return this.at(q) === COLON && isWsEolEnd(this.at(q + 1)) ? this.mapping(p, col, level) : scalar;
      }
      default:
        if (!plainStart(c, this.at(p + 1), false)) throw new Decline('entry starts with an indicator');
        const stop = this.scanPlainLine(p);
        return stop === Stop.Colon ? this.mapping(p, col, level, this.segEnd) : this.plainScalar(p, nodeIndent, stop);
    }
  }

  /** A flow sequence of scalars on one line, `[a, 'b', 1]` (js-yaml readFlowCollection without pairs or nesting). */
  private flowSequence(p: number, level: number): YamlSeq {
    if (level >= this.maxLevel) throw new Decline('near maxDepth');
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
}
