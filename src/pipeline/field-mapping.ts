import { match, or, type Expr, type ExprMatch } from '../ast/expr.js';
import type { SigmaValue } from '../ast/value.js';
import { assertNever } from '../diagnostics/assert-never.js';
import type { LogSource } from '../rule/model.js';
import { CachePerOwner } from '../base/bounded-cache.js';
import { GuardedTests } from './guarded-tests.js';
import { targetText, withId, writtenFacts, type Facts, type ItemResult } from './item-rewrites.js';
import type { FieldGuard, FieldMappingEntry, ProcessingPipeline, Transformation } from './types.js';

/**
 * The field transformations (field_name_mapping, field_name_prefix_mapping, field_name_prefix,
 * field_name_suffix), per field name: what a name becomes depends only on the transformation and the
 * name, so it is worked out once per (transformation, name), not once per detection item of every rule.
 * apply.ts selects the items (the transformation's conditions) and calls mapFieldItem on each.
 */
export type FieldTransformation = Extract<Transformation, { type: `field_name_${string}` }>;

/** What a field transformation makes of one field name. */
export interface FieldRename {
  /** The names it becomes (several: any of them, an OR). */
  readonly targets: readonly string[];
  /** The guard of each target (same index; null: unguarded), or undefined when none is guarded. */
  readonly guards: readonly (FieldGuard | null)[] | undefined;
  /** The rename in a few words, `Image -> process.executable` (the applied transformation's detail). */
  readonly text: string;
}

function renameText(from: string, targets: readonly string[], guards: readonly (FieldGuard | null)[] | undefined): string {
  return `${from} -> ${targets.map((n, i) => targetText(n, guards?.[i])).join(' | ')}`;
}

/**
 * Each field_name_mapping's renames by Sigma field name, built once per mapping (the first entry of a
 * name wins, as a linear search would). Found by the mapping array's identity, as the transformation
 * holding it is a value that is never changed (Transformation's fields are readonly).
 */
const mappingIndexes = new WeakMap<readonly FieldMappingEntry[], ReadonlyMap<string, FieldRename>>();

/** A field_name_mapping's renames by Sigma field name: one Map lookup per field. */
export function mappingIndex(mapping: readonly FieldMappingEntry[]): ReadonlyMap<string, FieldRename> {
  let index = mappingIndexes.get(mapping);
  if (index === undefined) {
    const built = new Map<string, FieldRename>();
    for (const e of mapping) if (!built.has(e.from)) built.set(e.from, { targets: e.to, guards: e.guards, text: renameText(e.from, e.to, e.guards) });
    mappingIndexes.set(mapping, built);
    index = built;
  }
  return index;
}

/** The renames of the other field transformations, by transformation and name (null: it does not apply to the name). */
const otherRenames = new CachePerOwner<FieldTransformation, string, FieldRename | null>(4096);

/** What a field transformation makes of `field`, or undefined when it does not apply to it. */
export function renameOf(t: FieldTransformation, field: string): FieldRename | undefined {
  if (t.type === 'field_name_mapping') return mappingIndex(t.mapping).get(field);
  return otherRenames.of(t).get(field, () => otherRename(t, field)) ?? undefined;
}

function otherRename(t: Exclude<FieldTransformation, { type: 'field_name_mapping' }>, field: string): FieldRename | null {
  let targets: readonly string[];
  switch (t.type) {
    case 'field_name_prefix_mapping': {
      const e = t.mapping.find((x) => field.startsWith(x.from));
      if (e === undefined) return null;
      targets = e.to.map((to) => to + field.slice(e.from.length));
      break;
    }
    case 'field_name_prefix':
      targets = [t.prefix + field];
      break;
    case 'field_name_suffix':
      targets = [field + t.suffix];
      break;
    default:
      return assertNever(t, 'field transformation');
  }
  // Only field_name_mapping has guards (the loader refuses them elsewhere).
  return { targets, guards: undefined, text: renameText(field, targets, undefined) };
}

/**
 * The facts of the items a field transformation made of an item with `facts`: `own` (its field was
 * renamed) and `ref` (the field its value refers to was). Facts are never changed and most items share
 * a few histories, so they are made once per (facts, transformation id, what was renamed): per facts
 * object and id, four slots (own + 2 * ref; slot 0 is never used).
 */
