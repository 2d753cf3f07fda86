import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { SourceSpan } from '../diagnostics/span.js';
import { mapGet, type YamlMap, type YamlNode } from '../yaml/node.js';

/** Collects diagnostics (`pipeline-invalid`) while reading typed values out of a pipeline file's YAML nodes. */
export class YamlReader {
  readonly diagnostics: Diagnostic[] = [];

  protected bad(message: string, span: SourceSpan): undefined {
    this.diagnostics.push(error('pipeline-invalid', message, span));
    return undefined;
  }

  map(node: YamlNode, what: string): YamlMap | undefined {
    return node.kind === 'map' ? node : this.bad(`${what} must be a mapping`, node.span);
  }

  seq(node: YamlNode, what: string): { items: readonly YamlNode[] } | undefined {
    return node.kind === 'seq' ? node : this.bad(`${what} must be a list`, node.span);
  }

  string(node: YamlNode, what: string): string | undefined {
    if (node.kind === 'scalar' && typeof node.value === 'string') return node.value;
    // A plain number written where a name is expected (`product: 365`) is still text to a user.
    if (node.kind === 'scalar' && typeof node.value === 'number') return String(node.value);
    return this.bad(`${what} must be a string`, node.span);
  }

  number(node: YamlNode, what: string): number | undefined {
    return node.kind === 'scalar' && typeof node.value === 'number' && Number.isFinite(node.value) ? node.value : this.bad(`${what} must be a number`, node.span);
  }

  boolean(node: YamlNode, what: string): boolean | undefined {
    return node.kind === 'scalar' && typeof node.value === 'boolean' ? node.value : this.bad(`${what} must be true or false`, node.span);
  }

  /** The log source parts a mapping gives (`category`, `product`, `service`; null or absent: not given). */
  logsourceParts(m: YamlMap): { category?: string; product?: string; service?: string } {
    const out: { category?: string; product?: string; service?: string } = {};
    for (const key of ['category', 'product', 'service'] as const) {
      const e = mapGet(m, key);
      if (e === undefined || (e.value.kind === 'scalar' && e.value.value === null)) continue;
      const s = this.string(e.value, `\`${key}\``);
      if (s !== undefined) out[key] = s;
    }
    return out;
  }

  /** A string or a list of strings. */
  strings(node: YamlNode, what: string): string[] | undefined {
    if (node.kind === 'seq') {
      const out: string[] = [];
      for (const item of node.items) {
        const s = this.string(item, `each item of ${what}`);
        if (s !== undefined) out.push(s);
      }
      return out;
    }
    const s = this.string(node, `${what} (a string or a list of strings)`);
    return s === undefined ? undefined : [s];
  }
}

/** A value written as nothing: null, an empty list or an empty mapping. */
export function isEmpty(node: YamlNode): boolean {
  return (node.kind === 'scalar' && node.value === null) || (node.kind === 'seq' && node.items.length === 0) || (node.kind === 'map' && node.entries.length === 0);
}
