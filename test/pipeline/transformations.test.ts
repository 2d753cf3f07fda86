import { TARGET_IDS } from '../../src/targets/registry.js';
import { convertExpr } from '../../src/lower/convert-expr.js';
import { parsePipelineText } from '../../src/pipeline/load-pipeline.js';
import { describe, expect, it } from 'vitest';
import { applyPipelines } from '../../src/pipeline/apply.js';
import { all, any, errors, m, neg, okValue, parts, pipeline, rule, str, tree } from './helpers.js';

const apply = (yaml: string, r = rule(m('CommandLine', '*foo*'))) => applyPipelines(r, [pipeline(yaml)]);

describe('field_name_mapping', () => {
  it('renames one to one, everywhere the field occurs, and leaves other fields alone', () => {
    const out = okValue(
      apply(
        `transformations:
  - id: map
    type: field_name_mapping
    mapping:
      CommandLine: process.command_line
`,
        rule(all(m('CommandLine', '*a*'), neg(m('CommandLine', '*b*')), m('Image', '*\\x.exe'))),
      ),
    );
    expect(tree(out.rule.detection)).toBe(
      ['and', '  process.command_line matches * "a" *', '  not', '    process.command_line matches * "b" *', '  Image matches * "\\\\x.exe"'].join('\n'),
    );
    expect(out.applied).toEqual([{ pipeline: 'test.yml', transformation: 'map', type: 'field_name_mapping', detail: 'CommandLine -> process.command_line' }]);
  });

  it('maps one to many as an OR of the alternatives', () => {
    const out = okValue(
      apply(`transformations:
  - type: field_name_mapping
    mapping:
      CommandLine: [cmd, command_line]
`),
    );
    expect(tree(out.rule.detection)).toBe('or\n  cmd matches * "foo" *\n  command_line matches * "foo" *');
  });

  it('puts a one-to-many mapping inside `not` as not (A or B), never (not A) or B', () => {
    const out = okValue(
      apply(
        `transformations:
  - type: field_name_mapping
    mapping:
      User: [user.name, winlog.user.name]
`,
        rule(all(m('Image', '*\\cmd.exe'), neg(m('User', 'SYSTEM')))),
      ),
    );
    const d = out.rule.detection;
    expect(d.kind).toBe('and');
    const negated = d.kind === 'and' ? d.operands[1] : undefined;
    expect(negated?.kind).toBe('not');
    const inner = negated?.kind === 'not' ? negated.operand : undefined;
    expect(inner?.kind).toBe('or');
    expect(inner?.kind === 'or' ? inner.operands.map((o) => (o.kind === 'match' ? o.field : o.kind)) : []).toEqual(['user.name', 'winlog.user.name']);
    expect(tree(d)).toBe(
      ['and', '  Image matches * "\\\\cmd.exe"', '  not', '    or', '      user.name matches "SYSTEM"', '      winlog.user.name matches "SYSTEM"'].join('\n'),
    );
  });

  it('maps the field a fieldref value refers to', () => {
    const out = okValue(
      apply(
        `transformations:
  - type: field_name_mapping
    mapping: { SubjectUserName: user.name, TargetUserName: user.target.name }
`,
        rule(m('SubjectUserName', { kind: 'fieldref', field: 'TargetUserName', match: 'equals', cased: false })),
      ),
    );
    expect(tree(out.rule.detection)).toBe('user.name equals field user.target.name');
  });

  it('maps the rule `fields` list too', () => {
    const out = okValue(apply(`transformations:\n  - type: field_name_mapping\n    mapping: { CommandLine: cmd }\n`, rule(m('CommandLine', 'x'), undefined, { fields: ['CommandLine', 'User'] })));
    expect(out.rule.fields).toEqual(['cmd', 'User']);
  });

  it('maps a `fields` entry to several names even when the names joined would spell the entry (a quoted YAML key may hold NUL)', () => {
    const out = okValue(
      apply(`transformations:\n  - type: field_name_mapping\n    mapping: { "a\\0b": [a, b] }\n`, rule(m('CommandLine', 'x'), undefined, { fields: ['a\u0000b'] })),
    );
    expect(out.rule.fields).toEqual(['a', 'b']);
    expect(out.applied.map((a) => a.detail)).toEqual(['rule `fields` list']);
  });

  it('does not record a mapping that changed nothing', () => {
    const out = okValue(apply(`transformations:\n  - type: field_name_mapping\n    mapping: { Other: x }\n`));
    expect(out.applied).toEqual([]);
  });

  it('never mutates the input rule', () => {
    const r = rule(neg(m('CommandLine', 'x')));
    const before = JSON.stringify(r);
    okValue(apply(`transformations:\n  - type: field_name_mapping\n    mapping: { CommandLine: [a, b] }\n`, r));
    expect(JSON.stringify(r)).toBe(before);
  });
});

