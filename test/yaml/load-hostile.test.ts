import fc from 'fast-check';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { loadYaml, loadYamlBytes, type LoadedYaml } from '../../src/yaml/load.js';
import { toPlain } from '../../src/yaml/node.js';
import { timed } from './helpers.js';

/** Only a "does not hang" guard: real runs take a few milliseconds to a few hundred. */
const HANG_MS = 2000;

function codes(loaded: LoadedYaml): string[] {
  return loaded.diagnostics.map((d) => d.code);
}

function lolBomb(levels: number, width: number): string {
  const lines = [`l0: &l0 [${Array(width).fill('"lol"').join(', ')}]`];
  for (let i = 1; i < levels; i++) lines.push(`l${i}: &l${i} [${Array(width).fill(`*l${i - 1}`).join(', ')}]`);
  return lines.join('\n') + '\n';
}

describe('loadYaml on hostile input', () => {
  it('stops the billion laughs bomb', () => {
    const { value, ms } = timed(() => loadYaml(lolBomb(9, 9), 'lol.yml'));
    expect(ms).toBeLessThan(HANG_MS);
    expect(codes(value)).toEqual(['yaml-alias-bomb']);
    expect(value.documents.map((d) => d.node)).toEqual([null]);
  });

  it('stops a wider bomb as a key and as a value', () => {
    const asKey = lolBomb(8, 12) + '*l7: x\n';
    const { value, ms } = timed(() => loadYaml(asKey, 'lol.yml'));
    expect(ms).toBeLessThan(HANG_MS);
    expect(value.diagnostics.length).toBeGreaterThan(0);
  });

  it('stops 10,000 nested flow sequences and mappings', () => {
    for (const text of ['['.repeat(10_000) + ']'.repeat(10_000), '{a: '.repeat(10_000) + '}'.repeat(10_000), '['.repeat(10_000)]) {
      const { value, ms } = timed(() => loadYaml(text, 'deep.yml'));
      expect(ms).toBeLessThan(HANG_MS);
      expect(codes(value)).toEqual(['yaml-too-deep']);
      expect(value.diagnostics[0]?.span.line).toBe(1);
    }
  });

  it('stops 10,000 nested block sequences and mappings', () => {
    const compact = '- '.repeat(10_000) + 'x\n';
    let indented = '';
    for (let i = 0; i < 10_000; i++) indented += ' '.repeat(i) + 'k:\n';
    expect(indented.length).toBeGreaterThan(8 * 1024 * 1024);
    for (const [text, limits] of [
      [compact, {}],
      [indented, { maxBytes: Number.MAX_SAFE_INTEGER }],
    ] as const) {
      const { value, ms } = timed(() => loadYaml(text, 'deep.yml', limits));
      expect(ms).toBeLessThan(HANG_MS);
      expect(codes(value)).toEqual(['yaml-too-deep']);
    }
    // With the default limits the indented one is refused for its size before any parsing.
    expect(codes(loadYaml(indented, 'deep.yml'))).toEqual(['yaml-too-large']);
  });

  it('accepts nesting up to maxDepth', () => {
    const text = '['.repeat(200) + ']'.repeat(200);
    expect(codes(loadYaml(text, 'ok.yml'))).toEqual([]);
    expect(codes(loadYaml('['.repeat(201) + ']'.repeat(201), 'deep.yml'))).toEqual(['yaml-too-deep']);
  });

  it('refuses a 50 MB text without parsing it', () => {
    const text = 'a: [\n' + 'x'.repeat(50 * 1024 * 1024);
    const { value, ms } = timed(() => loadYaml(text, 'big.yml'));
    expect(ms).toBeLessThan(HANG_MS);
    expect(codes(value)).toEqual(['yaml-too-large']);
    expect(value.documents).toEqual([]);
    const lines = timed(() => loadYaml('\n'.repeat(50 * 1024 * 1024), 'big.yml'));
    expect(lines.ms).toBeLessThan(HANG_MS);
    expect(codes(lines.value)).toEqual(['yaml-too-large']);
    const bytes = timed(() => loadYamlBytes(new Uint8Array(50 * 1024 * 1024).fill(0x61), 'big.yml'));
    expect(bytes.ms).toBeLessThan(HANG_MS);
    expect(codes(bytes.value)).toEqual(['yaml-too-large']);
  });

  it('loads a 1 MB scalar value', () => {
    for (const value of ['x'.repeat(1 << 20), `'${'y'.repeat(1 << 20)}'`, `|\n  ${'z'.repeat(1 << 20)}`]) {
      const { value: loaded, ms } = timed(() => loadYaml(`key: ${value}\n`, 'long.yml'));
      expect(ms).toBeLessThan(HANG_MS);
      expect(codes(loaded)).toEqual([]);
      const node = loaded.documents[0]?.node;
      const scalar = node?.kind === 'map' ? node.entries[0]?.value : undefined;
      expect(scalar?.kind === 'scalar' && typeof scalar.value === 'string' ? scalar.value.replace(/\n$/, '').length : 0).toBe(1 << 20);
      expect(scalar?.span.line).toBe(1);
    }
  });

  it('refuses random binary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 2048 }), (bytes) => {
        const loaded = loadYamlBytes(bytes, 'bin.dat');
        // Whatever the bytes are, the loader answers; NUL bytes and invalid UTF-8 are 'yaml-binary'.
        let valid = true;
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        } catch {
          valid = false;
        }
        if (bytes.includes(0) || !valid) expect(codes(loaded)).toEqual(['yaml-binary']);
      }),
      { numRuns: 300 },
    );
    const noise = new Uint8Array(4096).map((_, i) => ((i * 2654435761) >>> 13) & 0xff);
    expect(codes(loadYamlBytes(noise, 'bin.dat'))).toEqual(['yaml-binary']);
    expect(codes(loadYamlBytes(new Uint8Array([0xff, 0xfe, 0x61, 0x00]), 'utf16.yml'))).toEqual(['yaml-binary']);
  });

  it('decodes every file afresh: a file cut inside a character carries nothing into the next, and each drops its own byte order mark', () => {
    // The bytes of `a: é` cut after the first byte of é, then a file starting with é's second byte.
    expect(codes(loadYamlBytes(new Uint8Array([0x61, 0x3a, 0x20, 0xc3]), 'cut.yml'))).toEqual(['yaml-binary']);
    expect(codes(loadYamlBytes(new Uint8Array([0xa9, 0x3a, 0x20, 0x62]), 'rest.yml'))).toEqual(['yaml-binary']);
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0x3a, 0x20, 0x62]);
    for (const name of ['one.yml', 'two.yml']) {
      const loaded = loadYamlBytes(bom, name);
      expect(codes(loaded)).toEqual([]);
      expect(loaded.index.text).toBe('a: b');
    }
  });

  it('answers malformed YAML with diagnostics, never an exception', () => {
    const samples = [
      'a: b: c',
      'a: [1, 2',
      'a: {1: 2',
      '"unterminated',
      "'unterminated",
      'a:\n  - b\n c: d',
      '- a\nb: c',
      '&a *a',
      '*undefined',
      '!<tag:yaml.org,2002:int> x',
      '%YAML 2.0\n---\na',
      '? [a, b]\n: c',
      'a: |\n b\n  c\n d: e',
      ': x',
      '\t- x',
      'a: "\\x4"',
      '---\n...\n...\n---',
      'key: \u0007bell',
    ];
    for (const text of samples) {
      const loaded = loadYaml(text, 'bad.yml');
      for (const d of loaded.diagnostics) {
        expect(d.message).not.toMatch(/report it/);
        expect(d.span.line).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it('reads an explicit key in a flow sequence after a comment as js-yaml does (fuzz counterexample `[? #\\n]`)', () => {
    for (const text of ['[? #c\n a]', '[a, ? #c\n b: 1, c]', '["x ? #", d]', '[? a]', '[a #c\n, b]']) {
      const loaded = loadYaml(text, 'f.yml');
      expect(loaded.diagnostics, text).toEqual([]);
      expect(loaded.documents.map((d) => (d.node === null ? null : toPlain(d.node))), text).toEqual(yaml.loadAll(text, null, { schema: yaml.CORE_SCHEMA }));
    }
    // A null key is refused, as everywhere else, instead of becoming a sequence item.
    expect(loadYaml('[? #\n]', 'f.yml').diagnostics.length).toBeGreaterThan(0);
  });

  it('never throws and agrees with js-yaml on arbitrary YAML-like text', () => {
    const token = fc.constantFrom('a', 'b', '1', ' ', '\n', ': ', ':', '- ', '[', ']', '{', '}', ',', '"', "'", '#', '&x ', '*x', '? ', '|', '>', '!!str ', '---\n', '\t', '\\', 'null', 'true', '\r\n', '  ');
    fc.assert(
      fc.property(fc.array(token, { maxLength: 30 }), (tokens) => {
        const text = tokens.join('');
        const loaded = loadYaml(text, 'fuzz.yml');
        for (const d of loaded.diagnostics) expect(d.message).not.toMatch(/report it/);
        let expected: unknown[];
        try {
          expected = yaml.loadAll(text, null, { schema: yaml.CORE_SCHEMA });
        } catch {
          expect(loaded.diagnostics.length).toBeGreaterThan(0);
          return;
        }
        if (loaded.diagnostics.length > 0) return; // non-string keys: js-yaml stringifies them, we refuse them
        expect(loaded.documents.map((d) => (d.node === null ? null : toPlain(d.node)))).toEqual(expected);
      }),
      { numRuns: 3000 },
    );
  });
});
