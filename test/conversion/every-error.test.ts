/**
 * Issue #13: every problem of a rule is reported in one run. A transformation that reports an error does
 * not stop the pipelines, lowering still reads the rule the pipelines left, each detection item is
 * reported once, and --skip-unsupported skips the rule only when every error is a refusal.
 */
import { describe, expect, it } from 'vitest';
import { convertText, type JsonDiagnostic as Diag } from '../support/convert-text.js';

/** A Sysmon process-creation rule in the corpus' shape, with `items` as its selection. */
const processRule = (items: string): string =>
  'title: Suspicious Child Of Rundll32\nid: 0b6d3b6e-5c1a-4f7e-9d2b-3a4c5d6e7f80\nstatus: test\n' +
  'logsource:\n    category: process_creation\n    product: windows\n' +
  `detection:\n    selection:\n        ParentImage|endswith: '\\rundll32.exe'\n${items}    condition: selection\nlevel: high\n`;

// Line numbers in processRule: the selection's items start at line 10.
const HASHES = "        Hashes|contains: 'IMPHASH=00000000000000000000000000000000'\n";
const USER = "        User: 'NT AUTHORITY\\SYSTEM'\n";
const UNMAPPED = "        NoSuchField: 'x'\n";
const REGEX = "        CommandLine|re: '\\s-enc\\s'\n";
const QUESTION = "        Image|endswith: '\\r?ndll32.exe'\n";
const PLACEHOLDER = "        CommandLine|expand: '%admins%'\n";

async function convert(target: string, text: string, ...flags: string[]): Promise<{ status: number; ok: boolean; skipped: boolean; errors: Diag[]; all: Diag[] }> {
  const { status, rec } = await convertText(text, ['-t', target, ...flags]);
  return { status, ok: rec.ok, skipped: rec.skipped, errors: rec.diagnostics.filter((d) => d.severity === 'error'), all: rec.diagnostics };
}

const summary = (ds: readonly Diag[]): string[] => ds.map((d) => `${d.line} ${d.code}`);

describe('two errors from two transformations are both reported', () => {
  it('elastic-kql (ecs-windows): a refused field (User) and a refused hash', async () => {
    const r = await convert('elastic-kql', processRule(USER + HASHES), '-O', 'case-insensitive-fields');
    expect(r.status).toBe(1);
    expect(summary(r.errors)).toEqual(['11 unsupported-construct', '10 unsupported-construct']);
    expect(r.errors[0]?.message).toMatch(/field `Hashes` holds every hash as one list/);
    expect(r.errors[1]?.message).toMatch(/splits, translates or drops this field.*field `User`/);
  });

  it('sentinel-kql (sentinel-windows): a refused hash and a field the strict check finds unmapped', async () => {
    const r = await convert('sentinel-kql', processRule(HASHES + UNMAPPED));
    expect(r.status).toBe(1);
    expect(summary(r.errors)).toEqual(['10 unsupported-construct', '11 unmapped-field']);
    expect(r.errors[1]?.message).toMatch(/field `NoSuchField` has no mapping in pipeline `sentinel-windows`/);
  });

  it('both are refusals: --skip-unsupported skips the rule and keeps both as warnings', async () => {
    const r = await convert('sentinel-kql', processRule(HASHES + UNMAPPED), '-s');
    expect(r.status).toBe(0);
    expect(r.skipped).toBe(true);
    expect(summary(r.all.filter((d) => d.severity === 'warning'))).toEqual(['10 unsupported-construct', '11 unmapped-field']);
  });
});

describe('a pipeline error and a lowering error are both reported', () => {
  for (const [name, item, message] of [
    ['a |re value', REGEX, /elastic-kql cannot express a regular expression/],
    ['a ? wildcard', QUESTION, /elastic-kql cannot express a single-character wildcard/],
  ] as const) {
    it(`elastic-kql: a refused field (User) and ${name}`, async () => {
      const r = await convert('elastic-kql', processRule(USER + item), '-O', 'case-insensitive-fields');
      expect(r.status).toBe(1);
      expect(summary(r.errors)).toEqual(['10 unsupported-construct', '11 unsupported-construct']);
      expect(r.errors[0]?.message).toMatch(/field `User`/);
      expect(r.errors[1]?.message).toMatch(message);
      // Every error is a refusal: --skip-unsupported skips the rule.
      const skipped = await convert('elastic-kql', processRule(USER + item), '-O', 'case-insensitive-fields', '-s');
      expect(skipped.status).toBe(0);
      expect(skipped.skipped).toBe(true);
    });
  }

  it('elastic-kql: an unresolved placeholder behind a refused field fails, also with --skip-unsupported', async () => {
    for (const flags of [[], ['-s']]) {
      const r = await convert('elastic-kql', processRule(USER + PLACEHOLDER), '-O', 'case-insensitive-fields', ...flags);
      expect(r.status, flags.join(' ')).toBe(1);
      expect(r.ok).toBe(false);
      expect(summary(r.errors)).toEqual(['10 unsupported-construct', '11 unresolved-placeholder']);
    }
  });
});