describe('field name prefixes and suffixes', () => {
  it('field_name_prefix_mapping replaces the first matching prefix', () => {
    const out = okValue(
      apply(
        `transformations:
  - type: field_name_prefix_mapping
    mapping:
      "properties.": "Properties_"
`,
        rule(all(m('properties.message', 'x'), m('other', 'y'))),
      ),
    );
    expect(tree(out.rule.detection)).toBe('and\n  Properties_message matches "x"\n  other matches "y"');
  });

  it('field_name_prefix and field_name_suffix add text to every selected field', () => {
    const out = okValue(
      apply(
        `transformations:
  - type: field_name_prefix
    prefix: "winlog.event_data."
    field_name_conditions:
      - type: exclude_fields
        fields: [EventID]
  - type: field_name_suffix
    suffix: ".keyword"
    field_name_conditions:
      - type: include_fields
        fields: ['winlog\\.event_data\\..*']
        mode: re
`,
        rule(all(m('EventID', 1), m('Image', 'x'))),
      ),
    );
    expect(tree(out.rule.detection)).toBe('and\n  EventID == 1\n  winlog.event_data.Image.keyword matches "x"');
  });
});

describe('add_condition', () => {
  it('ANDs the condition in front of the detection; a list is an OR; several fields are ANDed', () => {
    const out = okValue(
      apply(`transformations:
  - id: source
    type: add_condition
    conditions:
      source: ['WinEventLog:Security', 'XmlWinEventLog:Security']
      EventCode: 4688
`),
    );
    expect(tree(out.rule.detection)).toBe(
      ['and', '  and', '    or', '      source matches "WinEventLog:Security"', '      source matches "XmlWinEventLog:Security"', '    EventCode == 4688', '  CommandLine matches * "foo" *'].join('\n'),
    );
    expect(out.applied[0]?.detail).toBe('source = "WinEventLog:Security" | "XmlWinEventLog:Security" and EventCode = 4688');
  });

  it('supports negated conditions and $category/$product/$service templates', () => {
    const out = okValue(
      apply(`transformations:
  - type: add_condition
    negated: true
    template: true
    conditions:
      index: "$product-$category"
`),
    );
    expect(tree(out.rule.detection)).toBe('and\n  not\n    index matches "windows-process_creation"\n  CommandLine matches * "foo" *');
  });

  it('reads the values as Sigma strings (wildcards and escapes)', () => {
    const out = okValue(apply(`transformations:\n  - type: add_condition\n    conditions:\n      f: 'a*b\\*'\n`));
    const first = out.rule.detection.kind === 'and' ? out.rule.detection.operands[0] : undefined;
    expect(first && tree(first)).toBe('f matches "a" * "b*"');
  });
});

describe('add_condition with field|cased', () => {
  it('matches the exact log value case-sensitively; any other modifier is refused', () => {
    const out = okValue(apply(`transformations:\n  - type: add_condition\n    conditions:\n      winlog.channel|cased: Security\n`));
    const first = out.rule.detection.kind === 'and' ? out.rule.detection.operands[0] : undefined;
    expect(first && tree(first)).toBe('winlog.channel matches-exact-spelling "Security"');
    const bad = parsePipelineText(`transformations:\n  - type: add_condition\n    conditions:\n      f|contains: x\n`, 'p.yml');
    expect(bad.ok).toBe(false);
    expect(bad.diagnostics[0]?.message).toMatch(/only the `cased` modifier is supported/);
  });
});

