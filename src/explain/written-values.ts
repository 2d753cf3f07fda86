import type { SourceSpan } from '../diagnostics/span.js';
import type { YamlNode } from '../yaml/node.js';

/**
 * The string values of a rule document as their author wrote them (after YAML, before Sigma's own
 * unescaping), by the offset where each starts in the file. A catalog shows a value as written
 * (`\\\\\*\\IPC$`), which is the same Sigma string as its canonical text but easier to recognise.
 */
export type WrittenValues = (span: SourceSpan) => string | undefined;

export function writtenValues(source: YamlNode): WrittenValues {
  const byOffset = new Map<string, string>();
  const stack: YamlNode[] = [source];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === undefined) break;
    if (node.kind === 'scalar') {
      if (typeof node.value === 'string') byOffset.set(`${node.span.file}:${node.span.offset}`, node.value);
    } else if (node.kind === 'seq') stack.push(...node.items);
    else for (const e of node.entries) stack.push(e.value);
  }
  return (span) => byOffset.get(`${span.file}:${span.offset}`);
}
