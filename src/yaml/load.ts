import yaml from 'js-yaml';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { LineIndex, pointSpan, type SourceSpan } from '../diagnostics/span.js';
import type { YamlNode } from './node.js';
import { readFast } from './fast-reader.js';
import { contentStart } from './source-scan.js';
import { LoadAbort, TreeBuilder, type BuildIssue, type ParserState } from './tree-builder.js';

/** Bounds that keep a hostile or broken file from exhausting time, memory or the stack. */
export interface YamlLimits {
  /** Largest accepted input: bytes for `loadYamlBytes`, UTF-8 length of the text for `loadYaml`. */
  readonly maxBytes: number;
  /** Deepest collection nesting. */
  readonly maxDepth: number;
  /** Most nodes in one document, counting every alias expansion as a copy. */
  readonly maxNodes: number;
}

const DEFAULT_YAML_LIMITS: YamlLimits = Object.freeze({
  maxBytes: 8 * 1024 * 1024,
  maxDepth: 200,
  maxNodes: 1_000_000,
});

export interface YamlDocument {
  /** Place of the document in its file, counting from 0 (a document that failed keeps its number). */
  readonly index: number;
  /** Null for an empty document and for one that failed to load (then an error diagnostic says why). */
  readonly node: YamlNode | null;
  readonly span: SourceSpan;
  /**
   * Problems found while building this document's tree (e.g. a non-string key whose entry was left out).
   * They belong to this document alone; `LoadedYaml.diagnostics` repeats them for whole-file callers.
   */
  readonly diagnostics: readonly Diagnostic[];
}

export interface LoadedYaml {
  readonly file: string;
  /** Index of the text that spans point into (for a file over `maxBytes`, of its first 64 KiB only). */
  readonly index: LineIndex;
  readonly documents: readonly YamlDocument[];
  /** Every problem of the file: the file-level ones and every document's own, in file order. */
  readonly diagnostics: readonly Diagnostic[];
  /**
   * The problems that belong to no single document (syntax errors, limits, binary or oversized input):
   * `diagnostics` without the documents' own.
   */
  readonly fileDiagnostics: readonly Diagnostic[];
}

/**
 * Loads every document of a YAML text into positioned trees (YAML 1.2 core schema: `2024-01-31` stays a
 * string). Never throws: problems come back as diagnostics. A leading byte order mark is dropped.
 */
export function loadYaml(text: string, file: string, limits?: Partial<YamlLimits>): LoadedYaml {
  return loadYamlVia(text, file, limits, true);
}

/**
 * `loadYaml` with the fast reader (fast-reader.ts) on or off. Off, every file goes through js-yaml and the
 * tree builder; tests compare the two. Exported for those tests only.
 */
export function loadYamlVia(text: string, file: string, limits: Partial<YamlLimits> | undefined, fast: boolean): LoadedYaml {
  const bounds = withDefaults(limits);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.length > bounds.maxBytes || utf8Length(text, bounds.maxBytes) > bounds.maxBytes) {
    // Index only the start: the diagnostic points at line 1, and indexing megabytes of lines costs seconds.
    const index = new LineIndex(file, text.slice(0, 64 * 1024));
    return unloadable(file, index, error('yaml-too-large', `the file is larger than ${bounds.maxBytes} bytes; Sigma rules are small: check that this is the right file`, pointSpan(file)));
  }
  const index = new LineIndex(file, text);
  try {
    const nul = text.indexOf('\0');
    if (nul >= 0) {
      return unloadable(file, index, error('yaml-binary', 'the file contains NUL characters, so it is not a text file; Sigma rules are UTF-8 YAML', index.span(nul, nul + 1)));
    }
    const loaded = loadText(text, index, bounds, fast);
    const all = [...loaded.diagnostics];
    for (let i = 0; i < loaded.documents.length; i++) {
      const own = loaded.documents[i]!.diagnostics;
      if (own.length > 0) all.push(...own);
    }
    // In file order (a stable sort keeps the loader's order for problems at one place).
    if (all.length > 1) all.sort((a, b) => a.span.offset - b.span.offset);
    return { file, index, documents: loaded.documents, diagnostics: all, fileDiagnostics: loaded.diagnostics };
  } catch (e) {
    // Last guard: nothing a user writes may crash the loader.
    return unloadable(file, index, error('yaml-syntax', `the YAML loader failed on this file (${describe(e)}); please report it`, pointSpan(file)));
  }
}

