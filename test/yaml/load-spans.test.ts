import { describe, expect, it } from 'vitest';
import { loadYaml, loadYamlBytes } from '../../src/yaml/load.js';
import { toPlain, type YamlNode } from '../../src/yaml/node.js';
import { at, entry, nodeAt } from './helpers.js';

const RULE = [
  'title: Suspicious PsExec Service Start', // 1
  'id: 3ede524d-21cc-472d-a3ce-d21b568d8db7', // 2
  'status: test', // 3
  'description: |', // 4
  '    Detects a PsExec service start', // 5
  '    with a second line', // 6
  'references:', // 7
  '    - https://example.org/psexec', // 8
  'author: Florian Roth (Nextron Systems)', // 9
  'date: 2018-03-13', // 10
  'modified: 2022-10-26  # last change', // 11
  'tags:', // 12
  '    - attack.execution', // 13
  '    - attack.t1569.002', // 14
  'logsource:', // 15
  '    category: process_creation', // 16
  '    product: windows', // 17
  'detection:', // 18
  '    selection:', // 19
  "        ParentImage|endswith: '\\services.exe'", // 20
  '        CommandLine: "C:\\\\Windows\\\\PSEXESVC.exe"', // 21
  '        Image|contains:', // 22
  "            - 'psexesvc'", // 23
  '            - PSEXESVC', // 24
  '    filter: {User: SYSTEM, Level: [1, 2]}', // 25
  '    condition: selection and not filter', // 26
  'falsepositives:', // 27
  '    - Administrative activity', // 28
  'level: low', // 29
  '',
].join('\n');

function single(text: string): YamlNode {
  const loaded = loadYaml(text, 'rule.yml');
  expect(loaded.diagnostics).toEqual([]);
  expect(loaded.documents).toHaveLength(1);
  const node = loaded.documents[0]?.node;
  if (node === null || node === undefined) throw new Error('empty document');
  return node;
}

