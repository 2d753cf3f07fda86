import { describe, expect, it } from 'vitest';
import { pointSpan } from '../../src/diagnostics/span.js';
import { parsePipelineText } from '../../src/pipeline/load-pipeline.js';
import { mapFieldName } from '../../src/pipeline/map-field.js';
import type { ProcessingPipeline } from '../../src/pipeline/types.js';
import { parseSigmaText } from '../../src/rule/parse-documents.js';

/** mapFieldName: a bare field name (a correlation's group-by) mapped exactly as detection fields are. */

const RULE = `title: r\nlogsource: {product: windows, category: process_creation}\ndetection:\n    sel:\n        Image: x\n    condition: sel\n`;
const rule = (() => {
  const d = parseSigmaText(RULE, 'r.yml').documents[0]?.document;
  if (d?.kind !== 'rule') throw new Error('fixture');
  return d;
})();
const pipeline = (yaml: string): ProcessingPipeline => {
  const p = parsePipelineText(yaml, 'p.yml');
  if (!p.ok) throw new Error(p.diagnostics.map((d) => d.message).join('; '));
  return p.value;
};
const span = pointSpan('c.yml', 3, 5);

describe('mapFieldName', () => {
  it('applies field_name_mapping and prefix mappings, and the rule conditions of a transformation', () => {
    const p = pipeline(
      'name: p\npriority: 10\ntransformations:\n' +
        '  - id: m\n    type: field_name_mapping\n    mapping:\n      Host: ComputerName\n    rule_conditions:\n      - type: logsource\n        category: process_creation\n' +
        '  - id: other\n    type: field_name_mapping\n    mapping:\n      User: nope\n    rule_conditions:\n      - type: logsource\n        category: dns\n' +
        '  - id: pre\n    type: field_name_prefix\n    prefix: "event."\n',
    );
    expect(mapFieldName(rule, 'Host', [p], span)).toMatchObject({ ok: true, value: { kind: 'field', name: 'event.ComputerName' } });
    expect(mapFieldName(rule, 'User', [p], span)).toMatchObject({ ok: true, value: { kind: 'field', name: 'event.User' } });
  });

  it('one-to-many is ambiguous; no pipeline keeps the name', () => {
    const p = pipeline('name: p\npriority: 10\ntransformations:\n  - id: m\n    type: field_name_mapping\n    mapping:\n      User: [SubjectUserName, TargetUserName]\n');
    expect(mapFieldName(rule, 'User', [p], span)).toMatchObject({ ok: true, value: { kind: 'ambiguous', names: ['SubjectUserName', 'TargetUserName'] } });
    expect(mapFieldName(rule, 'User', [], span)).toMatchObject({ ok: true, value: { kind: 'field', name: 'User' } });
  });

  it('a strict mapping that does not know the field is an error at the given place', () => {
    const p = pipeline(
      'name: p\npriority: 10\ntransformations:\n  - id: m\n    type: field_name_mapping\n    mapping:\n      Image: process.executable\n  - id: strict\n    type: strict_field_mapping_failure\n',
    );
    const r = mapFieldName(rule, 'Host', [p], span);
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => `${d.code} ${d.span.line}:${d.span.column}`)).toEqual(['unmapped-field 3:5']);
  });
});
