import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineIndex } from '../../src/diagnostics/span.js';

/** The reference: walk the text character by character (what LineIndex did before it used indexOf). */
function naivePosition(text: string, offset: number): { line: number; column: number } {
  const end = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let column = 1;
  for (let i = 0; i < end; i++) {
    if (text[i] === '\n') {
      line++;
      column = 1;
    } else {
      column++;
    }
  }
  return { line, column };
}

describe('LineIndex', () => {
  it('\\r\\n line ends, no final newline, and offsets past the end', () => {
    const text = 'a: 1\r\nb: 2\r\n\r\nc';
    const index = new LineIndex('f', text);
    expect(index.position(6)).toEqual({ line: 2, column: 1 });
    expect(index.position(text.length)).toEqual({ line: 4, column: 2 });
    expect(index.position(text.length + 5)).toEqual({ line: 4, column: 2 });
    expect(index.lineText(2)).toBe('b: 2');
    expect(index.lineText(3)).toBe('');
    expect(index.lineText(4)).toBe('c');
  });

  it('agrees with a character walk on any text of line breaks (fast-check)', () => {
    const text = fc.array(fc.constantFrom('a', ' ', '\n', '\r', '\r\n', 'é', '😀'), { maxLength: 40 }).map((p) => p.join(''));
    fc.assert(
      fc.property(text, fc.integer({ min: -2, max: 50 }), (t, offset) => {
        expect(new LineIndex('f', t).position(offset)).toEqual(naivePosition(t, offset));
      }),
      { numRuns: 500 },
    );
  });
});
