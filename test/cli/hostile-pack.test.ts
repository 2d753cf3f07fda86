/**
 * One run over a pack where most files are hostile: every hostile file gets a diagnostic, the good rule
 * still comes out, and the process neither crashes nor hangs (the 10 s bound only guards against a hang;
 * speed is measured by `npm run bench`).
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { memoryIo } from '../support/memory-io.js';

const GOOD = `title: Good
id: 0e95725d-7320-415d-80f7-004da920fc11
logsource: {product: windows, category: process_creation}
detection:
    sel:
        Image|endswith: '\\cmd.exe'
    condition: sel
`;

function lolBomb(): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 10; i++) {
    const prev = String.fromCharCode(96 + i);
    const cur = String.fromCharCode(97 + i);
    lines.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  return lines.join('\n') + '\n';
}

const HOSTILE: Record<string, string | Uint8Array> = {
  'pack/01-malformed.yml': 'title: [unclosed\n  detection: {\n',
  'pack/02-bomb.yml': lolBomb(),
  'pack/03-deep-flow.yml': `title: deep\nx: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`,
  'pack/04-deep-maps.yml': `title: deep\nx: ${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}\n`,
  'pack/05-huge.yml': `title: huge\ndescription: '${'x'.repeat(50 * 1024 * 1024)}'\n`,
  'pack/06-binary.yml': Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256),
  'pack/07-proto.yml': GOOD.replace('title: Good', 'title: Proto\n__proto__: {polluted: true}\nconstructor: x'),
  'pack/08-parens.yml': GOOD.replace('condition: sel', `condition: ${'('.repeat(100_000)}sel${')'.repeat(100_000)}`),
  'pack/09-big-value.yml': GOOD.replace("'\\cmd.exe'", `'${'a'.repeat(1024 * 1024)}'`),
  'pack/10-good.yml': GOOD,
};

describe('a pack of hostile files', () => {
  it('reports each one and still converts the good rules', async () => {
    const io = memoryIo(HOSTILE);
    const started = Date.now();
    const status = await runCli(['convert', '-t', 'sql', '--json', 'pack'], io);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(status).toBe(1);
    const records = io.out.trim().split('\n').map((l) => JSON.parse(l) as { file: string; ok: boolean; diagnostics: { code: string }[] });
    const byFile = new Map(records.map((r) => [r.file, r]));
    expect(byFile.get('pack/10-good.yml')?.ok).toBe(true);
    // __proto__ and constructor are plain (unknown) keys of a valid rule, and nothing is polluted.
    expect(byFile.get('pack/07-proto.yml')?.ok).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    // A 1 MB value is a valid (if odd) rule, but SQLite refuses LIKE patterns over 50,000 bytes:
    // the sql target says so rather than emit a query that fails at run time.
    expect(byFile.get('pack/09-big-value.yml')?.diagnostics.map((d) => d.code)).toEqual(['unsupported-construct']);
    const codeOf = (f: string): string[] => byFile.get(f)?.diagnostics.map((d) => d.code) ?? ['(no record)'];
    expect(codeOf('pack/01-malformed.yml')).toContain('yaml-syntax');
    expect(codeOf('pack/02-bomb.yml')).toContain('yaml-alias-bomb');
    expect(codeOf('pack/03-deep-flow.yml')).toContain('yaml-too-deep');
    expect(codeOf('pack/04-deep-maps.yml')).toContain('yaml-too-deep');
    expect(codeOf('pack/05-huge.yml')).toContain('yaml-too-large');
    expect(codeOf('pack/06-binary.yml')).toContain('yaml-binary');
    expect(codeOf('pack/08-parens.yml')).toContain('condition-too-deep');
    expect(io.err).not.toMatch(/internal error|at .*\.ts:\d+/);
  });
});