/** A file that yields no documents, for one file-level reason. */
function unloadable(file: string, index: LineIndex, diagnostic: Diagnostic): LoadedYaml {
  return { file, index, documents: [], diagnostics: [diagnostic], fileDiagnostics: [diagnostic] };
}

/**
 * One decoder for every file (making one per file costs more than decoding a rule). Each `decode` call
 * without `stream` starts afresh: nothing of a file that failed is carried into the next, and each file's
 * leading byte order mark is dropped (ignoreBOM false). test/yaml/load.test.ts checks both.
 */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Like `loadYaml`, for raw file bytes: they must be UTF-8 (a byte order mark is dropped) without NUL bytes. */
export function loadYamlBytes(bytes: Uint8Array, file: string, limits?: Partial<YamlLimits>): LoadedYaml {
  const bounds = withDefaults(limits);
  const binary = (message: string): LoadedYaml => unloadable(file, new LineIndex(file, ''), error('yaml-binary', message, pointSpan(file)));
  if (bytes.length > bounds.maxBytes) {
    return unloadable(
      file,
      new LineIndex(file, ''),
      error('yaml-too-large', `the file is larger than ${bounds.maxBytes} bytes; Sigma rules are small: check that this is the right file`, pointSpan(file)),
    );
  }
  if (bytes.indexOf(0) >= 0) return binary('the file contains NUL bytes, so it is not a UTF-8 text file (UTF-16 files contain them too): save it as UTF-8');
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return binary('the file is not valid UTF-8 text: save it as UTF-8');
  }
  return loadYaml(text, file, bounds);
}

interface Loaded {
  readonly documents: YamlDocument[];
  /** File-level problems only; each document carries its own. */
  readonly diagnostics: Diagnostic[];
}

function loadText(text: string, index: LineIndex, limits: YamlLimits, fast: boolean): Loaded {
  if (fast) {
    // Most rules use a small part of YAML that the fast reader builds trees for in one pass; it declines
    // anything else (and every file with a problem), which js-yaml then reads and reports on.
    const read = readFast(text, index, limits);
    if ('documents' in read) return { documents: read.documents, diagnostics: [] };
  }
  const whole = parsePart(text, 0, index, limits, 0);
  if (!whole.failed) return whole;
  // One broken document should not hide the others: parse the parts between `---` lines alone.
  const cuts = separatorLines(text);
  if (cuts.length === 0 || (cuts.length === 1 && cuts[0] === 0)) return whole;
  const bounds = [0, ...cuts.filter((c) => c > 0), text.length];
  const documents: YamlDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const from = bounds[i] as number;
    const part = parsePart(text.slice(from, bounds[i + 1]), from, index, limits, documents.length);
    documents.push(...part.documents);
    diagnostics.push(...part.diagnostics);
  }
  return { documents, diagnostics };
}

/**
 * Start offsets of the lines that are exactly `---`. YAML's line breaks are LF, CR and CRLF; not the `m`
 * flag, whose `^` and `$` also match at U+2028 and U+2029, which YAML reads as text.
 */
function separatorLines(text: string): number[] {
  const out: number[] = [];
  const re = /(?<=^|[\n\r])---(?=[\r\n]|$)/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) out.push(m.index);
  return out;
}

