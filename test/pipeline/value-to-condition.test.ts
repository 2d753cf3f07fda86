import { describe, expect, it } from 'vitest';
import type { Expr } from '../../src/ast/expr.js';
import { convertFiles } from '../../src/convert.js';
import { findConverter } from '../../src/converters.js';
import { applyPipelines } from '../../src/pipeline/apply.js';
import { defaultPipelinesFor } from '../../src/pipeline/builtins.js';
import { describePipelineSources } from '../../src/pipeline/describe.js';
import { parsePipelineText } from '../../src/pipeline/load-pipeline.js';
import { SENTINEL_TABLES } from '../../src/pipeline/schemas/sentinel-tables.js';
import { parseSigmaText } from '../../src/rule/parse-documents.js';
import { evaluateExpr } from '../support/evaluate-expr.js';
import { kustoDiagnostics } from '../support/kusto.js';
import { runSqlite, type SqlEvent } from '../targets/sql/engines.js';
import { all, errors, m, neg, okValue, parts, pipeline, rule, show, tree } from './helpers.js';
import { convertExpr } from '../../src/lower/convert-expr.js';

/** Sysmon's Initiated as Defender's ActionType, on a table limited to the four ActionTypes. */
const INITIATED = `transformations:
  - id: scope
    type: add_condition
    conditions: { ActionType: [ConnectionSuccess, ConnectionFailed, ConnectionRequest, InboundConnectionAccepted] }
  - id: initiated
    type: value_to_condition
    field: Initiated
    mapping:
      'true': { ActionType: [ConnectionSuccess, ConnectionFailed, ConnectionRequest] }
      'false': { ActionType: InboundConnectionAccepted }
  - id: strict
    type: strict_field_mapping_failure
`;

const apply = (detection: Expr, yaml = INITIATED) => applyPipelines(rule(detection, { product: 'windows', category: 'network_connection' }), [pipeline(yaml)]);
const OUTBOUND = ['or', '  ActionType matches "ConnectionSuccess"', '  ActionType matches "ConnectionFailed"', '  ActionType matches "ConnectionRequest"'];

describe('value_to_condition', () => {
  it("writes a test for a value as that value's condition, in place", () => {
    const out = okValue(apply(m('Initiated', 'true')));
    expect(tree(out.rule.detection)).toBe(
      ['and', '  or', '    ActionType matches "ConnectionSuccess"', '    ActionType matches "ConnectionFailed"', '    ActionType matches "ConnectionRequest"', '    ActionType matches "InboundConnectionAccepted"', ...OUTBOUND.map((l) => `  ${l}`)].join('\n'),
    );
    expect(out.applied[1]).toEqual({
      pipeline: 'test.yml',
      transformation: 'initiated',
      type: 'value_to_condition',
      detail: 'Initiated = "true" -> ActionType = "ConnectionSuccess" | "ConnectionFailed" | "ConnectionRequest"',
    });
    // Written in the target's names: the strict check passes; the condition is no log source scope.
    expect(out.applied[2]?.detail).toBe('every field is mapped');
  });

  it('reads a boolean, a number or any letter case as the value\'s text; keeps `not` around the condition', () => {
    const inbound = 'ActionType matches "InboundConnectionAccepted"';
    expect(tree(okValue(apply(neg(m('Initiated', { kind: 'boolean', value: false })), INITIATED.replace(/ {2}- id: scope[\s\S]*?(?= {2}- id: initiated)/, ''))).rule.detection)).toBe(
      ['not', `  ${inbound}`].join('\n'),
    );
    expect(tree(okValue(apply(m('Initiated', 'TRUE'), INITIATED.replace(/ {2}- id: scope[\s\S]*?(?= {2}- id: initiated)/, ''))).rule.detection)).toBe(OUTBOUND.join('\n'));
  });

  it('refuses every other test of the field: another value, a wildcard, cased, null, a modifier (startswith, re, fieldref, exists)', () => {
    for (const [value, shown] of [
      ['yes', '"yes"'],
      ['tr*', '"tr*"'],
      [{ kind: 'string', parts: [{ kind: 'literal', text: 'true' }], cased: true } as const, '"true" (cased)'],
      [{ kind: 'null' } as const, '(null)'],
      [parts({ kind: 'literal', text: 'true' }, { kind: 'wildcard-multi' }), '"true*"'],
      [{ kind: 'regex', pattern: 'true', flags: { ignoreCase: true, multiline: false, dotAll: false } } as const, '(regex)'],
      [{ kind: 'fieldref', field: 'Other', match: 'equals', cased: false } as const, '(fieldref)'],
      [{ kind: 'exists', exists: true } as const, '(exists)'],
      [1, '1'],
    ] as const) {
      const r = apply(all(m('Image', 'x'), m('Initiated', value)));
      expect(errors(r), shown).toEqual([
        'rule.yml:1:1: error[unsupported-construct] the target has no field `Initiated`: pipeline `test.yml` writes a test for one of its values ("true", "false") as a condition on the event ' +
          `(transformation \`initiated\`), and ${shown} is not one of them; test one of those values`,
        "rule.yml:1:1: error[unmapped-field] field `Image` has no mapping in pipeline `test.yml`, which requires every field to be mapped (transformation `strict`); add it to a field_name_mapping, or convert without this pipeline",
      ]);
    }
  });

  it('`list pipelines` says what each value becomes', () => {
    expect(describePipelineSources(pipeline(INITIATED))[0]?.mapsTo).toContain(
      'Initiated values: "true" -> ActionType = "ConnectionSuccess" | "ConnectionFailed" | "ConnectionRequest", "false" -> ActionType = "InboundConnectionAccepted"',
    );
  });

  it('loader errors at their place', () => {
    const load = (body: string) => errors(parsePipelineText(`transformations:\n  - type: value_to_condition\n${body}`, 'p.yml'));
    expect(load('    field: F\n')).toEqual(['p.yml:2:5: error[pipeline-invalid] `value_to_condition` needs `mapping`']);
    expect(load("    field: F\n    mapping:\n      'true': { A: 1 }\n      'TRUE': { A: 2 }\n")).toEqual([
      'p.yml:6:7: error[pipeline-invalid] `TRUE` is mapped twice (values are compared without case)',
    ]);
    expect(load("    field: F\n    mapping:\n      'true': { A|re: 1 }\n")).toEqual([
      expect.stringMatching(/^p\.yml:5:17: error\[pipeline-invalid\] the conditions of `true` compares fields with plain values/),
      expect.stringMatching(/^p\.yml:5:15: error\[pipeline-invalid\] `conditions` must name at least one field/),
    ]);
    expect(load('    field: F\n    mapping: {}\n')).toEqual(['p.yml:4:14: error[pipeline-invalid] `mapping` must map at least one value to its conditions']);
  });
});

