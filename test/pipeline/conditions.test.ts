import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyPipelines } from '../../src/pipeline/apply.js';
import { parsePipelineText } from '../../src/pipeline/load-pipeline.js';
import { all, errors, m, neg, okValue, parts, pipeline, rule, tree } from './helpers.js';

const mapping = (conditions: string) => `transformations:
  - id: map
    type: field_name_mapping
    mapping: { A: B }
${conditions}`;

const applied = (yaml: string, r = rule(m('A', 'x'))) => okValue(applyPipelines(r, [pipeline(yaml)])).applied.length > 0;

describe('rule conditions', () => {
  const win = rule(m('A', 'x'), { product: 'windows', service: 'security' }, { tags: ['attack.t1021.002'], level: 'high', status: 'test' });

  it('logsource: every field it names must match, fields it omits are free', () => {
    expect(applied(mapping('    rule_conditions:\n      - type: logsource\n        product: windows\n'), win)).toBe(true);
    expect(applied(mapping('    rule_conditions:\n      - type: logsource\n        product: windows\n        service: system\n'), win)).toBe(false);
    expect(applied(mapping('    rule_conditions:\n      - type: logsource\n        category: process_creation\n'), win)).toBe(false);
  });

  it('tag and rule_attribute', () => {
    expect(applied(mapping('    rule_conditions:\n      - type: tag\n        tag: attack.t1021.002\n'), win)).toBe(true);
    expect(applied(mapping('    rule_conditions:\n      - type: tag\n        tag: attack.t1059\n'), win)).toBe(false);
    expect(applied(mapping('    rule_conditions:\n      - type: rule_attribute\n        attribute: level\n        value: medium\n        op: gte\n'), win)).toBe(true);
    expect(applied(mapping('    rule_conditions:\n      - type: rule_attribute\n        attribute: level\n        value: critical\n        op: gte\n'), win)).toBe(false);
    expect(applied(mapping('    rule_conditions:\n      - type: rule_attribute\n        attribute: status\n        value: test\n'), win)).toBe(true);
    expect(applied(mapping('    rule_conditions:\n      - type: rule_attribute\n        attribute: tags\n        value: attack.t1021.002\n        op: in\n'), win)).toBe(true);
  });

  it('rule_attribute logsource.<part> (an extension): `ne` of "" holds exactly when the part is set', () => {
    const hasService = mapping("    rule_conditions:\n      - type: rule_attribute\n        attribute: logsource.service\n        value: ''\n        op: ne\n");
    expect(applied(hasService, win)).toBe(true);
    expect(applied(hasService, rule(m('A', 'x'), { product: 'windows', category: 'process_creation' }))).toBe(false);
    expect(applied(mapping('    rule_conditions:\n      - type: rule_attribute\n        attribute: logsource.service\n        value: security\n'), win)).toBe(true);
  });

  it('several conditions: and by default, or with rule_cond_op, negated with rule_cond_not', () => {
    const two = '    rule_conditions:\n      - type: logsource\n        product: linux\n      - type: tag\n        tag: attack.t1021.002\n';
    expect(applied(mapping(two), win)).toBe(false);
    expect(applied(mapping(two + '    rule_cond_op: or\n'), win)).toBe(true);
    expect(applied(mapping(two + '    rule_cond_op: or\n    rule_cond_not: true\n'), win)).toBe(false);
  });

  it('rule_cond_expr combines named conditions', () => {
    const conds = '    rule_conditions:\n      lin: { type: logsource, product: linux }\n      t: { type: tag, tag: attack.t1021.002 }\n';
    expect(applied(mapping(conds + '    rule_cond_expr: t and not lin\n'), win)).toBe(true);
    expect(applied(mapping(conds + '    rule_cond_expr: not (t or lin)\n'), win)).toBe(false);
  });

  it('contains_field, processing_item_applied and processing_state see the rule as transformed so far', () => {
    const out = okValue(
      applyPipelines(rule(m('A', 'x')), [
        pipeline(`transformations:
  - id: state
    type: set_state
    key: table
    val: T
  - id: by_field
    type: set_state
    key: f
    val: has-A
    rule_conditions: [{ type: contains_field, field: A }]
  - id: by_item
    type: set_state
    key: g
    val: after-state
    rule_conditions: [{ type: processing_item_applied, processing_item_id: state }]
  - id: by_state
    type: set_state
    key: h
    val: table-is-T
    rule_conditions: [{ type: processing_state, key: table, val: T }]
  - id: never
    type: set_state
    key: i
    val: x
    rule_conditions: [{ type: contains_field, field: Z }]
`),
      ]),
    );
    expect(out.state).toEqual({ table: 'T', f: 'has-A', g: 'after-state', h: 'table-is-T' });
  });
});

