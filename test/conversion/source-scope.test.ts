/**
 * Rules no pipeline limits to their log source (src/lower/source-scope.ts), through the CLI with each
 * target's default pipelines: refused when the detection matches an event without the rule's fields
 * (unscoped-match-all), converted with a warning otherwise (no-source-condition); never a query that
 * silently searches every event of every source.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { TARGETS } from '../../src/targets/registry.js';
import { convertText, type JsonRecord as Rec } from '../support/convert-text.js';
import { memoryIo } from '../support/memory-io.js';
import { HAVE_CORPUS, SIGMA_DIR } from '../support/paths.js';

const rule = (logsource: string, detection: string): string =>
  `title: Scope test\nid: 5b0c9c5e-43e2-4c61-9d8a-7c9f4f0b2a11\nstatus: test\nlogsource:\n${logsource}\ndetection:\n${detection}\nlevel: low\n`;

const UNMAPPED = '    product: acme\n    service: gateway';
const WINDOWS = '    product: windows\n    category: process_creation';
const NOT_ONLY = '    filter:\n        Image: C:\\Windows\\explorer.exe\n    condition: not filter';
const NULL_ONLY = '    selection:\n        ParentImage: null\n    condition: selection';
const POSITIVE = '    selection:\n        Image|endswith: \\evil.exe\n    filter:\n        User: admin\n    condition: selection and not filter';
const KEYWORDS = '    keywords:\n        - mimikatz\n    condition: keywords';

/** elastic-kql refuses case-insensitive matches unless told its fields are case-insensitive. */
const OPTIONS: Readonly<Record<string, readonly string[]>> = { 'elastic-kql': ['-O', 'case-insensitive-fields'] };
const UNSCOPED_TARGETS = ['splunk', 'elastic-kql', 'elastic-esql'];

async function convert(target: string, text: string, extra: readonly string[] = [], files: Record<string, string> = {}): Promise<{ status: number; rec: Rec; err: string }> {
  return convertText(text, ['-t', target, ...(OPTIONS[target] ?? []), ...extra], files);
}

const codes = (r: Rec): string[] => r.diagnostics.map((d) => `${d.severity}:${d.code}`);

