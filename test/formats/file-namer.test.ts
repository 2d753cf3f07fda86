// FileNamer (one output file per rule, named as rules finish): the first keeps its name, a later one that
// meets it (case-insensitively: X and x are one file on Windows and macOS) gets `-2`, `-3`, ..., and the
// entry it met is told, for the warning. Checked against a plain reference over random names that collide.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FileNamer, uniqueFileNames } from '../../src/render/render-format.js';

/** The rule, written out plainly: the used names as a set of lower-case keys, the first owner of each. */
function reference(bases: readonly string[]): { name: string; earlier?: number }[] {
  const used = new Set<string>();
  const owner = new Map<string, number>();
  return bases.map((base, index) => {
    let name = base;
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${base}-${n}`;
    used.add(name.toLowerCase());
    const earlier = owner.get(base.toLowerCase());
    owner.set(name.toLowerCase(), index);
    return name !== base && earlier !== undefined ? { name, earlier } : { name };
  });
}

describe('FileNamer', () => {
  it('names as the reference does, renames and earlier entries included', () => {
    // Few letters, so names meet often: `a`, `A`, `a-2` (a name a rename would make), `É`/`é`.
    const base = fc.array(fc.constantFrom('a', 'A', 'b', '-2', '-3', 'É', 'é', '/'), { minLength: 1, maxLength: 4 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.array(base, { maxLength: 40 }), (bases) => {
        const namer = new FileNamer();
        expect(bases.map((b) => namer.take(b))).toEqual(reference(bases));
      }),
      { numRuns: 2000 },
    );
  });

  it('examples: a case twin, a name a rename would have made, and the list form', () => {
    const namer = new FileNamer();
    expect(['x', 'X', 'x-2', 'x'].map((b) => namer.take(b))).toEqual([{ name: 'x' }, { name: 'X-2', earlier: 0 }, { name: 'x-2-2', earlier: 1 }, { name: 'x-3', earlier: 0 }]);
    expect(uniqueFileNames(['r', 'R', 'é', 'É'])).toEqual({
      names: ['r', 'R-2', 'é', 'É-2'],
      renamed: [
        { index: 1, earlier: 0, name: 'R-2' },
        { index: 3, earlier: 2, name: 'É-2' },
      ],
    });
  });
});
