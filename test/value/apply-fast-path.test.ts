/**
 * applyModifiers reads a text value under a chain of only wildcard-adders, cased, expand, all and neq
 * in one step (`chain.stars`). That short path must give exactly what the step-by-step path gives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pointSpan } from '../../src/diagnostics/span.js';
import { applyModifiers } from '../../src/value/apply-modifiers.js';
import { parseModifierChain } from '../../src/value/modifiers.js';

const span = pointSpan('t.yml');
const TEXT_ONLY = ['contains', 'startswith', 'endswith', 'cased', 'expand', 'all', 'neq'] as const;

describe('applyModifiers short path for text-only chains', () => {
  it('is taken exactly for text-only chains', () => {
    const stars = (text: string) => {
      const r = parseModifierChain(text === '' ? [] : text.split('|').map((name) => ({ name, span })));
      return r.ok ? r.value.stars : 'error';
    };
    expect(stars('')).toEqual({ before: false, after: false });
    expect(stars('contains|all')).toEqual({ before: true, after: true });
    expect(stars('startswith|cased')).toEqual({ before: false, after: true });
    expect(stars('expand|endswith')).toEqual({ before: true, after: false });
    expect(stars('startswith|endswith')).toEqual({ before: true, after: true });
    for (const other of ['windash', 'contains|windash', 're', 'base64offset|contains', 'cidr', 'exists', 'gt', 'fieldref', 'utf16le|base64']) {
      expect(stars(other), other).toBeNull();
    }
  });

  it('gives what the step-by-step path gives', () => {
    const unit = fc.constantFrom('a', '\\', '*', '?', '%', 'x', ' ', '-');
    const names = fc.uniqueArray(fc.constantFrom(...TEXT_ONLY), { maxLength: 4 });
    fc.assert(
      fc.property(names, fc.string({ unit, maxLength: 10 }), (written, value) => {
        const parsed = parseModifierChain(written.map((name) => ({ name, span })));
        if (!parsed.ok) return;
        const chain = parsed.value;
        expect(chain.stars).not.toBeNull();
        expect(applyModifiers(chain, value, span)).toEqual(applyModifiers({ ...chain, stars: null }, value, span));
      }),
      { numRuns: 3000 },
    );
  });
});
