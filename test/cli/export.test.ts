import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeIo, type CliIo, type StagedFiles } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import { sortKeys } from '../../src/render/escape.js';
import { TARGET_IDS } from '../../src/targets/registry.js';
import { memoryIo, type MemoryIoOptions } from '../support/memory-io.js';
import { CORRELATION_TEXT } from '../support/correlation-text.js';
import { ruleText as rule } from '../support/rule-text.js';
import { PSEXEC_RULE, REPO_ROOT } from '../support/paths.js';

const RULES = join(REPO_ROOT, 'rules');
const sha = (s: string | Uint8Array): string => createHash('sha256').update(s).digest('hex');

const GOOD = rule('Good', '0e95725d-7320-415d-80f7-004da920fc11', '    sel:\n        CommandLine|contains: good');
/** sql refuses an IPv6 cidr without -O postgres; splunk converts it. */
const IPV6 = rule('Six', '1e95725d-7320-415d-80f7-004da920fc12', "    sel:\n        DestinationIp|cidr: 'fe80::/10'");
const BROKEN = rule('Broken', '2e95725d-7320-415d-80f7-004da920fc13', '    sel:\n        CommandLine|nosuchmodifier: x');
/** A correlation over GOOD (its id) that also emits GOOD on its own (generate: true). */
const CORRELATION = `${CORRELATION_TEXT}generate: true\n`;
const PACK = { 'pack/a.yml': GOOD, 'pack/b/six.yml': IPV6, 'pack/corr.yml': CORRELATION };

async function run(args: readonly string[], files: Record<string, string> = {}, options: MemoryIoOptions = {}): Promise<ReturnType<typeof memoryIo> & { status: number }> {
  const io = memoryIo(files, options);
  const status = await runCli(['convert', ...args], io);
  return Object.assign(io, { status });
}

