/**
 * A correlation the target cannot express because of an input is a refusal when the input's own errors
 * are all refusals (a field the schema lacks, a construct the target cannot write): --skip-unsupported
 * skips it as it skips the rule alone, and a CI export of the pack is written. A mistake in the input
 * (an unresolved placeholder) still fails the correlation, with or without -s.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { memoryIo } from '../support/memory-io.js';

interface Rec {
  readonly title: string | null;
  readonly ok: boolean;
  readonly skipped: boolean;
  readonly diagnostics: readonly { readonly severity: string; readonly code: string; readonly message: string }[];
}

const base = (detection: string): string =>
  'title: Base\nname: base_rule\nid: 4c2b7d0e-8f1a-4e3b-9c5d-6a7b8c9d0e1f\nstatus: test\n' +
  `logsource:\n    product: windows\n    category: process_creation\ndetection:\n    selection:\n${detection}    condition: selection\nlevel: low\n`;

const correlation = (groupBy: string, extra = ''): string =>
  `title: Many\nid: 1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a\nstatus: test\ncorrelation:\n    type: event_count\n    rules:\n        - base_rule\n${extra}` +
  `    group-by:\n        - ${groupBy}\n    timespan: 5m\n    condition:\n        gte: 10\nlevel: low\n`;

async function run(target: string, text: string, ...flags: string[]): Promise<{ status: number; recs: Rec[] }> {
  const io = memoryIo({ 'c.yml': text });
  const status = await runCli(['convert', '-t', target, '--json', ...flags, 'c.yml'], io);
  return { status, recs: io.out.trim().split('\n').map((l) => JSON.parse(l) as Rec) };
}

const errorCodes = (r: Rec | undefined): string[] => (r?.diagnostics ?? []).filter((d) => d.severity === 'error').map((d) => d.code);

describe('correlations over inputs the target refuses', () => {
  it('a group-by field the schema splits (ecs-windows: Hashes): a refusal, skipped with -s', async () => {
    const text = `${base("        Image|endswith: '\\\\cmd.exe'\n")}---\n${correlation('Hashes')}`;
    const plain = await run('elastic-esql', text);
    expect(plain.status).toBe(1);
    const corr = plain.recs.find((r) => r.title === 'Many');
    expect(errorCodes(corr)).toEqual(['unsupported-construct']);
    expect(corr?.diagnostics.find((d) => d.severity === 'error')?.message).toContain('the group-by field `Hashes` of rule "base_rule" cannot be mapped by the pipelines');
    const skipped = await run('elastic-esql', text, '-s');
    expect(skipped.status).toBe(0);
    expect(skipped.recs.find((r) => r.title === 'Many')).toMatchObject({ ok: true, skipped: true });
  });

  it("the refusal's message quotes the mapping's errors only, not the warnings of the input's pipelines", async () => {
    // Sentinel network rule grouped by Initiated: value_to_condition refuses the probe; the rule's own
    // warnings (rows of unknown direction) have nothing to do with the group-by field.
    const net =
      'title: Base\nname: base_rule\nid: 4c2b7d0e-8f1a-4e3b-9c5d-6a7b8c9d0e1f\nstatus: test\nlogsource:\n    product: windows\n    category: network_connection\n' +
      "detection:\n    selection:\n        Image|endswith: '\\\\cmd.exe'\n        DestinationPort: 4444\n    condition: selection\nlevel: low\n";
    const { recs } = await run('sentinel-kql', `${net}---\n${correlation('Initiated')}`);
    const message = recs.find((r) => r.title === 'Many')?.diagnostics.find((d) => d.severity === 'error')?.message ?? '';
    expect(message).toContain('the group-by field `Initiated` of rule "base_rule" cannot be mapped by the pipelines: the target has no field `Initiated`');
    expect(message).not.toContain('ConnectionFound');
  });

  it('an input rule with an unmapped field (a strict pipeline): a refusal, skipped with -s', async () => {
    const text = `${base("        Image|endswith: '\\\\cmd.exe'\n        NoSuchColumn: x\n")}---\n${correlation('Computer')}`;
    const plain = await run('sentinel-kql', text);
    expect(plain.status).toBe(1);
    expect(errorCodes(plain.recs.find((r) => r.title === 'Many'))).toEqual(['unsupported-construct']);
    const skipped = await run('sentinel-kql', text, '-s');
    expect(skipped.status).toBe(0);
    expect(skipped.recs.map((r) => [r.title, r.ok, r.skipped])).toEqual([
      ['Base', true, true],
      ['Many', true, true],
    ]);
  });

  it('a chained correlation over a refused one is a refusal too', async () => {
    const chained =
      'title: Chain\nid: 2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b\nstatus: test\ncorrelation:\n    type: event_count\n    rules:\n        - many\n' +
      '    group-by:\n        - Hashes\n    timespan: 10m\n    condition:\n        gte: 2\nlevel: low\n';
    const text = `${base("        Image|endswith: '\\\\cmd.exe'\n")}---\n${correlation('Hashes').replace('title: Many\n', 'title: Many\nname: many\n')}---\n${chained}`;
    const plain = await run('elastic-esql', text);
    expect(errorCodes(plain.recs.find((r) => r.title === 'Chain'))).toEqual(['unsupported-construct']);
    expect((await run('elastic-esql', text, '-s')).status).toBe(0);
  });

  it('an unresolved placeholder in the input still fails the correlation, with -s too', async () => {
    const text = `${base("        Image|endswith: '\\\\cmd.exe'\n        CommandLine|expand: '%admins%'\n        NoSuchColumn: x\n")}---\n${correlation('Computer')}`;
    const skipped = await run('sentinel-kql', text, '-s');
    expect(skipped.status).toBe(1);
    expect(errorCodes(skipped.recs.find((r) => r.title === 'Many'))).toEqual(['correlation-input']);
  });
});