describe('change_logsource and set_state', () => {
  it('changes the log source seen by later transformations', () => {
    const out = okValue(
      apply(`transformations:
  - id: to_sysmon
    type: change_logsource
    product: windows
    service: sysmon
  - id: table
    type: set_state
    key: table
    val: Sysmon
    rule_conditions:
      - type: logsource
        service: sysmon
`),
    );
    expect(out.rule.logsource).toEqual({ product: 'windows', service: 'sysmon' });
    expect(out.state).toEqual({ table: 'Sysmon' });
    expect(out.applied.map((a) => a.transformation)).toEqual(['to_sysmon', 'table']);
  });

  it('set_state takes lists and `${logsource}` templates', () => {
    const out = okValue(
      apply(`transformations:
  - type: set_state
    key: table
    val: '\${logsource}'
    template: true
  - type: set_state
    key: index
    val: [main, windows]
`),
    );
    expect(out.state).toEqual({ table: 'windows_process_creation', index: ['main', 'windows'] });
  });

  it('`${logsource}` is one lower-case identifier: a dotted service does not name a schema', () => {
    const dotted = rule(m('x', 'y'), { product: 'gcp', service: 'Google_Workspace.admin' });
    const out = okValue(apply("transformations:\n  - type: set_state\n    key: table\n    val: '${logsource}'\n    template: true\n", dotted));
    expect(out.state).toEqual({ table: 'gcp_google_workspace_admin' });
  });
});

describe('replace_string', () => {
  it('works on the Sigma text and keeps wildcards (Python replacement syntax)', () => {
    // The Sigma text of `*\cmd.exe` is `*\cmd.exe` (pySigma's str(): only * and ? are escaped).
    const out = okValue(
      apply(
        `transformations:
  - type: replace_string
    regex: '^\\*\\\\(.*)$'
    replacement: '*\\1'
`,
        rule(m('Image', '*\\cmd.exe')),
      ),
    );
    expect(tree(out.rule.detection)).toBe('Image matches * "cmd.exe"');
  });

  it('sees a backslash as pySigma does: written once, so a regex for one backslash replaces each', () => {
    const out = okValue(apply("transformations:\n  - type: replace_string\n    regex: '\\\\'\n    replacement: '/'\n", rule(m('Image', 'C:\\Windows\\cmd.exe'))));
    expect(tree(out.rule.detection)).toBe('Image matches "C:/Windows/cmd.exe"');
    // A backslash before a wildcard or another backslash is doubled in the text, so it reads back unchanged.
    const same = apply("transformations:\n  - type: replace_string\n    regex: 'nothing'\n    replacement: 'x'\n", rule(m('f', parts({ kind: 'literal', text: 'a\\' }, { kind: 'wildcard-multi' }))));
    expect(okValue(same).applied).toEqual([]);
  });

  it('with skip_special only touches literal text', () => {
    const out = okValue(
      apply(
        `transformations:
  - type: replace_string
    regex: 'a'
    replacement: '*'
    skip_special: true
`,
        rule(m('f', 'a*a')),
      ),
    );
    expect(tree(out.rule.detection)).toBe('f matches "*" * "*"');
  });
});

