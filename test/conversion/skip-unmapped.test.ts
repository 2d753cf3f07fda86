/**
 * --skip-unsupported skips a rule a strict pipeline refuses (unmapped-field), but must not hide another
 * mistake in the same rule (an unresolved placeholder fails a run with or without -s): the pipeline run
 * goes on after the refusal and reports it too.
 */
import { describe, expect, it } from 'vitest';
import { convertText } from '../support/convert-text.js';

const rule = (extra: string): string =>
  'title: Cloud rule\nid: 3e1f9a52-6b7c-4d8e-9f0a-1b2c3d4e5f60\nstatus: test\nlogsource:\n    product: aws\n    service: cloudtrail\n' +
  `detection:\n    selection:\n        eventName: ConsoleLogin\n${extra}    condition: selection\nlevel: low\n`;
const PLACEHOLDER = "        userIdentity.arn|expand: '%admins%'\n";
const UNMAPPED = '        NoSuchField: x\n';

async function run(target: string, text: string): Promise<{ status: number; codes: string[] }> {
  const { status, rec } = await convertText(text, ['-t', target, '-s']);
  return { status, codes: rec.diagnostics.map((d) => `${d.severity}:${d.code}`) };
}

describe('--skip-unsupported and unmapped-field', () => {
  for (const target of ['elastic-esql', 'sentinel-kql']) {
    it(`${target}: an unmapped field alone is skipped`, async () => {
      const r = await run(target, rule(UNMAPPED));
      expect(r.status).toBe(0);
      expect(r.codes).toEqual(['warning:unmapped-field']);
    });

    it(`${target}: an unresolved placeholder fails the run, with or without an unmapped field in the rule`, async () => {
      const alone = await run(target, rule(PLACEHOLDER));
      expect(alone.status).toBe(1);
      expect(alone.codes).toContain('error:unresolved-placeholder');
      const both = await run(target, rule(PLACEHOLDER + UNMAPPED));
      expect(both.status).toBe(1);
      expect(both.codes).toContain('error:unresolved-placeholder');
      expect(both.codes).toContain('error:unmapped-field');
    });
  }
});
