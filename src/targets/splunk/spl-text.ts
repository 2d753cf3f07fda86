import { backslashEach } from '../../lower/string-shape.js';

/*
 * SPL text shared by the rule query (splunk.ts) and the correlation query (correlation.ts).
 */

const QUOTED_SPECIALS = /[\\"]/g;

/**
 * A double-quoted string: only `\` and `"` are escaped. The same in search (docs: "Backslashes") and
 * in eval (docs: "Types of expressions", where `\t` etc. are escapes too, so every backslash is doubled).
 */
export function quote(text: string): string {
  return `"${backslashEach(text, QUOTED_SPECIALS)}"`;
}

const EVAL_FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;
/**
 * eval's operator words, in any case (docs "eval command": AND OR NOT XOR LIKE), and its literal-like
 * words: written bare they would not be field names. Quoting a field name is always safe.
 */
const EVAL_RESERVED = /^(?:and|or|not|xor|like|in|true|false|null)$/i;

/** eval field names: bare when simple, else single-quoted (`'a.b'`; a bare dot is concatenation). */
export function evalFieldName(name: string): string | null {
  if (EVAL_FIELD.test(name) && !EVAL_RESERVED.test(name)) return name;
  if (/['\\]/.test(name)) return null;
  return `'${name}'`;
}
