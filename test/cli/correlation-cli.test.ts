import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { memoryIo } from '../support/memory-io.js';

const RULE = `title: Failed logon
name: failed_logon
logsource: {product: windows, service: security}
detection:
    sel:
        EventID: 4625
    condition: sel
`;
const CORR = `title: Many failed logons
correlation:
    type: event_count
    rules: [failed_logon]
    group-by: [User]
    timespan: 1h
    condition: {gte: 10}
`;
const FILTER = `title: Not the service account
logsource: {product: windows, service: security}
filter:
    rules: [failed_logon]
    svc:
        User: svc_backup
    condition: not svc
`;

describe('convert: correlations on the command line', () => {
  it('converts a correlation and its rule from two files; the rule is only part of it', async () => {
    const io = memoryIo({ 'r.yml': RULE, 'c.yml': CORR });
    expect(await runCli(['convert', '-t', 'sql', '--without-pipeline', 'r.yml', 'c.yml'], io)).toBe(0);
    expect(io.out).toContain('WHERE "value" >= 10');
    expect(io.err).toContain('info[correlation-part]');
    expect(io.err).toContain('1 converted, 0 failed, 1 skipped');
  });

  it('-O timestamp-column=<name> names the time column; a switch option given a value is a usage error', async () => {
    const io = memoryIo({ 'r.yml': RULE, 'c.yml': CORR });
    expect(await runCli(['convert', '-t', 'sql', '--without-pipeline', '-O', 'timestamp-column=EventTime', 'r.yml', 'c.yml'], io)).toBe(0);
    expect(io.out).toContain('"i"."EventTime"');
    const bad = memoryIo({ 'c.yml': CORR });
    expect(await runCli(['convert', '-t', 'sql', '-O', 'postgres=yes', 'c.yml'], bad)).toBe(2);
    expect(bad.err).toContain('is a switch');
    const missing = memoryIo({ 'c.yml': CORR });
    expect(await runCli(['convert', '-t', 'sql', '-O', 'timestamp-column', 'c.yml'], missing)).toBe(2);
    expect(missing.err).toContain('needs a value');
  });

  it('--filter FILE applies a filter to the rules (and so inside the correlation)', async () => {
    const io = memoryIo({ 'r.yml': RULE, 'c.yml': CORR, 'f/filter.yml': FILTER });
    expect(await runCli(['convert', '-t', 'sql', '--without-pipeline', '--filter', 'f/filter.yml', 'r.yml', 'c.yml'], io)).toBe(0);
    expect(io.out).toContain("\"User\" NOT LIKE 'svc\\_backup'");
    const plain = memoryIo({ 'r.yml': RULE });
    expect(await runCli(['convert', '-t', 'sql', '--without-pipeline', '--filter', 'r.yml', 'r.yml'], plain)).toBe(2);
    expect(plain.err).toContain('is not a filter');
  });

  it('elastic-kql refuses a correlation and names elastic-esql', async () => {
    const io = memoryIo({ 'r.yml': RULE, 'c.yml': CORR });
    expect(await runCli(['convert', '-t', 'elastic-kql', 'r.yml', 'c.yml'], io)).toBe(1);
    expect(io.err).toContain('--target elastic-esql');
  });
});
