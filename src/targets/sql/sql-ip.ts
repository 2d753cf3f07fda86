import { sqlString } from './sql-text.js';

/*
 * cidr. What counts as an address (both engines, the same set): IPv4 is a dotted quad of decimal
 * octets 0-255 without leading zeros and nothing around it ('10.1.2.3'; not '010.1.2.3', ' 10.1.2.3',
 * '10.1.2.3/32'). IPv6 (PostgreSQL only) is any RFC 4291 §2.2 text form, hex in either case, with or
 * without an IPv4 tail, without a zone ('%eth0') or prefix length.
 */

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4_BODY = `${OCTET}(\\.${OCTET}){3}`;

/** PostgreSQL ARE for an IPv4 address as defined above (every such text is valid `inet` input). */
export const IPV4_ARE = `^${IPV4_BODY}$`;

const H = '[0-9A-Fa-f]{1,4}';

function ipv6Alternatives(): string[] {
  const alts = [`(${H}:){7}${H}`, `(${H}:){6}${IPV4_BODY}`];
  for (let left = 0; left <= 7; left++) {
    const l = left === 0 ? '' : `(${H}:){${left - 1}}${H}`;
    // "::" stands for at least one zero group: left + right <= 7 groups (an IPv4 tail counts as two).
    if (left <= 6) alts.push(`${l}::(${H}(:${H}){0,${6 - left}})?`);
    else alts.push(`${l}::`);
    if (left <= 5) alts.push(`${l}::(${H}:){0,${5 - left}}${IPV4_BODY}`);
  }
  return alts;
}

/** PostgreSQL ARE for an IPv6 address as defined above (every such text is valid `inet` input). */
export const IPV6_ARE = `^(${ipv6Alternatives().join('|')})$`;

/**
 * SQLite has no address type. An IPv4 network is still an exact text test: the value must be a
 * dotted quad as defined above (checked with GLOB, whose `[...]` classes and `*` are exact), and its
 * leading octets must spell the network's: whole octets literally, the partial octet as decimal
 * ranges (172.16.0.0/12 -> '172.1[6-9].*', '172.2[0-9].*', '172.3[01].*').
 */
export function ipv4Glob(fieldText: string, network: string, prefixLength: number): string {
  const glob = (p: string) => `${fieldText} GLOB ${sqlString(p)}`;
  const octets = (network.split('/')[0] ?? '').split('.').map(Number);
  const whole = Math.floor(prefixLength / 8);
  const rest = prefixLength % 8;
  const fixed = octets.slice(0, whole).join('.');
  let alternatives: string[];
  if (whole === 4) {
    alternatives = [fixed];
  } else if (rest === 0) {
    alternatives = whole === 0 ? [] : [`${fixed}.*`];
  } else {
    const low = octets[whole] ?? 0;
    const high = low + 2 ** (8 - rest) - 1;
    const tail = whole === 3 ? '' : '.*';
    const head = whole === 0 ? '' : `${fixed}.`;
    alternatives = decimalRangeGlobs(low, high).map((r) => `${head}${r}${tail}`);
  }
  const inNetwork = alternatives.length === 0 ? [] : [alternatives.length === 1 ? glob(alternatives[0] ?? '') : `(${alternatives.map(glob).join(' OR ')})`];
  // Not a dotted quad: a fifth dot, another character, an empty octet, a leading zero, four digits,
  // or a three-digit octet above 255 (at the start or after a dot).
  const invalid = [
    '*.*.*.*.*',
    '*[^0-9.]*',
    '.*',
    '*.',
    '*..*',
    '0[0-9]*',
    '*.0[0-9]*',
    '*[0-9][0-9][0-9][0-9]*',
    '[3-9][0-9][0-9]*',
    '*.[3-9][0-9][0-9]*',
    '2[6-9][0-9]*',
    '*.2[6-9][0-9]*',
    '25[6-9]*',
    '*.25[6-9]*',
  ];
  return [...inNetwork, glob('*.*.*.*'), `NOT (${invalid.map(glob).join(' OR ')})`].join(' AND ');
}

/** GLOB patterns matching exactly the decimal numbers low..high (no leading zeros), 0 <= low <= high <= 255. */
export function decimalRangeGlobs(low: number, high: number): string[] {
  const out: string[] = [];
  for (let width = 1; width <= 3; width++) {
    const a = Math.max(low, width === 1 ? 0 : 10 ** (width - 1));
    const b = Math.min(high, 10 ** width - 1);
    if (a <= b) out.push(...fixedWidthRange(String(a), String(b)));
  }
  return out;
}

function fixedWidthRange(lo: string, hi: string): string[] {
  if (lo.length === 0) return [''];
  const l = Number(lo[0]);
  const h = Number(hi[0]);
  const loRest = lo.slice(1);
  const hiRest = hi.slice(1);
  const any = '[0-9]'.repeat(loRest.length);
  if (l === h) return fixedWidthRange(loRest, hiRest).map((r) => `${l}${r}`);
  if (/^0*$/.test(loRest) && /^9*$/.test(hiRest)) return [`${digitClass(l, h)}${any}`];
  const out = fixedWidthRange(loRest, '9'.repeat(loRest.length)).map((r) => `${l}${r}`);
  if (h - l > 1) out.push(`${digitClass(l + 1, h - 1)}${any}`);
  out.push(...fixedWidthRange('0'.repeat(hiRest.length), hiRest).map((r) => `${h}${r}`));
  return out;
}

function digitClass(from: number, to: number): string {
  return from === to ? String(from) : `[${from}-${to}]`;
}