describe('convert with several targets', () => {
  it('stdout: each target\'s output, byte for byte what a run with that target alone prints', async () => {
    const targets = ['splunk', 'sql', 'sentinel-kql'];
    const multi = await run(['-t', targets.join(','), '-s', RULES]);
    const singles = await Promise.all(targets.map((t) => run(['-t', t, '-s', RULES])));
    expect(multi.out).toBe(singles.map((s, i) => `${i === 0 ? '' : '\n'}# target ${targets[i]}\n${s.out}`).join(''));
    expect(multi.status).toBe(Math.max(...singles.map((s) => s.status)));
    // one summary line per target, as each single run prints it
    for (const s of singles) expect(multi.err).toContain(s.err.trim().split('\n').at(-1));
  });

  it('--json: the single-target runs\' lines, one target after the other', async () => {
    const multi = await run(['-t', 'splunk', '-t', 'elastic-kql', '-s', '--json', RULES]);
    const a = await run(['-t', 'splunk', '-s', '--json', RULES]);
    const b = await run(['-t', 'elastic-kql', '-s', '--json', RULES]);
    expect(multi.out).toBe(a.out + b.out);
  });

  it('-o: one folder per target holding exactly the files of a single-target run, and manifest.json', async () => {
    const multi = await run(['-t', 'splunk,sql', '-f', 'splunk:savedsearches', '-s', '-o', 'out', RULES]);
    expect(multi.status, multi.err).toBe(0);
    const written = multi.written.get('out') ?? new Map<string, string>();
    const splunk = await run(['-t', 'splunk', '-f', 'savedsearches', '-s', '-o', 'out', RULES]);
    const sql = await run(['-t', 'sql', '-s', '-o', 'out', RULES]);
    const expected = new Map<string, string>([
      ...[...(splunk.written.get('out') ?? [])].map(([k, v]) => [`splunk/${k}`, v] as [string, string]),
      ...[...(sql.written.get('out') ?? [])].map(([k, v]) => [`sql/${k}`, v] as [string, string]),
    ]);
    expect(new Map([...written].filter(([k]) => k !== 'manifest.json'))).toEqual(expected);
    expect(written.has('manifest.json')).toBe(true);
    expect(multi.err).toContain(`wrote ${expected.size + 1} file(s) to out`);
  });

  it('all is every query target once, in the order of `list targets`; repeats are dropped', async () => {
    const all = await run(['-t', 'all', '--json', PSEXEC_RULE]);
    const targets = all.out.trim().split('\n').map((l) => (JSON.parse(l) as { target: string }).target);
    expect(targets).toEqual([...TARGET_IDS]);
    const twice = await run(['-t', 'sql,splunk', '-t', 'sql', '--json', PSEXEC_RULE]);
    expect(twice.out.trim().split('\n').map((l) => (JSON.parse(l) as { target: string }).target)).toEqual(['sql', 'splunk']);
  });

  it('-O applies to the targets that declare it, -F to the formats that declare it', async () => {
    const multi = await run(['-t', 'splunk,sql', '-O', 'postgres', '--json', ...[PSEXEC_RULE]]);
    const sql = await run(['-t', 'sql', '-O', 'postgres', '--json', PSEXEC_RULE]);
    const splunk = await run(['-t', 'splunk', '--json', PSEXEC_RULE]);
    expect(multi.out).toBe(splunk.out + sql.out);
    const f = await run(['-t', 'splunk,sql', '-f', 'savedsearches', '-F', 'origin=sigmahq', PSEXEC_RULE]);
    expect(f.status, f.err).toBe(0);
    expect(f.out).toContain(readFileSync(join(REPO_ROOT, 'test/golden/formats/splunk/savedsearches.conf'), 'utf8'));
  });

  it('usage errors (exit 2) name the mistake, before any rule is read', async () => {
    const cases: [string[], RegExp][] = [
      [['-t', 'splunk,nope'], /unknown target "nope"/],
      [['-t', 'splunk,'], /unknown target ""/],
      [['-t', 'splunk,sql', '-f', 'nope'], /no selected target has a format "nope"/],
      [['-t', 'splunk,sql', '-f', 'sql:savedsearches'], /target sql has no format "savedsearches"/],
      [['-t', 'sql', '-f', 'splunk:savedsearches'], /target "splunk" is not selected/],
      [['-t', 'splunk,sentinel-kql', '-O', 'postgres'], /no selected target has an option "postgres"/],
      [['-t', 'splunk,sql', '-F', 'origin=sigmahq'], /no chosen format has an option "origin"/],
      [['-t', 'splunk', '--manifest'], /--manifest needs --output-dir/],
    ];
    for (const [args, message] of cases) {
      const r = await run([...args, PSEXEC_RULE]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.out).toBe('');
    }
  });
});

