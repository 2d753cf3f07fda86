import { describe, expect, it } from 'vitest';
import { parsePipelineText, TRANSFORMATION_TYPES } from '../../src/pipeline/load-pipeline.js';
import { errors, okValue } from './helpers.js';

const load = (text: string) => parsePipelineText(text, 'p.yml');

describe('loading pipeline YAML', () => {
  it('reads name, priority, vars and transformations with their conditions', () => {
    const p = okValue(
      load(`name: My pipeline
priority: 30
vars:
  Admins: [alice, bob]
  Port: 445
transformations:
  - id: map
    type: field_name_mapping
    mapping:
      CommandLine: process.command_line
    rule_conditions:
      - type: logsource
        product: windows
    rule_cond_op: or
    field_name_conditions:
      - type: include_fields
        fields: CommandLine
    field_name_cond_not: false
`),
    );
    expect(p.name).toBe('My pipeline');
    expect(p.id).toBe('p.yml');
    expect(p.priority).toBe(30);
    expect(p.vars).toEqual({ Admins: ['alice', 'bob'], Port: ['445'] });
    const t = p.transformations[0];
    expect(t?.type).toBe('field_name_mapping');
    expect(t?.id).toBe('map');
    expect(t?.ruleConditions.conditions).toEqual([{ id: '1', condition: { type: 'logsource', product: 'windows' } }]);
    expect(t?.ruleConditions.combine).toEqual({ kind: 'or', operands: [{ kind: 'ref', id: '1' }] });
    expect(t?.fieldNameConditions.conditions[0]?.condition).toMatchObject({ type: 'include_fields', fields: ['CommandLine'], mode: 'plain' });
  });

  it('gives a transformation without id a positional one', () => {
    const p = okValue(load('transformations:\n  - type: drop_detection_item\n  - type: drop_detection_item\n'));
    expect(p.transformations.map((t) => t.id)).toEqual(['drop_detection_item#1', 'drop_detection_item#2']);
  });

  it('reads rule_cond_expr over named conditions', () => {
    const p = okValue(
      load(`transformations:
  - type: rule_failure
    message: no
    rule_conditions:
      win: { type: logsource, product: windows }
      sec: { type: logsource, service: security }
    rule_cond_expr: win and not sec
`),
    );
    expect(p.transformations[0]?.ruleConditions.combine).toEqual({
      kind: 'and',
      operands: [
        { kind: 'ref', id: 'win' },
        { kind: 'not', operand: { kind: 'ref', id: 'sec' } },
      ],
    });
  });
});

describe('pipeline errors point at the place in the file', () => {
  it('an unknown transformation type is an error naming it and listing the known ones', () => {
    const r = load(`name: x
transformations:
  - id: a
    type: field_name_mapping
    mapping: { A: B }
  - id: b
    type: field_mapping
    mapping: { A: B }
`);
    expect(r.ok).toBe(false);
    expect(errors(r)).toEqual([`p.yml:7:11: error[pipeline-invalid] unknown transformation type \`field_mapping\`; known types: ${TRANSFORMATION_TYPES.join(', ')}`]);
  });

  it('a transformation without type', () => {
    expect(errors(load('transformations:\n  - id: a\n    mapping: {}\n'))[0]).toMatch(/^p\.yml:2:5: error\[pipeline-invalid\] transformation 1 has no `type`/);
  });

  it('an unknown parameter of a transformation', () => {
    expect(errors(load('transformations:\n  - type: field_name_prefix\n    prefix: x\n    sufix: y\n'))).toEqual([
      'p.yml:4:5: error[pipeline-invalid] `field_name_prefix` has no parameter `sufix`; it takes `prefix` (plus id, type and conditions)',
    ]);
  });

  it('a missing parameter', () => {
    expect(errors(load('transformations:\n  - type: set_state\n    key: table\n'))[0]).toMatch(/^p\.yml:2:5: .*`set_state` needs `val`/);
  });

  it('an unknown condition type', () => {
    expect(errors(load('transformations:\n  - type: drop_detection_item\n    rule_conditions:\n      - type: logsrc\n        product: windows\n'))[0]).toMatch(
      /^p\.yml:4:15: error\[pipeline-invalid\] unknown condition type `logsrc` in `rule_conditions`; known types: logsource, tag/,
    );
  });

  it('a condition parameter that does not exist', () => {
    expect(errors(load('transformations:\n  - type: drop_detection_item\n    rule_conditions:\n      - type: logsource\n        prodcut: windows\n'))[0]).toMatch(
      /^p\.yml:5:9: .*condition `logsource` has no parameter `prodcut`/,
    );
  });

  it('a regular expression that does not compile', () => {
    expect(errors(load("transformations:\n  - type: replace_string\n    regex: '(unclosed'\n    replacement: x\n"))[0]).toMatch(/^p\.yml:3:12: .*`regex` does not compile/);
  });

  it('a condition expression with an unknown id, or a condition it leaves out', () => {
    const r = load(`transformations:
  - type: drop_detection_item
    rule_conditions:
      a: { type: logsource, product: windows }
      b: { type: tag, tag: attack.t1059 }
    rule_cond_expr: a and c
`);
    expect(errors(r)).toEqual([
      'p.yml:6:21: error[pipeline-invalid] `rule_cond_expr` names `c`, which is not a condition id in `rule_conditions`',
      'p.yml:6:21: error[pipeline-invalid] condition `b` is not used in `rule_cond_expr`',
    ]);
  });

  it('a condition expression that does not parse', () => {
    expect(errors(load('transformations:\n  - type: drop_detection_item\n    rule_conditions:\n      a: { type: is_sigma_rule }\n    rule_cond_expr: (a and\n'))[0]).toMatch(
      /`rule_cond_expr` does not parse at character 7: expected a condition id, found the end of the expression/,
    );
  });

  it('wrong value types', () => {
    expect(errors(load('priority: high\n'))).toEqual(['p.yml:1:11: error[pipeline-invalid] `priority` must be a number']);
    expect(errors(load('transformations:\n  - type: add_condition\n    conditions: [a, b]\n'))[0]).toMatch(/^p\.yml:3:17: .*`conditions` must be a mapping/);
  });

  it('postprocessing and finalizers (query text rewriting) are refused, not ignored', () => {
    expect(errors(load('postprocessing:\n  - type: embed\n    prefix: x\n'))[0]).toMatch(/^p\.yml:1:1: .*`postprocessing` rewrites query text/);
  });

  it('an unknown top-level key is a warning, so a typo is seen', () => {
    const r = load('name: x\ntransformation: []\n');
    expect(r.ok).toBe(true);
    expect(r.diagnostics.map((d) => `${d.span.line}:${d.span.column} ${d.severity} ${d.message}`)).toEqual([
      '2:1 warning unknown top-level key `transformation` is ignored; a pipeline file has name, priority, vars, transformations, postprocessing, finalizers, allowed_backends',
    ]);
  });

  it('invalid YAML and empty files', () => {
    expect(load('transformations: [\n').ok).toBe(false);
    expect(errors(load(''))[0]).toMatch(/pipeline file is empty/);
    expect(errors(load('- a\n- b\n'))[0]).toMatch(/^p\.yml:1:1: .*a pipeline file must be a mapping/);
  });
});
