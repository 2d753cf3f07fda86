import type { DiagnosticCode } from '../diagnostics/codes.js';
import type { YamlEntry, YamlMap, YamlNode, YamlScalar, YamlSeq, ScalarStyle } from './node.js';
import {
  aliasEnd,
  contentStart,
  entryIndicators,
  precededByExplicitKey,
  skipEntryIndicator,
  skipSpace,
  trimBack,
  valueIndicatorAfter,
} from './source-scan.js';

/**
 * Builds the positioned tree from js-yaml's `listener` events.
 *
 * js-yaml calls the listener with 'open' when `composeNode` starts and 'close' when it ends; the calls
 * nest like the nodes. What the events look like (checked against js-yaml 4 `lib/loader.js`):
 * - a mapping's children are its keys and values in order; a key without `:` has no value event, and a
 *   block mapping may end with an empty event for a key it tried to read and did not find;
 * - a block sequence entry left empty (`-` then a line break) has no event at all;
 * - a flow sequence entry `a: b` is a single-pair mapping made from two child events;
 * - a block sequence entry, an explicit `? key` or a flow collection in block context is read through
 *   a wrapper `composeNode` whose only child closed with the identical result;
 * - an alias closes with kind null and the anchored value as its result;
 * - the open position can precede white space, comments and properties; the close position can follow
 *   trailing spaces (and, for an alias, comments).
 * Building happens at each close, bottom-up, so no step recurses over the tree.
 */

/** What the listener reads from js-yaml's parser state (js-yaml's own typings omit tag and anchor). */
export interface ParserState {
  readonly position: number;
  readonly kind: string | null;
  readonly result: unknown;
  readonly anchor: string | null;
}

/** Thrown from the listener to stop js-yaml when a limit is reached; caught by the loader. */
export class LoadAbort extends Error {
  constructor(
    readonly code: DiagnosticCode,
    readonly reason: string,
    /** Offsets in the parsed text. */
    readonly start: number,
    readonly end: number,
  ) {
    super(reason);
  }
}

/** A problem that does not stop parsing (the offending entry is left out of the tree). */
export interface BuildIssue {
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

/** A node built at its close event. `node` is null for a node without content (an empty value). */
export interface Built {
  readonly node: YamlNode | null;
  readonly start: number;
  readonly end: number;
  readonly open: number;
  readonly result: unknown;
  /** Nodes in the subtree with aliases expanded. */
  readonly size: number;
  /** Collection nesting depth (a scalar is 0). */
  readonly height: number;
  readonly aliased: boolean;
  /** The node has properties (a tag or an anchor); told only for nodes without content. */
  readonly props: boolean;
}

interface Frame {
  readonly open: number;
  readonly children: Built[];
}

export interface TreeLimits {
  readonly maxDepth: number;
  readonly maxNodes: number;
}

export type SpanOf = (start: number, end: number) => YamlNode['span'];

export class TreeBuilder {
  private readonly stack: Frame[] = [];
  private anchors = new Map<string, Built>();
  /**
   * Roots of the documents completed so far, with the offset where each document's text begins and the
   * issues found while building that document (they belong to it, not to the file).
   */
  readonly roots: { readonly root: Built; readonly docStart: number; readonly issues: readonly BuildIssue[] }[] = [];
  /** Issues of the document being built; they move to its root when it completes. */
  private issues: BuildIssue[] = [];
  private nextDocStart = 0;

  constructor(
    private readonly src: string,
    private readonly span: SpanOf,
    private readonly limits: TreeLimits,
  ) {}

  readonly listener = (event: 'open' | 'close', state: ParserState): void => {
    if (event === 'open') this.onOpen(state);
    else this.onClose(state);
  };

  /** Where the document being parsed (or that failed) begins. */
  currentDocStart(): number {
    return this.documentStart(this.nextDocStart);
  }

  /** Issues of the document that has not completed (the one js-yaml failed in). */
  pendingIssues(): readonly BuildIssue[] {
    return this.issues;
  }

  /** The innermost node js-yaml has opened and not closed: where it was when it threw. */
  openNode(): { open: number; children: readonly Built[] } | undefined {
    return this.stack[this.stack.length - 1];
  }

