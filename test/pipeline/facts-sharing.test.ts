import { describe, expect, it } from 'vitest';
import { NO_FACTS, withId, writtenFacts } from '../../src/pipeline/item-rewrites.js';

describe('shared facts (made once per distinct history)', () => {
  it('withId adds the id after the others and never changes the set it was given', () => {
    const a = withId(NO_FACTS.applied, 'a');
    const ab = withId(a, 'b');
    const ba = withId(withId(NO_FACTS.applied, 'b'), 'a');
    expect([...NO_FACTS.applied]).toEqual([]);
    expect([...a]).toEqual(['a']);
    expect([...ab]).toEqual(['a', 'b']);
    expect([...ba]).toEqual(['b', 'a']);
    expect(withId(ab, 'a')).toBe(ab);
    // The same history gives the same (shared) set; another history never gets it.
    expect(withId(a, 'b')).toBe(ab);
    expect(withId(a, 'c')).not.toBe(ab);
    expect([...withId(a, 'c')]).toEqual(['a', 'c']);
  });

  it('writtenFacts are the transformation\'s own, and added only when asked', () => {
    const one = writtenFacts('t1', false);
    const two = writtenFacts('t2', true);
    expect([...one.applied]).toEqual(['t1']);
    expect(one.added).toBe(false);
    expect([...two.applied]).toEqual(['t2']);
    expect(two.added).toBe(true);
    expect(writtenFacts('t1', true).added).toBe(true);
    expect(writtenFacts('t1', false)).toBe(one);
    expect(one.refApplied.size).toBe(0);
  });
});
