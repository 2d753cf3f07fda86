import type { SourceSpan } from '../../src/diagnostics/span.js';
import type { YamlEntry, YamlNode } from '../../src/yaml/node.js';

/** A span as `line:column-endLine:endColumn`, the form the assertions read. */
export function at(span: SourceSpan): string {
  return `${span.line}:${span.column}-${span.endLine}:${span.endColumn}`;
}

/** The entry reached by a path of keys (and sequence indexes) from a node. */
export function entry(node: YamlNode | null, ...path: (string | number)[]): YamlEntry {
  let current: YamlNode | null = node;
  let found: YamlEntry | undefined;
  for (const step of path) {
    if (current === null) throw new Error(`no node at ${String(step)}`);
    if (typeof step === 'number') {
      if (current.kind !== 'seq') throw new Error(`not a sequence at ${step}`);
      const item: YamlNode | undefined = current.items[step];
      if (item === undefined) throw new Error(`no item ${step}`);
      current = item;
      continue;
    }
    if (current.kind !== 'map') throw new Error(`not a mapping at ${step}`);
    found = current.entries.find((e) => e.key === step);
    if (found === undefined) throw new Error(`no key ${step}`);
    current = found.value;
  }
  if (found === undefined) throw new Error('path names no key');
  return found;
}

/** The node reached by a path of keys and sequence indexes. */
export function nodeAt(node: YamlNode | null, ...path: (string | number)[]): YamlNode {
  let current = node;
  for (const step of path) {
    if (current === null) throw new Error(`no node at ${String(step)}`);
    if (typeof step === 'number') {
      if (current.kind !== 'seq') throw new Error(`not a sequence at ${step}`);
      current = current.items[step] ?? null;
    } else {
      if (current.kind !== 'map') throw new Error(`not a mapping at ${step}`);
      current = current.entries.find((e) => e.key === step)?.value ?? null;
    }
  }
  if (current === null) throw new Error('no node');
  return current;
}

/** A "does not hang" guard: runs `fn` and reports how long it took. */
export function timed<T>(fn: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = fn();
  return { value, ms: performance.now() - start };
}
