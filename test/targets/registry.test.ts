import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { supportTable } from '../../src/lower/supports.js';
import { renderTemplate, templateFormats } from '../../src/render/environment.js';
import { findTarget, isTargetId, TARGET_IDS, TARGETS } from '../../src/targets/registry.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('registry', () => {
  it('lists each target once, with a query template', () => {
    expect(new Set(TARGET_IDS).size).toBe(TARGET_IDS.length);
    for (const t of TARGETS) {
      expect(findTarget(t.id)).toBe(t);
      expect(templateFormats(t.id)).toContain('query');
    }
    expect(isTargetId('splunk')).toBe(true);
    expect(isTargetId('Splunk')).toBe(false);
  });

  it("keeps each target README's support matrix equal to the derived one", () => {
    for (const t of TARGETS) {
      const file = join(repo, 'src', 'targets', t.id, 'README.md');
      if (process.env.UPDATE_GOLDENS === '1') {
        const old = readFileSync(file, 'utf8');
        writeFileSync(file, old.replace(/(<!-- support-matrix:begin -->)[\s\S]*?(<!-- support-matrix:end -->)/, `$1\n${supportTable(t)}\n$2`));
      }
      const readme = readFileSync(file, 'utf8');
      const block = /<!-- support-matrix:begin -->\n([\s\S]*?)\n<!-- support-matrix:end -->/.exec(readme);
      expect(block?.[1], `${t.id} README support matrix (UPDATE_GOLDENS=1 regenerates it)`).toBe(supportTable(t));
    }
  });
});

describe('render environment', () => {
  it('does not HTML-escape and fails on a missing variable', () => {
    expect(renderTemplate('splunk', 'query', { expression: 'F="<&>"', postFilter: null, source: null })).toBe('F="<&>"\n');
    // strict mode: a missing {{variable}} throws (handlebars does not check #if arguments)
    expect(() => renderTemplate('splunk', 'query', { postFilter: null, source: null })).toThrow();
    expect(renderTemplate('splunk', 'nope', {})).toBeNull();
  });

  it('generates the template module deterministically', () => {
    const out = join(repo, 'src', 'render', 'templates.generated.ts');
    execFileSync(process.execPath, [join(repo, 'scripts', 'generate-templates.mjs')]);
    const first = readFileSync(out, 'utf8');
    execFileSync(process.execPath, [join(repo, 'scripts', 'generate-templates.mjs')]);
    expect(readFileSync(out, 'utf8')).toBe(first);
    expect(first).toContain('"splunk": {');
  });
});
