import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { loadYaml } from '../../src/yaml/load.js';
import { toPlain } from '../../src/yaml/node.js';
import { at } from './helpers.js';

function only(diagnostics: readonly Diagnostic[]): Diagnostic {
  expect(diagnostics).toHaveLength(1);
  const d = diagnostics[0];
  if (d === undefined) throw new Error('no diagnostic');
  expect(d.severity).toBe('error');
  return d;
}

describe('loadYaml diagnostics', () => {
  it('reports a syntax error at js-yaml mark, 1-based, without the code snippet', () => {
    const text = 'title: x\ndetection:\n  sel:\n    a: 1\n   b: 2\n';
    const loaded = loadYaml(text, 'bad.yml');
    const d = only(loaded.diagnostics);
    expect(d.code).toBe('yaml-syntax');
    expect(at(d.span)).toBe('5:4-5:5');
    expect(d.span.file).toBe('bad.yml');
    expect(d.message).toContain('bad indentation of a mapping entry');
    expect(d.message).toContain('same column');
    expect(d.message).not.toContain('\n');
    expect(d.message).not.toContain('^');
    // The document that failed is still listed, without a tree.
    expect(loaded.documents.map((doc) => doc.node)).toEqual([null]);
  });

  it('says how to write a backslash in double quotes', () => {
    const d = only(loadYaml('CommandLine: "C:\\Windows\\system32"\n', 'q.yml').diagnostics);
    expect(d.code).toBe('yaml-syntax');
    expect(d.message).toContain('unknown escape sequence');
    expect(d.message).toContain('single quotes');
    expect(at(d.span)).toBe('1:18-1:19');
  });

  it('reports an unclosed flow collection and tabs in indentation', () => {
    expect(only(loadYaml('a: [1, 2\n', 'f.yml').diagnostics)).toMatchObject({ code: 'yaml-syntax' });
    const tab = only(loadYaml('a:\n\tb: 1\n', 't.yml').diagnostics);
    expect(tab.code).toBe('yaml-syntax');
    expect(tab.message).toContain('spaces, not tabs');
    expect(at(tab.span)).toBe('2:1-2:2');
  });

  it('reports a duplicate key at its second occurrence, naming it', () => {
    const d = only(loadYaml('detection:\n  sel:\n    Image: a\n    Image: b\n  condition: sel\n', 'dup.yml').diagnostics);
    expect(d.code).toBe('yaml-duplicate-key');
    expect(at(d.span)).toBe('4:5-4:10');
    expect(d.message).toContain("'Image'");
    expect(d.message).toContain('line 3');
  });

  it('reports a duplicate key in a flow mapping and a quoted duplicate', () => {
    const flow = only(loadYaml('a: {x: 1, x: 2}\n', 'dup.yml').diagnostics);
    expect(flow).toMatchObject({ code: 'yaml-duplicate-key' });
    expect(at(flow.span)).toBe('1:11-1:12');
    const quoted = only(loadYaml("a: 1\n'a': 2\n", 'dup.yml').diagnostics);
    expect(quoted).toMatchObject({ code: 'yaml-duplicate-key' });
    expect(at(quoted.span)).toBe('2:1-2:4');
  });

  it('reports an unknown tag on the tag', () => {
    const d = only(loadYaml('title: x\nlevel: !foo high\n', 'tag.yml').diagnostics);
    expect(d.code).toBe('yaml-unknown-tag');
    expect(at(d.span)).toBe('2:8-2:12');
    expect(d.message).toContain('!foo');
    // Tags of the core schema are known; tags of other schemas are not.
    expect(loadYaml('a: !!str 1\n', 't.yml').diagnostics).toEqual([]);
    const timestamp = only(loadYaml('a: !!timestamp 2024-01-01\n', 't.yml').diagnostics);
    expect(timestamp.code).toBe('yaml-unknown-tag');
    expect(at(timestamp.span)).toBe('1:4-1:15');
    expect(only(loadYaml('a: !!int abc\n', 't.yml').diagnostics)).toMatchObject({ code: 'yaml-syntax' });
  });

  it('reports non-string keys at the key and drops only those entries', () => {
    const text = 'title: x\n1: one\ntrue: yes\nnull: n\n[a, b]: seq\n{m: 1}: map\n"2": quoted\nlevel: low\n';
    const loaded = loadYaml(text, 'keys.yml');
    expect(loaded.diagnostics.map((d) => [d.code, at(d.span)])).toEqual([
      ['yaml-non-string-key', '2:1-2:2'],
      ['yaml-non-string-key', '3:1-3:5'],
      ['yaml-non-string-key', '4:1-4:5'],
      ['yaml-non-string-key', '5:1-5:7'],
      ['yaml-non-string-key', '6:1-6:7'],
    ]);
    expect(loaded.diagnostics[0]?.message).toContain("quote it ('1')");
    const node = loaded.documents[0]?.node;
    expect(node === null || node === undefined ? undefined : toPlain(node)).toEqual({ title: 'x', '2': 'quoted', level: 'low' });
  });

  it('gives each document the key problems of its own tree; file diagnostics keep only file-level ones', () => {
    const loaded = loadYaml('a: 1\n---\nb:\n  1: x\n---\nc: [\n', 'docs.yml');
    expect(loaded.documents.map((d) => d.diagnostics.map((x) => [x.code, x.span.line]))).toEqual([[], [['yaml-non-string-key', 4]], []]);
    expect(loaded.fileDiagnostics.map((d) => d.code)).toEqual(['yaml-syntax']);
    expect(loaded.diagnostics.map((d) => d.code)).toEqual(['yaml-non-string-key', 'yaml-syntax']);
  });

  it('reports an empty key', () => {
    const d = only(loadYaml('{: x, a: 1}\n', 'k.yml').diagnostics);
    expect(d.code).toBe('yaml-non-string-key');
    expect(at(d.span)).toBe('1:2-1:3');
  });

  it('reports an alias bomb at the node that expands too far, quickly', () => {
    const names = 'abcdefghi';
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${names[i - 1]}`).join(',')}]`);
    const start = performance.now();
    const loaded = loadYaml(lines.join('\n') + '\n', 'lol.yml');
    expect(performance.now() - start).toBeLessThan(2000);
    const d = only(loaded.diagnostics);
    expect(d.code).toBe('yaml-alias-bomb');
    expect(d.span.line).toBe(7);
    expect(loaded.documents.map((doc) => doc.node)).toEqual([null]);
  });

  it('counts alias copies against maxNodes', () => {
    const text = 'a: &a [1, 2, 3]\nb: [*a, *a, *a]\n';
    expect(loadYaml(text, 'x.yml').diagnostics).toEqual([]);
    const d = only(loadYaml(text, 'x.yml', { maxNodes: 12 }).diagnostics);
    expect(d.code).toBe('yaml-alias-bomb');
    expect(at(d.span)).toBe('2:4-2:16');
  });

  it('refuses a document with more than maxNodes nodes and no aliases as too large', () => {
    const d = only(loadYaml('a: [1, 2, 3, 4, 5, 6]\n', 'n.yml', { maxNodes: 5 }).diagnostics);
    expect(d.code).toBe('yaml-too-large');
    expect(at(d.span)).toBe('1:4-1:4');
  });

  it('reports a recursive alias', () => {
    const d = only(loadYaml('a: &x [1, *x]\n', 'r.yml').diagnostics);
    expect(d.code).toBe('yaml-alias-bomb');
    expect(at(d.span)).toBe('1:11-1:13');
  });

  it('reports nesting deeper than maxDepth', () => {
    const flow = only(loadYaml('a: [[[[x]]]]\n', 'd.yml', { maxDepth: 3 }).diagnostics);
    expect(flow.code).toBe('yaml-too-deep');
    expect(flow.span.line).toBe(1);
    expect(loadYaml('a: [[x]]\n', 'd.yml', { maxDepth: 3 }).diagnostics).toEqual([]);
    const block = only(loadYaml('a:\n  b:\n    c:\n      d: 1\n', 'd.yml', { maxDepth: 3 }).diagnostics);
    expect(block.code).toBe('yaml-too-deep');
  });

  it('reports a text over maxBytes without parsing it', () => {
    const d = only(loadYaml('a: [\n', 'big.yml', { maxBytes: 3 }).diagnostics);
    expect(d.code).toBe('yaml-too-large');
    expect(at(d.span)).toBe('1:1-1:1');
    // The limit counts UTF-8 bytes: three characters of three bytes each are nine bytes.
    expect(only(loadYaml('€€€', 'u.yml', { maxBytes: 8 }).diagnostics).code).toBe('yaml-too-large');
    expect(loadYaml('€€€', 'u.yml', { maxBytes: 9 }).diagnostics).toEqual([]);
  });

  it('reports NUL characters as binary', () => {
    const d = only(loadYaml('a: 1\nb: \0\n', 'nul.yml').diagnostics);
    expect(d.code).toBe('yaml-binary');
    expect(at(d.span)).toBe('2:4-2:5');
  });

  it('salvages the documents around a broken one, with positions in the whole file', () => {
    const text = ['title: first', '---', 'title: [broken', '---', 'title: third', 'level: high', ''].join('\n');
    const loaded = loadYaml(text, 'multi.yml');
    const d = only(loaded.diagnostics);
    expect(d.code).toBe('yaml-syntax');
    expect(d.span.line).toBe(4);
    expect(loaded.documents.map((doc) => doc.index)).toEqual([0, 1, 2]);
    expect(loaded.documents.map((doc) => (doc.node === null ? null : toPlain(doc.node)))).toEqual([
      { title: 'first' },
      null,
      { title: 'third', level: 'high' },
    ]);
    const third = loaded.documents[2]?.node;
    expect(third?.kind === 'map' ? third.entries.map((e) => at(e.value.span)) : []).toEqual(['5:8-5:13', '6:8-6:12']);
    expect(at(loaded.documents[2]?.span ?? d.span)).toBe('4:1-6:12');
  });

  it('salvages only at real document markers: `---` after U+2028 or U+2029 is text, not a new line', () => {
    for (const sep of ['\u2028', '\u2029']) {
      const loaded = loadYaml(`title: x\nfoo: [\n${sep}---\nbar: 1\n`, 'one.yml');
      expect(loaded.documents).toHaveLength(1);
      expect(loaded.documents[0]?.node).toBeNull();
      expect(loaded.diagnostics.map((d) => d.code)).toEqual(['yaml-syntax']);
    }
  });

  it('salvages documents around a duplicate key and an alias bomb', () => {
    const names = 'abcdefghi';
    const bomb = ['a: &a [1,1,1,1,1,1,1,1,1,1]'];
    for (let i = 1; i < 9; i++) bomb.push(`${names[i]}: &${names[i]} [${Array(10).fill(`*${names[i - 1]}`).join(',')}]`);
    const text = ['x: 1', 'x: 2', '---', ...bomb, '---', 'ok: yes', ''].join('\n');
    const loaded = loadYaml(text, 'multi.yml');
    expect(loaded.diagnostics.map((d) => [d.code, d.span.line])).toEqual([
      ['yaml-duplicate-key', 2],
      ['yaml-alias-bomb', expect.any(Number)],
    ]);
    expect(loaded.documents.map((doc) => (doc.node === null ? null : toPlain(doc.node)))).toEqual([null, null, { ok: 'yes' }]);
    expect(at(loaded.documents[2]?.span ?? loaded.diagnostics[0]!.span)).toBe('13:1-14:8');
  });
});
