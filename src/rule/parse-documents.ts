import type { ConditionNode } from '../ast/condition.js';
import type { Expr } from '../ast/expr.js';
import { or } from '../ast/expr.js';
import { conditionOrigin, parseCondition } from '../condition/parse.js';
import { resolveCondition, unusedIdentifiers } from '../condition/resolve.js';
import { error, hasErrors, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { LineIndex } from '../diagnostics/span.js';
import { buildSearchIdentifier } from '../value/detection.js';
import { loadYaml, loadYamlBytes, type YamlLimits } from '../yaml/load.js';
import type { YamlMap, YamlNode } from '../yaml/node.js';
import { mapGet } from '../yaml/node.js';
import { applyCollectionActions, isMap } from './collections.js';
import { parseCorrelation } from './parse-correlation.js';
import type {
  ParsedCondition,
  SearchIdentifier,
  SigmaDocument,
  SigmaFilter,
  SigmaRule,
} from './model.js';
import { FieldReader, readMeta } from './schema.js';

/** One rule document of a file: what it became, or why not. */
export interface DocumentResult {
  readonly index: number;
  readonly document: SigmaDocument | null;
  readonly diagnostics: readonly Diagnostic[];
  /** Known even when the document failed, so reports can name it. */
  readonly title?: string;
  readonly id?: string;
  /** The document as loaded (after collection actions), also when it failed: linters read it. */
  readonly node?: YamlMap;
}

export interface ParsedFile {
  readonly file: string;
  readonly documents: readonly DocumentResult[];
  /** Problems of the file as a whole (YAML syntax, collection actions). */
  readonly diagnostics: readonly Diagnostic[];
  readonly index: LineIndex;
}

/**
 * Loads every Sigma document of one file's text: YAML with positions, collection actions, then per
 * document classification (rule, correlation, filter), schema validation, detection and condition.
 */
export function parseSigmaText(text: string | Uint8Array, file: string, limits?: Partial<YamlLimits>): ParsedFile {
  const loaded = typeof text === 'string' ? loadYaml(text, file, limits) : loadYamlBytes(text, file, limits);
  // Problems inside one document's tree stay with that document (`doc.diagnostics`), so exactly it fails.
  const fileDiagnostics: Diagnostic[] = [...loaded.fileDiagnostics];
  const maps: { index: number; node: YamlMap; diagnostics: readonly Diagnostic[] }[] = [];
  const results: DocumentResult[] = [];
  for (const doc of loaded.documents) {
    if (doc.node === null) continue;
    if (!isMap(doc.node)) {
      results.push({
        index: doc.index,
        document: null,
        diagnostics: [
          ...doc.diagnostics,
          error('document-not-mapping', 'a Sigma document must be a mapping of keys such as title, logsource and detection', doc.node.span),
        ],
      });
      continue;
    }
    maps.push({ index: doc.index, node: doc.node, diagnostics: doc.diagnostics });
  }
  const collected = applyCollectionActions(maps);
  fileDiagnostics.push(...collected.diagnostics);
  for (const doc of collected.documents) {
    results.push(parseDocument(doc.node, doc.index, file, loaded.index, doc.diagnostics));
  }
  results.sort((a, b) => a.index - b.index);
  return { file, documents: results, diagnostics: fileDiagnostics, index: loaded.index };
}

function parseDocument(node: YamlMap, index: number, file: string, lines: LineIndex, loaderDiagnostics: readonly Diagnostic[]): DocumentResult {
  const reader = new FieldReader(node);
  // Entries the loader left out (e.g. a non-string key) make the document fail: converting the rest
  // would match more than the author wrote.
  reader.diagnostics.push(...loaderDiagnostics);
  const title = titleOf(node);
  const id = idOf(node);
  let document: SigmaDocument | null;
  if (mapGet(node, 'correlation') !== undefined) document = parseCorrelation(reader, index, file);
  else if (mapGet(node, 'filter') !== undefined) document = parseFilter(reader, index, file, lines);
  else document = parseRule(reader, index, file, lines);
  const diagnostics = reader.diagnostics;
  const result: { -readonly [K in keyof DocumentResult]: DocumentResult[K] } = {
    index,
    document: hasErrors(diagnostics) ? null : document,
    diagnostics,
    node,
  };
  // Set only when known (in this order), without a throw-away object per document.
  if (title !== undefined) result.title = title;
  if (id !== undefined) result.id = id;
  return result;
}

function titleOf(node: YamlMap): string | undefined {
  const v = mapGet(node, 'title')?.value;
  return v?.kind === 'scalar' && typeof v.value === 'string' ? v.value : undefined;
}

function idOf(node: YamlMap): string | undefined {
  const v = mapGet(node, 'id')?.value;
  return v?.kind === 'scalar' && typeof v.value === 'string' ? v.value : undefined;
}

interface Detection {
  readonly identifiers: readonly SearchIdentifier[];
  readonly conditions: readonly ParsedCondition[];
  readonly detection: Expr;
}

/** The `detection` section (or a filter's `filter` section): search identifiers and the condition. */
function parseDetection(reader: FieldReader, key: 'detection' | 'filter', lines: LineIndex): Detection | null {
  const entry = mapGet(reader.node, key);
  if (entry === undefined) {
    reader.diagnostics.push(error('missing-field', `the rule has no \`${key}\` section: add search identifiers and a \`condition\``, reader.node.span));
    return null;
  }
  if (entry.value.kind !== 'map') {
    reader.diagnostics.push(error('invalid-type', `\`${key}\` must be a mapping of search identifiers and a \`condition\``, entry.value.span));
    return null;
  }
  const section = entry.value;
  const identifiers: SearchIdentifier[] = [];
  /**
   * Identifiers that failed to build (and are reported). The condition is still resolved against their
   * names, so a misspelled modifier does not hide an undefined identifier or an unused one.
   */
  const failed: { name: string; span: SearchIdentifier['span'] }[] = [];
  let conditionNode: YamlNode | undefined;
  for (let i = 0; i < section.entries.length; i++) {
    const item = section.entries[i]!;
    if (item.key === 'condition') {
      conditionNode = item.value;
      continue;
    }
    if (key === 'filter' && item.key === 'rules') continue;
    if (item.key === 'timeframe') {
      reader.diagnostics.push(
        error('unsupported-legacy', '`timeframe` was removed in Sigma v2: express time windows with a correlation rule (`correlation:` with `timespan`)', item.keySpan),
      );
      continue;
    }
    const built = buildSearchIdentifier(item.key, item.value, item.keySpan);
    if (built.diagnostics.length > 0) reader.diagnostics.push(...built.diagnostics);
    if (built.ok) identifiers.push({ name: item.key, expr: built.value, span: item.keySpan });
    else failed.push({ name: item.key, span: item.keySpan });
  }
  if (conditionNode === undefined) {
    reader.diagnostics.push(error('missing-field', `\`${key}\` has no \`condition\`: add e.g. \`condition: selection\``, entry.keySpan));
    return null;
  }
  const conditionScalars: readonly YamlNode[] = conditionNode.kind === 'seq' ? conditionNode.items : [conditionNode];
  if (conditionScalars.length === 0) {
    reader.diagnostics.push(error('invalid-value', 'the condition list is empty: give at least one condition', conditionNode.span));
    return null;
  }
  const conditions: ParsedCondition[] = [];
  const exprs: Expr[] = [];
  for (let i = 0; i < conditionScalars.length; i++) {
    const c = conditionScalars[i]!;
    if (c.kind !== 'scalar' || typeof c.value !== 'string') {
      reader.diagnostics.push(error('invalid-type', '`condition` must be a string or a list of strings', c.span));
      continue;
    }
    const parsed = parseCondition(c.value, conditionOrigin(lines, c));
    if (parsed.diagnostics.length > 0) reader.diagnostics.push(...parsed.diagnostics);
    if (!parsed.ok) continue;
    conditions.push({ text: c.value, node: parsed.value, span: c.span });
    const resolved = resolveCondition(parsed.value, identifiers, failed);
    if (resolved.diagnostics.length > 0) reader.diagnostics.push(...resolved.diagnostics);
    if (resolved.ok) exprs.push(resolved.value);
  }
  if (conditions.length > 0) {
    // In file order. Entry order usually is, but not after a merge (`action: global` appends the
    // template's identifiers, which come earlier in the file, after the rule's own): copy and sort then.
    const all = failed.length === 0 && inFileOrder(identifiers) ? identifiers : [...identifiers, ...failed].sort((a, b) => a.span.offset - b.span.offset);
    const nodes: ConditionNode[] = [];
    for (let i = 0; i < conditions.length; i++) nodes.push(conditions[i]!.node);
    for (const unused of unusedIdentifiers(nodes, all)) {
      reader.diagnostics.push(
        warning('unused-identifier', `search identifier \`${unused.name}\` is not used by the condition; use it or remove it`, unused.span),
      );
    }
  }
  if (exprs.length !== conditionScalars.length) return null;
  return { identifiers, conditions, detection: or(exprs, conditionNode.span) };
}

/** Whether the spans of `items` never go back in the file (then a stable sort by offset keeps them as they are). */
function inFileOrder(items: readonly { readonly span: { readonly offset: number } }[]): boolean {
  for (let i = 1; i < items.length; i++) if (items[i]!.span.offset < items[i - 1]!.span.offset) return false;
  return true;
}

function parseRule(reader: FieldReader, index: number, file: string, lines: LineIndex): SigmaRule | null {
  const meta = readMeta(reader, 'rule');
  const logsource = reader.logsource(true);
  const detection = parseDetection(reader, 'detection', lines);
  if (detection === null) return null;
  // Completes the metadata object in place (the fields, in order, of `{ kind, ...meta, file, ... }`):
  // copying ~15 fields per rule cost more than the rest of this function.
  return Object.assign(meta, {
    file,
    documentIndex: index,
    span: reader.node.span,
    logsource,
    identifiers: detection.identifiers,
    conditions: detection.conditions,
    detection: detection.detection,
    source: reader.node,
  });
}

function parseFilter(reader: FieldReader, index: number, file: string, lines: LineIndex): SigmaFilter | null {
  const meta = readMeta(reader, 'filter');
  const logsource = reader.logsource(true);
  const filterEntry = mapGet(reader.node, 'filter');
  let rules: readonly string[] | 'any' = 'any';
  if (filterEntry?.value.kind === 'map') {
    const rulesEntry = mapGet(filterEntry.value, 'rules');
    const rv = rulesEntry?.value;
    if (rv === undefined) {
      // A filter without `rules` would silently apply to every rule of its log source.
      reader.diagnostics.push(
        error('missing-field', 'the filter has no `rules`: list the ids or names of the rules it applies to under `filter.rules` (or write `rules: any`)', filterEntry.keySpan),
      );
    } else if (rv.kind === 'scalar' && rv.value === 'any') {
      rules = 'any';
    } else {
      const listReader = new FieldReader(filterEntry.value, 'filter.');
      const list = listReader.stringList('rules');
      reader.diagnostics.push(...listReader.diagnostics);
      // pySigma reads an empty list as `any`; a list whose items were all invalid is an error above.
      rules = list.length === 0 && rv.kind === 'seq' && rv.items.length === 0 ? 'any' : list;
    }
  }
  const detection = parseDetection(reader, 'filter', lines);
  if (detection === null) return null;
  return { ...meta, file, documentIndex: index, span: reader.node.span, logsource, rules, ...detection, source: reader.node };
}