describe('manifest.json', () => {
  it('lists every input document with id, title and file, and per target its status, output, diagnostics and hashes', async () => {
    const r = await run(['-t', 'splunk,sql', '-s', '-o', 'out', 'pack'], PACK);
    expect(r.status, r.err).toBe(0);
    const written = r.written.get('out') ?? new Map<string, string>();
    const text = written.get('manifest.json') ?? '';
    const manifest = JSON.parse(text) as {
      manifestVersion: number;
      generator: { name: string; version: string };
      targets: Record<string, { counts: Record<string, number>; folder: string; format: string; pipelines: string[] }>;
      documents: { file: string; document: number; id: string | null; title: string | null; sha256: string; targets: Record<string, { status: string; output: string | null; sha256: string | null; diagnostics: { code: string; severity: string; line: number; column: number; message: string }[] }> }[];
    };
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(manifest.manifestVersion).toBe(1);
    expect(manifest.generator).toEqual({ name: 'sigma-transpiler', version: pkg.version });
    expect(manifest.documents.map((d) => [d.file, d.title])).toEqual([
      ['pack/a.yml', 'Good'],
      ['pack/b/six.yml', 'Six'],
      ['pack/corr.yml', expect.any(String)],
    ]);
    const [a, six, corr] = manifest.documents;
    expect(a?.id).toBe('0e95725d-7320-415d-80f7-004da920fc11');
    expect(a?.sha256).toBe(sha(GOOD));
    expect(a?.targets.splunk).toEqual({ status: 'converted', output: 'splunk/a.spl', sha256: sha(written.get('splunk/a.spl') ?? 'missing'), diagnostics: [] });
    expect(a?.targets.sql?.output).toBe('sql/a.sql');
    expect(a?.targets.sql?.sha256).toBe(sha(written.get('sql/a.sql') ?? 'missing'));
    // refused by sql (skipped with -s), converted by splunk
    expect(six?.targets.splunk?.status).toBe('converted');
    expect(six?.targets.splunk?.output).toBe('splunk/b/six.spl');
    expect(six?.targets.sql).toMatchObject({ status: 'refused', output: null, sha256: null });
    expect(six?.targets.sql?.diagnostics[0]).toMatchObject({ code: 'unsupported-construct', severity: 'warning', line: 6, column: 29 });
    expect(written.has('sql/b/six.sql')).toBe(false);
    // the correlation converts for both targets; its query is a file of its own
    expect(corr?.targets.splunk).toMatchObject({ status: 'converted', output: 'splunk/corr.spl' });
    expect(corr?.targets.sql).toMatchObject({ status: 'converted', output: 'sql/corr.sql', sha256: sha(written.get('sql/corr.sql') ?? 'missing') });
    expect(manifest.targets.sql).toMatchObject({ folder: 'sql', format: 'query', counts: { converted: 2, refused: 1, failed: 0, skipped: 0 } });
    expect(manifest.targets.splunk?.counts).toEqual({ converted: 3, refused: 0, failed: 0, skipped: 0 });
    // canonical: keys sorted at every level (sortKeys, tested in test/formats/escape.test.ts), two-space indent, one newline at the end
    expect(text).toBe(JSON.stringify(sortKeys(manifest), null, 2) + '\n');
  });

  it('a rule a correlation uses with generate: false is skipped (emitted only inside the correlation), not refused', async () => {
    const r = await run(['-t', 'splunk,sql', '-o', 'out', 'pack'], { 'pack/a.yml': GOOD, 'pack/corr.yml': CORRELATION_TEXT });
    expect(r.status, r.err).toBe(0);
    const manifest = JSON.parse(r.written.get('out')?.get('manifest.json') ?? '') as { documents: { targets: Record<string, { status: string; output: string | null; diagnostics: { code: string; severity: string }[] }> }[] };
    const [a, corr] = manifest.documents;
    expect(a?.targets.sql).toMatchObject({ status: 'skipped', output: null });
    expect(a?.targets.sql?.diagnostics).toEqual([expect.objectContaining({ code: 'correlation-part', severity: 'info' })]);
    expect(corr?.targets.sql?.status).toBe('converted');
    expect(r.written.get('out')?.has('sql/a.sql')).toBe(false);
  });

  it('a pack without rules still gets a well-formed manifest', async () => {
    const r = await run(['-t', 'splunk,sql', '-o', 'out', 'pack'], { 'pack/empty.yml': '' });
    expect(r.status, r.err).toBe(0);
    const text = r.written.get('out')?.get('manifest.json') ?? '';
    expect(JSON.parse(text)).toMatchObject({ documents: [], manifestVersion: 1 });
    expect(text).toBe(JSON.stringify(JSON.parse(text), null, 2) + '\n');
  });

  it('a title holding U+2028 or U+2029 keeps its exact value (JSON allows them raw; they are not line ends)', async () => {
    const title = 'Line\u2028sep and para\u2029graph';
    const r = await run(['-t', 'splunk,sql', '-o', 'out', 'pack'], { 'pack/a.yml': rule(JSON.stringify(title), '3e95725d-7320-415d-80f7-004da920fc14', '    sel:\n        CommandLine|contains: x') });
    expect(r.status, r.err).toBe(0);
    const text = r.written.get('out')?.get('manifest.json') ?? '';
    const manifest = JSON.parse(text) as { documents: { title: string }[] };
    expect(manifest.documents[0]?.title).toBe(title);
    expect(text).toBe(JSON.stringify(JSON.parse(text), null, 2) + '\n');
  });

  it('one target: only with --manifest, beside the files (the folder layout stays as it was)', async () => {
    const plain = await run(['-t', 'splunk', '-s', '-o', 'out', 'pack'], PACK);
    expect([...(plain.written.get('out')?.keys() ?? [])].sort()).toEqual(['a.spl', 'b/six.spl', 'corr.spl']);
    const withManifest = await run(['-t', 'splunk', '-s', '--manifest', '-o', 'out', 'pack'], PACK);
    expect([...(withManifest.written.get('out')?.keys() ?? [])].sort()).toEqual(['a.spl', 'b/six.spl', 'corr.spl', 'manifest.json']);
    const manifest = JSON.parse(withManifest.written.get('out')?.get('manifest.json') ?? '') as { targets: { splunk: { folder: string } }; documents: { targets: { splunk: { output: string } } }[] };
    expect(manifest.targets.splunk.folder).toBe('');
    expect(manifest.documents[0]?.targets.splunk.output).toBe('a.spl');
  });

  it('two runs over the same input write the same bytes', async () => {
    // (sentinel-kql fails one bundled rule, so it would write nothing)
    const args = ['-t', 'splunk,elastic-kql,sql', '-f', 'elastic-kql:detection-rule', '-s', '-o', 'out', RULES];
    const first = await run(args);
    const second = await run(args);
    expect(first.status, first.err).toBe(0);
    expect(first.written.get('out')?.size ?? 0).toBeGreaterThan(20);
    expect(second.written).toEqual(first.written);
    expect(second.err).toBe(first.err);
  });
});