describe('loadYaml spans in a Sigma rule', () => {
  const root = single(RULE);

  it('places plain keys and values', () => {
    expect(at(entry(root, 'title').keySpan)).toBe('1:1-1:6');
    expect(at(entry(root, 'title').value.span)).toBe('1:8-1:39');
    expect(at(entry(root, 'id').value.span)).toBe('2:5-2:41');
    expect(at(entry(root, 'status').value.span)).toBe('3:9-3:13');
    expect(at(entry(root, 'level').keySpan)).toBe('29:1-29:6');
    expect(at(entry(root, 'level').value.span)).toBe('29:8-29:11');
  });

  it('keeps unquoted dates as strings and ends a value before its comment', () => {
    expect(nodeAt(root, 'date')).toMatchObject({ kind: 'scalar', value: '2018-03-13', style: 'plain' });
    expect(at(nodeAt(root, 'date').span)).toBe('10:7-10:17');
    expect(nodeAt(root, 'modified')).toMatchObject({ value: '2022-10-26' });
    expect(at(nodeAt(root, 'modified').span)).toBe('11:11-11:21');
  });

  it('places a block scalar from its indicator to its last character', () => {
    const description = nodeAt(root, 'description');
    expect(description).toMatchObject({ kind: 'scalar', style: 'block', value: 'Detects a PsExec service start\nwith a second line\n' });
    expect(at(description.span)).toBe('4:14-6:23');
  });

  it('places block sequences and their items', () => {
    expect(at(nodeAt(root, 'references').span)).toBe('8:5-8:33');
    expect(at(nodeAt(root, 'references', 0).span)).toBe('8:7-8:33');
    expect(at(nodeAt(root, 'tags').span)).toBe('13:5-14:23');
    expect(at(nodeAt(root, 'tags', 1).span)).toBe('14:7-14:23');
  });

  it('places nested detection keys and quoted values', () => {
    expect(at(entry(root, 'detection').keySpan)).toBe('18:1-18:10');
    expect(at(entry(root, 'detection', 'selection').keySpan)).toBe('19:5-19:14');
    expect(at(nodeAt(root, 'detection', 'selection').span)).toBe('20:9-24:23');
    const endswith = entry(root, 'detection', 'selection', 'ParentImage|endswith');
    expect(at(endswith.keySpan)).toBe('20:9-20:29');
    expect(endswith.value).toMatchObject({ value: '\\services.exe', style: 'single' });
    expect(at(endswith.value.span)).toBe('20:31-20:46');
    const commandLine = entry(root, 'detection', 'selection', 'CommandLine');
    expect(at(commandLine.keySpan)).toBe('21:9-21:20');
    expect(commandLine.value).toMatchObject({ value: 'C:\\Windows\\PSEXESVC.exe', style: 'double' });
    expect(at(commandLine.value.span)).toBe('21:22-21:49');
    expect(at(entry(root, 'detection', 'selection', 'Image|contains').keySpan)).toBe('22:9-22:23');
    expect(at(nodeAt(root, 'detection', 'selection', 'Image|contains').span)).toBe('23:13-24:23');
    expect(nodeAt(root, 'detection', 'selection', 'Image|contains', 0)).toMatchObject({ value: 'psexesvc', style: 'single' });
    expect(at(nodeAt(root, 'detection', 'selection', 'Image|contains', 0).span)).toBe('23:15-23:25');
    expect(at(nodeAt(root, 'detection', 'selection', 'Image|contains', 1).span)).toBe('24:15-24:23');
    expect(at(nodeAt(root, 'detection', 'condition').span)).toBe('26:16-26:40');
  });

  it('places flow collections and their entries', () => {
    const filter = nodeAt(root, 'detection', 'filter');
    expect(filter.kind).toBe('map');
    expect(at(filter.span)).toBe('25:13-25:42');
    expect(at(entry(root, 'detection', 'filter', 'User').keySpan)).toBe('25:14-25:18');
    expect(at(nodeAt(root, 'detection', 'filter', 'User').span)).toBe('25:20-25:26');
    expect(at(entry(root, 'detection', 'filter', 'Level').keySpan)).toBe('25:28-25:33');
    expect(at(nodeAt(root, 'detection', 'filter', 'Level').span)).toBe('25:35-25:41');
    expect(nodeAt(root, 'detection', 'filter', 'Level', 0)).toMatchObject({ value: 1 });
    expect(at(nodeAt(root, 'detection', 'filter', 'Level', 0).span)).toBe('25:36-25:37');
    expect(at(nodeAt(root, 'detection', 'filter', 'Level', 1).span)).toBe('25:39-25:40');
  });

  it('carries offsets that slice the source text', () => {
    const span = nodeAt(root, 'detection', 'selection', 'CommandLine').span;
    expect(RULE.slice(span.offset, span.endOffset)).toBe('"C:\\\\Windows\\\\PSEXESVC.exe"');
    expect(span.file).toBe('rule.yml');
  });

  it('gives the same spans for CRLF line ends', () => {
    const crlf = single(RULE.replace(/\n/g, '\r\n'));
    expect(at(entry(crlf, 'detection', 'selection', 'CommandLine').value.span)).toBe('21:22-21:49');
    expect(at(nodeAt(crlf, 'description').span)).toBe('4:14-6:23');
    expect(at(nodeAt(crlf, 'tags').span)).toBe('13:5-14:23');
    expect(toPlain(crlf)).toEqual(toPlain(root));
  });

  it('drops a byte order mark so columns start at 1', () => {
    const bytes = new TextEncoder().encode('\uFEFFtitle: x\n');
    expect(bytes[0]).toBe(0xef);
    const loaded = loadYamlBytes(bytes, 'bom.yml');
    expect(loaded.diagnostics).toEqual([]);
    expect(at(entry(loaded.documents[0]?.node ?? null, 'title').keySpan)).toBe('1:1-1:6');
    const fromText = loadYaml('\uFEFFtitle: x\n', 'bom.yml');
    expect(at(entry(fromText.documents[0]?.node ?? null, 'title').value.span)).toBe('1:8-1:9');
  });

  it('reads a second byte order mark as js-yaml does (it drops one more), with spans in the file', () => {
    // The tree builder used to place js-yaml's events one character early and fail ("please report it").
    const loaded = loadYaml('\uFEFF\uFEFFtitle: x\nlevel: high\n', 'bom.yml');
    expect(loaded.diagnostics).toEqual([]);
    const root = loaded.documents[0]?.node ?? null;
    expect(root === null ? null : toPlain(root)).toEqual({ title: 'x', level: 'high' });
    expect(at(entry(root, 'title').keySpan)).toBe('1:2-1:7');
    expect(at(entry(root, 'level').value.span)).toBe('2:8-2:12');
  });
});

