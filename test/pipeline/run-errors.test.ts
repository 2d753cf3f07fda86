/**
 * A pipeline run goes on after a transformation reports an error (issue #13): the failing transformation
 * leaves what it refused as it was, every later transformation runs, the run reports every error, and a
 * detection item gets one refusal (apply.ts, "One error per item").
 */
import { describe, expect, it } from 'vitest';
import { matchesOf } from '../../src/ast/expr.js';
import { applyPipelines, runPipelines } from '../../src/pipeline/apply.js';
import { all, any, m, neg, pipeline, rule, tree } from './helpers.js';

const run = (yaml: string, detection = all(m('CommandLine', '*x*'), m('IntegrityLevel', 'High'))) => runPipelines(rule(detection), [pipeline(yaml)]);
/** Each error as `code: the start of its message` (up to the first backquote). */
const codes = (r: { readonly diagnostics: readonly { code: string; severity: string; message: string }[] }): string[] =>
  r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message.split('`')[0] ?? ''}${d.message.split('`')[1] ?? ''}`);

const MAP_AND_STRICT = `
  - id: fields
    type: field_name_mapping
    mapping: { CommandLine: cmd }
  - id: strict
    type: strict_field_mapping_failure
`;

describe('the run goes on after an error', () => {
  it('reports a rule_failure and the unmapped field a later strict check finds', () => {
    const r = run(`transformations:\n  - id: nope\n    type: rule_failure\n    message: not collected here\n${MAP_AND_STRICT}`);
    expect(r.failed).toBe(true);
    expect(codes(r)).toEqual(['unsupported-construct: not collected here (pipeline test.yml', 'unmapped-field: field IntegrityLevel']);
    // The later mapping ran on the rule the failure left as it was.
    expect(tree(r.output.rule.detection)).toBe('and\n  cmd matches * "x" *\n  IntegrityLevel matches "High"');
  });

  it('applyPipelines still fails, with every diagnostic of the run', () => {
    const yaml = `transformations:\n  - id: nope\n    type: rule_failure\n    message: not collected here\n${MAP_AND_STRICT}`;
    const r = applyPipelines(rule(all(m('CommandLine', '*x*'), m('IntegrityLevel', 'High'))), [pipeline(yaml)]);
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['unsupported-construct', 'unmapped-field']);
  });

  it('a refused item keeps its form; the transformation still rewrites the others, and later ones run on both', () => {
    const r = run(
      `transformations:
  - id: num
    type: convert_type
    target_type: num
    field_name_conditions: [{ type: include_fields, fields: [A, B] }]
  - id: rename
    type: field_name_prefix
    prefix: 'x.'
`,
      all(m('A', '12'), m('B', 'twelve')),
    );
    expect(codes(r)).toEqual(['unsupported-construct: transformation num']);
    expect(tree(r.output.rule.detection)).toBe('and\n  x.A == 12\n  x.B matches "twelve"');
    expect([...r.refusedItems.values()]).toEqual([['unsupported-construct']]);
    expect([...r.refusedItems.keys()].map((i) => i.field)).toEqual(['x.B']);
  });

  it('a transformation that would drop every item leaves the rule as it was', () => {
    const r = run(`transformations:\n  - id: drop\n    type: drop_detection_item\n${MAP_AND_STRICT}`, m('CommandLine', 'x'));
    expect(codes(r)).toEqual(['unsupported-construct: transformation drop']);
    expect(tree(r.output.rule.detection)).toBe('cmd matches "x"');
  });

  it('a drop inside `not` keeps the `not`; the drops elsewhere are done', () => {
    const r = run(
      `transformations:\n  - id: drop\n    type: drop_detection_item\n    field_name_conditions: [{ type: include_fields, fields: [D] }]\n`,
      all(m('A', 'x'), m('D', '1'), neg(m('D', '2'))),
    );
    expect(codes(r)).toEqual(['unsupported-construct: transformation drop']);
    expect(tree(r.output.rule.detection)).toBe('and\n  A matches "x"\n  not\n    D matches "2"');
  });

  it('a successful run is unchanged: not failed, nothing refused', () => {
    const r = run(`transformations:${MAP_AND_STRICT.replace('CommandLine: cmd', 'CommandLine: cmd, IntegrityLevel: il')}`);
    expect(r.failed).toBe(false);
    expect(r.refusedItems.size).toBe(0);
    expect(r.output.applied.map((a) => a.transformation)).toEqual(['fields', 'strict']);
  });
});

describe('one error per item', () => {
  const FAILURE = `
  - id: no_hashes
    type: detection_item_failure
    message: Hashes cannot be searched
    field_name_conditions: [{ type: include_fields, fields: [Hashes] }]
`;

  it('a field refused by detection_item_failure gets no unmapped-field from a later strict check; another field does', () => {
    const r = run(`transformations:${FAILURE}${MAP_AND_STRICT}`, all(m('Hashes', '*abc*'), any(m('Hashes', '*def*'), m('CommandLine', 'x')), m('Other', 'y')));
    expect(codes(r)).toEqual(['unsupported-construct: Hashes cannot be searched (pipeline test.yml', 'unmapped-field: field Other']);
    // Both Hashes items are refused (one message names the first), and Other is refused by the strict check.
    expect(
      [...r.refusedItems]
        .map(([i, c]) => `${i.field} ${c.join(',')}`)
        .sort(),
    ).toEqual(['Hashes unsupported-construct', 'Hashes unsupported-construct', 'Other unmapped-field']);
  });

  it('a second refusal of the same item by another transformation is not reported', () => {
    const r = run(`transformations:${FAILURE}${FAILURE.replace('no_hashes', 'again')}`, m('Hashes', '*abc*'));
    expect(codes(r)).toHaveLength(1);
  });

  it('an item refused earlier that a later transformation fails on with a mistake (unresolved placeholder) gets both', () => {
    const r = run(`transformations:${FAILURE}  - type: value_placeholders\n`, m('Hashes', { kind: 'string', parts: [{ kind: 'placeholder', name: 'hashes' }], cased: false }));
    expect(r.diagnostics.map((d) => d.code)).toEqual(['unsupported-construct', 'unresolved-placeholder']);
    expect([...r.refusedItems.values()]).toEqual([['unsupported-construct', 'unresolved-placeholder']]);
  });

  it('the strict check reports a field once even when several items have it, and refuses all of them', () => {
    const r = run(`transformations:${MAP_AND_STRICT}`, all(m('Other', 'a'), m('Other', 'b')));
    expect(codes(r)).toHaveLength(1);
    expect(r.refusedItems.size).toBe(2);
    expect(matchesOf(r.output.rule.detection)).toHaveLength(2);
  });
});