describe('convert -o: the pack is written whole or not at all', () => {
  it('without -s, a refusal for any target fails the run (exit 1) and writes nothing, not even the manifest', async () => {
    const r = await run(['-t', 'splunk,sql', '-o', 'out', 'pack'], { 'pack/a.yml': GOOD, 'pack/six.yml': IPV6 });
    expect(r.status).toBe(1);
    expect(r.written.size).toBe(0);
    expect(r.staging.size).toBe(0);
    expect(r.err).toContain('nothing written to out: 1 rule(s) failed');
  });

  it('a broken rule fails even with -s', async () => {
    const r = await run(['-t', 'splunk,sql', '-s', '-o', 'out', 'pack'], { 'pack/a.yml': GOOD, 'pack/broken.yml': BROKEN });
    expect(r.status).toBe(1);
    expect(r.written.size).toBe(0);
    // the broken rule's problem is reported once, not once per target
    expect(r.err.match(/error\[/g)?.length).toBe(1);
  });

  it('a write failing mid-run (injected) leaves nothing behind and says so', async () => {
    for (const at of [1, 2, 3, 4]) {
      const r = await run(['-t', 'splunk,sql', '-s', '-o', 'out', 'pack'], PACK, { failStagedWriteAt: at });
      expect(r.status, `failure at file ${at}`).toBe(1);
      expect(r.written.size).toBe(0);
      expect(r.staging.size).toBe(0);
      expect(r.err).toMatch(/error: writing to out failed: injected failure/);
    }
  });

  const dir = mkdtempSync(join(tmpdir(), 'sigma-export-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('on disk: files are staged beside the folder one by one, moved in on success, removed on a failure', async () => {
    const out = join(dir, 'out');
    const ok = await runCli(['convert', '-t', 'splunk,sql', '-s', '-o', out, RULES], { ...nodeIo(), stdout: () => {}, stderr: () => {} });
    expect(ok).toBe(0);
    expect(readdirSync(dir)).toEqual(['out']);
    expect(readdirSync(out).sort()).toEqual(['manifest.json', 'splunk', 'sql']);
    const memory = await run(['-t', 'splunk,sql', '-s', '-o', 'out', RULES]);
    for (const [name, content] of memory.written.get('out') ?? []) expect(readFileSync(join(out, name), 'utf8'), name).toBe(content);

    const failing = join(dir, 'failing');
    const real = nodeIo();
    let added = 0;
    const io: CliIo = {
      ...real,
      stdout: () => {},
      stderr: () => {},
      stageFiles(target: string): StagedFiles {
        const staged = real.stageFiles?.(target);
        if (staged === undefined) throw new Error('nodeIo stages on disk');
        return {
          ...staged,
          add(name, content) {
            if (++added === 5) throw new Error('disk full (injected)');
            staged.add(name, content);
          },
        };
      },
    };
    expect(await runCli(['convert', '-t', 'splunk,sql', '-s', '-o', failing, RULES], io)).toBe(1);
    expect(existsSync(failing)).toBe(false);
    expect(readdirSync(dir)).toEqual(['out']);
  });
});

/** The same data with every object's keys sorted. */
const canonical = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(canonical) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])])) : v;