/**
 * On SQLite, over rows of the four ActionTypes and NULL: `Initiated: 'true'` and its negation keep
 * exactly the rows whose Sysmon event has that Initiated (outbound: true, inbound: false). The scope
 * leaves rows of any other ActionType (and NULL) out of both.
 */
describe('value_to_condition on SQL', () => {
  const ACTIONS = ['ConnectionSuccess', 'ConnectionFailed', 'ConnectionRequest', 'InboundConnectionAccepted', 'ConnectionFound', 'ListeningConnectionCreated', null];
  const rows: SqlEvent[] = ACTIONS.map((ActionType) => ({ ActionType }));
  const sysmon = (row: SqlEvent): Record<string, string> | undefined =>
    row.ActionType === 'InboundConnectionAccepted' ? { Initiated: 'false' } : ['ConnectionSuccess', 'ConnectionFailed', 'ConnectionRequest'].includes(String(row.ActionType)) ? { Initiated: 'true' } : undefined;

  for (const detection of [m('Initiated', 'true'), neg(m('Initiated', 'true')), m('Initiated', 'false'), neg(m('Initiated', 'false'))]) {
    it(tree(detection).replace(/\n\s*/g, ' '), () => {
      const mapped = okValue(apply(detection)).rule.detection;
      const sql = convertExpr(mapped, 'sql');
      if (!sql.ok) throw new Error(sql.diagnostics.map(show).join('\n'));
      const expected = rows.flatMap((r, i) => {
        const event = sysmon(r);
        return event !== undefined && evaluateExpr(detection, event) ? [i] : [];
      });
      expect(runSqlite(mapped, rows, sql.value.query), sql.value.query).toEqual(expected);
    });
  }
});

describe('sentinel-windows: Initiated', () => {
  const convert = (items: string) => {
    const text =
      'title: Net\nid: 6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d\nstatus: test\nlogsource: {product: windows, category: network_connection}\n' +
      `detection:\n    sel:\n        Image|endswith: '\\certutil.exe'\n${items}    condition: sel\nlevel: low\n`;
    const [record] = convertFiles([parseSigmaText(text, 'r.yml')], findConverter('sentinel-kql')!, { pipelines: defaultPipelinesFor('sentinel-kql') });
    return record;
  };

  it("is the direction of the row's ActionType, on the rows whose direction is known", () => {
    const record = convert("        Initiated: 'true'\n");
    expect(record?.ok).toBe(true);
    // The one diagnostic: which rows (of unknown direction) the query leaves out.
    expect(record?.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([expect.stringMatching(/^pipeline-warning .*transformation `sentinel_network_unknown_direction`\)$/)]);
    expect(record?.output).toBe(
      'DeviceNetworkEvents\n| where ActionType in~ ("ConnectionSuccess", "ConnectionFailed", "ConnectionRequest", "InboundConnectionAccepted") and ' +
        'InitiatingProcessFolderPath endswith @"\\certutil.exe" and ActionType in~ ("ConnectionSuccess", "ConnectionFailed", "ConnectionRequest")',
    );
    expect(kustoDiagnostics((record?.output ?? '').trim(), { tables: SENTINEL_TABLES })).toEqual([]);
    expect(convert("        Initiated: 'false'\n")?.output).toContain('and ActionType =~ "InboundConnectionAccepted"');
  });

  it('refuses another test of Initiated', () => {
    const record = convert("        Initiated|contains: 'ru'\n");
    expect(record?.ok).toBe(false);
    expect(record?.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([
      expect.stringContaining('the target has no field `Initiated`: pipeline `sentinel-windows` writes a test for one of its values'),
    ]);
  });
});