  private onOpen(state: ParserState): void {
    // Wrappers at most double the event depth per nesting level; stop long before the stack is at risk.
    if (this.stack.length > 2 * this.limits.maxDepth + 8) {
      const p = Math.min(state.position, this.src.length);
      throw new LoadAbort('yaml-too-deep', this.tooDeep(), p, p);
    }
    this.stack.push({ open: Math.min(state.position, this.src.length), children: [] });
  }

  private onClose(state: ParserState): void {
    const frame = this.stack.pop();
    if (frame === undefined) throw new Error('js-yaml closed a node it never opened');
    const built = this.build(frame, state);
    if (state.anchor !== null && state.anchor !== undefined) this.anchors.set(state.anchor, built);
    if (built.height > this.limits.maxDepth) {
      throw new LoadAbort('yaml-too-deep', this.tooDeep(), built.start, built.start);
    }
    if (built.size > this.limits.maxNodes) {
      if (built.aliased) {
        throw new LoadAbort(
          'yaml-alias-bomb',
          `YAML aliases here expand to more than ${this.limits.maxNodes} nodes; write the values out instead of nesting aliases (*name)`,
          built.start,
          built.end,
        );
      }
      throw new LoadAbort(
        'yaml-too-large',
        `this document has more than ${this.limits.maxNodes} nodes; split it into smaller documents`,
        built.start,
        built.start,
      );
    }
    const parent = this.stack[this.stack.length - 1];
    if (parent !== undefined) {
      parent.children.push(built);
      return;
    }
    const docStart = this.documentStart(this.nextDocStart);
    this.roots.push({ root: built, docStart, issues: this.issues });
    this.issues = [];
    this.nextDocStart = Math.max(built.end, Math.min(state.position, this.src.length));
    // js-yaml starts every document with a fresh anchor table.
    this.anchors = new Map();
  }

  private tooDeep(): string {
    return `YAML nesting here is deeper than ${this.limits.maxDepth} levels; no Sigma rule needs that, flatten the structure`;
  }

  /** First position of a document's own text: skips white space, comments and a `...` end marker. */
  private documentStart(from: number): number {
    let p = skipSpace(this.src, from);
    if (this.src.startsWith('...', p) && (p === 0 || this.src.charCodeAt(p - 1) === 0x0a)) p = skipSpace(this.src, p + 3);
    return p;
  }

  private build(frame: Frame, state: ParserState): Built {
    const src = this.src;
    const close = Math.min(state.position, src.length);
    const start = contentStart(src, frame.open, close);
    switch (state.kind) {
      case null:
      case undefined:
        if (start.content < close && src.charCodeAt(start.content) === 0x2a) return this.alias(frame, start.content, state.result);
        return this.empty(frame, start.propsStart, start.propsEnd, state.result);
      case 'scalar':
        return this.scalar(frame, start.content, close, state.result);
      case 'sequence':
      case 'mapping': {
        const only = frame.children.length === 1 ? frame.children[0] : undefined;
        const kind = state.kind === 'sequence' ? 'seq' : 'map';
        if (only !== undefined && only.result === state.result && only.node?.kind === kind) return only;
        const content = kind === 'map' ? skipEntryIndicator(src, start.content) : start.content;
        // A flow collection's first child opens after its bracket; a block mapping whose first key is a
        // flow collection (`{a: 1}: x`) opens that key at the bracket itself.
        const bracket = src.charCodeAt(content) === (kind === 'seq' ? 0x5b : 0x7b);
        const flow = bracket && (frame.children[0]?.open ?? content + 1) > content;
        return kind === 'seq'
          ? this.sequence(frame, content, close, flow, state.result)
          : this.mapping(frame, content, close, flow, state.result);
      }
      default:
        throw new Error(`js-yaml reported an unknown node kind ${String(state.kind)}`);
    }
  }

  private alias(frame: Frame, at: number, result: unknown): Built {
    const end = aliasEnd(this.src, at);
    const name = this.src.slice(at + 1, end);
    const target = this.anchors.get(name);
    if (target === undefined || target.result !== result) {
      throw new LoadAbort(
        'yaml-alias-bomb',
        `alias *${name} refers to the node that contains it, which expands without end; remove the alias`,
        at,
        end,
      );
    }
    const span = this.span(at, end);
    const node: YamlNode = target.node === null ? nullScalar(span) : { ...target.node, span };
    return { node, start: at, end, open: frame.open, result, size: target.size, height: target.height, aliased: true, props: false };
  }

