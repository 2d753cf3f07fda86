import type { StringPart } from '../ast/value.js';
import { normalizeParts } from './sigma-string.js';

/**
 * Byte encodings behind the `utf16le`/`wide`, `utf16be`, `utf16`, `base64` and `base64offset`
 * modifiers, and the `windash` expansion (SPEC-DIGEST §5). Browser-safe: no Node API.
 */

/** True when `text` has a UTF-16 surrogate without its partner; such text has no UTF-8/UTF-16 bytes. */
export function hasLoneSurrogate(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
      else return true;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return true;
    }
  }
  return false;
}

/**
 * The length of `utf8Bytes(text)` (TextEncoder's encoding, a lone surrogate as U+FFFD: 3 bytes), counted
 * without encoding: callers that only compare a length with a limit need no bytes.
 */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      n += 1;
    } else if (c < 0x800) {
      n += 2;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4; // a surrogate pair: one character of 4 bytes
      i++;
    } else {
      n += 3;
    }
  }
  return n;
}

/** True when `text` has more than `limit` UTF-8 bytes; a short text is decided by its length alone (at most 3 bytes per code unit). */
export function utf8LongerThan(text: string, limit: number): boolean {
  return text.length * 3 > limit && utf8Length(text) > limit;
}

/** UTF-8 bytes. Callers reject lone surrogates first (TextEncoder would silently write U+FFFD). */
export function utf8Bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** UTF-16LE (`wide`, `utf16le`): `cmd` -> 63 00 6d 00 64 00. JS strings are UTF-16 code units already. */
export function utf16leBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[2 * i] = c & 0xff;
    out[2 * i + 1] = c >> 8;
  }
  return out;
}

/** UTF-16BE (`utf16be`): `cmd` -> 00 63 00 6d 00 64. */
export function utf16beBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[2 * i] = c >> 8;
    out[2 * i + 1] = c & 0xff;
  }
  return out;
}

/**
 * `utf16`: the byte order mark FF FE, then UTF-16LE, as the spec says. (pySigma's `utf16` modifier
 * prepends U+FEFF as a character, which is EF BB BF in UTF-8; we follow the spec. Newer pySigma
 * also turns that into FF FE before base64.)
 */
export function utf16Bytes(text: string): Uint8Array {
  const body = utf16leBytes(text);
  const out = new Uint8Array(body.length + 2);
  out[0] = 0xff;
  out[1] = 0xfe;
  out.set(body, 2);
  return out;
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 (RFC 4648 §4) with `=` padding. */
export function base64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i] ?? 0;
    const b1 = bytes[i + 1] ?? 0;
    const b2 = bytes[i + 2] ?? 0;
    const n = (b0 << 16) | (b1 << 8) | b2;
    const remaining = bytes.length - i;
    out += BASE64_ALPHABET.charAt((n >> 18) & 63);
    out += BASE64_ALPHABET.charAt((n >> 12) & 63);
    out += remaining > 1 ? BASE64_ALPHABET.charAt((n >> 6) & 63) : '=';
    out += remaining > 2 ? BASE64_ALPHABET.charAt(n & 63) : '=';
  }
  return out;
}

/**
 * `base64offset`: the base64 text of `bytes` as it appears when the bytes start at offset 0, 1 or 2
 * of a 3-byte group inside a longer encoded text, cut to the characters that do not depend on the
 * neighbouring bytes. This is pySigma's algorithm: encode `i` spaces + bytes, then keep
 * `[start[i], end[(length + i) % 3])` with start = (0, 2, 3) and end = (none, -3, -2), where length
 * is the byte length. `cmd` -> `Y21k`, `NtZ`, `jbW`.
 *
 * A 1-byte input leaves one alignment with no stable character (an empty string); callers must refuse
 * it rather than let `contains` turn it into a match-anything.
 */
export function base64Offsets(bytes: Uint8Array): [string, string, string] {
  const starts = [0, 2, 3] as const;
  const ends = [undefined, -3, -2] as const;
  const one = (shift: 0 | 1 | 2): string => {
    const shifted = new Uint8Array(bytes.length + shift);
    shifted.fill(0x20, 0, shift);
    shifted.set(bytes, shift);
    const encoded = base64(shifted);
    const end = ends[(bytes.length + shift) % 3];
    return encoded.slice(starts[shift], end === undefined ? encoded.length : Math.max(starts[shift], encoded.length + end));
  };
  return [one(0), one(1), one(2)];
}

/** The characters `windash` puts in place of a flag dash, in pySigma's order. */
export const WINDASH_CHARACTERS = ['-', '/', '\u2013', '\u2014', '\u2015'] as const;

/** Word character as in Python's Unicode-aware `\b` (letters, digits, underscore). */
function isWordChar(c: string): boolean {
  return c !== '' && /^[\p{L}\p{N}_]$/u.test(c);
}

/**
 * Positions in `text` of a `-` or `/` that starts a flag: pySigma's `\B[-/]\b`, i.e. not preceded by
 * a word character and followed by one. Only ASCII `-` and `/` are inputs: a rule author who typed an
 * en dash meant that character, and this is what SigmaHQ's tooling (against which the corpus is
 * tested) does. Word characters follow Python's Unicode `\w`.
 */
function flagPositions(text: string): number[] {
  const positions: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if ((c === '-' || c === '/') && !isWordChar(text.charAt(i - 1)) && isWordChar(text.charAt(i + 1))) {
      positions.push(i);
    }
  }
  return positions;
}

/** How many flag dashes `windash` would vary (the variants number 5 to that power). */
export function windashFlagCount(parts: readonly StringPart[]): number {
  return parts.reduce((n, p) => n + (p.kind === 'literal' ? flagPositions(p.text).length : 0), 0);
}

/**
 * `windash`: every combination of the five dash characters at each flag position, the leftmost
 * position varying slowest. Each literal part is scanned alone (a wildcard or placeholder next to it
 * counts as a string boundary, as in pySigma). A value without flags gives itself.
 */
export function windashVariants(parts: readonly StringPart[]): StringPart[][] {
  let variants: StringPart[][] = [[]];
  for (const part of parts) {
    if (part.kind !== 'literal') {
      variants = variants.map((v) => [...v, part]);
      continue;
    }
    // Split the literal into fixed pieces around flag positions, then multiply out.
    let texts: string[] = [''];
    let last = 0;
    for (const pos of flagPositions(part.text)) {
      const fixed = part.text.slice(last, pos);
      texts = texts.flatMap((t) => WINDASH_CHARACTERS.map((d) => t + fixed + d));
      last = pos + 1;
    }
    const tail = part.text.slice(last);
    texts = texts.map((t) => t + tail);
    variants = variants.flatMap((v) => texts.map((t) => [...v, { kind: 'literal' as const, text: t }]));
  }
  return variants.map((v) => normalizeParts(v));
}
