import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { YamlEntry, YamlMap, YamlNode } from '../yaml/node.js';
import { mapGet } from '../yaml/node.js';

/**
 * Rule collections (Sigma v1, SPEC-DIGEST §7), still honoured by pySigma and used by
 * `other/godmode_sigma_rule.yml`:
 * - `action: global` makes the document a template, deep-merged into every following rule document;
 *   on a conflict between scalars or lists the template wins (pySigma's `deep_dict_update(rule, global)`).
 *   A later `global` replaces the template (pySigma), it does not accumulate.
 * - `action: reset` clears the template.
 * - `action: repeat` deep-merges the document into the previous rule document (its own values win) and
 *   emits one more rule.
 * Correlation and filter documents are never merged with the template.
 */
export interface CollectedDocument {
  /** Index of the YAML document this rule comes from. */
  readonly index: number;
  readonly node: YamlMap;
}

export function applyCollectionActions(
  documents: readonly { readonly index: number; readonly node: YamlMap }[],
): { readonly documents: readonly CollectedDocument[]; readonly diagnostics: readonly Diagnostic[] } {
  const out: CollectedDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  let template: YamlMap | null = null;
  let previous: YamlMap | null = null;
  for (const doc of documents) {
    const action = mapGet(doc.node, 'action');
    if (action === undefined) {
      const standalone = mapGet(doc.node, 'correlation') !== undefined || mapGet(doc.node, 'filter') !== undefined;
      const merged = template && !standalone ? deepMerge(doc.node, template) : doc.node;
      out.push({ index: doc.index, node: merged });
      if (!standalone) previous = merged;
      continue;
    }
    const value = action.value.kind === 'scalar' ? action.value.value : null;
    const rest = withoutKey(doc.node, 'action');
    switch (value) {
      case 'global':
        template = rest;
        break;
      case 'reset':
        template = null;
        break;
      case 'repeat':
        if (previous === null) {
          diagnostics.push(
            error('collection-action', '`action: repeat` needs a rule document before it to repeat; move it after a rule', action.value.span),
          );
          break;
        }
        previous = deepMerge(previous, rest);
        out.push({ index: doc.index, node: previous });
        break;
      default:
        diagnostics.push(
          error(
            'collection-action',
            `unknown collection action ${JSON.stringify(value)}: use \`global\`, \`reset\` or \`repeat\``,
            action.value.span,
          ),
        );
    }
  }
  return { documents: out, diagnostics };
}

function withoutKey(node: YamlMap, key: string): YamlMap {
  return { ...node, entries: node.entries.filter((e) => e.key !== key) };
}

/** Merges `top` into `base`: maps merge recursively, any other conflict takes `top`'s value. */
function deepMerge(base: YamlMap, top: YamlMap): YamlMap {
  const entries: YamlEntry[] = [...base.entries];
  for (const entry of top.entries) {
    const i = entries.findIndex((e) => e.key === entry.key);
    const existing = i >= 0 ? entries[i] : undefined;
    if (existing === undefined) {
      entries.push(entry);
    } else if (existing.value.kind === 'map' && entry.value.kind === 'map') {
      entries[i] = { ...existing, value: deepMerge(existing.value, entry.value) };
    } else {
      entries[i] = { ...existing, value: entry.value };
    }
  }
  return { kind: 'map', entries, span: base.span };
}

export function isMap(node: YamlNode | null): node is YamlMap {
  return node !== null && node.kind === 'map';
}
