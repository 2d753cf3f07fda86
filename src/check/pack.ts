import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { SourceSpan } from '../diagnostics/span.js';
import type { ParsedFile } from '../rule/parse-documents.js';
import type { YamlMap } from '../yaml/node.js';
import { mapGet } from '../yaml/node.js';

interface Named {
  readonly value: string;
  readonly span: SourceSpan;
}

function stringAt(node: YamlMap, key: string): Named | undefined {
  const v = mapGet(node, key)?.value;
  return v?.kind === 'scalar' && typeof v.value === 'string' ? { value: v.value, span: v.span } : undefined;
}

const where = (s: SourceSpan): string => `${s.file}:${s.line}:${s.column}`;
/** The same text in the file: a collection action (`action: global`) gives its keys to several documents. */
const same = (a: SourceSpan, b: SourceSpan): boolean => a.file === b.file && a.offset === b.offset;

/**
 * Lints across the pack: duplicate ids and titles (each repeat points at the first), correlation
 * `rules:` entries that name no rule or correlation of the pack by id or name, and temporal correlations over
 * fewer than two rules (SPEC-DIGEST §8, §11). Files come in the order given.
 */
export function lintPack(files: readonly ParsedFile[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const documents = files.flatMap((f) => f.documents.flatMap((d) => (d.node !== undefined ? [{ node: d.node, filter: d.document?.kind === 'filter' }] : [])));
  const nodes = documents.map((d) => d.node);
  const firstId = new Map<string, Named>();
  const firstTitle = new Map<string, Named>();
  // What a correlation may name, as src/correlation/resolve.ts (CorrelationIndex) resolves it: the id of
  // a rule or correlation (any case: ids are UUIDs) or its name; never a filter.
  const knownIds = new Set<string>();
  const knownNames = new Set<string>();
  for (const { node, filter } of documents) {
    const id = stringAt(node, 'id');
    if (id !== undefined) {
      if (!filter) knownIds.add(id.value.toLowerCase());
      const first = firstId.get(id.value);
      if (first === undefined) firstId.set(id.value, id);
      else if (!same(first.span, id.span)) out.push(error('duplicate-id', `the id ${id.value} is already used by the document at ${where(first.span)}; give each rule its own id (a new UUID)`, id.span));
    }
    const title = stringAt(node, 'title');
    if (title !== undefined) {
      const first = firstTitle.get(title.value);
      if (first === undefined) firstTitle.set(title.value, title);
      else if (!same(first.span, title.span)) out.push(warning('duplicate-title', `the title ${JSON.stringify(title.value)} is already used by the document at ${where(first.span)}; titles should tell rules apart`, title.span));
    }
    const name = stringAt(node, 'name');
    if (name !== undefined && !filter) knownNames.add(name.value);
  }
  for (const node of nodes) {
    const correlation = mapGet(node, 'correlation')?.value;
    if (correlation?.kind !== 'map') continue;
    const rules = mapGet(correlation, 'rules')?.value;
    const items = rules === undefined ? [] : rules.kind === 'seq' ? rules.items : [rules];
    const type = mapGet(correlation, 'type')?.value;
    if (rules !== undefined && type?.kind === 'scalar' && (type.value === 'temporal' || type.value === 'temporal_ordered') && items.length < 2) {
      out.push(
        warning(
          'temporal-single-rule',
          `a ${String(type.value)} correlation over ${items.length === 1 ? 'one rule' : 'no rule'} has nothing to relate in time; list at least two rules, or use event_count for one`,
          rules.span,
        ),
      );
    }
    for (const item of items) {
      if (item.kind !== 'scalar' || typeof item.value !== 'string' || knownNames.has(item.value) || knownIds.has(item.value.toLowerCase())) continue;
      out.push(
        error(
          'dangling-correlation-reference',
          `the correlation refers to ${JSON.stringify(item.value)}, but no rule or correlation of the pack has that id or name; check it, or lint the pack together with the rule it names`,
          item.span,
        ),
      );
    }
  }
  return out;
}
