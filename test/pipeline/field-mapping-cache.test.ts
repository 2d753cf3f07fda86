/**
 * What a field transformation makes of a name, and the facts of a renamed item, are cached (src/pipeline/
 * field-mapping.ts: per transformation and name; per facts object, transformation id and what was
 * renamed). Whatever the names (hostile ones included), ids and order of calls, with the same objects
 * reused, each answer must be what computing it afresh gives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renamedFacts, renameOf, type FieldTransformation } from '../../src/pipeline/field-mapping.js';
import { NO_FACTS, withId, writtenFacts, type Facts } from '../../src/pipeline/item-rewrites.js';
import type { FieldMappingEntry } from '../../src/pipeline/types.js';
import { span } from './helpers.js';

// Short names over a few characters (so prefixes and collisions are common), and some hostile ones.
const nameArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'b', '.', '1', '\u0000', '->', ' | '), maxLength: 4 }),
  fc.constantFrom('', 'a', 'ab', '__proto__', 'constructor', '1a', '11', '01'),
);

const none = { conditions: [], combine: { kind: 'and' as const, operands: [] } };
const base = { span, ruleConditions: none, fieldNameConditions: none, detectionItemConditions: none };

const entryArb: fc.Arbitrary<FieldMappingEntry> = fc.record({ from: nameArb, to: fc.array(nameArb, { minLength: 1, maxLength: 3 }) });

const transformationArb: fc.Arbitrary<FieldTransformation> = fc.oneof(
  fc.tuple(nameArb, fc.array(entryArb, { maxLength: 5 })).map(([id, mapping]): FieldTransformation => ({ ...base, id, type: 'field_name_mapping', mapping })),
  fc.tuple(nameArb, fc.array(entryArb, { maxLength: 5 })).map(([id, mapping]): FieldTransformation => ({ ...base, id, type: 'field_name_prefix_mapping', mapping })),
  fc.tuple(nameArb, nameArb).map(([id, prefix]): FieldTransformation => ({ ...base, id, type: 'field_name_prefix', prefix })),
  fc.tuple(nameArb, nameArb).map(([id, suffix]): FieldTransformation => ({ ...base, id, type: 'field_name_suffix', suffix })),
);

/** The reference: what the transformation makes of the name, by a linear search, without any cache. */
function expected(t: FieldTransformation, field: string): { targets: readonly string[]; text: string } | undefined {
  const text = (targets: readonly string[]): string => `${field} -> ${targets.join(' | ')}`;
  switch (t.type) {
    case 'field_name_mapping': {
      const e = t.mapping.find((x) => x.from === field);
      return e === undefined ? undefined : { targets: e.to, text: text(e.to) };
    }
    case 'field_name_prefix_mapping': {
      const e = t.mapping.find((x) => field.startsWith(x.from));
      if (e === undefined) return undefined;
      const targets = e.to.map((to) => to + field.slice(e.from.length));
      return { targets, text: text(targets) };
    }
    case 'field_name_prefix':
      return { targets: [t.prefix + field], text: text([t.prefix + field]) };
    case 'field_name_suffix':
      return { targets: [field + t.suffix], text: text([field + t.suffix]) };
  }
}

describe('field renames and renamed facts (cached)', () => {
  it('renameOf gives what a fresh search gives, for any transformations, names and order', () => {
    fc.assert(
      fc.property(fc.array(transformationArb, { minLength: 1, maxLength: 4 }), fc.array(fc.tuple(fc.nat(), nameArb), { minLength: 1, maxLength: 30 }), (ts, calls) => {
        // Every call twice: forwards, then backwards (the cache filled in another order).
        for (const [k, field] of [...calls, ...[...calls].reverse()]) {
          const t = ts[k % ts.length] as FieldTransformation;
          const got = renameOf(t, field);
          const want = expected(t, field);
          expect(got === undefined ? undefined : { targets: got.targets, text: got.text }).toEqual(want);
          expect(got?.guards).toBeUndefined();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('renamedFacts gives the facts a fresh rename gives, and the same object for the same input', () => {
    const factsArb: fc.Arbitrary<Facts> = fc.oneof(
      fc.constant(NO_FACTS),
      fc.tuple(nameArb, fc.boolean()).map(([id, added]) => writtenFacts(id, added)),
      fc
        .record({ applied: fc.array(nameArb, { maxLength: 3 }), refApplied: fc.array(nameArb, { maxLength: 2 }), mappedField: fc.boolean(), added: fc.boolean() })
        .map((f): Facts => ({ ...f, applied: new Set(f.applied), refApplied: new Set(f.refApplied), errors: [] })),
    );
    fc.assert(
      fc.property(fc.array(factsArb, { minLength: 1, maxLength: 4 }), fc.array(fc.tuple(fc.nat(), nameArb, fc.boolean(), fc.boolean()), { minLength: 1, maxLength: 20 }), (facts, calls) => {
        const seen = new Map<string, Facts>();
        for (const [k, id, own, ref] of [...calls, ...[...calls].reverse()]) {
          const f = facts[k % facts.length] as Facts;
          const got = renamedFacts(f, id, own, ref);
          expect([...got.applied]).toEqual(own && !f.applied.has(id) ? [...f.applied, id] : [...f.applied]);
          expect([...got.refApplied]).toEqual(ref && !f.refApplied.has(id) ? [...f.refApplied, id] : [...f.refApplied]);
          expect(got.mappedField).toBe(f.mappedField || own);
          expect(got.added).toBe(f.added);
          expect(got.errors).toBe(f.errors);
          // An id that starts like the flags (`1`, `01`) never gets another input's facts.
          const key = JSON.stringify([k % facts.length, id, own, ref]);
          const before = seen.get(key);
          if (before !== undefined) expect(got).toBe(before);
          seen.set(key, got);
        }
        expect(renamedFacts(NO_FACTS, 'x', true, false).applied).toBe(withId(NO_FACTS.applied, 'x'));
      }),
      { numRuns: 300 },
    );
  });
});
