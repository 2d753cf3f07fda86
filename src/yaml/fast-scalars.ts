import yaml from 'js-yaml';

/**
 * Scalar pieces of the fast reader (fast-reader.ts): plain-scalar typing and the escapes of double-quoted
 * scalars, each exactly as js-yaml 4 reads them (lib/loader.js, lib/type/*.js). `Decline` is what the reader
 * throws when the text uses something it does not handle; the loader then runs js-yaml.
 */

/** Thrown (never seen outside fast-reader.ts) when the fast reader gives the file to js-yaml. */
export class Decline {
  constructor(readonly reason: string) {}
}

interface ImplicitType {
  readonly tag: string;
  resolve(data: string): boolean;
  construct(data: string): unknown;
}

/**
 * The implicit types js-yaml's loader itself applies to plain scalars under CORE_SCHEMA (its loader reads
 * `schema.compiledImplicit`: null, bool, int, float). Using the same objects makes the typing identical
 * by construction. js-yaml's typings do not list the field; without it the fast path stays off.
 */
const IMPLICIT: readonly ImplicitType[] | undefined = (yaml.CORE_SCHEMA as unknown as { compiledImplicit?: readonly ImplicitType[] }).compiledImplicit;

export const fastPathAvailable = Array.isArray(IMPLICIT) && IMPLICIT.length > 0;

/**
 * Whether a plain scalar could be a non-string implicit value, told from its first character and length:
 * null is `~` or `null`/`Null`/`NULL`, bool is `true`/`false` in the same three casings (4 or 5 characters),
 * int starts with a sign or digit, float with a sign, digit or `.` (js-yaml lib/type/null.js, bool.js,
 * int.js, float.js). Other scalars are strings without asking the types, which most keys and values are.
 * test/yaml/fast-reader.test.ts checks this against the types themselves.
 */
export function mayBeTyped(text: string): boolean {
  const first = text.charCodeAt(0);
  switch (first) {
    case 0x2b: // +
    case 0x2d: // -
    case 0x2e: // .
      return true;
    case 0x7e: // ~
      return text.length === 1;
    case 0x6e: // n
    case 0x4e: // N
    case 0x74: // t
    case 0x54: // T
    case 0x66: // f
    case 0x46: // F
      return text.length === 4 || text.length === 5;
    default:
      return first >= 0x30 && first <= 0x39;
  }
}

/** The value js-yaml gives a plain scalar (its implicit types in order; a string when none resolves). */
export function typePlain(text: string): string | number | boolean | null {
  if (!mayBeTyped(text)) return text;
  const types = IMPLICIT ?? [];
  for (let i = 0; i < types.length; i++) {
    const type = types[i]!;
    if (type.resolve(text)) {
      const value = type.construct(text);
      if (value === null || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return value;
      throw new Decline(`implicit type ${type.tag} made a ${typeof value}`);
    }
  }
  return text;
}

/** The text of a one-character escape in a double-quoted scalar (`\n`), or undefined (js-yaml's simpleEscapeSequence). */
export function simpleEscape(c: number): string | undefined {
  switch (c) {
    case 0x30:
      return '\0';
    case 0x61:
      return '\x07';
    case 0x62:
      return '\b';
    case 0x74:
    case 0x09:
      return '\t';
    case 0x6e:
      return '\n';
    case 0x76:
      return '\v';
    case 0x66:
      return '\f';
    case 0x72:
      return '\r';
    case 0x65:
      return '\x1b';
    case 0x20:
      return ' ';
    case 0x22:
      return '"';
    case 0x2f:
      return '/';
    case 0x5c:
      return '\\';
    case 0x4e:
      return '\x85';
    case 0x5f:
      return '\xa0';
    case 0x4c:
      return '\u2028';
    case 0x50:
      return '\u2029';
    default:
      return undefined;
  }
}

/** Digits after `\x`, `\u`, `\U`; 0 for another character. */
export function hexEscapeLength(c: number): number {
  return c === 0x78 ? 2 : c === 0x75 ? 4 : c === 0x55 ? 8 : 0;
}

export function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/** js-yaml's charFromCodepoint (a code point past U+FFFF becomes a surrogate pair). */
export function fromCodePoint(c: number): string {
  if (c <= 0xffff) return String.fromCharCode(c);
  return String.fromCharCode(((c - 0x10000) >> 10) + 0xd800, ((c - 0x10000) & 0x3ff) + 0xdc00);
}
