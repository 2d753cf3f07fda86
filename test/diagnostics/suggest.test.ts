import { describe, expect, it } from 'vitest';
import { closestName, editDistance } from '../../src/diagnostics/suggest.js';

describe('closestName', () => {
  it('finds the nearest candidate within the limit, case-insensitively, first on ties', () => {
    expect(closestName('selction', ['filter', 'selection'], 2)).toBe('selection');
    expect(closestName('SELECTION', ['selection'], 0)).toBe('selection');
    expect(closestName('ab', ['ax', 'ay'], 1)).toBe('ax');
    expect(closestName('xyzzy', ['contains'], 2)).toBeUndefined();
    expect(closestName('a', [], 5)).toBeUndefined();
  });
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('abc', 'abc')).toBe(0);
  });
});
