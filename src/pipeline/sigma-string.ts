import { assertNever } from '../diagnostics/assert-never.js';
import type { StringPart } from '../ast/value.js';

/**
 * Sigma strings inside pipelines: values of `vars`, `add_condition` and `replace_string` results are
 * Sigma strings, as in pySigma (SPEC-DIGEST §4), parsed by the value model's own parser.
 */
export { normalizeParts, parseSigmaString } from '../value/sigma-string.js';

/**
 * The Sigma text pySigma shows pipelines (str() of a SigmaString): wildcards as `*`/`?`, placeholders as
 * `%name%`, and every literal `*`, `?` and `\` escaped. `replace_string` regexes and `match_string`
 * patterns in existing pipeline files are written against this text, so it deliberately differs from
 * the value model's printSigmaString, which spells values the way rules do (a lone `\` stays single).
 */
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
