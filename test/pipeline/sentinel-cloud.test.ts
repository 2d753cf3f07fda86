import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import type { Expr } from '../../src/ast/expr.js';
import { applyPipelines } from '../../src/pipeline/apply.js';
import { BUILTIN_PIPELINE_TEXTS } from '../../src/pipeline/builtin.generated.js';
import { defaultPipelinesFor, findBuiltinPipeline } from '../../src/pipeline/builtins.js';
import { SENTINEL_TABLES } from '../../src/pipeline/schemas/sentinel-tables.js';
import type { LogSource } from '../../src/rule/model.js';
import { all, errors, m, okValue, rule } from './helpers.js';

/**
 * sentinel-cloud, read from its own YAML: every field mapping of every log source lands on a column of
 * the table that log source gets, and only on a string column or a path into a dynamic one (a Sigma value
 * is text; a bool or number column compared with text is not what the rule says).
 */
interface Transformation {
  readonly id: string;
  readonly type: string;
  readonly val?: string;
  readonly mapping?: Record<string, string>;
  readonly rule_conditions?: readonly { type: string; product?: string; service?: string; category?: string }[];
}
const doc = yaml.load(BUILTIN_PIPELINE_TEXTS['sentinel-cloud'] ?? '') as { transformations: Transformation[] };
const cloud = () => {
  const b = findBuiltinPipeline('sentinel-cloud');
  if (b === undefined) throw new Error('no sentinel-cloud');
  return b.pipeline;
};

function fieldsOf(e: Expr, out: string[] = []): string[] {
  if (e.kind === 'match') {
    if (e.field !== null) out.push(e.field);
  } else if (e.kind === 'not') fieldsOf(e.operand, out);
  else for (const o of e.operands) fieldsOf(o, out);
  return out;
}

/** The one log source a transformation applies to (the mappings here each name exactly one). */
function logsourceOf(t: Transformation): LogSource | undefined {
  const conditions = t.rule_conditions ?? [];
  if (conditions.length !== 1 || conditions[0]?.type !== 'logsource') return undefined;
  const { product, service, category } = conditions[0];
  return { ...(product ? { product } : {}), ...(service ? { service } : {}), ...(category ? { category } : {}) };
}

describe('sentinel-cloud maps to real, text-comparable columns', () => {
  const mappings = doc.transformations.filter((t) => t.type === 'field_name_mapping');
  it('has a field mapping for each table it sets', () => {
    const tables = doc.transformations.filter((t) => t.id === 'sentinel_cloud_table').map((t) => t.val);
    expect(tables.length).toBeGreaterThanOrEqual(14);
    for (const table of tables) expect(Object.keys(SENTINEL_TABLES), String(table)).toContain(table);
  });

  for (const t of mappings) {
    const logsource = logsourceOf(t);
    const name = JSON.stringify(logsource);
    it(`${name}: every mapped field is a string column or a path into a dynamic column of the table`, () => {
      expect(logsource, 'a mapping names exactly one log source').toBeDefined();
      const from = Object.keys(t.mapping ?? {});
      const out = okValue(applyPipelines(rule(all(...from.map((f) => m(f, 'x'))), logsource), [cloud()]));
      const table = out.state.table;
      const schema = SENTINEL_TABLES[String(table)];
      expect(schema, `table ${String(table)}`).toBeDefined();
      for (const f of fieldsOf(out.rule.detection)) {
        const [column = '', ...path] = f.split('.');
        const type = schema?.[column];
        expect(path.length > 0 ? type === 'dynamic' : type === 'string', `${f} (${String(type)}) in ${String(table)}`).toBe(true);
      }
    });
  }

  it('refuses a field of a mapped source that has no column, naming the field and the table, once', () => {
    const res = applyPipelines(rule(all(m('eventName', 'x'), m('src_country', 'y')), { product: 'aws', service: 'cloudtrail' }), [...defaultPipelinesFor('sentinel-kql')]);
    expect(errors(res)).toHaveLength(1);
    expect(errors(res)[0]).toMatch(/field `src_country` has no mapping in pipeline `sentinel-cloud`.*AWSCloudTrail has no column/);
  });

  it('leaves Windows sources to sentinel-windows, and a source neither maps to its "no table" refusal', () => {
    const windows = okValue(applyPipelines(rule(m('EventID', 4624), { product: 'windows', service: 'security' }), [...defaultPipelinesFor('sentinel-kql')]));
    expect(windows.state.table).toBe('SecurityEvent');
    const zeek = applyPipelines(rule(m('query', 'x'), { product: 'zeek', service: 'dns' }), [...defaultPipelinesFor('sentinel-kql')]);
    expect(errors(zeek)).toHaveLength(1);
    expect(errors(zeek)[0]).toMatch(/sentinel-windows has no table for this log source/);
  });

  it('writes a daemon log as Syslog rows of that program', () => {
    const out = okValue(applyPipelines(rule(m(null, 'error'), { product: 'linux', service: 'sshd' }), [cloud()]));
    expect(out.state.table).toBe('Syslog');
    // sshd, sshd-session, sshd-auth (OpenSSH 9.8 and 10.0 log under the split-out programs' names)
    expect(fieldsOf(out.rule.detection)).toEqual(['ProcessName', 'ProcessName', 'ProcessName']);
    // A Linux category is not syslog: process creation stays with sentinel-windows (DeviceProcessEvents).
    const proc = okValue(applyPipelines(rule(m('Image', '/bin/sh'), { product: 'linux', category: 'process_creation' }), [...defaultPipelinesFor('sentinel-kql')]));
    expect(proc.state.table).toBe('DeviceProcessEvents');
  });
});