describe('convert_type', () => {
  const to = (type: string) => `transformations:\n  - type: convert_type\n    target_type: ${type}\n    field_name_conditions: [{ type: include_fields, fields: [f] }]\n`;

  it('str: a number or boolean becomes the string of its text (other fields untouched)', () => {
    const out = okValue(apply(to('str'), rule(all(m('f', 3), m('f', { kind: 'boolean', value: true }), m('g', 4)))));
    expect(tree(out.rule.detection)).toBe('and\n  f matches "3"\n  f matches "true"\n  g == 4');
  });

  it('num: a digit string becomes a number; any other string is an error naming it', () => {
    expect(tree(okValue(apply(to('num'), rule(m('f', '-12.5')))).rule.detection)).toBe('f == -12.5');
    expect(errors(apply(to('num'), rule(m('f', '12*'))))[0]).toMatch(/converts `f` to a number, but "12\*" is not one/);
  });

  it('refuses an unknown target type where it is written', () => {
    expect(() => pipeline('transformations:\n  - type: convert_type\n    target_type: int\n')).toThrow(/target_type` must be `str` or `num`/);
  });
});

describe('drop_detection_item', () => {
  it('removes the selected items from an AND', () => {
    const out = okValue(
      apply(
        `transformations:
  - type: drop_detection_item
    field_name_conditions: [{ type: include_fields, fields: [EventID] }]
`,
        rule(all(m('EventID', 1), m('Image', 'x'))),
      ),
    );
    expect(tree(out.rule.detection)).toBe('Image matches "x"');
  });

  it('refuses to drop inside `not`, and refuses to drop everything', () => {
    const yaml = `transformations:\n  - type: drop_detection_item\n    field_name_conditions: [{ type: include_fields, fields: [EventID] }]\n`;
    expect(errors(apply(yaml, rule(all(m('Image', 'x'), neg(m('EventID', 1))))))[0]).toMatch(/inside `not`/);
    expect(errors(apply(yaml, rule(m('EventID', 1))))[0]).toMatch(/drops every detection item/);
  });
});

describe('failures', () => {
  it('rule_failure refuses the rule with the pipeline message', () => {
    const r = apply(`transformations:\n  - id: nope\n    type: rule_failure\n    message: this log source is not collected\n`);
    expect(r.ok).toBe(false);
    expect(errors(r)[0]).toMatch(/unsupported-construct\] this log source is not collected \(pipeline `test.yml`, transformation `nope`\)/);
  });

  it('detection_item_failure fires only on selected items', () => {
    const yaml = `transformations:
  - type: detection_item_failure
    message: Hashes cannot be searched
    field_name_conditions: [{ type: include_fields, fields: [Hashes] }]
`;
    expect(apply(yaml).ok).toBe(true);
    expect(errors(apply(yaml, rule(all(m('Image', 'x'), m('Hashes', '*abc*')))))[0]).toMatch(/Hashes cannot be searched.*field `Hashes`/);
  });
});

describe('placeholders', () => {
  const r = () => rule(all(m('Image', 'x'), neg(m('User', parts({ kind: 'literal', text: 'CORP\\' }, { kind: 'placeholder', name: 'Admins' })))));

  it('value_placeholders resolves to the values of `vars` as an OR (inside not: not (a or b))', () => {
    const out = okValue(
      apply(
        `vars:
  Admins: [alice, 'bob*']
transformations:
  - type: value_placeholders
`,
        r(),
      ),
    );
    expect(tree(out.rule.detection)).toBe(
      ['and', '  Image matches "x"', '  not', '    or', '      User matches "CORP\\\\alice"', '      User matches "CORP\\\\bob" *'].join('\n'),
    );
    expect(out.applied[0]?.detail).toBe('%Admins% -> alice | bob*');
  });

  it('wildcard_placeholders turns the placeholder into *', () => {
    const out = okValue(apply(`transformations:\n  - type: wildcard_placeholders\n`, r()));
    expect(tree(out.rule.detection)).toContain('User matches "CORP\\\\" *');
  });

  it('include/exclude choose which placeholders a transformation handles; the engine refuses what stays', () => {
    const out = okValue(apply(`transformations:\n  - type: wildcard_placeholders\n    exclude: [Admins]\n`, r()));
    expect(tree(out.rule.detection)).toContain('%Admins%');
    const converted = convertExpr(out.rule.detection, 'splunk');
    expect(converted.ok).toBe(false);
    expect(converted.diagnostics.map((d) => `${d.code}] ${d.message}`)[0]).toMatch(/^unresolved-placeholder\] no pipeline resolved the placeholder %Admins%/);
  });

  it('a missing variable is an error naming it', () => {
    expect(errors(apply(`transformations:\n  - type: value_placeholders\n`, r()))[0]).toMatch(/placeholder %Admins% has no value: no pipeline defines a variable `Admins`/);
  });

  it('a rule with a placeholder and no pipeline is refused by every target', () => {
    const out = okValue(applyPipelines(r(), []));
    for (const target of TARGET_IDS) {
      const converted = convertExpr(out.rule.detection, target);
      expect(converted.ok, target).toBe(false);
      expect(converted.diagnostics.some((d) => d.code === 'unresolved-placeholder' && d.message.includes('%Admins%')), target).toBe(true);
    }
  });

  it('takes variables from another pipeline (pySigma merges vars of combined pipelines)', () => {
    const vars = pipeline('priority: 5\nvars:\n  Admins: root\n', 'vars.yml');
    const resolver = pipeline('priority: 10\ntransformations:\n  - type: value_placeholders\n', 'resolve.yml');
    const out = okValue(applyPipelines(r(), [resolver, vars]));
    expect(tree(out.rule.detection)).toContain('User matches "CORP\\\\root"');
  });
});

describe('strict_field_mapping_failure', () => {
  const yaml = `name: strict
transformations:
  - id: fields
    type: field_name_mapping
    mapping:
      CommandLine: ProcessCommandLine
  - id: strict
    type: strict_field_mapping_failure
`;

  it('passes when every field was mapped', () => {
    const out = okValue(apply(yaml));
    expect(out.applied.map((a) => a.transformation)).toEqual(['fields', 'strict']);
  });

  it('fails with unmapped-field naming the field and the pipeline', () => {
    const res = apply(yaml, rule(all(m('CommandLine', 'x'), m('IntegrityLevel', 'High'))));
    expect(res.ok).toBe(false);
    expect(res.diagnostics).toHaveLength(1);
    expect(res.diagnostics[0]?.code).toBe('unmapped-field');
    expect(res.diagnostics[0]?.message).toMatch(/^field `IntegrityLevel` has no mapping in pipeline `test.yml`/);
  });

  it('counts fields written by add_condition as mapped', () => {
    const out = okValue(
      apply(`transformations:
  - type: add_condition
    conditions: { EventCode: 1 }
  - type: field_name_mapping
    mapping: { CommandLine: cmd }
  - type: strict_field_mapping_failure
`),
    );
    expect(out.applied).toHaveLength(3);
  });
});

describe('priority order', () => {
  const first = `name: first
priority: 10
transformations:
  - id: a_to_b
    type: field_name_mapping
    mapping: { A: B }
`;
  const second = `name: second
priority: 20
transformations:
  - id: b_to_c
    type: field_name_mapping
    mapping: { B: C }
`;

  it('runs lower priority first, whatever the order given', () => {
    for (const order of [
      [first, second],
      [second, first],
    ]) {
      const out = okValue(applyPipelines(rule(m('A', 'x')), order.map((t, i) => pipeline(t, `p${i}.yml`))));
      expect(tree(out.rule.detection)).toBe('C matches "x"');
      expect(out.applied.map((a) => a.transformation)).toEqual(['a_to_b', 'b_to_c']);
    }
  });

  it('keeps the given order for equal priorities', () => {
    const p1 = pipeline('transformations:\n  - type: set_state\n    key: table\n    val: one\n', 'one.yml');
    const p2 = pipeline('transformations:\n  - type: set_state\n    key: table\n    val: two\n', 'two.yml');
    expect(okValue(applyPipelines(rule(m('A', 'x')), [p1, p2])).state).toEqual({ table: 'two' });
    expect(okValue(applyPipelines(rule(m('A', 'x')), [p2, p1])).state).toEqual({ table: 'one' });
  });
});

describe('keyword searches', () => {
  it('are not renamed by field mappings', () => {
    const out = okValue(apply(`transformations:\n  - type: field_name_prefix\n    prefix: x.\n`, rule(any(m(null, '*evil*'), m('A', 'b')))));
    expect(tree(out.rule.detection)).toBe('or\n  (keyword) matches * "evil" *\n  x.A matches "b"');
  });
});

void str;
