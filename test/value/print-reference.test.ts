/**
 * printSigmaString writes a literal's text a slice at a time (src/value/sigma-string.ts). Whatever the
 * parts, it must write what writing the text character by character (the reference below) writes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StringPart } from '../../src/ast/value.js';
import { normalizeParts, printSigmaString } from '../../src/value/sigma-string.js';

function reference(input: readonly StringPart[], expandOption: boolean): string {
  const parts = normalizeParts(input);
  const expand = expandOption || parts.some((p) => p.kind === 'placeholder');
  let out = '';
  parts.forEach((part, index) => {
    if (part.kind === 'wildcard-multi') out += '*';
    else if (part.kind === 'wildcard-single') out += '?';
    else if (part.kind === 'placeholder') out += `%${part.name}%`;
    else {
      const following = parts[index + 1];
      const text = part.text;
      for (let i = 0; i < text.length; ) {
        const c = text.charAt(i);
        if (c !== '\\') {
          out += c === '*' || c === '?' || (expand && c === '%') ? '\\' + c : c;
          i++;
          continue;
        }
        let run = 1;
        while (text.charAt(i + run) === '\\') run++;
        const next = i + run < text.length ? text.charAt(i + run) : null;
        const startsEscape = next !== null ? next === '*' || next === '?' || (expand && next === '%') : following !== undefined;
        out += run === 1 && !startsEscape ? '\\' : '\\\\'.repeat(run);
        i += run;
      }
    }
  });
  return out;
}

const partArb: fc.Arbitrary<StringPart> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: fc.constantFrom('a', 'b', '\\', '*', '?', '%', ' ', 'é', '😀'), maxLength: 8 }).map((text): StringPart => ({ kind: 'literal', text })) },
  { weight: 1, arbitrary: fc.constant<StringPart>({ kind: 'wildcard-multi' }) },
  { weight: 1, arbitrary: fc.constant<StringPart>({ kind: 'wildcard-single' }) },
  { weight: 1, arbitrary: fc.constantFrom('x', 'Servers').map((name): StringPart => ({ kind: 'placeholder', name })) },
);

describe('printSigmaString', () => {
  it('writes what writing each character on its own writes', () => {
    fc.assert(
      fc.property(fc.array(partArb, { maxLength: 6 }), fc.boolean(), (parts, expand) => {
        expect(printSigmaString(parts, { expand })).toBe(reference(parts, expand));
        expect(printSigmaString(parts)).toBe(reference(parts, false));
      }),
      { numRuns: 3000 },
    );
  });
});
