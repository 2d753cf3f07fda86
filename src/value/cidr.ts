import { BoundedCache } from '../base/bounded-cache.js';
import type { CidrValue } from '../ast/value.js';

/**
 * Parses a `cidr` value: an IPv4 or IPv6 network `address/prefix`, or a bare address (a /32 or
 * /128 network, as Python's `ipaddress.ip_network`, which pySigma uses, reads it). The network is
 * normalised: host bits cleared (reported in `hostBitsSet`), IPv4 dotted decimal, IPv6 in RFC 5952
 * form (lowercase, no leading zeros, the longest run of two or more zero groups as `::`).
 * Leading zeros in IPv4 octets are refused: some parsers read them as octal.
 */
type CidrParse =
  | { readonly ok: true; readonly value: CidrValue; readonly hostBitsSet: boolean }
  | { readonly ok: false; readonly reason: string };

export function parseCidr(text: string): CidrParse {
  const result = parsedNetworks.get(text, readCidr);
  if (!result.ok) return result;
  // A copy per use: the value goes into the caller's rule, which must share nothing with another's.
  return { ok: true, value: { ...result.value }, hostBitsSet: result.hostBitsSet };
}

/**
 * Networks read before, by their text: rules repeat the same few (10.0.0.0/8, fe80::/10, ...; SigmaHQ has
 * ~300 cidr values) and reading one takes BigInt arithmetic. Bounded: past the limit it starts over.
 */
const parsedNetworks = new BoundedCache<string, CidrParse>(1024);

function readCidr(text: string): CidrParse {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const prefixText = slash < 0 ? null : text.slice(slash + 1);
  const isV6 = address.includes(':');
  const bits = isV6 ? parseIpv6(address) : parseIpv4(address);
  if (typeof bits === 'string') return { ok: false, reason: bits };
  const width = isV6 ? 128 : 32;
  let prefixLength = width;
  if (prefixText !== null) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) return { ok: false, reason: `the prefix length '${prefixText}' is not a number` };
    prefixLength = Number(prefixText);
    if (prefixLength > width) return { ok: false, reason: `the prefix length ${prefixLength} is larger than ${width}` };
  }
  const mask = prefixLength === 0 ? 0n : ((1n << BigInt(prefixLength)) - 1n) << BigInt(width - prefixLength);
  const network = bits & mask;
  const shown = isV6 ? formatIpv6(network) : formatIpv4(network);
  return {
    ok: true,
    value: { kind: 'cidr', network: `${shown}/${prefixLength}`, version: isV6 ? 6 : 4, prefixLength },
    hostBitsSet: network !== bits,
  };
}

/**
 * The address bits of a network text `address/prefix` (or a bare address) as parseCidr reads it, e.g.
 * of a normalised `CidrValue.network`; null when the address does not parse.
 */
export function networkBits(network: string): bigint | null {
  const address = network.split('/')[0] ?? '';
  const bits = address.includes(':') ? parseIpv6(address) : parseIpv4(address);
  return typeof bits === 'string' ? null : bits;
}

function parseIpv4(text: string): bigint | string {
  const octets = text.split('.');
  if (octets.length !== 4) return `'${text}' is not an IPv4 or IPv6 address`;
  let n = 0n;
  for (const octet of octets) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(octet)) {
      return /^[0-9]+$/.test(octet)
        ? `the IPv4 octet '${octet}' has a leading zero, which some tools read as octal`
        : `'${text}' is not an IPv4 or IPv6 address`;
    }
    const v = Number(octet);
    if (v > 255) return `the IPv4 octet ${v} is larger than 255`;
    n = (n << 8n) | BigInt(v);
  }
  return n;
}

function parseIpv6(text: string): bigint | string {
  if (text.includes('%')) return `'${text}' has a zone id; a network cannot have one`;
  const invalid = `'${text}' is not a valid IPv6 address`;
  const halves = text.split('::');
  if (halves.length > 2) return invalid;
  const groups = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  // An embedded IPv4 address may end the address and stands for two groups.
  const convert = (list: string[], isLast: boolean): number[] | null => {
    const out: number[] = [];
    for (let i = 0; i < list.length; i++) {
      const g = list[i] ?? '';
      if (isLast && i === list.length - 1 && g.includes('.')) {
        const v4 = parseIpv4(g);
        if (typeof v4 === 'string') return null;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) {
        out.push(parseInt(g, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const a = convert(head, halves.length === 1);
  const b = convert(tail, true);
  if (a === null || b === null) return invalid;
  const count = a.length + b.length;
  if (halves.length === 1 ? count !== 8 : count > 7) return invalid;
  const all = [...a, ...new Array<number>(8 - count).fill(0), ...b];
  return all.reduce((n, w) => (n << 16n) | BigInt(w), 0n);
}

function formatIpv4(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 0xffn)).join('.');
}

function formatIpv6(n: bigint): string {
  const words: number[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) words.push(Number((n >> s) & 0xffffn));
  // RFC 5952 §4.2: compress the longest run (first on a tie) of at least two zero groups.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (ws: number[]): string => ws.map((w) => w.toString(16)).join(':');
  if (bestStart < 0) return hex(words);
  return `${hex(words.slice(0, bestStart))}::${hex(words.slice(bestStart + bestLength))}`;
}
