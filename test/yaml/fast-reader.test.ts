import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineIndex } from '../../src/diagnostics/span.js';
import { readFast } from '../../src/yaml/fast-reader.js';
import { mayBeTyped, typePlain } from '../../src/yaml/fast-scalars.js';
import { loadYamlVia, type LoadedYaml, type YamlLimits } from '../../src/yaml/load.js';
import { REPO_ROOT } from '../support/paths.js';

/**
 * The fast reader (src/yaml/fast-reader.ts) must either decline a text or load it exactly as the js-yaml
 * path does: the same trees (values, styles, every span), documents and diagnostics.
 */

const LIMITS = { maxDepth: 200, maxNodes: 1_000_000 };

function comparable(l: LoadedYaml): unknown {
  return { file: l.file, documents: l.documents, diagnostics: l.diagnostics, fileDiagnostics: l.fileDiagnostics };
}

/** Loads `text` both ways; returns whether the fast reader took it. Fails the test when the results differ. */
function same(text: string, limits: Partial<YamlLimits> = {}): boolean {
  const fast = loadYamlVia(text, 'x.yml', limits, true);
  const slow = loadYamlVia(text, 'x.yml', limits, false);
  expect(comparable(fast), JSON.stringify(text)).toEqual(comparable(slow));
  return 'documents' in readFast(text, new LineIndex('x.yml', text), { ...LIMITS, ...limits });
}

function declined(text: string): string | undefined {
  const r = readFast(text, new LineIndex('x.yml', text), LIMITS);
  return 'declined' in r ? r.declined : undefined;
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) out.push(...yamlFiles(path));
    } else if (/\.ya?ml$/.test(entry.name)) out.push(path);
  }
  return out;
}

const CORPUS = join(REPO_ROOT, '..', 'shared', 'sigma');
const present = existsSync(CORPUS);
if (!present) console.log(`fast reader corpus test skipped: no Sigma corpus at ${CORPUS}`);

