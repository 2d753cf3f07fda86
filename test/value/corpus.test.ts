import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { pointSpan } from '../../src/diagnostics/span.js';
import { buildSearchIdentifier } from '../../src/value/detection.js';
import { plainToNode } from './plain-to-node.js';

const corpus = resolve(process.cwd(), '../shared/sigma');
const FOLDERS = ['rules', 'rules-emerging-threats', 'rules-threat-hunting', 'rules-placeholder', 'rules-compliance'];
const haveCorpus = existsSync(join(corpus, 'rules'));
if (!haveCorpus) console.log(`[skip] value corpus test: no Sigma corpus at ${corpus}`);

describe.skipIf(!haveCorpus)('every search identifier of the SigmaHQ corpus builds', () => {
  it('with zero errors', () => {
    const problems: string[] = [];
    const warnings: string[] = [];
    let identifiers = 0;
    for (const folder of FOLDERS) {
      const files = readdirSync(join(corpus, folder), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yml')).sort();
      for (const rel of files) {
        const file = join(folder, rel);
        for (const doc of yaml.loadAll(readFileSync(join(corpus, file), 'utf8'), null, { schema: yaml.CORE_SCHEMA })) {
          const detection = (doc as { detection?: unknown } | null)?.detection;
          if (detection === null || typeof detection !== 'object') continue;
          for (const [name, value] of Object.entries(detection as Record<string, unknown>)) {
            if (name === 'condition' || name === 'timeframe') continue;
            identifiers++;
            const r = buildSearchIdentifier(name, plainToNode(value, file), pointSpan(file));
            for (const d of r.diagnostics) {
              const line = `${file} ${name}: ${d.severity} ${d.code}: ${d.message}`;
              (d.severity === 'error' ? problems : warnings).push(line);
            }
            if (!r.ok && r.diagnostics.length === 0) problems.push(`${file} ${name}: failed without a diagnostic`);
          }
        }
      }
    }
    if (warnings.length > 0) console.log(`value corpus test: ${warnings.length} warnings\n${warnings.join('\n')}`);
    expect(problems).toEqual([]);
    expect(identifiers).toBeGreaterThan(7000);
  });
});