const renamedFactsCache = new CachePerOwner<Facts, string, (Facts | undefined)[]>(1024);

export function renamedFacts(facts: Facts, id: string, own: boolean, ref: boolean): Facts {
  const slots = renamedFactsCache.of(facts).get(id, () => []);
  return (slots[(own ? 1 : 0) + (ref ? 2 : 0)] ??= {
    ...facts,
    applied: own ? withId(facts.applied, id) : facts.applied,
    mappedField: facts.mappedField || own,
    refApplied: ref ? withId(facts.refApplied, id) : facts.refApplied,
  });
}

/**
 * A detection item with a field (`m.field` is not null) whose field (`own`) or field reference (`ref`,
 * `X|fieldref: Y` for Y) the transformation renames (at least one of them), rewritten: one-to-many is
 * "any of these fields", an OR in place of the item, so an enclosing `not` covers every alternative. A
 * guarded alternative is `guard and test`: the field holds the rule's value only on the events its guard
 * selects (GuardedTests); the guards' items are then in `ownFacts`.
 */
export function mapFieldItem(
  p: ProcessingPipeline,
  t: FieldTransformation,
  m: ExprMatch,
  facts: Facts,
  own: FieldRename | undefined,
  ref: FieldRename | undefined,
  logsource: LogSource,
): ItemResult {
  if (own !== undefined && own.guards === undefined && own.targets.length > 0 && ref === undefined && m.value.kind !== 'fieldref') {
    // A field renamed without a guard (nearly every item): the value tested on each target.
    const [only] = own.targets;
    const expr = own.targets.length === 1 && only !== undefined ? match(only, m.value, m.span) : or(own.targets.map((f) => match(f, m.value, m.span)), m.span);
    return { expr, facts: renamedFacts(facts, t.id, true, false), detail: own.text };
  }
  const detail = own === undefined ? (ref?.text ?? '') : ref === undefined ? own.text : `${own.text}; ${ref.text}`;
  const fields = own?.targets ?? [m.field];
  const refValue = m.value.kind === 'fieldref' ? m.value : undefined;
  const refs: readonly (string | undefined)[] = refValue === undefined ? [undefined] : (ref?.targets ?? [refValue.field]);
  const valueFor = (r: string | undefined): SigmaValue => (r !== undefined && refValue !== undefined ? { ...refValue, field: r } : m.value);
  if (own?.guards === undefined && ref?.guards === undefined) {
    // No guard (nearly every mapping): each alternative is the test itself.
    const alternatives: Expr[] = [];
    for (const f of fields) for (const r of refs) alternatives.push(match(f, valueFor(r), m.span));
    // None: an entry that names no field (`to: []`; the loader refuses it, the library API can build it).
    if (alternatives.length === 0) return neverHolds(p, t, m, detail);
    return { expr: or(alternatives, m.span), facts: renamedFacts(facts, t.id, own !== undefined, ref !== undefined), detail };
  }
  const guarded = new GuardedTests(logsource, writtenFacts(t.id, facts.added));
  fields.forEach((f, i) => {
    refs.forEach((r, j) => guarded.add([own?.guards?.[i] ?? null, ref?.guards?.[j] ?? null], match(f, valueFor(r), m.span), m.span));
  });
  if (guarded.alternatives.length === 0) return neverHolds(p, t, m, detail);
  const newFacts = renamedFacts(facts, t.id, own !== undefined, ref !== undefined);
  return { expr: or(guarded.alternatives, m.span), facts: newFacts, ...(guarded.guarded ? { ownFacts: guarded.facts } : {}), detail };
}

/** The refusal of an item a mapping leaves no alternative of (an empty OR would read as "false" without a word). */
function neverHolds(p: ProcessingPipeline, t: FieldTransformation, m: ExprMatch, detail: string): ItemResult {
  return {
    refused: 'unsupported-construct',
    message: `transformation \`${t.id}\` of pipeline \`${p.id}\` maps \`${m.field}\` and the field its value refers to under conditions no event meets together (${detail}); the comparison can never hold, so it is refused`,
  };
}