describe('fast YAML reader against the js-yaml path', () => {
  it.skipIf(!present)('agrees on every YAML file of the Sigma corpus, and takes nearly all of them', () => {
    const files = yamlFiles(CORPUS);
    expect(files.length).toBeGreaterThan(3000);
    let taken = 0;
    for (const f of files) if (same(readFileSync(f, 'utf8').replace(/^\uFEFF/, ''))) taken++;
    expect(taken).toBeGreaterThan(files.length * 0.99);
  });

  it.skipIf(!present)('agrees on corpus files with a few small edits (the near misses real files make)', () => {
    // Edits that change how a line reads: an indicator, a quote, a marker, a line break or indentation.
    const texts = yamlFiles(CORPUS).map((f) => readFileSync(f, 'utf8').replace(/^\uFEFF/, ''));
    const insert = fc.constantFrom(
      ...['', ' ', '  ', '\n', '\n  ', ': ', ':', '- ', '-', '#', ' #', "'", '"', "''", '\\', '[', ']', ',', '{', '|', '>', '|-\n', '>\n  '],
      ...['---', '...', '--- ', '... ', '\n---', '\n...', '\n... ', '?', '*', '%', '~', 'null', '1', 'é', '😀', '\u2028', '\u00a0', '\r\n', '\n\n'],
    );
    // [where, how many characters to drop, what to insert, at a line start or in place]
    const edit = fc.tuple(fc.nat(), fc.nat(3), insert, fc.boolean());
    fc.assert(
      fc.property(fc.nat(texts.length - 1), fc.boolean(), fc.array(edit, { minLength: 1, maxLength: 3 }), (which, crlf, edits) => {
        let text = texts[which] as string;
        if (crlf) text = text.replace(/\n/g, '\r\n');
        for (const [where, drop, add, atLineStart] of edits) {
          const i = where % (text.length + 1);
          const at = atLineStart ? text.lastIndexOf('\n', i - 1) + 1 : i;
          text = text.slice(0, at) + add + text.slice(at + (atLineStart ? 0 : drop));
        }
        same(text);
      }),
      { numRuns: 3000 },
    );
  });

  it("agrees on the project's own YAML files (tests, rules, examples)", () => {
    const files = ['test', 'rules', 'examples'].map((d) => join(REPO_ROOT, d)).filter(existsSync).flatMap(yamlFiles);
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) same(readFileSync(f, 'utf8').replace(/^\uFEFF/, ''));
  });

  const TAKEN: readonly string[] = [
    'a: 1\n',
    'a: 1',
    'a: 1\r\nb: [x, "y", 2]\r\n',
    'title: x\ndescription: |\n    line one\n      more\n\n    two\nlevel: high\n',
    'd: >-\n  folded\n  text\n\n  para\n    indented\n  back\ne: |+\n  keep\n\n\nf: x\n',
    'd: |2\n    two extra\n  base\n',
    'a: |\n\nb: >\n# comment\nc: |-\n',
    'a: | # header comment\n  text\n',
    'a: |\n  x\n  y   \n \n',
    'a: plain text\n  continued here\n\n  after blank\n   deeper\nb: 2\n',
    'a: plain # comment\nb: x#y\nc: x :y\nd: a:b\n',
    'a: one\n  # comment line\nb: two\n',
    "a: 'it''s'\nb: \"tab\\there \\u00e9 \\x41 \\U0001F600 \\\\ \\\" \\/ \\N \\_ \\L \\P \\0 \\e \\a\"\n",
    "a: 'multi\n  line\n\n  quoted  '\nb: \"dq\n   multi \\\n   joined\"\n",
    'a:\n  - x\n  - y: 1\n    z: 2\n  - - nested\n    - seq\n  -   spaced\nb:\n- same indent\n- two\nc: 3\n',
    'a:\n  -\n    k: v\n  - # c\n    - q\n',
    'a: ~\nb: null\nc: Null\nd: true\ne: FALSE\nf: 0x1F\ng: 0o17\nh: -1.5e3\ni: .inf\nj: .NaN\nk: 1_000\nl: +12\nm: 2024-01-31\nn: 0b101\n',
    'key:\nnext: 1\nlast:\n',
    'key:   # only a comment\n\n  # indented comment\nnext: 1\n',
    '# leading\n\n---\na: 1\n---\nb: 2\n# trailing\n',
    '--- # doc comment\na: 1\n...\n',
    'a: [ ]\nb: [x,]\nc: [ -1, .5, ~, null, "q", \'s\', a b, -x, ?y ]\n',
    "'quoted key': 1\n\"dq key\" : 2\nplain key  : 3\n",
    '__proto__: 1\nconstructor: 2\n',
    'a: é 😀 ü\n"😀": x\n',
    'a:\n    b:\n        c:\n            - d\n',
    'a: x\n  - y\n',
    "- a\n",
    'a:\n  plain on the next line\n  and the one after\nb:\n   \'quoted\'  # c\nc:\n  "dq"\nd:\n  |\n   block\ne:\n  [x]\nf:\n  x\n  # c\ng: 1\n',
  ];

  it('agrees on hand-written texts of the subset, and takes most of them', () => {
    const notTaken = TAKEN.filter((t) => !same(t));
    // The few texts above that the reader leaves to js-yaml, on purpose.
    expect(notTaken).toEqual(['--- # doc comment\na: 1\n...\n', '- a\n']);
  });

  const LEFT: readonly (readonly [string, string])[] = [
    ['a: &x 1\nb: *x\n', 'anchor'],
    ['a: !!str 1\n', 'tag'],
    ['a: {b: 1}\n', 'flow mapping'],
    ['? a\n: b\n', 'explicit key'],
    ['a:\n\t- b\n', 'tab'],
    ['%YAML 1.2\n---\na: 1\n', 'directive'],
    ['a: 1\na: 2\n', 'duplicate key'],
    ['1: a\n', 'integer key'],
    ['true: a\n', 'boolean key'],
    ['null: a\n', 'null key'],
    ['a: b: c\n', '`: ` in a value'],
    ['a: [b: c]\n', 'pair in a flow sequence'],
    ['a: [x,\n  y]\n', 'multi-line flow'],
    ['a:\n  - \n  - b\n', 'empty entry'],
    ['a: 1\n  b: 2\n', 'bad indentation'],
    ['a: "unterminated\n', 'unterminated'],
    ['a: "\\q"\n', 'unknown escape'],
    ['', 'empty file'],
    ['# only a comment\n', 'comment only'],
    ['a: 1\n---\n', 'empty document'],
    ['  a: 1\n', 'indented root'],
    ['a: 1\r b: 2\n', 'lone CR'],
    ['a: "x\n---\ny"\n', 'document marker in quotes'],
    ['a: |0\n  x\n', 'indentation indicator 0'],
    ['a: |x\n', 'text after indicator'],
    ['a: x\n  b: y\n', 'continued plain scalar becomes a key'],
    [': x\n', 'empty key'],
    ['a: 1\n: x\n', 'empty key after an entry'],
    // js-yaml reads a first line `---x` as the marker and `x`; the tree builder starts a first document `...x` after the dots.
    ['---a: 1\n', '`---` without a space'],
    ['---:\n', '`---` without a space, then a colon'],
    ['...: x\n', '`...` without a space'],
    // A `... ` line ends the document in js-yaml (its error), even when text follows on that line.
    ['a: 1\n... b: 2\n', 'document end marker then text'],
    ['a:\n  b: 1\n...    c: 2\n', 'document end marker after a nested mapping'],
    // js-yaml drops a leading byte order mark; loadYaml has dropped one already.
    ['\ufeff\ufeffa: 1\n', 'second byte order mark'],
  ];

  it('declines what it does not handle, and the js-yaml path still decides', () => {
    for (const [text, why] of LEFT) {
      expect(declined(text), why).toBeDefined();
      same(text);
    }
  });

  it('declines near the limits, so they keep their diagnostics', () => {
    const deep = 'a:\n' + Array.from({ length: 6 }, (_, i) => `${'  '.repeat(i + 1)}k${i}:\n`).join('') + `${'  '.repeat(7)}v: 1\n`;
    for (const maxDepth of [1, 3, 6, 7, 8, 9, 20]) same(deep, { maxDepth });
    const wide = Array.from({ length: 50 }, (_, i) => `k${i}: ${i}\n`).join('');
    for (const maxNodes of [10, 100, 101, 102, 1000]) same(wide, { maxNodes });
    expect(same(wide, { maxNodes: 10 })).toBe(false);
    // Whatever maxDepth allows, the reader stops nesting at 1,000 levels (its own stack) and leaves the rest to js-yaml.
    const deeper = Array.from({ length: 1200 }, (_, i) => `${' '.repeat(i)}k:\n`).join('') + `${' '.repeat(1200)}v: 1\n`;
    expect(declined(deeper)).toBe('near maxDepth');
    expect(readFast(deeper, new LineIndex('x.yml', deeper), { maxDepth: 1e9, maxNodes: 1e9 })).toEqual({ declined: 'near maxDepth' });
    same(deeper, { maxDepth: 5000 });
  });

  it("types plain scalars as js-yaml's CORE_SCHEMA does (and only asks its types when the first character can start a typed value)", () => {
    const check = (s: string): void => {
      const expected: unknown = yaml.load(`a: ${s}\n`, { schema: yaml.CORE_SCHEMA });
      expect((expected as { a: unknown }).a).toEqual(typePlain(s));
    };
    for (const s of ['~', 'null', 'NULL', 'True', 'false', '0', '-0', '+1', '0x1f', '0o7', '0b1', '1_0', '1.5', '.5', '-.inf', '.NaN', '1e3', 'abc', 'nul', 'Yes', 'no', '2024-01-31']) check(s);
    const implicit = (yaml.CORE_SCHEMA as unknown as { compiledImplicit: { resolve(s: string): boolean }[] }).compiledImplicit;
    const untypedIsString = (s: string): void => {
      if (!mayBeTyped(s)) expect(implicit.some((t) => t.resolve(s)), s).toBe(false);
    };
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 8 }), untypedIsString), { numRuns: 3000 });
    fc.assert(fc.property(fc.stringMatching(/^[-+.~nNtTfF0-9][-+._0-9a-zA-Z]{0,6}$/), untypedIsString), { numRuns: 3000 });
    for (let c = 0; c < 0x80; c++) {
      const s = String.fromCharCode(c);
      for (const tail of ['', 'ull', 'rue', 'alse', 'ULL', 'RUE', 'ALSE', 'ulls', 'ru', 'al', '1', '.5', 'inf', 'nan', 'x1', 'o1', 'b1', 'e1', '~']) untypedIsString(s + tail);
    }
    for (const s of ['~', 'null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE']) expect(mayBeTyped(s)).toBe(true);
  });

  it('declines or agrees on arbitrary YAML-like token soup', () => {
    const token = fc.constantFrom('a', 'b', '1', ' ', '\n', ': ', ':', '- ', '[', ']', '{', '}', ',', '"', "'", '#', '&x ', '*x', '? ', '|', '>', '!!str ', '---\n', '...\n', '\t', '\\', 'null', 'true', '\r\n', '  ', '\r', 'é');
    fc.assert(
      fc.property(fc.array(token, { maxLength: 30 }), (tokens) => {
        same(tokens.join(''));
      }),
      { numRuns: 3000 },
    );
  });

  describe('on generated texts of the subset and its near misses', () => {
    // Mostly words a rule would hold; now and then one that changes how the line reads.
    const word = fc.oneof(
      { weight: 40, arbitrary: fc.constantFrom('a', 'Image', 'x y', 'null', 'true', '1', '0x1', '-a', ':a', 'a:b', 'a#b', '~', 'é', '😀', 'x]', "it's", '\\', '.5', '1e3', 'a ', ' a', '-', '*', 'C:\\x', '*.exe') },
      { weight: 1, arbitrary: fc.constantFrom('?a', 'a: b', 'a #b', '#', '[x]', ',', '{', '&a', '*a', '!t', '%', '@', '`', '|', '>', '- x', '---', '...', "'", '"') },
    );
    const plain = fc.array(word, { minLength: 1, maxLength: 4 }).map((ws) => ws.join(''));
    const single = fc.array(fc.constantFrom('a', "''", ' ', 'b c', '\n', '\n\n', '\n  ', '#', ': ', '"', '\\'), { maxLength: 5 }).map((p) => `'${p.join('')}'`);
    const double = fc
      .array(
        fc.oneof(
          { weight: 30, arbitrary: fc.constantFrom('a', '\\"', '\\\\', '\\n', '\\t', '\\x41', '\\u00e9', '\\U0001F600', ' ', '\n', '\n\n  ', '\\\n  ', "'", '#', '\\/', '\\ ') },
          { weight: 1, arbitrary: fc.constantFrom('\\q', '\\x4') },
        ),
        { maxLength: 5 },
      )
      .map((p) => `"${p.join('')}"`);
    const flow = fc.array(fc.oneof(plain, single, double), { maxLength: 4 }).map((items) => `[${items.join(', ')}]`);
    const blockHeader = fc.oneof(
      { weight: 10, arbitrary: fc.constantFrom('|', '>', '|-', '>-', '|+', '>+', '|2', '>1-', '| # c') },
      { weight: 1, arbitrary: fc.constantFrom('|x', '|0', '|--') },
    );
    const scalar = fc.oneof({ weight: 4, arbitrary: plain }, single, double, flow, fc.constant(''));
    const trailer = fc.oneof({ weight: 80, arbitrary: fc.constantFrom('', '', '', '', '', '', ' ', '  ', ' # c', ' # c', '#c') }, { weight: 1, arbitrary: fc.constant(' \t') });

    interface Line {
      readonly indent: number;
      readonly text: string;
    }
    const key = fc.oneof(
      { weight: 60, arbitrary: fc.constantFrom('a', 'b', 'key', 'Key Two', "'q'", '"d"', 'a:b', '-k', 'x', 'Image|endswith', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p') },
      { weight: 1, arbitrary: fc.constantFrom('1', 'null', 'true', '? k', '[k]', 'a #c') },
    );
    const lineTree: fc.Arbitrary<Line[]> = fc.letrec<{ block: Line[]; entry: Line[] }>((tie) => ({
      entry: fc.oneof(
        { weight: 5, arbitrary: fc.tuple(key, scalar, trailer).map(([k, v, t]) => [{ indent: 0, text: `${k}: ${v}${t}` }]) },
        { weight: 1, arbitrary: fc.tuple(key, blockHeader, fc.array(fc.tuple(fc.nat(3), plain), { maxLength: 4 })).map(([k, h, ls]) => [{ indent: 0, text: `${k}: ${h}` }, ...ls.map(([i, l]) => ({ indent: 2 + i, text: l }))]) },
        { weight: 2, arbitrary: fc.tuple(key, fc.nat(3), tie('block')).map(([k, i, b]) => [{ indent: 0, text: `${k}:` }, ...b.map((l) => ({ indent: l.indent + i, text: l.text }))]) },
        { weight: 2, arbitrary: fc.tuple(key, fc.nat(3), fc.array(fc.oneof(scalar, tie('block').map((b) => b)), { minLength: 1, maxLength: 3 })).map(([k, i, items]) => [
          { indent: 0, text: `${k}:` },
          ...items.flatMap((item) =>
            typeof item === 'string'
              ? [{ indent: i, text: `- ${item}` }]
              : item.map((l, j) => ({ indent: i + (j === 0 ? 0 : 2) + l.indent, text: j === 0 ? `- ${l.text}` : l.text })),
          ),
        ]) },
        { weight: 1, arbitrary: fc.tuple(key, fc.array(fc.tuple(fc.nat(3), scalar), { minLength: 1, maxLength: 3 })).map(([k, ls]) => [{ indent: 0, text: `${k}:` }, ...ls.map(([i, l]) => ({ indent: 1 + i, text: l }))]) },
        { weight: 1, arbitrary: fc.constantFrom<Line[]>([{ indent: 0, text: '# comment' }], [{ indent: 3, text: '# deeper comment' }], [{ indent: 0, text: '' }], [{ indent: 4, text: 'stray continuation' }]) },
      ),
      block: fc.array(tie('entry'), { minLength: 1, maxLength: 4 }).map((es) => es.flat().map((l) => ({ indent: l.indent + 2, text: l.text }))),
    })).block;

    const documentText = fc
      .tuple(fc.array(lineTree, { minLength: 1, maxLength: 2 }), fc.constantFrom('\n', '\r\n'), fc.boolean(), fc.array(fc.tuple(fc.nat(40), fc.integer({ min: -2, max: 2 })), { maxLength: 1 }))
      .map(([docs, eol, finalEol, shifts]) => {
        const lines = docs.flatMap((d, i) => [...(i > 0 || d.length % 3 === 0 ? [{ indent: 0, text: '---' }] : []), ...d.map((l) => ({ indent: l.indent - 2, text: l.text }))]);
        // Near misses: move a line or two left or right.
        for (const [at, by] of shifts) {
          const l = lines[at % lines.length];
          if (l !== undefined) lines[at % lines.length] = { indent: Math.max(0, l.indent + by), text: l.text };
        }
        const text = lines.map((l) => ' '.repeat(l.indent) + l.text).join(eol);
        return finalEol ? text + eol : text;
      });

    it('the fast reader declines or agrees exactly, and takes a good share', () => {
      let taken = 0;
      let runs = 0;
      fc.assert(
        fc.property(documentText, (text) => {
          runs++;
          if (same(text)) taken++;
        }),
        { numRuns: 1500 },
      );
      // About a fifth are taken; the rest are near misses the reader must decline.
      expect(taken).toBeGreaterThan(runs / 8);
    });
  });
});
