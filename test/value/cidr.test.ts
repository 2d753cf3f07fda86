import { describe, expect, it } from 'vitest';
import { networkBits, parseCidr } from '../../src/value/cidr.js';

describe('networkBits', () => {
  it('reads the address of a network text as parseCidr does', () => {
    expect(networkBits('10.0.0.0/8')).toBe(0x0a000000n);
    expect(networkBits('::ffff:a00:0/104')).toBe((0xffffn << 32n) | 0x0a000000n);
    expect(networkBits('fc00::/7')).toBe(0xfcn << 120n);
    expect(networkBits('::/0')).toBe(0n);
    expect(networkBits('1:2:3:4:5:6:7:8')).toBe(0x00010002000300040005000600070008n);
    expect(networkBits('nope/3')).toBeNull();
  });

  it('round-trips every normalised network parseCidr writes', () => {
    for (const text of ['192.168.1.7/24', '2001:db8::1/32', '::ffff:10.1.2.3/120', '0.0.0.0/0']) {
      const r = parseCidr(text);
      if (!r.ok) throw new Error(r.reason);
      const again = parseCidr(r.value.network);
      expect(again.ok && networkBits(again.value.network)).toBe(networkBits(r.value.network));
    }
  });
});

describe('parseCidr reads each network text once', () => {
  it('gives every use an equal result of its own, also past the cache bound', () => {
    const first = parseCidr('10.1.2.3/8');
    const second = parseCidr('10.1.2.3/8');
    expect(second).toEqual(first);
    expect(second).toEqual({ ok: true, value: { kind: 'cidr', network: '10.0.0.0/8', version: 4, prefixLength: 8 }, hostBitsSet: true });
    expect(first.ok && second.ok && first.value !== second.value).toBe(true);
    if (first.ok) (first.value as { network: string }).network = 'changed';
    expect(parseCidr('10.1.2.3/8')).toEqual(second);
    for (let i = 0; i < 1100; i++) parseCidr(`10.${i >> 8}.${i & 255}.0/24`);
    expect(parseCidr('10.1.2.3/8')).toEqual(second);
    expect(parseCidr('10.01.0.0/16')).toEqual(parseCidr('10.01.0.0/16'));
    expect(parseCidr('10.01.0.0/16').ok).toBe(false);
  });
});