/** Parses one text (the whole file, or a part of it starting at `base`) with js-yaml and the tree builder. */
function parsePart(src: string, base: number, index: LineIndex, limits: YamlLimits, firstIndex: number): Loaded & { failed: boolean } {
  // js-yaml drops a leading byte order mark (loadYaml has dropped one already: this is a second); the
  // builder places its events in the text js-yaml reads.
  if (src.charCodeAt(0) === 0xfeff) {
    src = src.slice(1);
    base += 1;
  }
  const span = (start: number, end: number): SourceSpan => index.span(base + start, base + end);
  const builder = new TreeBuilder(src, span, limits);
  const listener = builder.listener as unknown as NonNullable<yaml.LoadOptions['listener']>;
  // `maxDepth` is js-yaml's own recursion bound (its typings do not list it); the builder stops earlier.
  const options: yaml.LoadOptions & { maxDepth: number } = { schema: yaml.CORE_SCHEMA, listener, maxDepth: 2 * limits.maxDepth + 16 };
  let failure: Diagnostic | undefined;
  try {
    yaml.loadAll(src, null, options);
  } catch (e) {
    failure = toDiagnostic(e, src, builder, span);
  }
  const toDiagnostics = (issues: readonly BuildIssue[]): Diagnostic[] =>
    issues.map((issue) => error(issue.code, issue.message, span(issue.start, issue.end)));
  const documents: YamlDocument[] = builder.roots.map(({ root, docStart, issues }, i) => {
    // An empty document is placed on its `---` (its empty root sits after any comments that follow).
    const end = root.node === null ? documentMarkerEnd(src, docStart) : Math.max(docStart, root.end);
    return { index: firstIndex + i, node: root.node, span: span(docStart, end), diagnostics: toDiagnostics(issues) };
  });
  const diagnostics: Diagnostic[] = [];
  if (failure !== undefined) {
    const docStart = builder.currentDocStart();
    const failedAt = Math.max(docStart, failure.span.endOffset - base);
    // The failed document has no tree; its issues stay with the failure at file level, where they are seen.
    diagnostics.push(...toDiagnostics(builder.pendingIssues()));
    documents.push({ index: firstIndex + documents.length, node: null, span: span(docStart, Math.min(src.length, failedAt)), diagnostics: [] });
    diagnostics.push(failure);
  }
  return { documents, diagnostics, failed: failure !== undefined };
}

/** End of a `---` marker at `p`, so an empty document's span covers it. */
function documentMarkerEnd(src: string, p: number): number {
  return src.startsWith('---', p) ? p + 3 : p;
}

function toDiagnostic(e: unknown, src: string, builder: TreeBuilder, span: (s: number, e: number) => SourceSpan): Diagnostic {
  if (e instanceof LoadAbort) return error(e.code, e.reason, span(e.start, e.end));
  if (e instanceof yaml.YAMLException) {
    const reason = e.reason ?? e.message;
    const at = Math.max(0, Math.min(src.length, e.mark?.position ?? 0));
    if (reason === 'duplicated mapping key') return duplicateKey(src, at, builder, span);
    if (reason.startsWith('nesting exceeded maxDepth')) {
      return error('yaml-too-deep', 'YAML nesting here is too deep; no Sigma rule needs that, flatten the structure', span(at, at));
    }
    if (reason.includes('!<')) return tagError(reason, src, at, builder, span);
    return error('yaml-syntax', `YAML syntax error: ${reason}; ${hintFor(reason)}`, span(at, Math.min(src.length, at + 1)));
  }
  if (e instanceof RangeError) {
    const open = builder.openNode()?.open ?? 0;
    return error('yaml-too-deep', 'YAML nesting here is too deep to load; flatten the structure', span(open, open));
  }
  const open = builder.openNode()?.open ?? 0;
  return error('yaml-syntax', `the YAML loader could not read this (${describe(e)}); please report it`, span(open, open));
}

function duplicateKey(src: string, at: number, builder: TreeBuilder, span: (s: number, e: number) => SourceSpan): Diagnostic {
  // js-yaml stops at the start of the repeated key; the mapping being read is the innermost open node.
  const children = builder.openNode()?.children ?? [];
  const key = [...children].reverse().find((c) => c.open === at);
  const name = key?.node?.kind === 'scalar' ? String(key.node.value) : src.slice(at, Math.min(src.length, at + 40)).split(/[:\n]/)[0] ?? '';
  const first = children.find((c) => c !== key && c.node?.kind === 'scalar' && String(c.node.value) === name && c.open < at);
  const firstLine = first === undefined ? '' : ` (first at line ${span(first.start, first.start).line})`;
  return error(
    'yaml-duplicate-key',
    `the key '${name}' appears twice in this mapping${firstLine}; YAML keeps only one, so remove or rename one of them`,
    key === undefined ? span(at, at) : span(key.start, key.end),
  );
}

