import { assertNever } from '../diagnostics/assert-never.js';
import type { StringPart } from '../ast/value.js';

/**
 * Sigma strings inside pipelines: values of `vars`, `add_condition` and `replace_string` results are
 * Sigma strings, as in pySigma (SPEC-DIGEST §4): `*` and `?` are wildcards, `\` escapes only `*`, `?` and
 * `\`, and any other backslash is literal.
 */
export function parseSigmaString(text: string): StringPart[] {
  const parts: StringPart[] = [];
  let literal = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\') {
      const next = text[i + 1];
      if (next === '*' || next === '?' || next === '\\') {
        literal += next;
        i++;
      } else {
        literal += c;
      }
    } else if (c === '*' || c === '?') {
      if (literal !== '') parts.push({ kind: 'literal', text: literal });
      literal = '';
      parts.push({ kind: c === '*' ? 'wildcard-multi' : 'wildcard-single' });
    } else {
      literal += c;
    }
  }
  if (literal !== '') parts.push({ kind: 'literal', text: literal });
  return normalizeParts(parts);
}

/** The Sigma text of parts without placeholders: wildcards as `*`/`?`, literal `*`, `?`, `\` escaped. */
export function renderSigmaString(parts: readonly StringPart[]): string {
  return parts
    .map((p) => {
      switch (p.kind) {
        case 'literal':
          return p.text.replace(/[*?\\]/g, (m) => `\\${m}`);
        case 'wildcard-multi':
          return '*';
        case 'wildcard-single':
          return '?';
        case 'placeholder':
          return `%${p.name}%`;
        default:
          return assertNever(p, 'string part');
      }
    })
    .join('');
}

/** Restores the invariants of `StringValue.parts`: no empty literals, adjacent literals merged, no `**`. */
export function normalizeParts(parts: readonly StringPart[]): StringPart[] {
  const out: StringPart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (p.kind === 'literal') {
      if (p.text === '') continue;
      if (last?.kind === 'literal') out[out.length - 1] = { kind: 'literal', text: last.text + p.text };
      else out.push(p);
    } else if (p.kind === 'wildcard-multi' && last?.kind === 'wildcard-multi') {
      continue;
    } else {
      out.push(p);
    }
  }
  return out;
}