const FILTER = `title: tune
logsource: {product: windows}
filter:
    rules: any
    sel:
        User: admin
    condition: not sel
`;

describe('streaming (file by file) and batch (the whole pack at once) give the same output', () => {
  it('a filter in the last file still applies to the rules of the files before it', async () => {
    const files = { 'pack/a.yml': GOOD, 'pack/b.yml': IPV6, 'pack/z-filter.yml': FILTER };
    for (const args of [['-t', 'splunk'], ['-t', 'splunk,sql', '-s']]) {
      const r = await run([...args, '--json', 'pack'], files);
      const records = r.out.trim().split('\n').map((l) => JSON.parse(l) as { file: string; output: string | null; target: string });
      for (const rec of records.filter((x) => x.file !== 'pack/z-filter.yml' && x.output !== null)) expect(rec.output, `${rec.target} ${rec.file}`).toMatch(/admin/);
    }
    // with -o too: the files staged before the filter was seen are not the ones written
    const o = await run(['-t', 'splunk,sql', '-s', '-o', 'out', 'pack'], files);
    expect(o.status, o.err).toBe(0);
    expect(o.written.get('out')?.get('splunk/a.spl')).toMatch(/admin/);
    expect(o.written.get('out')?.get('sql/a.sql')).toMatch(/admin/);
    expect(o.staging.size).toBe(0);
    // sql's refusal of b.yml was printed while streaming; starting over does not print it again
    expect(o.err.match(/warning\[unsupported-construct\]/g)?.length).toBe(1);
  });

  it('the bundled rules: streamed, and in batch (a filter that names no rule of the pack forces it), write the same', async () => {
    const pack = Object.fromEntries(
      readdirSync(RULES)
        .filter((f) => f.endsWith('.yml'))
        .map((f) => [`pack/${f}`, readFileSync(join(RULES, f), 'utf8')]),
    );
    const unused = FILTER.replace('rules: any', 'rules: [00000000-0000-0000-0000-000000000000]');
    for (const args of [['-t', 'sql', '-s'], ['-t', 'splunk,sql,elastic-kql', '-s']]) {
      const streamed = await run([...args, '--json', 'pack'], pack);
      const batch = await run([...args, '--json', 'pack'], { ...pack, 'pack/zz.yml': unused });
      const lines = (text: string): string[] => text.trim().split('\n').filter((l) => !l.includes('"file":"pack/zz.yml"'));
      expect(lines(streamed.out).length).toBeGreaterThan(9);
      expect(lines(batch.out)).toEqual(lines(streamed.out));
      const o1 = await run([...args, '-o', 'out', 'pack'], pack);
      const o2 = await run([...args, '-o', 'out', 'pack'], { ...pack, 'pack/zz.yml': unused });
      const files = (io: typeof o1): Map<string, string> => new Map([...(io.written.get('out') ?? [])].filter(([k]) => k !== 'manifest.json'));
      expect(files(o1).size).toBeGreaterThan(9);
      expect(files(o2)).toEqual(files(o1));
      if (args[1]?.includes(',') === true) {
        // the manifest written piece by piece while streaming is the one batch writes at once
        const streamedText = o1.written.get('out')?.get('manifest.json') ?? '';
        const m1 = JSON.parse(streamedText) as { documents: { file: string }[] };
        const m2 = JSON.parse(o2.written.get('out')?.get('manifest.json') ?? '') as { documents: { file: string }[] };
        expect(m1.documents.length).toBeGreaterThan(9);
        expect(m2.documents.filter((d) => d.file !== 'pack/zz.yml')).toEqual(m1.documents);
        expect(streamedText).toBe(JSON.stringify(canonical(m1), null, 2) + '\n');
      }
    }
  });
});

