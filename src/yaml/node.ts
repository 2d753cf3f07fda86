import type { SourceSpan } from '../diagnostics/span.js';

/**
 * A YAML value with the source position of every key and value. The loader builds this tree from
 * js-yaml's parse events; every later pass reads rules through it, so each diagnostic can point at
 * the exact key or value. Mappings are entry lists (not objects), so `__proto__` or `constructor`
 * keys are plain data.
 */
export type YamlNode = YamlMap | YamlSeq | YamlScalar;

export type ScalarStyle = 'plain' | 'single' | 'double' | 'block';

export interface YamlScalar {
  readonly kind: 'scalar';
  /** The value as YAML typed it (core schema: no timestamps, so dates stay strings). */
  readonly value: string | number | boolean | null;
  readonly style: ScalarStyle;
  readonly span: SourceSpan;
}

export interface YamlSeq {
  readonly kind: 'seq';
  readonly items: readonly YamlNode[];
  readonly span: SourceSpan;
}

export interface YamlEntry {
  readonly key: string;
  readonly keySpan: SourceSpan;
  readonly value: YamlNode;
}

export interface YamlMap {
  readonly kind: 'map';
  readonly entries: readonly YamlEntry[];
  readonly span: SourceSpan;
}

export function mapGet(node: YamlMap, key: string): YamlEntry | undefined {
  // An indexed loop, no closure: schema reading calls this a few dozen times per rule.
  const entries = node.entries;
  for (let i = 0; i < entries.length; i++) if (entries[i]!.key === key) return entries[i];
  return undefined;
}

/** Converts a positioned tree back to plain data (maps become null-prototype objects). */
export function toPlain(node: YamlNode): unknown {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(toPlain);
    case 'map': {
      const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      for (const e of node.entries) out[e.key] = toPlain(e.value);
      return out;
    }
  }
}
