/** The page's logic without the page: the URL fragment round trip, and panels equal to the CLI's output. */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { TARGET_IDS } from '../../src/index.js';
import { convertPanel, decodeFragment, defaultSettings, encodeFragment, parseEditorText, targetChoices } from '../../src/web/session.js';
import { memoryIo } from '../support/memory-io.js';
import { PSEXEC_RULE } from '../support/paths.js';

describe('the rule in the URL fragment', () => {
  it('round-trips any text, including non-ASCII and line breaks', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => {
        const fragment = encodeFragment(text);
        expect(fragment).toMatch(/^rule=[A-Za-z0-9_-]*$/);
        expect(decodeFragment(`#${fragment}`)).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('gives null for a fragment without a rule or with damaged text', () => {
    expect(decodeFragment('')).toBeNull();
    expect(decodeFragment('#other=1')).toBeNull();
    expect(decodeFragment('#rule=%%%')).toBeNull();
    expect(decodeFragment('#rule=_w')).toBeNull(); // 0xFF: not UTF-8
  });
});

describe('panels', () => {
  it('offer every target with its default pipelines checked', () => {
    const choices = targetChoices();
    expect(choices.map((c) => c.id)).toEqual([...TARGET_IDS]);
    for (const c of choices) expect(defaultSettings(c).pipelines.length).toBeGreaterThan(0);
  });

  it('print what the CLI prints for the PsExec rule, target by target', async () => {
    const text = readFileSync(PSEXEC_RULE, 'utf8');
    const parsed = parseEditorText(text);
    for (const choice of targetChoices()) {
      const io = memoryIo();
      await runCli(['convert', '-t', choice.id, PSEXEC_RULE], io);
      expect(convertPanel(parsed, defaultSettings(choice)).output, choice.id).toBe(io.out);
    }
  });
});
