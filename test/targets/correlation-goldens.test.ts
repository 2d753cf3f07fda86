/**
 * The splunk and sentinel-kql correlation renderers on every spec example
 * (../shared/sigma/spec-examples/correlation/) and the spec's chained example, with plans built by
 * test/support/correlation-plan.ts (no pipelines). Goldens: test/golden/<target>/correlation/<name>.spl|.kql,
 * read by hand (UPDATE_GOLDENS=1 rewrites). Sentinel outputs must also pass Microsoft's parser and
 * semantic analysis against the tables they read.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CorrelationPlan } from '../../src/correlation/plan.js';
import { sentinelCorrelation } from '../../src/targets/sentinel-kql/correlation.js';
import { splunkCorrelation } from '../../src/targets/splunk/correlation.js';
import { testPlan } from '../support/correlation-plan.js';
import { kustoDiagnostics, type KustoSchema } from '../support/kusto.js';
import { REPO_ROOT, SIGMA_DIR } from '../support/paths.js';

const SPEC = join(SIGMA_DIR, 'spec-examples/correlation');
const FIXTURES = join(REPO_ROOT, 'test/fixtures/correlation-targets');
const RULES = readFileSync(join(FIXTURES, 'rules.yml'), 'utf8');

/** Every spec example by file name, plus the chained example; with the reference of the outer correlation. */
function examples(): { name: string; texts: Record<string, string>; outer: string }[] {
  const out: { name: string; texts: Record<string, string>; outer: string }[] = [];
  const specFiles = existsSync(SPEC) ? readdirSync(SPEC).filter((f) => f.endsWith('.yml')).sort() : [];
  for (const file of specFiles) {
    const text = readFileSync(join(SPEC, file), 'utf8');
    // The examples without id are referenced by their title's document: give them a name to find them by.
    const id = /^id: (\S+)$/m.exec(text)?.[1];
    const named = id === undefined ? `name: spec_${file.replace(/\.yml$/, '')}\n${text}` : text;
    out.push({ name: file.replace(/\.yml$/, ''), texts: { [file]: named, 'rules.yml': RULES }, outer: id ?? `spec_${file.replace(/\.yml$/, '')}` });
  }
  out.push({
    name: 'chained',
    texts: { 'chained.yml': readFileSync(join(FIXTURES, 'chained.yml'), 'utf8') },
    outer: 'b180ead8-d58f-40b2-ae54-c8940995b9b6',
  });
  return out;
}

function golden(target: string, name: string, text: string): void {
  const file = join(REPO_ROOT, 'test/golden', target, 'correlation', `${name}.${target === 'splunk' ? 'spl' : 'kql'}`);
  if (process.env.UPDATE_GOLDENS === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  expect(existsSync(file), `missing golden ${file}`).toBe(true);
  expect(text).toBe(readFileSync(file, 'utf8'));
}

/** What the renderer said, as one text: the query and its warnings, or the refusal. */
function show(result: ReturnType<typeof splunkCorrelation>): string {
  if (result.kind === 'unsupported') return `REFUSED: ${result.construct}: ${result.reason}\n`;
  return `${result.text}\n${result.warnings.map((w) => `WARNING: ${w}\n`).join('')}`;
}

/** The columns a plan's rules read, as string columns of SigmaEvents (plus TimeGenerated). */
function schemaFor(plan: CorrelationPlan): KustoSchema {
  const columns: Record<string, string> = { TimeGenerated: 'datetime', EventID: 'int', CommandLine: 'string' };
  const walk = (p: CorrelationPlan): void => {
    for (const input of p.inputs) {
      if (input.kind === 'correlation') {
        walk(input.plan);
        continue;
      }
      for (const f of [...input.groupBy, ...(input.field === null ? [] : [input.field])]) {
        const dot = f.indexOf('.');
        if (dot > 0) columns[f.slice(0, dot)] = 'dynamic';
        else columns[f] ??= 'string';
      }
    }
  };
  walk(plan);
  Object.assign(columns, { Action: 'string', 'cs-method': 'string', Provider_Name: 'string', BytesOut: 'long', bytes_sent: 'long' });
  return { tables: { SigmaEvents: columns } };
}

describe('correlation goldens', () => {
  for (const example of examples()) {
    it(`splunk: ${example.name}`, () => {
      const plan = testPlan('splunk', example.texts, example.outer);
      golden('splunk', example.name, show(splunkCorrelation(plan, {})));
    });
    it(`sentinel-kql: ${example.name}`, () => {
      const plan = testPlan('sentinel-kql', example.texts, example.outer);
      const result = sentinelCorrelation(plan, {});
      golden('sentinel-kql', example.name, show(result));
      if (result.kind === 'correlation-query') expect(kustoDiagnostics(result.text, schemaFor(plan)), result.text).toEqual([]);
    });
  }
});