  private empty(frame: Frame, propsStart: number, propsEnd: number, result: unknown): Built {
    // A node with properties but no content (`key: &a`) is placed on its properties; one without
    // anything right after the indicator (`:` or `-`) that introduced it.
    const props = propsEnd > propsStart;
    const [s, e] = props ? [propsStart, propsEnd] : [trimBack(this.src, frame.open), trimBack(this.src, frame.open)];
    const base = { start: s, end: e, open: frame.open, result, size: 1, height: 0, aliased: false, props };
    if (result === null) return { ...base, node: null };
    // A tag gives empty content a value: `!!str` is '', `!!map` {} and `!!seq` [].
    const span = this.span(s, e);
    if (Array.isArray(result) && result.length === 0) return { ...base, node: { kind: 'seq', items: [], span }, height: 1 };
    if (typeof result === 'object' && Object.keys(result).length === 0) return { ...base, node: { kind: 'map', entries: [], span }, height: 1 };
    if (typeof result === 'string' || typeof result === 'number' || typeof result === 'boolean') {
      return { ...base, node: { kind: 'scalar', value: result, style: 'plain', span } };
    }
    throw new Error(`js-yaml produced an empty node of type ${typeof result}`);
  }

  private scalar(frame: Frame, s: number, close: number, result: unknown): Built {
    if (result !== null && typeof result !== 'string' && typeof result !== 'number' && typeof result !== 'boolean') {
      throw new Error(`js-yaml produced a scalar of type ${typeof result}`);
    }
    const e = Math.max(s, trimBack(this.src, close, s));
    const node: YamlScalar = { kind: 'scalar', value: result, style: styleAt(this.src, s), span: this.span(s, e) };
    return { node, start: s, end: e, open: frame.open, result, size: 1, height: 0, aliased: false, props: false };
  }

  private sequence(frame: Frame, s: number, close: number, flow: boolean, result: unknown): Built {
    const expected = Array.isArray(result) ? result.length : -1;
    const items: YamlNode[] = [];
    const fold = new Fold();
    let end = s + 1;
    const add = (b: Built): void => {
      items.push(this.nodeOf(b));
      fold.add(b);
      end = Math.max(end, b.end);
    };
    const children = frame.children;
    if (flow) {
      let previousEnd = s + 1;
      for (let i = 0; i < children.length; i++) {
        const c = children[i] as Built;
        const colon = valueIndicatorAfter(this.src, c.end, true, close);
        const from = previousEnd;
        previousEnd = c.end;
        if (colon < 0 && !precededByExplicitKey(this.src, c.open, true, from)) {
          add(c);
          continue;
        }
        // A single-pair mapping written inside a flow sequence: `[key: value]`.
        const value = colon >= 0 ? children[++i] : undefined;
        if (value !== undefined) previousEnd = value.end;
        const pair = this.pairs([c], value === undefined ? [] : [value], colon >= 0 ? [colon] : [-1]);
        add(this.pairMap(pair, c.start, value?.end ?? c.end, frame.open, null));
      }
      end = Math.max(end, trimBack(this.src, close, s));
    } else {
      let from = s;
      const nullAt = (dash: number): void => add(this.nullBuilt(dash + 1, frame.open));
      for (const c of children) {
        const dashes = entryIndicators(this.src, from, c.open);
        for (let k = 0; k < dashes.length - 1; k++) nullAt(dashes[k] as number);
        add(c);
        from = c.end;
      }
      for (const dash of entryIndicators(this.src, from, close)) nullAt(dash);
    }
    if (items.length !== expected) {
      throw new Error(`positioned sequence has ${items.length} items where js-yaml read ${expected}`);
    }
    const node: YamlSeq = { kind: 'seq', items, span: this.span(s, end) };
    return { node, start: s, end, open: frame.open, result, size: 1 + fold.size, height: fold.height + 1, aliased: fold.aliased, props: false };
  }

