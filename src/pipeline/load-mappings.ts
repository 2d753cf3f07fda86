import { hasErrors } from '../diagnostics/diagnostic.js';
import { mapGet, type YamlMap, type YamlNode } from '../yaml/node.js';
import { ConditionReader } from './load-conditions.js';
import type { AddedCondition, ConditionValue, FieldGuard, FieldMappingEntry, ValueCondition } from './types.js';

/**
 * Reads the parts of a pipeline file that name fields and values: add_condition's `conditions`, field
 * mappings (with their guarded alternatives) and value_to_condition's values, collecting diagnostics as
 * YamlReader does.
 */
export class MappingReader extends ConditionReader {
  /**
   * add_condition's `conditions` (also a mapping guard's): field -> value or list of values, `field|cased`
   * for a case-sensitive match. `who` names the transformation in messages.
   */
  protected addedConditions(node: YamlNode, who: string): AddedCondition[] | undefined {
    const cm = this.map(node, '`conditions`');
    if (cm === undefined) return undefined;
    const conditions: AddedCondition[] = [];
    for (const c of cm.entries) {
      const [field = '', ...mods] = c.key.split('|');
      const cased = mods.length === 1 && mods[0] === 'cased';
      if (mods.length > 0 && !cased) {
        this.bad(`${who} compares fields with plain values; only the \`cased\` modifier is supported, not the one in \`${c.key}\` (write the value with wildcards instead)`, c.keySpan);
        continue;
      }
      const items = c.value.kind === 'seq' ? c.value.items : [c.value];
      const values: ConditionValue[] = [];
      for (const item of items) {
        if (item.kind === 'scalar') values.push(item.value);
        else this.bad(`the value of \`${c.key}\` must be a scalar or a list of scalars`, item.span);
      }
      if (values.length === 0) this.bad(`\`${c.key}\` needs at least one value`, c.value.span);
      conditions.push({ field, values, cased, span: c.value.span });
    }
    if (conditions.length === 0) return this.bad('`conditions` must name at least one field', cm.span);
    return conditions;
  }

  /**
   * A mapping's entries: field -> a name or a list of names; with `guarded` (field_name_mapping) an item
   * of the list may also be `{ field, conditions, negated }`, a name that holds the rule's field only
   * when the conditions hold (FieldGuard).
   */
  protected mapping(node: YamlNode, guarded: boolean): FieldMappingEntry[] | undefined {
    const m = this.map(node, '`mapping`');
    if (m === undefined) return undefined;
    const out: FieldMappingEntry[] = [];
    for (const e of m.entries) {
      const what = `the mapping of \`${e.key}\``;
      const items = e.value.kind === 'seq' ? e.value.items : [e.value];
      if (!items.some((item) => item.kind === 'map')) {
        const to = this.strings(e.value, what);
        if (to === undefined) continue;
        if (to.length === 0) {
          this.bad(`\`${e.key}\` maps to an empty list; map it to at least one field, or drop it with \`drop_detection_item\``, e.value.span);
          continue;
        }
        out.push({ from: e.key, to });
        continue;
      }
      if (!guarded) {
        this.bad(`${what}: only \`field_name_mapping\` takes alternatives with \`conditions\`; write field names here`, e.value.span);
        continue;
      }
      const to: string[] = [];
      const guards: (FieldGuard | null)[] = [];
      let ok = true;
      for (const item of items) {
        if (item.kind !== 'map') {
          const name = this.string(item, `each alternative of ${what}`);
          if (name === undefined) ok = false;
          else {
            to.push(name);
            guards.push(null);
          }
          continue;
        }
        const guard = this.guardedAlternative(item, what);
        if (guard === undefined) ok = false;
        else {
          to.push(guard.field);
          guards.push(guard.guard);
        }
      }
      if (ok) out.push({ from: e.key, to, guards });
    }
    return out;
  }

  /**
   * value_to_condition's `mapping`: value -> conditions (add_condition's syntax). Values are scalars,
   * compared without case (as their text), so two that differ only in case are one value: an error.
   */
  protected valueConditions(node: YamlNode): ValueCondition[] | undefined {
    const m = this.map(node, '`mapping`');
    if (m === undefined) return undefined;
    const out: ValueCondition[] = [];
    const seen = new Set<string>();
    for (const e of m.entries) {
      if (seen.has(e.key.toLowerCase())) {
        this.bad(`\`${e.key}\` is mapped twice (values are compared without case)`, e.keySpan);
        continue;
      }
      seen.add(e.key.toLowerCase());
      const conditions = this.addedConditions(e.value, `the conditions of \`${e.key}\``);
      if (conditions !== undefined) out.push({ value: e.key, conditions, span: e.value.span });
    }
    if (m.entries.length === 0) return this.bad('`mapping` must map at least one value to its conditions', m.span);
    return out;
  }

  /** `{ field: X, conditions: {...}, negated: bool }`: one guarded alternative of a field mapping. */
  private guardedAlternative(item: YamlMap, what: string): { field: string; guard: FieldGuard } | undefined {
    const before = this.diagnostics.length;
    for (const k of item.entries) {
      if (k.key !== 'field' && k.key !== 'conditions' && k.key !== 'negated') {
        this.bad(`an alternative of ${what} has no key \`${k.key}\`; it takes \`field\`, \`conditions\` and \`negated\``, k.keySpan);
      }
    }
    const f = mapGet(item, 'field');
    const c = mapGet(item, 'conditions');
    const n = mapGet(item, 'negated');
    if (f === undefined) this.bad(`an alternative of ${what} written as a mapping needs \`field\` (the field's name in the target)`, item.span);
    if (c === undefined) this.bad(`an alternative of ${what} written as a mapping needs \`conditions\` (when the field holds the value; write a plain name otherwise)`, item.span);
    const field = f === undefined ? undefined : this.string(f.value, '`field`');
    const conditions = c === undefined ? undefined : this.addedConditions(c.value, `the conditions of ${what}`);
    const negated = n === undefined ? false : this.boolean(n.value, '`negated`');
    if (field === undefined || conditions === undefined || negated === undefined || hasErrors(this.diagnostics.slice(before))) return undefined;
    return { field, guard: { conditions, negated, span: item.span } };
  }
}