function tagError(reason: string, src: string, at: number, builder: TreeBuilder, span: (s: number, e: number) => SourceSpan): Diagnostic {
  // js-yaml throws at the end of the tagged node, which is still open: its properties start it.
  const open = builder.openNode();
  const props = open === undefined ? undefined : contentStart(src, open.open, at);
  const [s, e] = props !== undefined && props.propsEnd > props.propsStart ? [props.propsStart, props.propsEnd] : [at, at];
  const written = src.slice(s, e).split(/\s+/).find((t) => t.startsWith('!')) ?? reason;
  if (reason.startsWith('unknown tag')) {
    return error(
      'yaml-unknown-tag',
      `unknown YAML tag ${written}: Sigma rules use no tags; remove it, or quote the value if the ! is part of the text`,
      span(s, e),
    );
  }
  return error('yaml-syntax', `YAML syntax error: ${reason}; remove the tag ${written} or fix the value it applies to`, span(s, e));
}

/** What to do about the js-yaml errors Sigma authors meet most. */
const HINTS: readonly (readonly [string, string])[] = [
  ['bad indentation of a mapping entry', 'keys of one mapping must start in the same column; check this line and the one above (a value with `: ` may need quotes)'],
  ['bad indentation of a sequence entry', 'entries of one list must start with `- ` in the same column'],
  ['end of the stream or a document separator is expected', 'check the indentation of this line; separate documents with a line `---`'],
  ['can not read a block mapping entry', 'a key must fit on one line and end with `: `; check for a missing `:` or a value that needs quotes'],
  ['can not read an implicit mapping pair', 'add the `:` after the key, or quote the value if it contains `: `'],
  ['missed comma between flow collection entries', 'separate the entries of `[...]` or `{...}` with commas, or quote a value that contains brackets'],
  ['unexpected end of the stream within a flow collection', 'close the `[` or `{` that starts the list or mapping'],
  ['within a double quoted scalar', 'close the string with `"`'],
  ['within a single quoted scalar', "close the string with `'` (write '' for a quote inside it)"],
  ['unknown escape sequence', 'in double quotes a backslash starts an escape: write \\\\ for a backslash, or use single quotes'],
  ['expected hexadecimal character', 'in double quotes \\x, \\u and \\U need hex digits: write \\\\ for a backslash, or use single quotes'],
  ['tab characters must not be used in indentation', 'indent with spaces, not tabs'],
  ['non-printable characters', 'remove the control characters from the file'],
  ['unidentified alias', 'define the anchor (&name) before the alias (*name), or quote a value that starts with *'],
  ['a whitespace character is expected after the key-value separator', 'put a space after the `:`, or quote the value'],
  ['incomplete explicit mapping pair', 'a line starts with `:`; put the key before it'],
  ['a line break is expected', 'check the line endings of the file'],
];

function hintFor(reason: string): string {
  for (const [key, hint] of HINTS) if (reason.includes(key)) return hint;
  return 'fix the YAML here (check indentation, quoting and the `: ` after each key)';
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

function withDefaults(limits: Partial<YamlLimits> | undefined): YamlLimits {
  const pick = (v: number | undefined, d: number): number => (typeof v === 'number' && !Number.isNaN(v) && v >= 0 ? v : d);
  return {
    maxBytes: pick(limits?.maxBytes, DEFAULT_YAML_LIMITS.maxBytes),
    maxDepth: pick(limits?.maxDepth, DEFAULT_YAML_LIMITS.maxDepth),
    maxNodes: pick(limits?.maxNodes, DEFAULT_YAML_LIMITS.maxNodes),
  };
}

/** UTF-8 length of `text`, counting only while it can still exceed `limit` (a character is 1 to 3 bytes). */
function utf8Length(text: string, limit: number): number {
  if (text.length * 3 <= limit) return text.length;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A surrogate pair is one 4-byte character: 2 for each half.
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdfff ? 2 : 3;
  }
  return n;
}
