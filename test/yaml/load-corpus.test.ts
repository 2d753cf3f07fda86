import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { loadYaml } from '../../src/yaml/load.js';
import { toPlain, type YamlNode } from '../../src/yaml/node.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CORPUS = join(REPO, '..', 'shared', 'sigma');
const FOLDERS = [
  'rules',
  'rules-emerging-threats',
  'rules-threat-hunting',
  'rules-placeholder',
  'rules-compliance',
  'deprecated',
  'unsupported',
  'other',
  'spec-examples',
];

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...yamlFiles(path));
    else if (/\.ya?ml$/.test(entry.name)) out.push(path);
  }
  return out;
}

/** Plain data in a form where key order counts and object prototypes do not. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') return Object.entries(value).map(([k, v]) => [k, canonical(v)]);
  return value;
}

const present = existsSync(CORPUS);
if (!present) console.log(`corpus test skipped: no Sigma corpus at ${CORPUS}`);

describe.skipIf(!present)('loadYaml on the Sigma corpus', () => {
  const files = present ? FOLDERS.filter((f) => existsSync(join(CORPUS, f))).flatMap((f) => yamlFiles(join(CORPUS, f))) : [];
  const texts = files.map((f) => readFileSync(f, 'utf8'));

  it('loads every file without error diagnostics, as js-yaml reads it', () => {
    expect(files.length).toBeGreaterThan(1000);
    const errors: string[] = [];
    const mismatches: string[] = [];
    files.forEach((file, i) => {
      const text = texts[i] as string;
      const loaded = loadYaml(text, file);
      for (const d of loaded.diagnostics) if (d.severity === 'error') errors.push(`${file}:${d.span.line}:${d.span.column} ${d.code} ${d.message}`);
      const expected = yaml.loadAll(text, null, { schema: yaml.CORE_SCHEMA });
      const got = loaded.documents.map((d) => (d.node === null ? null : toPlain(d.node)));
      if (JSON.stringify(canonical(got)) !== JSON.stringify(canonical(expected))) mismatches.push(file);
    });
    expect(errors).toEqual([]);
    expect(mismatches).toEqual([]);
  });

  it('places every key and scalar on its own source text', () => {
    const wrong: string[] = [];
    files.forEach((file, i) => {
      const text = texts[i] as string;
      const slice = (n: { span: { offset: number; endOffset: number } }): string => text.slice(n.span.offset, n.span.endOffset);
      const check = (node: YamlNode): void => {
        switch (node.kind) {
          case 'scalar': {
            const s = slice(node);
            const ok =
              node.style === 'single' ? /^'[^]*'$/.test(s)
              : node.style === 'double' ? /^"[^]*"$/.test(s)
              : node.style === 'block' ? /^[|>]/.test(s)
              : node.value === null ? s === '' || s === 'null' || s === '~' || s === 'Null' || s === 'NULL'
              : String(node.value) === s.replace(/\s*\n\s*/g, ' ') || typeof node.value !== 'string';
            if (!ok) wrong.push(`${file}:${node.span.line}:${node.span.column} ${JSON.stringify(s)}`);
            return;
          }
          case 'seq':
            if (node.items.length > 0 && !/^[-[]/.test(slice(node))) wrong.push(`${file}:${node.span.line}:${node.span.column} sequence`);
            node.items.forEach(check);
            return;
          case 'map':
            for (const e of node.entries) {
              const k = slice({ span: e.keySpan });
              if (k !== e.key && k !== `'${e.key}'` && k !== `"${e.key}"`) wrong.push(`${file}:${e.keySpan.line}:${e.keySpan.column} key ${k}`);
              check(e.value);
            }
            return;
        }
      };
      for (const d of loadYaml(text, file).documents) if (d.node !== null) check(d.node);
    });
    expect(wrong).toEqual([]);
  });
});
