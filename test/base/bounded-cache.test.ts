import { describe, expect, it } from 'vitest';
import { BoundedCache, CachePerOwner } from '../../src/base/bounded-cache.js';

describe('BoundedCache', () => {
  it('computes each key once while it is cached, and gives the computed result', () => {
    const cache = new BoundedCache<string, string>(10);
    let calls = 0;
    const make = (k: string): string => {
      calls++;
      return k.toUpperCase();
    };
    expect(cache.get('a', make)).toBe('A');
    expect(cache.get('a', make)).toBe('A');
    expect(cache.get('b', make)).toBe('B');
    expect(calls).toBe(2);
  });

  it('caches an undefined result too (a key is computed once, whatever it gives)', () => {
    const cache = new BoundedCache<string, string | undefined>(10);
    let calls = 0;
    const make = (): undefined => {
      calls++;
      return undefined;
    };
    expect(cache.get('x', make)).toBeUndefined();
    expect(cache.get('x', make)).toBeUndefined();
    expect(calls).toBe(1);
  });

  it('never holds more than its limit, and still gives the right result after starting over', () => {
    const cache = new BoundedCache<number, number>(4);
    for (let i = 0; i < 100; i++) {
      expect(cache.get(i, (k) => k * 2)).toBe(i * 2);
      expect(cache.size).toBeLessThanOrEqual(4);
    }
    for (let i = 0; i < 100; i++) expect(cache.get(i, (k) => k * 2)).toBe(i * 2);
  });

  it('peek and set: a caller caches only the results it chooses, within the same limit', () => {
    const cache = new BoundedCache<string, number>(3);
    expect(cache.peek('a')).toBeUndefined();
    cache.set('a', 1);
    expect(cache.peek('a')).toBe(1);
    expect(cache.get('a', () => 99)).toBe(1);
    for (const k of ['b', 'c', 'd', 'e']) {
      cache.set(k, k.length);
      expect(cache.size).toBeLessThanOrEqual(3);
    }
    expect(cache.peek('e')).toBe(1);
  });
});

describe('CachePerOwner', () => {
  it('keeps one cache per owner: a result for one owner never answers for another', () => {
    const caches = new CachePerOwner<{ readonly suffix: string }, string, string>(8);
    const one = { suffix: '-1' };
    const two = { suffix: '-2' };
    expect(caches.of(one).get('f', (k) => k + one.suffix)).toBe('f-1');
    expect(caches.of(two).get('f', (k) => k + two.suffix)).toBe('f-2');
    expect(caches.of(one).get('f', () => 'not asked')).toBe('f-1');
    expect(caches.of(one)).toBe(caches.of(one));
  });
});
