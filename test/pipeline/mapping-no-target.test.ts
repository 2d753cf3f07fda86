/**
 * A field mapping entry that names no field (`to: []`) can come from the library API only (a
 * ProcessingPipeline is plain data; the loader refuses an empty list). The item then has no field to be
 * tested on: it is refused, as a guarded mapping whose alternatives can never hold together is
 * (src/pipeline/field-mapping.ts, mapFieldItem), never replaced by an empty OR that a target would write
 * as "false" without a word.
 */
import { describe, expect, it } from 'vitest';
import type { Expr } from '../../src/ast/expr.js';
import { applyPipelines, runPipelines } from '../../src/pipeline/apply.js';
import type { ProcessingPipeline, Transformation } from '../../src/pipeline/types.js';
import { any, errors, m, pipeline, ref, rule, tree } from './helpers.js';

/** `base` with its one transformation's mapping of `Image` emptied, as an API user may build it. */
function emptied(base: ProcessingPipeline): ProcessingPipeline {
  const t = base.transformations[0] as Extract<Transformation, { type: 'field_name_mapping' | 'field_name_prefix_mapping' }>;
  return { ...base, transformations: [{ ...t, mapping: [{ from: 'Image', to: [] }] }] };
}

const MAPPING = emptied(pipeline('transformations:\n  - id: map\n    type: field_name_mapping\n    mapping:\n      Image: x\n'));
const PREFIX = emptied(pipeline('transformations:\n  - id: map\n    type: field_name_prefix_mapping\n    mapping:\n      Image: x\n'));

const item = (value: Parameters<typeof m>[1]): Expr => any(m('Image', value), m('User', 'b'));

describe.each([
  ['field_name_mapping', MAPPING],
  ['field_name_prefix_mapping', PREFIX],
])('a %s entry without targets (library API)', (_, p) => {
  it.each([
    ['a value', item('a')],
    ['a field reference', item(ref('Image'))],
  ])('refuses the item with %s, and keeps it as it was', (__, detection) => {
    const r = applyPipelines(rule(detection), [p]);
    expect(r.ok).toBe(false);
    expect(errors(r)).toHaveLength(1);
    expect(errors(r)[0]).toContain('error[unsupported-construct] transformation `map` of pipeline `test.yml` maps `Image`');
    expect(errors(r)[0]).toContain('the comparison can never hold, so it is refused');
    // The partly transformed rule (what lowering reads) keeps the item, and records the refusal on it.
    const run = runPipelines(rule(detection), [p]);
    expect(tree(run.output.rule.detection)).toBe(tree(detection));
    expect([...run.refusedItems.values()]).toEqual([['unsupported-construct']]);
  });

  it('leaves the other items of the rule to be mapped as they are', () => {
    const r = applyPipelines(rule(any(m('User', 'b'), m('Other', 'c'))), [p]);
    expect(errors(r)).toEqual([]);
    if (!r.ok) throw new Error('expected success');
    expect(tree(r.value.rule.detection)).toBe(tree(any(m('User', 'b'), m('Other', 'c'))));
  });
});
