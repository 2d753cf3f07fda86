import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globMatches } from '../../src/condition/resolve.js';

/** The reference meaning of an `x of` pattern: `*` matches any run (newlines too), the rest literally. */
function reference(pattern: string, name: string): boolean {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[\\^$.+?()[\]{}|]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 's').test(name);
}

describe('globMatches', () => {
  it('matches exactly what the anchored `.*` regular expression matches', () => {
    // A small alphabet so patterns and names overlap often; regex metacharacters and an astral character
    // too. A pattern's `*` is a wildcard; a name may hold a literal `*` (a quoted YAML key).
    const char = fc.constantFrom('a', 'b', '_', '.', '\n', '$', '(', '|', '\\', '\u{1F600}');
    const name = fc.array(fc.oneof(char, fc.constant('*')), { maxLength: 8 }).map((cs) => cs.join(''));
    const pattern = fc.array(fc.oneof(char, fc.constant('*')), { maxLength: 8 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(pattern, name, (p, n) => {
        expect(globMatches(p.split('*'), n)).toBe(reference(p, n));
      }),
      { numRuns: 5000 },
    );
  });

  it('does not let the prefix and suffix overlap, and keeps middle parts in order', () => {
    expect(globMatches('ab*ba'.split('*'), 'aba')).toBe(false);
    expect(globMatches('ab*ba'.split('*'), 'abba')).toBe(true);
    expect(globMatches('a*b*c'.split('*'), 'acbc')).toBe(true);
    expect(globMatches('a*b*c'.split('*'), 'abc')).toBe(true);
    expect(globMatches('a*bc*c'.split('*'), 'abc')).toBe(false);
    expect(globMatches('*'.split('*'), '')).toBe(true);
    expect(globMatches(''.split('*'), 'x')).toBe(false);
  });
});
