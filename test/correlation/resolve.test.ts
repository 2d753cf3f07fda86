import { describe, expect, it } from 'vitest';
import { convertFiles, type ConversionRecord } from '../../src/convert.js';
import { findConverter } from '../../src/converters.js';
import { parsePipelineText } from '../../src/pipeline/load-pipeline.js';
import { parseSigmaText } from '../../src/rule/parse-documents.js';

/** Bad correlation input: one diagnostic each, with line and column; the other rules still convert. */

const sql = findConverter('sql')!;
const rule = (name: string, field = 'kind'): string => `title: Rule ${name}\nname: ${name}\nlogsource: {product: test}\ndetection:\n    sel:\n        ${field}: ${name}\n    condition: sel\n`;
const corr = (title: string, body: string, extra = ''): string => `title: ${title}\n${extra}correlation:\n${body}`;

function run(...texts: string[]): ConversionRecord[] {
  return convertFiles(texts.map((t, i) => parseSigmaText(t, `f${i}.yml`)), sql);
}
const byTitle = (records: readonly ConversionRecord[], title: string): ConversionRecord => {
  const r = records.find((x) => x.title === title);
  if (r === undefined) throw new Error(`no record ${title}`);
  return r;
};
const errors = (r: ConversionRecord) => r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.span.file}:${d.span.line}:${d.span.column}`);

describe('correlation references', () => {
  it('resolve by name or id in another file; the referenced rule is converted only inside (generate: false)', () => {
    const records = run(
      rule('a') + `id: 5638f7c0-ac70-491d-8465-2a65075e0d86\n`,
      rule('b'),
      corr('C', '    type: temporal\n    rules: [5638F7C0-AC70-491D-8465-2A65075E0D86, b]\n    timespan: 1m\n'),
    );
    expect(byTitle(records, 'C').ok).toBe(true);
    for (const t of ['Rule a', 'Rule b']) {
      expect(byTitle(records, t)).toMatchObject({ ok: true, skipped: true, output: null });
      expect(byTitle(records, t).diagnostics.map((d) => `${d.severity}:${d.code}`)).toEqual(['info:correlation-part']);
    }
  });

  it('generate: true emits the referenced rules too', () => {
    const records = run(rule('a'), corr('C', '    type: event_count\n    rules: [a]\n    timespan: 1m\n    condition: {gte: 2}\n', 'generate: true\n'));
    expect(byTitle(records, 'Rule a')).toMatchObject({ ok: true, skipped: false });
    expect(byTitle(records, 'Rule a').output).toContain('SELECT * FROM');
  });

  it('a reference that resolves to nothing: one error at the reference; the other rules still convert', () => {
    const records = run(rule('a'), rule('z'), corr('C', '    type: temporal\n    rules:\n        - a\n        - nope\n    timespan: 1m\n'));
    expect(errors(byTitle(records, 'C'))).toEqual(['correlation-unresolved f2.yml:6:11']);
    expect(byTitle(records, 'Rule z')).toMatchObject({ ok: true, skipped: false });
    // Rule a stays a building block (alone it would alert on every event) and says why it has no query.
    expect(byTitle(records, 'Rule a')).toMatchObject({ ok: true, skipped: true, output: null });
    expect(byTitle(records, 'Rule a').diagnostics[0]?.message).toContain('which did not convert');
  });

  it('a cycle: one error per correlation of the cycle, at the reference that closes it', () => {
    const records = run(
      rule('a'),
      corr('X', '    type: temporal\n    rules: [a, y]\n    group-by: [kind]\n    timespan: 1m\n', 'name: x\n') +
        '---\n' +
        corr('Y', '    type: temporal\n    rules: [a, x]\n    group-by: [kind]\n    timespan: 1m\n', 'name: y\n'),
    );
    const x = errors(byTitle(records, 'X'));
    const y = errors(byTitle(records, 'Y'));
    expect(x).toEqual(['correlation-cycle f1.yml:5:16']);
    expect(y).toEqual(['correlation-cycle f1.yml:13:16']);
    expect(byTitle(records, 'Rule a').ok).toBe(true);
  });

  it('a correlation that names itself is a cycle', () => {
    const records = run(rule('a'), corr('S', '    type: temporal\n    rules: [a, s]\n    timespan: 1m\n', 'name: s\n'));
    expect(errors(byTitle(records, 'S'))).toEqual(['correlation-cycle f1.yml:5:16']);
  });

  it('a name used by two documents: an error naming both places', () => {
    const records = run(rule('a'), rule('a'), corr('C', '    type: event_count\n    rules: [a]\n    timespan: 1m\n    condition: {gte: 1}\n'));
    const c = byTitle(records, 'C');
    expect(errors(c)).toEqual(['correlation-ambiguous f2.yml:4:13']);
    expect(c.diagnostics[0]?.message).toContain('f0.yml:1, f1.yml:1');
  });

  it('an alias missing for one of the rules, and an alias naming a rule the correlation lacks', () => {
    const records = run(
      rule('a'),
      rule('b'),
      corr('C', '    type: temporal\n    rules: [a, b]\n    group-by: [addr]\n    timespan: 1m\n    aliases:\n        addr:\n            a: src\n            q: dst\n'),
    );
    expect(errors(byTitle(records, 'C'))).toEqual(['correlation-alias f2.yml:8:9', 'correlation-alias f2.yml:10:13']);
  });

  it('a referenced rule the target refuses makes the correlation fail with the reason', () => {
    const records = run(
      `title: Rule v6\nname: v6\nlogsource: {product: test}\ndetection:\n    sel:\n        ip|cidr: '::1/128'\n    condition: sel\n`,
      corr('C', '    type: event_count\n    rules: [v6]\n    timespan: 1m\n    condition: {gte: 1}\n'),
    );
    const c = byTitle(records, 'C');
    expect(errors(c)).toEqual(['unsupported-construct f1.yml:4:13']);
    expect(c.diagnostics[0]?.message).toMatch(/IPv6/);
  });

  it('temporal_ordered refuses a condition other than its default, for every target with correlations (the plan builder does, once)', () => {
    const texts = [rule('a'), rule('b'), corr('C', '    type: temporal_ordered\n    rules: [a, b]\n    timespan: 1m\n    condition: {gte: 1}\n')];
    for (const id of ['splunk', 'elastic-esql', 'sentinel-kql', 'sql']) {
      const records = convertFiles(texts.map((t, i) => parseSigmaText(t, `f${i}.yml`)), findConverter(id)!);
      const c = byTitle(records, 'C');
      expect(errors(c), id).toEqual(['unsupported-construct f2.yml:1:1']);
      expect(c.diagnostics.find((d) => d.severity === 'error')?.message, id).toMatch(/temporal_ordered correlation with a condition other than gte: 2 .* has no defined meaning; remove the condition/);
    }
  });

  it('a correlation over 10,000 rules: one error, quickly, no stack overflow', () => {
    const refs = Array.from({ length: 10000 }, (_, i) => `        - r${i}\n`).join('');
    const rules = Array.from({ length: 10000 }, (_, i) => rule(`r${i}`)).join('---\n');
    const records = run(rules, corr('Big', `    type: event_count\n    rules:\n${refs}    timespan: 1m\n    condition: {gte: 1}\n`), rule('other'));
    const big = byTitle(records, 'Big');
    expect(errors(big)).toEqual(['invalid-value f1.yml:5:9']);
    expect(byTitle(records, 'Rule other').ok).toBe(true);
  });

  it('1,000 rules (the limit) convert, each referenced by name', () => {
    const refs = Array.from({ length: 1000 }, (_, i) => `        - r${i}\n`).join('');
    const rules = Array.from({ length: 1000 }, (_, i) => rule(`r${i}`)).join('---\n');
    const records = run(rules, corr('Big', `    type: event_count\n    rules:\n${refs}    timespan: 1m\n    condition: {gte: 1}\n`));
    const big = byTitle(records, 'Big');
    expect(big.ok).toBe(true);
    expect(big.output?.split('UNION ALL')).toHaveLength(1000);
  });

  it('group-by mapped through the rule pipeline; one-to-many is refused', () => {
    const loaded = parsePipelineText(
      'name: p\npriority: 10\ntransformations:\n  - id: m\n    type: field_name_mapping\n    mapping:\n      host: [ComputerName]\n      user: [User, TargetUser]\n',
      'p.yml',
    );
    if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.message).join('; '));
    const pipeline = loaded.value;
    const parsed = [parseSigmaText(rule('a'), 'a.yml'), parseSigmaText(corr('C', '    type: event_count\n    rules: [a]\n    group-by: [host]\n    timespan: 1m\n    condition: {gte: 1}\n'), 'c.yml')];
    const ok = convertFiles(parsed, sql, { pipelines: [pipeline] }).find((r) => r.title === 'C');
    expect(ok?.output).toContain('"i"."ComputerName" AS "g0"');
    const parsed2 = [parseSigmaText(rule('a'), 'a.yml'), parseSigmaText(corr('C', '    type: event_count\n    rules: [a]\n    group-by: [user]\n    timespan: 1m\n    condition: {gte: 1}\n'), 'c.yml')];
    const bad = convertFiles(parsed2, sql, { pipelines: [pipeline] }).find((r) => r.title === 'C');
    expect(bad?.diagnostics.map((d) => d.code)).toEqual(['unsupported-construct']);
    expect(bad?.diagnostics[0]?.message).toContain('several fields (User, TargetUser)');
  });
});

describe('resolution stays linear', () => {
  it('a failing correlation named many times along a chain is resolved once (no exponential walk)', () => {
    // c0 names c1 twice ... c29 names c30, which names a rule that does not exist: 2^30 paths if walked naively.
    const docs = Array.from({ length: 31 }, (_, i) =>
      corr(`C${i}`, `    type: temporal\n    rules: [${i < 30 ? `c${i + 1}, c${i + 1}x` : 'missing'}]\n    timespan: 1m\n`, `name: c${i}\n`) +
      (i < 30 ? `---\n` + corr(`C${i}x`, `    type: temporal\n    rules: [c${i + 1}]\n    timespan: 1m\n`, `name: c${i}x\n`) : ''),
    ).join('---\n');
    const records = run(docs);
    expect(errors(byTitle(records, 'C0'))).toHaveLength(2);
    expect(errors(byTitle(records, 'C30'))).toEqual(['correlation-unresolved f0.yml:' + String(byTitle(records, 'C30').diagnostics[0]?.span.line) + ':13']);
  });
});

describe('random correlation graphs never crash the run', () => {
  it('every correlation either converts or fails with an error; every rule record is there', async () => {
    const fc = (await import('fast-check')).default;
    const names = ['a', 'b', 'c', 'x', 'y', 'z', 'missing'];
    const arbDoc = fc.record({
      name: fc.constantFrom('x', 'y', 'z'),
      type: fc.constantFrom('event_count', 'temporal', 'temporal_ordered', 'value_count'),
      rules: fc.array(fc.constantFrom(...names), { minLength: 1, maxLength: 4 }),
      groupBy: fc.subarray(['kind', 'al']),
      alias: fc.boolean(),
      generate: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(arbDoc, { maxLength: 4 }), (docs) => {
        const texts = docs.map((d, i) => {
          const cond = d.type === 'value_count' ? '    condition: {field: kind, gte: 1}\n' : d.type === 'event_count' ? '    condition: {gte: 1}\n' : '';
          const aliases = d.alias ? `    aliases:\n        al:\n${d.rules.map((r) => `            ${r}: kind\n`).join('')}` : '';
          return corr(
            `C${i}`,
            `    type: ${d.type}\n    rules: [${d.rules.join(', ')}]\n` + (d.groupBy.length > 0 ? `    group-by: [${d.groupBy.join(', ')}]\n` : '') + `    timespan: 1m\n${cond}${aliases}`,
            `name: ${d.name}\n${d.generate ? 'generate: true\n' : ''}`,
          );
        });
        const records = run(rule('a') + '---\n' + rule('b') + '---\n' + rule('c'), ...texts);
        expect(records.filter((r) => r.title?.startsWith('Rule ')).length).toBe(3);
        for (const r of records.filter((x) => x.title?.startsWith('C'))) {
          const failed = r.diagnostics.some((d) => d.severity === 'error');
          expect(r.ok ? r.output !== null || r.skipped : failed).toBe(true);
        }
      }),
      { numRuns: 200, seed: 42 },
    );
  });
});
