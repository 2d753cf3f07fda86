import { assertNever } from '../diagnostics/assert-never.js';
import type { StringPart } from '../ast/value.js';

/**
 * Prints string parts back as Sigma value text (SPEC-DIGEST §4): the shortest text that Sigma parses
 * into exactly these parts.
 *
 * - A literal `*` or `?` is written `\*` / `\?`; wildcards are written `*` / `?`.
 * - A literal `\` is doubled only where Sigma would otherwise read it as an escape: before `*`, `?` or
 *   another `\` (and before `%` when the value has placeholders, because `expand` makes `\%` an escape).
 *   Everywhere else, including at the end, a single `\` is literal. So Windows paths print as they are
 *   written in rules (`C:\Windows\System32\`), and the PsExec share `\\*\IPC$` prints as `\\\\\*\IPC$`,
 *   which Sigma reads the same as the rule's own `\\\\\*\\IPC$`.
 * - A placeholder is `%name%`; a literal `%` next to placeholders is `\%`.
 *
 * TODO: switch to `printSigmaString` from src/value/sigma-string.ts once it lands (and regenerate the
 * explain goldens if its escaping style differs).
 */
export function printSigmaParts(parts: readonly StringPart[]): string {
  const expand = parts.some((p) => p.kind === 'placeholder');
  // Atoms in output order; `null` is a literal backslash whose spelling depends on what follows it.
  const atoms: (string | null)[] = [];
  for (const part of parts) {
    switch (part.kind) {
      case 'literal':
        for (const ch of part.text) {
          if (ch === '\\') atoms.push(null);
          else if (ch === '*' || ch === '?') atoms.push(`\\${ch}`);
          else if (ch === '%' && expand) atoms.push('\\%');
          else atoms.push(ch);
        }
        break;
      case 'wildcard-multi':
        atoms.push('*');
        break;
      case 'wildcard-single':
        atoms.push('?');
        break;
      case 'placeholder':
        atoms.push(`%${part.name}%`);
        break;
      default:
        assertNever(part, 'string part');
    }
  }
  const out: string[] = new Array<string>(atoms.length);
  let next = '';
  for (let i = atoms.length - 1; i >= 0; i--) {
    const atom = atoms[i];
    let text: string;
    if (atom === null || atom === undefined) {
      const c = next.charAt(0);
      const special = c === '\\' || c === '*' || c === '?' || (expand && c === '%');
      text = special ? '\\\\' : '\\';
    } else {
      text = atom;
    }
    out[i] = text;
    next = text;
  }
  return out.join('');
}
