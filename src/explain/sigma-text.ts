import { assertNever } from '../diagnostics/assert-never.js';
import type { StringPart } from '../ast/value.js';

/**
 * Prints string parts back as Sigma value text (SPEC-DIGEST §4): a text that Sigma parses into exactly
 * these parts, spelled the way rules usually spell values.
 *
 * - A literal `*` or `?` is written `\*` / `\?`; wildcards are written `*` / `?`.
 * - A lone literal `\` stays single unless Sigma would read it as an escape, i.e. before `*`, `?` (or
 *   `%` when the value has placeholders, because `expand` makes `\%` an escape); a run of two or more
 *   literal backslashes is written doubled. So Windows paths print as rules write them
 *   (`C:\Windows\System32\`, `\\\\server\share`), and the PsExec share `\\*\IPC$` prints as
 *   `\\\\\*\IPC$`, which Sigma reads the same as the rule's own `\\\\\*\\IPC$`.
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
        if (!/[\\*?%]/.test(part.text)) {
          atoms.push(part.text);
          break;
        }
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
  let out = '';
  for (let i = 0; i < atoms.length; ) {
    const atom = atoms[i];
    if (atom !== null && atom !== undefined) {
      out += atom;
      i++;
      continue;
    }
    let run = 0;
    while (atoms[i + run] === null) run++;
    const c = (atoms[i + run] ?? '').charAt(0);
    const special = c === '\\' || c === '*' || c === '?' || (expand && c === '%');
    out += run === 1 && !special ? '\\' : '\\\\'.repeat(run);
    i += run;
  }
  return out;
}
