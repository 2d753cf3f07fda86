/**
 * buildSearchIdentifier reads each distinct key (`field|mod|...`) once and reuses the reading for every
 * later item written with the same key text. Every use must give exactly what a first use (empty cache)
 * gives, with its own spans and diagnostics, and two uses may share no object that could be changed.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Expr } from '../../src/ast/expr.js';
import type { ParsedFile } from '../../src/rule/parse-documents.js';

type Parse = (text: string, file: string) => ParsedFile;

async function freshParse(): Promise<Parse> {
  vi.resetModules();
  const mod = await import('../../src/rule/parse-documents.js');
  return mod.parseSigmaText;
}

/** A rule whose detection starts after `pad` blank lines and is indented by `indent` extra spaces. */
function rule(pad: number, indent: number): string {
  const i = ' '.repeat(2 + indent);
  return [
    'title: t',
    'logsource: { product: windows }',
    '\n'.repeat(pad),
    'detection:',
    `${i}sel:`,
    `${i}  CommandLine|contains|all: [' -a ', ' -b ']`,
    `${i}  Image|endswith: '\\x.exe'`,
    `${i}  User|neq: admin`,
    `${i}  Port|gte: 1024`,
    `${i}  Path|exists: true`,
    `${i}  Flag|windash|all: [' -x', ' -y']`, // a warning: read again per use
    `${i}  Name|contians: z`, // an error: read again per use
    `${i}  Other|cased|contains: ''`, // a warning on the value
    `${i}kw:`,
    `${i}  '|all': [a, b]`,
    `${i}condition: sel or kw`,
  ].join('\n');
}

/** Every object reachable from an expression (nodes, values, parts, spans). */
function objects(root: unknown, out = new Set<object>()): Set<object> {
  if (typeof root !== 'object' || root === null || out.has(root)) return out;
  out.add(root);
  for (const v of Object.values(root)) objects(v, out);
  return out;
}

describe('key readings reused by key text', () => {
  it('a reused reading gives each use the spans and diagnostics of a first use', async () => {
    const texts = [rule(0, 0), rule(3, 2), rule(1, 4)];
    const expected = [];
    for (const [n, text] of texts.entries()) expected.push((await freshParse())(text, `f${n}.yml`));
    const parse = await freshParse();
    // The same texts again in one module (the cache filled by the first), twice over.
    for (let round = 0; round < 2; round++) {
      for (const [n, text] of texts.entries()) expect(parse(text, `f${n}.yml`), `rule ${n} round ${round}`).toEqual(expected[n]);
    }
    const codes = expected[0]?.documents[0]?.diagnostics.map((d) => d.code);
    expect(codes).toContain('invalid-modifier-chain'); // windash with all
    expect(codes).toContain('unknown-modifier');
  });

  it('two uses share no object that is not frozen', async () => {
    const parse = await freshParse();
    const detection = (text: string): Expr => {
      const doc = parse(text.replace('Name|contians: z', 'Name: z'), 'x.yml').documents[0]?.document;
      if (doc?.kind !== 'rule') throw new Error('not a rule');
      return doc.detection;
    };
    const a = objects(detection(rule(0, 0)));
    const b = objects(detection(rule(2, 2)));
    const shared = [...a].filter((o) => b.has(o));
    expect(shared.every((o) => Object.isFrozen(o))).toBe(true);
  });

  it('stays correct past its bound', async () => {
    vi.resetModules();
    const { buildSearchIdentifier, MAX_KEY_READINGS } = await import('../../src/value/detection.js');
    const { yamlNode } = await import('./plain-to-node.js');
    const { pointSpan } = await import('../../src/diagnostics/span.js');
    const { stripSpans } = await import('../../src/ast/strip-spans.js');
    const build = (key: string): unknown => {
      const r = buildSearchIdentifier('sel', yamlNode(`{ '${key}': 'v' }`), pointSpan('t.yml'));
      return r.ok ? stripSpans(r.value) : r.diagnostics.map((d) => d.code);
    };
    const first = build('F0|startswith');
    for (let k = 1; k <= MAX_KEY_READINGS + 10; k++) build(`F${k}|${k % 2 === 0 ? 'startswith' : 'endswith'}`);
    expect(build('F0|startswith')).toEqual(first);
    expect(first).toEqual({ kind: 'match', field: 'F0', value: { kind: 'string', parts: [{ kind: 'literal', text: 'v' }, { kind: 'wildcard-multi' }], cased: false } });
  });
});