describe('field name and detection item conditions', () => {
  it('include_fields / exclude_fields select the items a transformation touches', () => {
    const out = okValue(
      applyPipelines(rule(all(m('A', 'x'), m('C', 'y'))), [
        pipeline('transformations:\n  - type: field_name_prefix\n    prefix: p.\n    field_name_conditions:\n      - type: exclude_fields\n        fields: [A]\n'),
      ]),
    );
    expect(tree(out.rule.detection)).toBe('and\n  A matches "x"\n  p.C matches "y"');
  });

  it('processing_item_applied with field_name_cond_not prefixes only what a mapping did not map', () => {
    const out = okValue(
      applyPipelines(rule(all(m('A', 'x'), m('C', 'y'))), [
        pipeline(`transformations:
  - id: ecs
    type: field_name_mapping
    mapping: { A: a.ecs }
  - type: field_name_prefix
    prefix: event_data.
    field_name_conditions:
      - type: processing_item_applied
        processing_item_id: ecs
    field_name_cond_not: true
`),
      ]),
    );
    expect(tree(out.rule.detection)).toBe('and\n  a.ecs matches "x"\n  event_data.C matches "y"');
  });

  it('match_string, is_null and contains_wildcard look at the value', () => {
    const yaml = (cond: string) => `transformations:\n  - type: field_name_prefix\n    prefix: p.\n    detection_item_conditions:\n${cond}`;
    const r = rule(all(m('A', 'C:\\x*'), m('B', 'plain'), m('N', { kind: 'null' })));
    expect(tree(okValue(applyPipelines(r, [pipeline(yaml("      - type: match_string\n        pattern: 'C:'\n"))])).rule.detection)).toBe(
      'and\n  p.A matches "C:\\\\x" *\n  B matches "plain"\n  N is null',
    );
    expect(tree(okValue(applyPipelines(r, [pipeline(yaml('      - type: is_null\n'))])).rule.detection)).toContain('p.N is null');
    expect(tree(okValue(applyPipelines(r, [pipeline(yaml('      - type: contains_wildcard\n        negate: true\n'))])).rule.detection)).toBe(
      'and\n  A matches "C:\\\\x" *\n  p.B matches "plain"\n  p.N is null',
    );
  });
});

describe('a pySigma-format pipeline file', () => {
  const text = readFileSync(join(import.meta.dirname, 'fixtures/pysigma-example.yml'), 'utf8');
  const p = okValue(parsePipelineText(text, 'pysigma-example.yml'));

  it('loads', () => {
    expect(p.name).toBe('Corp Sysmon data model');
    expect(p.priority).toBe(100);
    expect(p.transformations.map((t) => `${t.id}:${t.type}`)).toEqual([
      'field_mapping:field_name_mapping',
      'prefix_unmapped:field_name_prefix',
      'index_condition:add_condition',
      'admins:value_placeholders',
      'no_clipboard:rule_failure',
    ]);
  });

  it('applies to a process_creation rule', () => {
    const r = rule(
      all(m('EventID', 1), m('CommandLine', '*psexec*'), neg(m('User', parts({ kind: 'placeholder', name: 'Admins' })))),
      { product: 'windows', category: 'process_creation' },
    );
    const out = okValue(applyPipelines(r, [p]));
    expect(tree(out.rule.detection)).toBe(
      [
        'and',
        '  index matches "sysmon"',
        '  and',
        '    event_id == 1',
        '    or',
        '      command_line matches * "psexec" *',
        '      process_command_line matches * "psexec" *',
        '    not',
        '      or',
        '        event_data.User matches "adm-alice"',
        '        event_data.User matches "adm-bob"',
      ].join('\n'),
    );
    expect(out.applied.map((a) => `${a.transformation}: ${a.detail}`)).toEqual([
      'field_mapping: EventID -> event_id; CommandLine -> command_line | process_command_line',
      'prefix_unmapped: User -> event_data.User',
      'index_condition: index = "sysmon"',
      'admins: %Admins% -> adm-alice | adm-bob',
    ]);
  });

  it('refuses rules its rule_failure names', () => {
    expect(errors(applyPipelines(rule(m('A', 'x'), { product: 'windows', category: 'clipboard_change' }), [p]))[0]).toMatch(/clipboard events are not collected here/);
  });
});
