import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { match } from '../../src/ast/expr.js';
import { pointSpan } from '../../src/diagnostics/span.js';
import { convertExpr } from '../../src/lower/convert-expr.js';
import { findTarget, TARGET_IDS, TARGETS } from '../../src/targets/registry.js';

/*
 * convertExpr keeps each target's written sources by name (convert-expr.ts, writtenSources). The cache
 * must be invisible: in any order, with names that are special to objects, and with names repeated, the
 * query holds what the target's `write` gives for that name (or the refusal), computed afresh.
 */

const span = pointSpan('t.yml', 1, 1);
// Digits only: no target refuses the value itself (elastic-kql refuses case-insensitive letters).
const expr = match('f', { kind: 'string', parts: [{ kind: 'literal', text: '42' }], cased: false }, span);

const hostile = fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '', ' ', 'logs-*', 'a.b', 'a,b', 'A', 'a');
const names = fc.array(fc.oneof(hostile, fc.string({ maxLength: 6 })), { minLength: 1, maxLength: 30 });

describe('written sources (cached per target)', () => {
  it('give what the target writes for each name, in any order, names repeated', () => {
    fc.assert(
      fc.property(names, fc.constantFrom(...TARGET_IDS), (sources, id) => {
        const target = findTarget(id);
        if (target === undefined) throw new Error(`no target ${id}`);
        for (const source of [...sources, ...sources.slice().reverse()]) {
          const written = target.source.write(source);
          const result = convertExpr(expr, id, { source });
          if (typeof written === 'string') {
            expect(result.ok).toBe(true);
            if (result.ok) expect(result.value.parts.source).toBe(written);
          } else {
            expect(result.ok).toBe(false);
            expect(result.diagnostics.map((d) => d.message).join('\n')).toContain(written.reason);
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('a declaration given another write function gets its own results, not the cached ones', () => {
    const target = TARGETS.find((t) => t.id === 'sentinel-kql');
    if (target === undefined) throw new Error('no sentinel-kql target');
    const before = convertExpr(expr, target.id, { source: 'Table' });
    expect(before.ok && before.value.parts.source).toBe('Table');
    const original = target.source.write;
    // A library caller that changes a declaration in place (the type says readonly; JavaScript allows it).
    const source = target.source as { write: typeof original };
    source.write = (name) => `other_${name}`;
    try {
      const after = convertExpr(expr, target.id, { source: 'Table' });
      expect(after.ok && after.value.parts.source).toBe('other_Table');
    } finally {
      source.write = original;
    }
    const again = convertExpr(expr, target.id, { source: 'Table' });
    expect(again.ok && again.value.parts.source).toBe('Table');
  });
});