describe('no detection item is reported twice', () => {
  it('sentinel-kql: a refused Hashes item gets no "has no mapping" from the strict check', async () => {
    const r = await convert('sentinel-kql', processRule(HASHES));
    expect(summary(r.errors)).toEqual(['10 unsupported-construct']);
    expect(r.errors.some((d) => d.code === 'unmapped-field')).toBe(false);
  });

  it('elastic-kql: refused Hashes and User items get no lowering refusal (case-insensitive match) besides', async () => {
    // Without -O case-insensitive-fields every string match is a lowering refusal: the refused items' are
    // left out, the other item's (ParentImage, line 9) is reported.
    const r = await convert('elastic-kql', processRule(HASHES + USER));
    expect(summary(r.errors)).toEqual(['10 unsupported-construct', '11 unsupported-construct', '9 unsupported-construct']);
    expect(r.errors[2]?.message).toMatch(/case-insensitive match of '\\rundll32.exe'/);
  });

  it('elastic-kql, elastic-esql and sentinel-kql: a rule with only the refused hash reports one error', async () => {
    for (const target of ['elastic-kql', 'elastic-esql', 'sentinel-kql']) {
      const r = await convert(target, processRule(HASHES), ...(target === 'elastic-kql' ? ['-O', 'case-insensitive-fields'] : []));
      expect(summary(r.errors), target).toEqual(['10 unsupported-construct']);
    }
  });
});

describe('an error at a leaf the pipelines did not refuse is reported, whatever leaf shares its place', () => {
  // Foo maps to two fields: the two leaves stand at Foo's place in the file. The pipeline refuses the
  // `good` one; lowering refuses the regex of both (one error: the same words at one place). The `bad`
  // leaf's refusal is its own and must be reported; matching by place alone hid it.
  const pipeline = `name: split
transformations:
  - id: both
    type: field_name_mapping
    mapping:
      Foo: [good, bad]
  - id: no_good
    type: detection_item_failure
    message: good cannot be searched
    field_name_conditions: [{ type: include_fields, fields: [good] }]
`;
  const REGEX_FOO = "        Foo|re: 'x+y'\n";
  const withoutParent = processRule(REGEX_FOO).replace("        ParentImage|endswith: '\\rundll32.exe'\n", '');

  it('elastic-kql: the refused leaf gets its pipeline error, the other its lowering refusal', async () => {
    const { status, rec, records } = await convertText(withoutParent, ['-t', 'elastic-kql', '--without-pipeline', '-p', 'split.yml'], { 'split.yml': pipeline });
    expect(status).toBe(1);
    expect(records).toHaveLength(1);
    const errors = rec.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => d.message.split(' (')[0])).toEqual(['good cannot be searched', expect.stringMatching(/^elastic-kql cannot express a regular expression/)]);
    expect(summary(errors)).toEqual(['9 unsupported-construct', '9 unsupported-construct']);
  });

  it('with only the refused leaf there, the lowering refusal that repeats its error is left out as before', async () => {
    const { rec, records } = await convertText(withoutParent, ['-t', 'elastic-kql', '--without-pipeline', '-p', 'split.yml'], { 'split.yml': pipeline.replace('[good, bad]', '[good]') });
    expect(records).toHaveLength(1);
    expect(rec.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message.split(' (')[0])).toEqual(['good cannot be searched']);
  });
});

describe('a correlation over a rule with a mistake behind a refusal', () => {
  // The base rule (generate: false, so it has no record of its own that fails): a refused field (User)
  // and an unresolved placeholder. Alone the rule fails with --skip-unsupported (above); the correlation
  // that combines it must fail too, not be skipped because the rule's first error is a refusal.
  const text =
    processRule(USER + PLACEHOLDER).replace('status: test\n', 'name: base_rule\nstatus: test\n') +
    '---\ntitle: Many\nid: 1b6d3b6e-5c1a-4f7e-9d2b-3a4c5d6e7f81\nstatus: test\ncorrelation:\n    type: event_count\n    rules:\n        - base_rule\n' +
    '    group-by:\n        - ComputerName\n    timespan: 5m\n    condition:\n        gte: 10\n    generate: false\nlevel: high\n';

  it('elastic-esql: fails with --skip-unsupported, naming the placeholder', async () => {
    const { status, records: recs } = await convertText(text, ['-t', 'elastic-esql', '-s']);
    expect(status).toBe(1);
    const corr = recs[1];
    expect(corr?.ok).toBe(false);
    expect(corr?.skipped).toBe(false);
    expect(corr?.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['correlation-input']);
    expect(corr?.diagnostics[0]?.message).toMatch(/field `User`.*no pipeline resolved the placeholder %admins%/);
  });

  it('elastic-esql: a rule whose every error is a refusal still makes the correlation skippable', async () => {
    const refusedOnly = text.replace(PLACEHOLDER, '');
    const { status, records } = await convertText(refusedOnly, ['-t', 'elastic-esql', '-s']);
    expect(status).toBe(0);
    expect(records[1]?.skipped).toBe(true);
  });
});