describe('staging on disk (nodeIo)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sigma-stage-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a write that fails on the writer thread fails the commit; nothing is left behind', () => {
    const out = join(dir, 'out');
    const staged = nodeIo().stageFiles?.(out);
    if (staged === undefined) throw new Error('nodeIo stages on disk');
    staged.add('a', 'a file where a folder is needed next\n');
    staged.add('a/b.spl', 'q\n');
    expect(() => staged.commit()).toThrow();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('commit moves every file in, appended pieces joined in order; abort removes everything', () => {
    const out = join(dir, 'ok');
    const io = nodeIo();
    const staged = io.stageFiles?.(out);
    if (staged === undefined) throw new Error('nodeIo stages on disk');
    for (let i = 0; i < 1500; i++) staged.add(`d${i % 7}/f${i}.spl`, `q${i}\n`);
    staged.append('m.json', '{');
    staged.append('m.json', '}\n');
    staged.commit();
    expect(readFileSync(join(out, 'd3/f10.spl'), 'utf8')).toBe('q10\n');
    expect(readFileSync(join(out, 'm.json'), 'utf8')).toBe('{}\n');
    expect(readdirSync(dir)).toEqual(['ok']);
    const other = io.stageFiles?.(join(dir, 'never'));
    other?.add('x.spl', 'x\n');
    other?.abort();
    expect(readdirSync(dir)).toEqual(['ok']);
  });
});

describe('progress and timings (stderr only)', () => {
  it('a progress bar and the slowest rules only when stderr is a terminal', async () => {
    const tty = await run(['-t', 'splunk,sql', '-s', RULES], {}, { stderrIsTTY: true });
    expect(tty.err).toMatch(/\r\[#{30}\] 100% converting \(splunk, sql\) 9\/9/);
    expect(tty.err).toMatch(/slowest rules[^\n]*:\n( +\d+\.\d ms  \S+.*\n){5}/);
    const plain = await run(['-t', 'splunk,sql', '-s', RULES]);
    expect(plain.err).not.toContain('\r');
    expect(plain.err).not.toContain('slowest');
    // stdout is the same either way
    expect(tty.out).toBe(plain.out);
  });

  it('--timings shows the slowest rules without a bar; --json keeps stderr quiet unless asked', async () => {
    const timed = await run(['-t', 'splunk', '--timings', RULES]);
    expect(timed.err).toContain('slowest rules');
    expect(timed.err).not.toContain('\r');
    const json = await run(['-t', 'splunk', '--json', RULES], {}, { stderrIsTTY: true });
    expect(json.err).not.toContain('slowest');
  });
});

describe('--version', () => {
  it('prints the version in package.json', async () => {
    const io = memoryIo();
    expect(await runCli(['--version'], io)).toBe(0);
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(io.out).toBe(`${pkg.version}\n`);
  });
});
