/*
 * Values, typing, comparison, LIKE and IP addresses for the ES|QL test evaluator (esql-evaluator.ts).
 */

export type ValType = 'keyword' | 'text' | 'long' | 'integer' | 'double' | 'boolean' | 'ip' | 'null';
export type Scalar = string | number | boolean;

export interface Val {
  readonly type: ValType;
  /** null, one value, or several (a multi-valued field). An ip is its text. */
  readonly value: Scalar | readonly Scalar[] | null;
  /** A string literal written in the query (ES|QL casts these implicitly to ip in comparisons). */
  readonly literal?: boolean;
}

export class EsqlTypeError {
  constructor(readonly message: string) {}
}

export const isString = (t: ValType, allowNull = false): boolean => t === 'keyword' || t === 'text' || (allowNull && t === 'null');
const isNumber = (t: ValType): boolean => t === 'integer' || t === 'long' || t === 'double';

/** UTF-8 byte order = code point order (ES|QL compares keywords as BytesRef). */
function compareStrings(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i]?.codePointAt(0) ?? 0) - (y[i]?.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/**
 * Compares two single values, or returns null when either is null. Types must agree (strings with
 * strings, numbers with numbers, booleans, ips; a string literal against an ip is cast); otherwise an
 * EsqlTypeError, as ES|QL's verifier rejects the query.
 */
export function compareValues(l: Val, r: Val, op: string): number | null {
  let left = l;
  let right = r;
  if (left.type === 'ip' && right.type === 'keyword' && right.literal === true) right = castLiteralIp(right);
  if (right.type === 'ip' && left.type === 'keyword' && left.literal === true) left = castLiteralIp(left);
  const ok =
    left.type === 'null' ||
    right.type === 'null' ||
    (isString(left.type) && isString(right.type)) ||
    (isNumber(left.type) && isNumber(right.type)) ||
    left.type === right.type;
  if (!ok) throw new EsqlTypeError(`first argument of [${op}] is [${left.type}] so second argument must also be [${left.type}] but was [${right.type}]`);
  if (left.value === null || right.value === null) return null;
  const a = left.value as Scalar;
  const b = right.value as Scalar;
  if (left.type === 'ip' || right.type === 'ip') {
    const x = parseIp(String(a));
    const y = parseIp(String(b));
    if (x === null || y === null) throw new EsqlTypeError(`not an ip: ${String(x === null ? a : b)}`);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  throw new EsqlTypeError(`cannot compare ${JSON.stringify(a)} with ${JSON.stringify(b)}`);
}

function castLiteralIp(v: Val): Val {
  if (v.value === null || parseIp(String(v.value)) === null) throw new EsqlTypeError(`cannot convert string [${String(v.value)}] to [ip]`);
  return { type: 'ip', value: v.value };
}

/**
 * LIKE: the whole value against the pattern; `*` any run, `?` one character (code point), `\` followed
 * by `*`, `?` or `\` that character; a `\` before anything else, or at the end, is an error
 * (elastic/elasticsearch esql-core StringUtils.wildcardToJavaPattern, "Invalid sequence - escape
 * character is not followed by special wildcard char").
 */
export function likeMatches(pattern: string, value: string): boolean {
  type Piece = { readonly kind: 'char'; readonly c: string } | { readonly kind: 'one' } | { readonly kind: 'any' };
  const pieces: Piece[] = [];
  const cs = [...pattern];
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i] ?? '';
    if (c === '\\') {
      const n = cs[i + 1];
      if (n !== '*' && n !== '?' && n !== '\\') throw new EsqlTypeError(`Invalid pattern [${pattern}]: escape character is not followed by special wildcard char`);
      pieces.push({ kind: 'char', c: n });
      i++;
    } else if (c === '*') pieces.push({ kind: 'any' });
    else if (c === '?') pieces.push({ kind: 'one' });
    else pieces.push({ kind: 'char', c });
  }
  const s = [...value];
  // Positions reachable after each piece (a small NFA walk).
  let cur = new Set([0]);
  for (const p of pieces) {
    const next = new Set<number>();
    for (const i of cur) {
      if (p.kind === 'any') for (let j = i; j <= s.length; j++) next.add(j);
      else if (i < s.length && (p.kind === 'one' || s[i] === p.c)) next.add(i + 1);
    }
    cur = next;
  }
  return cur.has(s.length);
}

/** An IPv4 or IPv6 address as a 128-bit number (IPv4 as IPv4-mapped IPv6, as Elasticsearch stores it), or null. */
export function parseIp(text: string): bigint | null {
  const v4 = parseIpv4(text);
  if (v4 !== null) return (0xffffn << 32n) | v4;
  return parseIpv6(text);
}

function parseIpv4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let out = 0n;
  for (const p of parts) {
    if (!/^(?:0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return null; // leading zeros refused
    out = (out << 8n) | BigInt(p);
  }
  return out;
}

function parseIpv6(text: string): bigint | null {
  if (!/^[0-9A-Fa-f:.]+$/.test(text)) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (h: string): bigint[] | null => {
    if (h === '') return [];
    const out: bigint[] = [];
    const items = h.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i] ?? '';
      if (i === items.length - 1 && item.includes('.')) {
        const v4 = parseIpv4(item);
        if (v4 === null) return null;
        out.push(v4 >> 16n, v4 & 0xffffn);
      } else {
        if (!/^[0-9A-Fa-f]{1,4}$/.test(item)) return null;
        out.push(BigInt(`0x${item}`));
      }
    }
    return out;
  };
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  if (head === null || tail === null) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...Array<bigint>(halves.length === 2 ? missing : 0).fill(0n), ...tail];
  return all.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** Is `ip` inside `block` (`addr/prefix`, IPv4 prefixes counted inside the mapped range)? null when the block is invalid. */
export function ipInCidr(ip: bigint, block: string): boolean | null {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(block);
  if (m === null) return null;
  const addr = m[1] ?? '';
  const isV4 = parseIpv4(addr) !== null;
  const base = parseIp(addr);
  let prefix = Number(m[2]);
  if (base === null || prefix > (isV4 ? 32 : 128)) return null;
  if (isV4) prefix += 96;
  const shift = BigInt(128 - prefix);
  return ip >> shift === base >> shift;
}

/** Null and a warning for a multi-valued operand where ES|QL's operator takes one value. */
export function single(v: Val, what: string, ctx: { readonly warnings: string[] }): Val {
  if (Array.isArray(v.value)) {
    ctx.warnings.push(`${what}: single-value function encountered multi-value`);
    return { type: v.type, value: null };
  }
  return v;
}
