import { describe, expect, it } from 'vitest';
import { error, warning } from '../../src/diagnostics/diagnostic.js';
import { pointSpan } from '../../src/diagnostics/span.js';
import { dedupe } from '../../src/lower/engine-diagnostics.js';

describe('dedupe (the engine reports each diagnostic once)', () => {
  const here = pointSpan('r.yml', 3, 5);
  const there = pointSpan('r.yml', 4, 5);
  it('drops only a repeat of the same code, place and message, and keeps the order', () => {
    const a = error('unsupported-construct', 'cannot A', here);
    const aAgain = error('unsupported-construct', 'cannot A', here);
    const b = error('unsupported-construct', 'cannot B', here);
    const aThere = error('unsupported-construct', 'cannot A', there);
    const otherCode = error('unresolved-placeholder', 'cannot A', here);
    const asWarning = warning('unsupported-construct', 'cannot A', here);
    const bAgain = error('unsupported-construct', 'cannot B', here);
    // The key is diagnosticKey's: code, place and words (not the severity).
    const out = dedupe([a, aAgain, b, aThere, otherCode, bAgain, asWarning]);
    expect(out).toHaveLength(4);
    expect(out[0]).toBe(a);
    expect(out[1]).toBe(b);
    expect(out[2]).toBe(aThere);
    expect(out[3]).toBe(otherCode);
  });
});