describe('loadYaml spans of other shapes', () => {
  it('places an empty value after its colon as a null scalar', () => {
    const root = single('a:\nb: # nothing\nc: 1\n');
    expect(nodeAt(root, 'a')).toMatchObject({ kind: 'scalar', value: null, style: 'plain' });
    expect(at(nodeAt(root, 'a').span)).toBe('1:3-1:3');
    expect(at(nodeAt(root, 'b').span)).toBe('2:3-2:3');
    expect(at(entry(root, 'c').keySpan)).toBe('3:1-3:2');
  });

  it('places empty sequence entries after their dash', () => {
    const root = single('- \n- a\n-\n- # c\n');
    expect(toPlain(root)).toEqual([null, 'a', null, null]);
    expect(root.kind === 'seq' ? root.items.map((i) => at(i.span)) : []).toEqual(['1:2-1:2', '2:3-2:4', '3:2-3:2', '4:2-4:2']);
  });

  it('places multi-line plain and quoted scalars', () => {
    const root = single('a: first\n  second  # c\nb: "one\n  two"\nc: \'x\n\n  y\'\n');
    expect(nodeAt(root, 'a')).toMatchObject({ value: 'first second', style: 'plain' });
    expect(at(nodeAt(root, 'a').span)).toBe('1:4-2:9');
    expect(nodeAt(root, 'b')).toMatchObject({ value: 'one two', style: 'double' });
    expect(at(nodeAt(root, 'b').span)).toBe('3:4-4:7');
    expect(nodeAt(root, 'c')).toMatchObject({ value: 'x\ny', style: 'single' });
    expect(at(nodeAt(root, 'c').span)).toBe('5:4-7:5');
  });

  it('places block scalars with chomping and trailing comments', () => {
    const root = single('a: >-\n  folded\n  text\n\n# comment\nb: |+\n  kept\n\nc: x\n');
    expect(nodeAt(root, 'a')).toMatchObject({ value: 'folded text', style: 'block' });
    expect(at(nodeAt(root, 'a').span)).toBe('1:4-3:7');
    expect(nodeAt(root, 'b')).toMatchObject({ value: 'kept\n\n', style: 'block' });
    expect(at(nodeAt(root, 'b').span)).toBe('6:4-7:7');
    expect(at(entry(root, 'c').keySpan)).toBe('9:1-9:2');
  });

  it('places nested flow collections and flow sequence pairs', () => {
    const root = single('k: [a, {b: [c, d]}, "e": f]\n');
    expect(at(nodeAt(root, 'k').span)).toBe('1:4-1:28');
    expect(at(nodeAt(root, 'k', 1).span)).toBe('1:8-1:19');
    expect(at(entry(root, 'k', 1, 'b').keySpan)).toBe('1:9-1:10');
    expect(at(nodeAt(root, 'k', 1, 'b', 1).span)).toBe('1:16-1:17');
    // `"e": f` inside a flow sequence is a single-pair mapping (YAML 1.2 §7.4.1).
    expect(toPlain(nodeAt(root, 'k', 2))).toEqual({ e: 'f' });
    expect(at(entry(root, 'k', 2, 'e').keySpan)).toBe('1:21-1:24');
    expect(at(nodeAt(root, 'k', 2, 'e').span)).toBe('1:26-1:27');
  });

  it('places flow collections written over several lines', () => {
    const root = single('k: {\n  a: 1, # one\n  b: [\n    x,\n    y ]\n}\n');
    expect(at(nodeAt(root, 'k').span)).toBe('1:4-6:2');
    expect(at(entry(root, 'k', 'b').keySpan)).toBe('3:3-3:4');
    expect(at(nodeAt(root, 'k', 'b').span)).toBe('3:6-5:8');
    expect(at(nodeAt(root, 'k', 'b', 1).span)).toBe('5:5-5:6');
  });

  it('places sequences of mappings and compact nested sequences', () => {
    const root = single('- a: 1\n  b: 2\n- - x\n  - y\n- [z]\n');
    expect(at(root.span)).toBe('1:1-5:6');
    expect(at(nodeAt(root, 0).span)).toBe('1:3-2:7');
    expect(at(entry(root, 0, 'b').keySpan)).toBe('2:3-2:4');
    expect(at(nodeAt(root, 1).span)).toBe('3:3-4:6');
    expect(at(nodeAt(root, 1, 1).span)).toBe('4:5-4:6');
    expect(at(nodeAt(root, 2).span)).toBe('5:3-5:6');
  });

  it('places explicit keys', () => {
    const root = single('? long key\n: value\n? other\n');
    expect(toPlain(root)).toEqual({ 'long key': 'value', other: null });
    expect(at(entry(root, 'long key').keySpan)).toBe('1:3-1:11');
    expect(at(nodeAt(root, 'long key').span)).toBe('2:3-2:8');
  });

  it('places nodes with tags and anchors on their content', () => {
    const root = single('a: !!str 2024\nb: &anchor\n  x: 1\nc: *anchor\nd: &s text\ne: *s\n');
    expect(nodeAt(root, 'a')).toMatchObject({ value: '2024', style: 'plain' });
    expect(at(nodeAt(root, 'a').span)).toBe('1:10-1:14');
    expect(at(nodeAt(root, 'b').span)).toBe('3:3-3:7');
    // An alias is a copy of the anchored node, placed where the alias is written.
    expect(toPlain(nodeAt(root, 'c'))).toEqual({ x: 1 });
    expect(at(nodeAt(root, 'c').span)).toBe('4:4-4:11');
    expect(at(entry(root, 'c', 'x').keySpan)).toBe('3:3-3:4');
    expect(nodeAt(root, 'e')).toMatchObject({ value: 'text' });
    expect(at(nodeAt(root, 'd').span)).toBe('5:7-5:11');
    expect(at(nodeAt(root, 'e').span)).toBe('6:4-6:6');
  });

  it('treats __proto__, constructor and prototype keys as data', () => {
    const root = single('__proto__: {polluted: yes}\nconstructor: x\nprototype: [1]\n');
    expect(root.kind === 'map' ? root.entries.map((e) => e.key) : []).toEqual(['__proto__', 'constructor', 'prototype']);
    expect(at(entry(root, '__proto__').keySpan)).toBe('1:1-1:10');
    expect(toPlain(nodeAt(root, '__proto__'))).toEqual({ polluted: 'yes' });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const plain = toPlain(root) as Record<string, unknown>;
    expect(Object.getPrototypeOf(plain)).toBeNull();
    expect(Object.keys(plain)).toEqual(['__proto__', 'constructor', 'prototype']);
  });
});

