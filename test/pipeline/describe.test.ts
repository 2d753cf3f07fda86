import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { builtinPipelines } from '../../src/pipeline/builtins.js';
import { describePipelineSources } from '../../src/pipeline/describe.js';
import { memoryIo } from '../support/memory-io.js';
import { pipeline } from './helpers.js';

describe('describePipelineSources: what a pipeline maps per log source, from its transformations', () => {
  it('groups conditions, state, field mappings, refusals and strictness by log source, in file order', () => {
    const p = pipeline(`transformations:
  - id: src
    type: add_condition
    conditions: { sourcetype: 'aws:cloudtrail', n: [1, 2] }
    rule_conditions: [{ type: logsource, product: aws, service: cloudtrail }]
  - id: f
    type: field_name_mapping
    mapping: { eventName: event.action, kept: kept, t: [a, b] }
    rule_conditions:
      - { type: logsource, product: aws, service: cloudtrail }
      - { type: logsource, product: okta }
    rule_cond_op: or
  - id: nope
    type: rule_failure
    message: no
    rule_conditions: [{ type: logsource, product: azure, service: pim }]
  - id: only_if
    type: set_state
    key: table
    val: T
    rule_conditions: [{ type: logsource, product: okta }, { type: processing_item_applied, processing_item_id: src }]
  - id: strict
    type: strict_field_mapping_failure
    rule_conditions: [{ type: logsource, product: okta }]
  - id: everywhere
    type: set_state
    key: index
    val: [a, b]
  - id: values_only
    type: replace_string
    regex: x
    replacement: y
`);
    expect(describePipelineSources(p)).toEqual([
      { logsource: 'product=aws service=cloudtrail', mapsTo: ['sourcetype="aws:cloudtrail" n=(1 | 2)', 'fields: eventName -> event.action, t -> a | b; 1 fields kept by name'] },
      { logsource: 'product=okta', mapsTo: ['fields: eventName -> event.action, t -> a | b; 1 fields kept by name', 'table=T (conditional: only_if)', 'any other field refused'] },
      { logsource: 'product=azure service=pim', mapsTo: ['refused'] },
      { logsource: 'every rule', mapsTo: ['index=a, b'] },
    ]);
  });

  it('a log source under `not` is not one the transformation maps', () => {
    const p = pipeline(`transformations:
  - id: x
    type: set_state
    key: table
    val: T
    rule_conditions: [{ type: logsource, product: windows }]
    rule_cond_not: true
`);
    expect(describePipelineSources(p)).toEqual([{ logsource: 'every rule', mapsTo: ['table=T (conditional: x)'] }]);
  });

  it('every built-in describes at least one log source', () => {
    for (const b of builtinPipelines()) expect(describePipelineSources(b.pipeline).length, b.name).toBeGreaterThan(0);
  });
});

describe('list pipelines', () => {
  it('shows each built-in with the log sources it maps and to what; a target or pipeline name narrows it', async () => {
    const io = memoryIo();
    expect(await runCli(['list', 'pipelines'], io)).toBe(0);
    for (const b of builtinPipelines()) expect(io.out).toContain(`${b.name.padEnd(18)} `);
    expect(io.out).toContain(
      '    product=aws service=cloudtrail: sourcetype="aws:cloudtrail"; some fields refused (splunk_cloud_object); fields: requestParameters.containerDefinitions.command -> requestParameters.containerDefinitions{}.command{}, requestParameters.layers -> requestParameters.layers{}\n',
    );
    expect(io.out).toContain('    product=aws service=cloudtrail: index=logs-*; event.dataset="aws.cloudtrail"; fields: eventName -> event.action');
    expect(io.out).toContain('    every rule: table=${logsource}\n');

    const one = memoryIo();
    expect(await runCli(['list', 'pipelines', 'splunk'], one)).toBe(0);
    expect(one.out).toMatch(/^splunk-windows /);
    expect(one.out).toContain('\nsplunk-cloud ');
    expect(one.out).not.toContain('ecs-cloud');

    const bad = memoryIo();
    expect(await runCli(['list', 'pipelines', 'no-such'], bad)).toBe(2);
    expect(bad.err).toContain('built-in pipelines: splunk-windows');
  });
});
