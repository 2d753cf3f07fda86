import yaml from 'js-yaml';
import { pointSpan, type SourceSpan } from '../../src/diagnostics/span.js';
import type { YamlNode } from '../../src/yaml/node.js';

/**
 * Test-only adapter: plain js-yaml data to a YamlNode with dummy spans (the positioned loader is
 * written elsewhere). Every span is a point at line 1, except that each node gets a distinct offset
 * so tests can tell which span a match carries.
 */
export function plainToNode(value: unknown, file = 'test.yml'): YamlNode {
  let counter = 0;
  const span = (): SourceSpan => {
    counter += 1;
    return { ...pointSpan(file), offset: counter, endOffset: counter };
  };
  const convert = (v: unknown): YamlNode => {
    if (Array.isArray(v)) return { kind: 'seq', items: v.map(convert), span: span() };
    if (v !== null && typeof v === 'object') {
      const s = span();
      return {
        kind: 'map',
        entries: Object.entries(v as Record<string, unknown>).map(([key, value]) => ({ key, keySpan: span(), value: convert(value) })),
        span: s,
      };
    }
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      return { kind: 'scalar', value: v, style: 'plain', span: span() };
    }
    throw new Error(`unexpected YAML value ${String(v)}`);
  };
  return convert(value);
}

/** Parses a YAML snippet (core schema, as rules are read) into a YamlNode. */
export function yamlNode(text: string): YamlNode {
  return plainToNode(yaml.load(text, { schema: yaml.CORE_SCHEMA }));
}
