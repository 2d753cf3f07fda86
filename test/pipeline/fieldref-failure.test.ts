/**
 * A `detection_item_failure` refuses a field's value that the target cannot give; an item comparing
 * another field with that field (`X|fieldref: Y`) cannot be searched either. Before, such an item passed:
 * ES|QL compared process.parent.command_line with `TO_STRING(User)`, a column Winlogbeat never writes (it
 * splits Sysmon's User into user.domain and user.name and removes it).
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { matchesOf } from '../../src/ast/expr.js';
import { runPipelines } from '../../src/pipeline/apply.js';
import { memoryIo } from '../support/memory-io.js';
import { all, m, pipeline, ref, rule } from './helpers.js';

const FAIL_Y = `transformations:
  - id: no_y
    type: detection_item_failure
    message: Y is not stored
    field_name_conditions: [{ type: include_fields, fields: [Y] }]
`;

describe('detection_item_failure and field references', () => {
  it('refuses an item whose value refers to a field the conditions select, and names the reference', () => {
    const r = runPipelines(rule(all(m('X', ref('Y')), m('Z', 'ok'))), [pipeline(FAIL_Y)]);
    expect(r.failed).toBe(true);
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => d.message)).toEqual([
      'Y is not stored (pipeline `test.yml`, transformation `no_y`, field `X`, a reference to `Y`: the comparison reads its values, and this transformation refuses them)',
    ]);
  });

  it('still refuses an item on the field itself, and leaves a text value that merely spells the name', () => {
    expect(runPipelines(rule(m('Y', 'a')), [pipeline(FAIL_Y)]).failed).toBe(true);
    const text = runPipelines(rule(m('X', 'Y')), [pipeline(FAIL_Y)]);
    expect(text.failed).toBe(false);
    const other = runPipelines(rule(m('X', ref('W', 'contains'))), [pipeline(FAIL_Y)]);
    expect(other.failed).toBe(false);
  });

  it('a failure about some values of a field (detection-item conditions) refuses references to it too: a reference does not know which values it reads', () => {
    const yaml = `${FAIL_Y}    detection_item_conditions: [{ type: match_string, pattern: '^bad$' }]\n`;
    expect(runPipelines(rule(m('Y', 'bad')), [pipeline(yaml)]).failed).toBe(true);
    expect(runPipelines(rule(m('Y', 'good')), [pipeline(yaml)]).failed).toBe(false);
    expect(runPipelines(rule(m('X', ref('Y'))), [pipeline(yaml)]).failed).toBe(true);
    // A field mapping with detection-item conditions still reads them on the item (a reference is no value).
    const mapping = `transformations:\n  - id: map_y\n    type: field_name_mapping\n    mapping: { Y: y.renamed }\n    detection_item_conditions: [{ type: match_string, pattern: '^bad$' }]\n`;
    expect(runPipelines(rule(m('X', ref('Y'))), [pipeline(mapping)]).output.applied).toEqual([]);
  });

  it('names the reference when it alone selected the item, also when the failure lists the item\'s own field but its value conditions do not hold', () => {
    const yaml = `transformations:
  - id: no_xy
    type: detection_item_failure
    message: X and Y are not stored as written
    field_name_conditions: [{ type: include_fields, fields: [X, Y] }]
    detection_item_conditions: [{ type: match_string, pattern: '^bad$' }]
`;
    const r = runPipelines(rule(m('X', ref('Y'))), [pipeline(yaml)]);
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([
      'X and Y are not stored as written (pipeline `test.yml`, transformation `no_xy`, field `X`, a reference to `Y`: the comparison reads its values, and this transformation refuses them)',
    ]);
    // Selected by its own field (a value the conditions refuse): named by its field alone.
    expect(runPipelines(rule(m('X', 'bad')), [pipeline(yaml)]).diagnostics.map((d) => d.message)).toEqual([
      'X and Y are not stored as written (pipeline `test.yml`, transformation `no_xy`, field `X`)',
    ]);
  });
});

describe('elastic-esql (ecs-windows): a reference to a field Winlogbeat splits or removes', () => {
  const ruleText = (item: string): string =>
    `title: Reference\nid: 0b7f4f3e-5d5c-4a43-9a60-6f1e2d3c4b5a\nstatus: test\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n    selection:\n        ${item}\n    condition: selection\nlevel: low\n`;
  const convert = async (item: string, ...flags: string[]) => {
    const io = memoryIo({ 'r.yml': ruleText(item) });
    const status = await runCli(['convert', '-t', 'elastic-esql', ...flags, 'r.yml'], io);
    return { status, out: io.out, err: io.err };
  };

  for (const [item, column] of [
    ['ParentCommandLine|fieldref: User', 37],
    ['CommandLine|fieldref|contains: Hashes', 40],
  ] as const) {
    it(`${item}: refused at the reference (no query names a column that does not exist)`, async () => {
      const r = await convert(item);
      expect(r.status).toBe(1);
      expect(r.out).toBe('');
      expect(r.err).toContain(`r.yml:9:${column}: error[unsupported-construct] Winlogbeat's Sysmon module splits, translates or drops this field`);
      expect(r.err).toMatch(/a reference to `(User|Hashes)`: the comparison reads its values, and this transformation refuses them\)/);
      // A refusal (the rule is valid; the schema lacks the field): --skip-unsupported skips it.
      expect((await convert(item, '-s')).status).toBe(0);
    });
  }

  it('Workload|fieldref: Operation (Microsoft 365): refused, as the integration rewrites some Operation values in event.action', async () => {
    const text = ruleText('Workload|fieldref: Operation').replace('product: windows\n    category: process_creation', 'product: m365\n    service: audit');
    const io = memoryIo({ 'r.yml': text });
    expect(await runCli(['convert', '-t', 'elastic-esql', 'r.yml'], io)).toBe(1);
    expect(io.err).toContain('transformation `ecs_cloud_m365_operation`, field `Workload`, a reference to `Operation`');
  });

  it('a reference to a field the pipeline maps still converts (the corpus rule file_delete_win_delete_own_image does)', async () => {
    const io = memoryIo({
      'r.yml': ruleText('ParentImage|fieldref: Image'),
    });
    expect(await runCli(['convert', '-t', 'elastic-esql', 'r.yml'], io)).toBe(0);
    expect(io.out).toContain('TO_LOWER(process.parent.executable) == TO_LOWER(process.executable)');
  });
});

describe('a field reference is renamed by what was done to the field it names', () => {
  // ecs-windows prefixes every field no earlier transformation mapped (ecs_event_data: `not mapped`, a
  // processing_item_applied condition). The item's field and the referenced field are two fields: before,
  // a mapping of one counted for both, so the other kept its Sysmon name (a column Winlogbeat never writes).
  const PREFIX = `transformations:
  - id: known
    type: field_name_mapping
    mapping: { A: a.mapped }
  - id: rest
    type: field_name_prefix
    prefix: 'data.'
    field_name_conditions: [{ type: processing_item_applied, processing_item_id: known }]
    field_name_cond_not: true
`;
  const fieldsOf = (x: string, y: string): string[] => {
    const r = runPipelines(rule(m(x, ref(y))), [pipeline(PREFIX)]);
    expect(r.failed).toBe(false);
    return matchesOf(r.output.rule.detection).map((i) => `${i.field} = ${i.value.kind === 'fieldref' ? i.value.field : '?'}`);
  };

  it('X mapped, Y not: Y is prefixed', () => expect(fieldsOf('A', 'B')).toEqual(['a.mapped = data.B']));
  it('Y mapped, X not: X is prefixed', () => expect(fieldsOf('B', 'A')).toEqual(['data.B = a.mapped']));
  it('both mapped, and neither: as before', () => {
    expect(fieldsOf('A', 'A')).toEqual(['a.mapped = a.mapped']);
    expect(fieldsOf('B', 'C')).toEqual(['data.B = data.C']);
  });

  it('elastic-esql (ecs-windows): ParentImage|fieldref: IntegrityLevel compares with winlog.event_data.IntegrityLevel', async () => {
    for (const [item, expected] of [
      ['ParentImage|fieldref: IntegrityLevel', 'TO_LOWER(process.parent.executable) == TO_LOWER(winlog.event_data.IntegrityLevel)'],
      ['IntegrityLevel|fieldref: ParentImage', 'TO_LOWER(winlog.event_data.IntegrityLevel) == TO_LOWER(process.parent.executable)'],
    ] as const) {
      const io = memoryIo({
        'r.yml': `title: Reference\nid: 0b7f4f3e-5d5c-4a43-9a60-6f1e2d3c4b5a\nstatus: test\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n    selection:\n        ${item}\n    condition: selection\nlevel: low\n`,
      });
      expect(await runCli(['convert', '-t', 'elastic-esql', 'r.yml'], io), item).toBe(0);
      expect(io.out, item).toContain(expected);
    }
  });
});