  private mapping(frame: Frame, s: number, close: number, flow: boolean, result: unknown): Built {
    const keys: Built[] = [];
    const values: Built[] = [];
    const colons: number[] = [];
    const children = frame.children;
    for (let i = 0; i < children.length; i++) {
      const k = children[i] as Built;
      const colon = valueIndicatorAfter(this.src, k.end, flow, close);
      // A block mapping ends with an empty event for the key it looked for and did not find.
      if (!flow && k.node === null && !k.props && colon < 0 && !precededByExplicitKey(this.src, k.open, flow)) continue;
      keys.push(k);
      colons.push(colon);
      const v = colon >= 0 ? children[++i] : undefined;
      values.push(v ?? this.nullBuilt(colon >= 0 ? colon + 1 : k.end, k.open));
    }
    const entries = this.pairs(keys, values, colons);
    let end = s + 1;
    if (flow) end = Math.max(end, trimBack(this.src, close, s));
    else for (let i = 0; i < keys.length; i++) end = Math.max(end, (keys[i] as Built).end, (values[i] as Built).end);
    const b = this.pairMap(entries, s, end, frame.open, result);
    const expected = result !== null && typeof result === 'object' ? Object.keys(result).length : -1;
    if (entries.entries.length + entries.dropped !== expected) {
      throw new Error(`positioned mapping has ${entries.entries.length + entries.dropped} keys where js-yaml read ${expected}`);
    }
    return b;
  }

  private pairs(
    keys: readonly Built[],
    values: readonly Built[],
    colons: readonly number[],
  ): Pairs {
    const entries: YamlEntry[] = [];
    const fold = new Fold();
    let dropped = 0;
    keys.forEach((k, i) => {
      const v = values[i] ?? this.nullBuilt(k.end, k.open);
      const key = k.node;
      if (key === null || key.kind !== 'scalar' || typeof key.value !== 'string') {
        const colon = colons[i] ?? -1;
        // An empty key is placed on its `:`, or on its `?` when it has no value either.
        const [ks, ke] = key !== null ? [k.start, k.end] : colon >= 0 ? [colon, colon + 1] : [Math.max(0, k.start - 1), k.start];
        this.issues.push({
          code: 'yaml-non-string-key',
          message: `${describeKey(key, this.src.slice(k.start, Math.min(k.end, k.start + 40)))}; the entry was ignored`,
          start: ks,
          end: ke,
        });
        dropped++;
        return;
      }
      entries.push({ key: key.value, keySpan: key.span, value: this.nodeOf(v) });
      // The key is a string scalar: one node, height 0 (aliased when written as an alias).
      fold.add(k);
      fold.add(v);
    });
    return { entries, fold, dropped };
  }

  private pairMap(parts: Pairs, s: number, end: number, open: number, result: unknown): Built {
    const node: YamlMap = { kind: 'map', entries: parts.entries, span: this.span(s, end) };
    const { fold } = parts;
    return { node, start: s, end, open, result, size: 1 + fold.size, height: fold.height + 1, aliased: fold.aliased, props: false };
  }

  /** The node of a child; one without content (an empty value) reads as null, placed where it is. */
  private nodeOf(b: Built): YamlNode {
    return b.node ?? nullScalar(this.span(b.start, b.end));
  }

  private nullBuilt(at: number, open: number): Built {
    return { node: nullScalar(this.span(at, at)), start: at, end: at, open, result: null, size: 1, height: 0, aliased: false, props: false };
  }
}

/** Size, height and aliasing of a collection's children, folded as each is added. */
class Fold {
  size = 0;
  height = 0;
  aliased = false;

  add(b: Built): void {
    this.size += b.size;
    this.height = Math.max(this.height, b.height);
    this.aliased ||= b.aliased;
  }
}

interface Pairs {
  readonly entries: YamlEntry[];
  readonly fold: Fold;
  /** Entries left out for a key that is not a string. */
  readonly dropped: number;
}

function nullScalar(span: YamlNode['span']): YamlScalar {
  return { kind: 'scalar', value: null, style: 'plain', span };
}

function styleAt(src: string, p: number): ScalarStyle {
  switch (src.charCodeAt(p)) {
    case 0x27:
      return 'single';
    case 0x22:
      return 'double';
    case 0x7c:
    case 0x3e:
      return 'block';
    default:
      return 'plain';
  }
}

/** Why a key is not a string, and what to write instead. */
function describeKey(key: YamlNode | null, text: string): string {
  if (key === null) return 'this mapping entry has no key: write a name before the `:`';
  switch (key.kind) {
    case 'map':
    case 'seq':
      return `a ${key.kind === 'map' ? 'mapping' : 'sequence'} is used as a key; Sigma keys are names: write a plain name`;
    case 'scalar': {
      const what = key.value === null ? 'null' : `a ${typeof key.value}`;
      return `the key ${text} is read as ${what}, not a string; Sigma keys are names: quote it ('${text.replace(/'/g, "''")}')`;
    }
  }
}
