import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { match } from '../../src/ast/expr.js';
import { printCondition } from '../../src/ast/print-condition.js';
import { stripSpans } from '../../src/ast/strip-spans.js';
import { parseCondition, textOrigin } from '../../src/condition/parse.js';
import { resolveCondition, unusedIdentifiers } from '../../src/condition/resolve.js';
import { pointSpan } from '../../src/diagnostics/span.js';
import type { SearchIdentifier } from '../../src/rule/model.js';

const corpus = resolve(process.cwd(), '../shared/sigma');

interface Found {
  readonly file: string;
  readonly condition: string;
  readonly identifiers: readonly string[];
}

/** Every `detection.condition` string of the YAML files under the given corpus folders. */
function conditions(folders: (name: string) => boolean): Found[] {
  const out: Found[] = [];
  for (const folder of readdirSync(corpus).filter(folders)) {
    const files = readdirSync(join(corpus, folder), { recursive: true, encoding: 'utf8' });
    for (const rel of files.filter((f) => f.endsWith('.yml')).sort()) {
      const file = join(folder, rel);
      for (const doc of yaml.loadAll(readFileSync(join(corpus, file), 'utf8'), null, { schema: yaml.CORE_SCHEMA })) {
        const detection = (doc as { detection?: unknown } | null)?.detection;
        if (detection === null || typeof detection !== 'object') continue;
        const { condition, ...rest } = detection as Record<string, unknown>;
        const identifiers = Object.keys(rest).filter((k) => k !== 'timeframe');
        for (const c of Array.isArray(condition) ? condition : [condition]) {
          if (typeof c === 'string') out.push({ file, condition: c, identifiers });
        }
      }
    }
  }
  return out;
}

const ident = (name: string): SearchIdentifier => ({
  name,
  expr: match(name, { kind: 'null' }, pointSpan(name)),
  span: pointSpan(name),
});

if (!existsSync(corpus)) {
  describe.skip('corpus conditions (../shared/sigma is absent)', () => {
    it.skip('skipped', () => {});
  });
} else {
  describe('corpus conditions', () => {
    it('parses, prints and re-parses every condition in rules*/', () => {
      const found = conditions((name) => name.startsWith('rules'));
      expect(found.length).toBeGreaterThan(3000);
      const failures: string[] = [];
      for (const { file, condition, identifiers } of found) {
        const parsed = parseCondition(condition, textOrigin(condition, file));
        if (!parsed.ok) {
          failures.push(`${file}: ${condition}: ${parsed.diagnostics[0]?.message}`);
          continue;
        }
        const printed = printCondition(parsed.value);
        const again = parseCondition(printed, textOrigin(printed));
        if (!again.ok || JSON.stringify(stripSpans(again.value)) !== JSON.stringify(stripSpans(parsed.value))) {
          failures.push(`${file}: ${condition} printed as ${printed} does not re-parse to the same tree`);
          continue;
        }
        const ids = identifiers.map(ident);
        const resolved = resolveCondition(parsed.value, ids);
        if (!resolved.ok) failures.push(`${file}: ${resolved.diagnostics.map((d) => d.message).join('; ')}`);
        const unused = unusedIdentifiers([parsed.value], ids);
        if (unused.length > 0) failures.push(`${file}: unused ${unused.map((i) => i.name).join(', ')}`);
      }
      expect(failures).toEqual([]);
    });

    it('reports the v1 aggregations of deprecated/ and unsupported/ as legacy', () => {
      const found = conditions((name) => name === 'deprecated' || name === 'unsupported');
      const legacy = found.filter((f) => /\|| near |\bcount\(/.test(f.condition));
      expect(legacy.length).toBeGreaterThan(0);
      for (const { file, condition } of legacy) {
        const r = parseCondition(condition, textOrigin(condition, file));
        expect(r.ok, `${file}: ${condition}`).toBe(false);
        expect(r.diagnostics.map((d) => d.code), file).toEqual(['condition-legacy-aggregation']);
      }
      // The rest are v2 conditions, apart from free-text pseudo-code in unsupported/ (a syntax error).
      const broken: string[] = [];
      for (const { file, condition } of found.filter((f) => !legacy.includes(f))) {
        const r = parseCondition(condition, textOrigin(condition, file));
        if (r.ok) continue;
        expect(r.diagnostics.map((d) => d.code), `${file}: ${condition}`).toEqual(['condition-syntax']);
        broken.push(file);
      }
      expect(broken.every((f) => f.startsWith('unsupported'))).toBe(true);
      expect(broken.length).toBeLessThan(5);
    });
  });
}
