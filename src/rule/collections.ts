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
 *
 * A document's own diagnostics (problems the YAML loader found in its tree) travel with its content:
 * a template's reach every document it is merged into, a repeated document's reach its repetition.
 * Those of a document that ends up in no rule are returned as file diagnostics, so none is lost.
 */
export interface CollectedDocument {
  /** Index of the YAML document this rule comes from. */
  readonly index: number;
  readonly node: YamlMap;
  readonly diagnostics: readonly Diagnostic[];
}

export function applyCollectionActions(
  documents: readonly { readonly index: number; readonly node: YamlMap; readonly diagnostics?: readonly Diagnostic[] }[],
): { readonly documents: readonly CollectedDocument[]; readonly diagnostics: readonly Diagnostic[] } {
  const out: CollectedDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  let template: { readonly node: YamlMap; readonly diagnostics: readonly Diagnostic[]; used: boolean } | null = null;
  let previous: { readonly node: YamlMap; readonly diagnostics: readonly Diagnostic[] } | null = null;
  /** A template merged into nothing: its problems still have to be seen. */
  const dropTemplate = (): void => {
    if (template !== null && !template.used) diagnostics.push(...template.diagnostics);
  };
  for (const doc of documents) {
    const own = doc.diagnostics ?? [];
    const action = mapGet(doc.node, 'action');
    if (action === undefined) {
      const standalone = mapGet(doc.node, 'correlation') !== undefined || mapGet(doc.node, 'filter') !== undefined;
      if (template !== null && !standalone) {
        template.used = true;
        previous = { node: deepMerge(doc.node, template.node), diagnostics: [...template.diagnostics, ...own] };
        out.push({ index: doc.index, ...previous });
      } else {
        out.push({ index: doc.index, node: doc.node, diagnostics: own });
        if (!standalone) previous = { node: doc.node, diagnostics: own };
      }
      continue;
    }
    const value = action.value.kind === 'scalar' ? action.value.value : null;
    const rest = withoutKey(doc.node, 'action');
    switch (value) {
      case 'global':
        dropTemplate();
        template = { node: rest, diagnostics: own, used: false };
        break;
      case 'reset':
        dropTemplate();
        diagnostics.push(...own);
        template = null;
        break;
      case 'repeat':
        if (previous === null) {
          diagnostics.push(
            error('collection-action', '`action: repeat` needs a rule document before it to repeat; move it after a rule', action.value.span),
            ...own,
          );
          break;
        }
        previous = { node: deepMerge(previous.node, rest), diagnostics: [...previous.diagnostics, ...own] };
        out.push({ index: doc.index, ...previous });
        break;
      default:
        diagnostics.push(...own);
        diagnostics.push(
          error(
            'collection-action',
            `unknown collection action ${JSON.stringify(value)}: use \`global\`, \`reset\` or \`repeat\``,
            action.value.span,
          ),
        );
    }
  }
  dropTemplate();
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