describe('unscoped-match-all: a query that would match nearly every event is refused', () => {
  for (const target of UNSCOPED_TARGETS) {
    it(`${target}: \`not filter\` on a log source no pipeline maps`, async () => {
      const { status, rec } = await convert(target, rule(UNMAPPED, NOT_ONLY));
      expect(status).toBe(1);
      expect(rec).toMatchObject({ ok: false, output: null });
      expect(codes(rec)).toEqual(['error:unscoped-match-all']);
      const d = rec.diagnostics[0];
      // Located at `logsource:` (line 4, column 1), naming the log source and what to do.
      expect(d).toMatchObject({ line: 4, column: 1 });
      expect(d?.message).toContain('(product: acme, service: gateway)');
      expect(d?.message).toContain('-p my-sources.yml');
      expect(d?.message).toContain('rule_conditions: [{ type: logsource, product: acme, service: gateway }]');
    });

    it(`${target}: \`field: null\` alone on a log source no pipeline maps`, async () => {
      const { status, rec } = await convert(target, rule(UNMAPPED, NULL_ONLY));
      expect(status).toBe(1);
      expect(codes(rec)).toEqual(['error:unscoped-match-all']);
    });

    it(`${target}: --skip-unsupported skips it with the refusal as a warning`, async () => {
      const { status, rec } = await convert(target, rule(UNMAPPED, NOT_ONLY), ['-s']);
      expect(status).toBe(0);
      expect(rec).toMatchObject({ ok: true, skipped: true, output: null });
      expect(codes(rec)).toEqual(['warning:unscoped-match-all']);
    });

    it(`${target}: a positive rule on a log source no pipeline maps converts with a warning`, async () => {
      const { status, rec } = await convert(target, rule(UNMAPPED, POSITIVE));
      expect(status).toBe(0);
      expect(rec.ok).toBe(true);
      expect(rec.output).toBeTruthy();
      expect(codes(rec)).toEqual(['warning:no-source-condition']);
      expect(rec.diagnostics[0]).toMatchObject({ line: 4, column: 1 });
      expect(rec.diagnostics[0]?.message).not.toContain('\n');
    });
  }

  it('keywords on a log source no pipeline maps: converted with a warning (splunk, elastic-esql)', async () => {
    for (const target of ['splunk', 'elastic-esql']) {
      const { status, rec } = await convert(target, rule(UNMAPPED, KEYWORDS));
      expect(status, target).toBe(0);
      expect(codes(rec), target).toEqual(['warning:no-source-condition']);
    }
  });

  it('the same rules on a Windows log source the default pipelines map: converted, no diagnostic', async () => {
    for (const target of TARGETS.map((t) => t.id)) {
      for (const detection of [NOT_ONLY, NULL_ONLY]) {
        const { status, rec } = await convert(target, rule(WINDOWS, detection));
        expect(status, `${target}\n${detection}`).toBe(0);
        expect(codes(rec), target).toEqual([]);
      }
    }
  });

  it('sql: every rule gets a table from sql-tables (a scope): converted, no diagnostic', async () => {
    for (const detection of [NOT_ONLY, NULL_ONLY, POSITIVE]) {
      const { status, rec } = await convert('sql', rule(UNMAPPED, detection));
      expect(status).toBe(0);
      expect(rec.output).toContain('FROM "acme_gateway"');
      expect(codes(rec)).toEqual([]);
    }
  });

  it('sentinel-kql: a log source with no table is refused by its pipeline as before (no table, no query)', async () => {
    const { status, rec } = await convert('sentinel-kql', rule(UNMAPPED, NOT_ONLY));
    expect(status).toBe(1);
    expect(codes(rec)).toEqual(['error:unsupported-construct']);
    expect(rec.diagnostics[0]?.message).toContain('has no table for this log source');
  });

  it('a target default source (sql\'s table, sentinel\'s SigmaEvents) is not a scope: without pipelines the rule is refused', async () => {
    for (const target of ['sql', 'sentinel-kql']) {
      const { status, rec } = await convert(target, rule(UNMAPPED, NOT_ONLY), ['--without-pipeline']);
      expect(status, target).toBe(1);
      expect(codes(rec), target).toEqual(['error:unscoped-match-all']);
    }
  });

  it('a pipeline that adds a source condition or sets the source state scopes the rule', async () => {
    const scoped = {
      'cond.yml': 'name: acme\ntransformations:\n  - { type: add_condition, conditions: { sourcetype: acme:gateway }, rule_conditions: [{ type: logsource, product: acme }] }\n',
      'index.yml': 'name: acme\ntransformations:\n  - { type: set_state, key: index, val: acme, rule_conditions: [{ type: logsource, product: acme }] }\n',
      'negated.yml': 'name: acme\ntransformations:\n  - { type: add_condition, negated: true, conditions: { sourcetype: other }, rule_conditions: [{ type: logsource, product: acme }] }\n',
      'null.yml': 'name: acme\ntransformations:\n  - { type: add_condition, conditions: { sourcetype: null }, rule_conditions: [{ type: logsource, product: acme }] }\n',
    };
    for (const target of UNSCOPED_TARGETS) {
      const cond = await convert(target, rule(UNMAPPED, NOT_ONLY), ['-p', 'cond.yml'], scoped);
      expect(cond.status, target).toBe(0);
      expect(codes(cond.rec), target).toEqual([]);
      expect(cond.rec.output, target).toContain('acme:gateway');
      // A negated condition or `field: null` limits nothing: still refused.
      for (const p of ['negated.yml', 'null.yml']) {
        const r = await convert(target, rule(UNMAPPED, NOT_ONLY), ['-p', p], scoped);
        expect(codes(r.rec), `${target} ${p}`).toEqual(['error:unscoped-match-all']);
      }
    }
    // The index is splunk's source; elastic-kql has no source clause, and elastic-esql's FROM index does
    // not count as a scope (the ECS pipelines set catch-all patterns for every Windows log source).
    const spl = await convert('splunk', rule(UNMAPPED, NOT_ONLY), ['-p', 'index.yml'], scoped);
    expect(spl.status).toBe(0);
    expect(codes(spl.rec)).toEqual([]);
    expect(spl.rec.output).toMatch(/index=acme/);
    for (const target of ['elastic-kql', 'elastic-esql']) {
      const r = await convert(target, rule(UNMAPPED, NOT_ONLY), ['-p', 'index.yml'], scoped);
      expect(codes(r.rec), target).toEqual(['error:unscoped-match-all']);
      // The advice names only what scopes the query on this target (no set_state key).
      expect(r.rec.diagnostics[0]?.message, target).not.toContain('set_state');
    }
  });

  it('elastic-esql: the ECS pipelines\' index (winlogbeat-*, logs-*: every Windows log, every Elastic Agent data stream) does not limit a rule to its log source', async () => {
    // ecs-windows sets the index for every Windows rule but adds a source condition only for the log
    // sources it maps; a Windows category it does not map is unscoped there, as for elastic-kql.
    const unmappedCategory = '    product: windows\n    category: acme_unmapped';
    for (const target of ['elastic-kql', 'elastic-esql']) {
      const r = await convert(target, rule(unmappedCategory, NOT_ONLY));
      expect(r.status, target).toBe(1);
      expect(codes(r.rec).filter((c) => c.endsWith('unscoped-match-all')), target).toEqual(['error:unscoped-match-all']);
      const positive = await convert(target, rule(unmappedCategory, POSITIVE));
      expect(codes(positive.rec), target).toContain('warning:no-source-condition');
    }
  });

  it('an added source condition that a later transformation drops does not scope the rule; one it maps still does', async () => {
    const add = '  - { id: acme_source, type: add_condition, conditions: { sourcetype: acme:gateway }, rule_conditions: [{ type: logsource, product: acme }] }\n';
    const files = {
      'dropped.yml': `name: acme\ntransformations:\n${add}  - { type: drop_detection_item, field_name_conditions: [{ type: include_fields, fields: [sourcetype] }] }\n`,
      'mapped.yml': `name: acme\ntransformations:\n${add}  - { type: field_name_mapping, mapping: { sourcetype: st } }\n`,
    };
    for (const target of UNSCOPED_TARGETS) {
      const dropped = await convert(target, rule(UNMAPPED, POSITIVE), ['-p', 'dropped.yml'], files);
      expect(dropped.rec.output, target).not.toContain('acme:gateway');
      expect(codes(dropped.rec), target).toEqual(['warning:no-source-condition']);
      const mapped = await convert(target, rule(UNMAPPED, NOT_ONLY), ['-p', 'mapped.yml'], files);
      expect(mapped.rec.output, target).toContain('acme:gateway');
      expect(codes(mapped.rec), target).toEqual([]);
    }
  });

  it('a correlation over an unscoped match-all rule is refused through its input; over a positive one it converts', async () => {
    const base = (title: string, id: string, detection: string): string =>
      rule(UNMAPPED, detection).replace('title: Scope test', `title: ${title}`).replace(/^id: .*$/m, `id: ${id}`).replace('level: low\n', 'level: low\n---\n');
    const corr = (ref: string): string =>
      `title: Many\nid: 0d3a1c2b-9e8f-4a7b-8c6d-5e4f3a2b1c0d\nstatus: test\ncorrelation:\n  type: event_count\n  rules:\n    - ${ref}\n  group-by:\n    - User\n  timespan: 5m\n  condition:\n    gte: 10\nlevel: high\n`;
    const runCorrelation = async (detection: string, ...flags: string[]) => {
      const text = base('Input', '7a4f2e1d-3c5b-4a69-8e7d-1f2a3b4c5d6e', detection) + corr('7a4f2e1d-3c5b-4a69-8e7d-1f2a3b4c5d6e');
      const io = memoryIo({ 'c.yml': text });
      const status = await runCli(['convert', '-t', 'splunk', '--json', ...flags, 'c.yml'], io);
      return { status, recs: io.out.trim().split('\n').map((l) => JSON.parse(l) as Rec) };
    };
    const refused = await runCorrelation(NOT_ONLY);
    expect(refused.status).toBe(1);
    const corrRec = refused.recs[1];
    expect(corrRec?.ok).toBe(false);
    // A refusal, as the input's own error is: --skip-unsupported skips the correlation as it skips the rule.
    expect(corrRec?.diagnostics.map((d) => d.code)).toEqual(['unsupported-construct']);
    expect(corrRec?.diagnostics[0]?.message).toContain('the splunk query would match nearly every event of every source');
    const skipped = await runCorrelation(NOT_ONLY, '-s');
    expect(skipped.status).toBe(0);
    expect(skipped.recs.map((r) => [r.ok, r.skipped])).toEqual([
      [true, true],
      [true, true],
    ]);
    const converted = await runCorrelation(POSITIVE);
    expect(converted.status).toBe(0);
    expect(converted.recs[1]?.ok).toBe(true);
    // The input's warning reaches the correlation's record.
    expect(converted.recs[1]?.diagnostics.map((d) => d.code)).toContain('no-source-condition');
  });
});

describe.skipIf(!HAVE_CORPUS)('unscoped-match-all in the corpus', () => {
  it('zeek_rdp_public_listener (`not selection`, zeek has no pipeline) is refused on splunk, elastic-kql, elastic-esql; converted on sql (PostgreSQL)', async () => {
    const file = join(SIGMA_DIR, 'rules/network/zeek/zeek_rdp_public_listener.yml');
    for (const target of UNSCOPED_TARGETS) {
      const io = memoryIo();
      expect(await runCli(['convert', '-t', target, file], io), target).toBe(1);
      expect(io.err, target).toMatch(/zeek_rdp_public_listener\.yml:12:1: error\[unscoped-match-all\] /);
      expect(io.err, target).toContain('(product: zeek, service: rdp)');
    }
    const io = memoryIo();
    // -O postgres: SQLite cannot test the rule's IPv6 networks.
    expect(await runCli(['convert', '-t', 'sql', '-O', 'postgres', file], io)).toBe(0);
    expect(io.out).toContain('FROM "zeek_rdp"');
  });
});
