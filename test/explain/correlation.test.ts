import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { correlationIndex, explainCorrelation, renderAll } from '../../src/explain/correlation.js';
import { parseSigmaText } from '../../src/rule/parse-documents.js';
import { memoryIo } from '../support/memory-io.js';
import { expectGolden, REPO_ROOT } from './golden.js';

/** explain on a correlation: its type, the rules it combines (each with its stages), group-by, window, condition. */

const FILE = 'test/fixtures/correlation/chained.yml';
const parsed = parseSigmaText(readFileSync(join(REPO_ROOT, FILE), 'utf8'), FILE);
const outer = parsed.documents[0]?.document;

describe('explain: correlation rules', () => {
  it("the spec's chained example, text and markdown (goldens read by hand)", () => {
    if (outer?.kind !== 'correlation') throw new Error('fixture');
    const expl = explainCorrelation(outer, correlationIndex([parsed]));
    expect(expl.inputs.map((i) => `${i.reference}:${i.kind}`)).toEqual(['multiple_failed_login:correlation', 'successful_login:rule']);
    expectGolden('correlation-chained.txt', renderAll([expl], 'text'));
    expectGolden('correlation-chained.md', renderAll([expl], 'markdown'));
    expect(JSON.parse(renderAll([expl], 'json'))).toEqual(JSON.parse(JSON.stringify([expl])));
  });

  it('a reference not among the files given is shown as unresolved, and the CLI explains the rest', async () => {
    const text = 'title: C\ncorrelation:\n    type: value_count\n    rules: [nowhere]\n    group-by: [Host]\n    timespan: 1d\n    condition: {field: User, gt: 3, lte: 10}\n';
    const io = memoryIo({ 'c.yml': text });
    expect(await runCli(['explain', 'c.yml'], io)).toBe(0);
    expect(io.out).toContain('type: value_count: the number of distinct values of User in the window');
    expect(io.out).toContain('condition: value_count(User) > 3 and value_count(User) <= 10');
    expect(io.out).toContain('1. nowhere: not resolved: no rule or correlation of this run has the id or name "nowhere"');
  });
});
