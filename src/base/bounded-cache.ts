/**
 * A pure function's results by their exact input, for work a conversion repeats per rule although it
 * depends only on a few distinct inputs (a detection key's modifiers, a condition text, a network, a
 * field name written for a language, an item's facts after the same transformations). The lowest layer:
 * every other may import it. Bounded: past `limit` entries the cache starts over, so memory stays flat however
 * large the pack; a result is the same whether it was cached or computed again.
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly limit: number) {}

  /** `make(key)`, computed once per key while the key stays cached. `make` must depend only on `key`. */
  get(key: K, make: (key: K) => V): V {
    const known = this.entries.get(key);
    if (known !== undefined || this.entries.has(key)) return known as V;
    const value = make(key);
    this.set(key, value);
    return value;
  }

  /** The result cached for `key`, if any (for a caller that caches only some results: see `set`). */
  peek(key: K): V | undefined {
    return this.entries.get(key);
  }

  /** Caches `value` as the result for `key` (a result of a pure function of `key`). */
  set(key: K, value: V): void {
    if (this.entries.size >= this.limit) this.entries.clear();
    this.entries.set(key, value);
  }

  /** How many results are cached (never more than the limit). */
  get size(): number {
    return this.entries.size;
  }
}

/**
 * One BoundedCache per owner object (a query language, a pipeline): results of one owner never answer
 * for another, and a cache goes away with its owner.
 */
export class CachePerOwner<O extends object, K, V> {
  private readonly caches = new WeakMap<O, BoundedCache<K, V>>();

  constructor(private readonly limit: number) {}

  of(owner: O): BoundedCache<K, V> {
    let cache = this.caches.get(owner);
    if (cache === undefined) {
      cache = new BoundedCache(this.limit);
      this.caches.set(owner, cache);
    }
    return cache;
  }
}
