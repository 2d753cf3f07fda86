import { assertNever } from '../diagnostics/assert-never.js';
import type { StringPart } from '../ast/value.js';

/**
 * Sigma strings inside pipelines: values of `vars`, `add_condition` and `replace_string` results are
 * Sigma strings, as in pySigma (SPEC-DIGEST §4), parsed by the value model's own parser.
 */
export { normalizeParts, parseSigmaString } from '../value/sigma-string.js';

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
