import { describe, expect, it } from 'vitest';
import { convertFiles } from '../../src/convert.js';
import { findConverter } from '../../src/converters.js';
import { parseSigmaText } from '../../src/rule/parse-documents.js';
import { CORRELATION_TEXT } from '../support/correlation-text.js';

const RULE = `title: One
id: 0e95725d-7320-415d-80f7-004da920fc11
logsource: {product: windows, category: process_creation}
detection:
    sel:
        CommandLine|contains: one
    condition: sel
---
title: Two
id: 1e95725d-7320-415d-80f7-004da920fc12
logsource: {product: windows, category: process_creation}
detection:
    sel:
        CommandLine|contains: two
    condition: sel
`;
const CORRELATION = CORRELATION_TEXT;

const splunk = findConverter('splunk');
if (splunk === undefined) throw new Error('splunk converter missing');
const files = [parseSigmaText(RULE, 'r.yml')];
const codes = (r: { diagnostics: readonly { severity: string; code: string }[] }): string[] => r.diagnostics.map((d) => `${d.severity}:${d.code}`);

describe('convertFiles options', () => {
  it('refuses an unknown format with an error on every document (no plain query)', () => {
    const records = convertFiles(files, splunk, { format: 'bogus' });
    expect(records).toHaveLength(2);
    for (const r of records) {
      expect(r).toMatchObject({ ok: false, output: null });
      expect(codes(r)).toEqual(['error:unknown-format']);
    }
    expect(records[0]?.diagnostics[0]?.message).toContain('savedsearches');
  });

  it('refuses format options given with the default format (the CLI refuses them too)', () => {
    const records = convertFiles(files, splunk, { formatOptions: { origin: 'sigmahq' } });
    for (const r of records) {
      expect(r).toMatchObject({ ok: false, output: null });
      expect(codes(r)).toEqual(['error:invalid-value']);
      expect(r.diagnostics[0]?.message).toContain('has no options');
    }
  });

  it('the default format without options still converts', () => {
    expect(convertFiles(files, splunk).every((r) => r.ok && r.output !== null)).toBe(true);
  });

  it('skipUnsupported skips a correlation rule the target refuses (elastic-kql cannot aggregate)', () => {
    const parsed = [parseSigmaText(CORRELATION, 'c.yml')];
    const kql = findConverter('elastic-kql')!;
    expect(codes(convertFiles(parsed, kql)[0]!)).toEqual(['error:unsupported-construct']);
    const [r] = convertFiles(parsed, kql, { skipUnsupported: true });
    expect(r).toMatchObject({ ok: true, skipped: true, output: null });
    expect(codes(r!)).toEqual(['warning:unsupported-construct']);
    expect(r!.diagnostics[0]?.message).toContain('--target elastic-esql');
  });
});