describe('loadYaml documents', () => {
  const text = ['title: a', '---', 'title: b', '...', '---', '# only a comment', '---', '- x', ''].join('\n');
  const loaded = loadYaml(text, 'multi.yml');

  it('gives one document per --- with its index and node', () => {
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.documents.map((d) => d.index)).toEqual([0, 1, 2, 3]);
    expect(loaded.documents.map((d) => (d.node === null ? null : toPlain(d.node)))).toEqual([{ title: 'a' }, { title: 'b' }, null, ['x']]);
  });

  it('places documents and their keys', () => {
    expect(loaded.documents.map((d) => at(d.span))).toEqual(['1:1-1:9', '2:1-3:9', '5:1-5:4', '7:1-8:4']);
    expect(at(entry(loaded.documents[1]?.node ?? null, 'title').keySpan)).toBe('3:1-3:6');
    expect(at(nodeAt(loaded.documents[3]?.node ?? null, 0).span)).toBe('8:3-8:4');
  });

  it('loads an empty text as no documents and a comment-only text as one empty document', () => {
    expect(loadYaml('', 'e.yml')).toMatchObject({ documents: [], diagnostics: [] });
    const comment = loadYaml('# nothing\n', 'c.yml');
    expect(comment.diagnostics).toEqual([]);
    expect(comment.documents.map((d) => d.node)).toEqual([null]);
  });

  it('exposes a line index of the text', () => {
    expect(loaded.index.lineText(3)).toBe('title: b');
    expect(loaded.file).toBe('multi.yml');
  });
});
