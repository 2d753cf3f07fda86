import { describe, expect, it } from 'vitest';
import { pointSpan } from '../../src/diagnostics/span.js';
import { ALIASES, canonicalModifier, closestModifier, listModifiers, MODIFIERS, NO_MODIFIERS, parseModifierChain } from '../../src/value/modifiers.js';

const chain = (text: string, keyword = false) =>
  parseModifierChain(
    text.split('|').map((name) => ({ name, span: pointSpan('t.yml') })),
    { keyword },
  );
const diag = (text: string, keyword = false) => chain(text, keyword).diagnostics.map((d) => `${d.severity} ${d.code}: ${d.message}`);

describe('registry', () => {
  it('covers every v2.1 modifier and the pySigma spellings', () => {
    const names = [
      'contains', 'startswith', 'endswith', 'all', 'exists', 'cased', 'neq', 'windash', 're', 'i', 'ignorecase', 'm',
      'multiline', 's', 'dotall', 'base64', 'base64offset', 'utf16le', 'wide', 'utf16be', 'utf16', 'lt', 'lte', 'gt',
      'gte', 'minute', 'hour', 'day', 'week', 'month', 'year', 'cidr', 'expand', 'fieldref',
    ];
    // Aliases live in their own map now (MODIFIERS holds canonical names); together they cover the same names.
    expect([...Object.keys(MODIFIERS), ...Object.keys(ALIASES)].sort()).toEqual([...names].sort());
    expect(listModifiers().map((m) => m.name).sort()).toEqual([...names].sort());
    expect(listModifiers().find((m) => m.name === 'wide')).toMatchObject({ kind: 'encoding', aliasOf: 'utf16le' });
    expect(listModifiers().every((m) => m.summary.length > 0)).toBe(true);
  });
  it('lists each alias right after its target, with the target\'s kind and summary', () => {
    const listed = listModifiers();
    for (const [alias, target] of Object.entries(ALIASES)) {
      const i = listed.findIndex((m) => m.name === alias);
      expect(listed[i - 1]?.name === target || listed[i - 1]?.aliasOf === target, alias).toBe(true);
      expect(listed[i]).toEqual({ name: alias, ...MODIFIERS[target], aliasOf: target });
      expect(canonicalModifier(alias as keyof typeof ALIASES)).toBe(target);
    }
    expect(Object.keys(ALIASES).some((a) => a in MODIFIERS)).toBe(false);
  });
  it('NO_MODIFIERS is the chain of an item without modifiers', () => {
    expect(parseModifierChain([])).toMatchObject({ ok: true, value: NO_MODIFIERS });
  });
  it('suggests the closest name', () => {
    expect(closestModifier('contain')).toBe('contains');
    expect(closestModifier('Contains')).toBe('contains');
    expect(closestModifier('startwith')).toBe('startswith');
    expect(closestModifier('base64ofset')).toBe('base64offset');
    expect(closestModifier('xyzzy')).toBeUndefined();
  });
});

describe('valid chains from the corpus and the spec', () => {
  it.each([
    'contains', 'startswith', 'endswith', 'contains|all', 'all', 're', 'contains|windash', 'windash|contains', 'endswith|windash',
    'cidr', 'expand', 'contains|expand', 'base64offset|contains', 'fieldref', 'wide|base64offset|contains', 're|i',
    'base64|contains', 'utf16|base64', 'utf16be|base64offset|contains', 'utf16le|base64', 'base64|base64', 'cased',
    'contains|cased', 'cased|contains', 're|m|s', 're|ignorecase|multiline|dotall', 'exists', 'lt', 'neq|gte', 'gt|neq',
    'minute', 'year|neq', 'fieldref|contains', 'fieldref|startswith|cased', 'neq', 'contains|neq', 'cidr|neq', 're|neq',
    'windash|base64offset|contains', 'neq|fieldref',
  ])('%s', (text) => {
    const r = chain(text);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.ok).toBe(true);
  });
  it('resolves aliases and collects flags', () => {
    const r = chain('wide|base64offset|contains');
    expect(r.ok && r.value.steps.map((s) => s.name)).toEqual(['utf16le', 'base64offset', 'contains']);
    const f = chain('contains|all|neq|cased|expand');
    expect(f.ok && [f.value.all, f.value.neq, f.value.cased, f.value.expand, f.value.result]).toEqual([true, true, true, true, 'string']);
    const t = chain('re|i');
    expect(t.ok && t.value.result).toBe('regex');
  });
});

describe('chain errors name the modifier or the pair', () => {
  it.each([
    ['contains|base64', "error invalid-modifier-chain: 'contains|base64': base64 cannot encode the wildcards contains adds; encode first, e.g. 'base64|contains'"],
    ['startswith|wide|base64', "error invalid-modifier-chain: 'startswith|wide': wide cannot encode the wildcards startswith adds; encode first, e.g. 'wide|startswith'"],
    ['i', "error invalid-modifier-chain: 'i': i is a regular expression flag; it is allowed only after re (e.g. 're|i')"],
    ['contains|m', "error invalid-modifier-chain: 'contains|m': m is a regular expression flag; it is allowed only after re (e.g. 're|m')"],
    ['neq|re', "error invalid-modifier-chain: 'neq|re': re must come first (it takes the value as written); write 're|neq'"],
    ['contains|cidr', "error invalid-modifier-chain: 'contains|cidr': cidr must come first (it takes the value as written); write 'cidr|contains'"],
    ['all|exists', "error invalid-modifier-chain: 'all|exists': exists must come first (it takes the value as written); write 'exists|all'"],
    ['base64offset', "error invalid-modifier-chain: 'base64offset': base64offset must be followed by contains (its fragments only match inside longer base64 text), e.g. 'base64offset|contains'"],
    ['base64offset|startswith', "error invalid-modifier-chain: 'base64offset|startswith': base64offset must be followed by contains (its fragments only match inside longer base64 text), e.g. 'base64offset|contains'"],
    ['wide', "error invalid-modifier-chain: 'wide': wide gives bytes, which a text field cannot hold; follow it with base64 or base64offset"],
    ['wide|utf16be|base64', "error invalid-modifier-chain: 'wide|utf16be': the value is already UTF-16 bytes; use one UTF-16 modifier, then base64 or base64offset"],
    ['contains|contains', "error invalid-modifier-chain: 'contains' appears twice in 'contains|contains'; remove one"],
    ['wide|utf16le|base64', "error invalid-modifier-chain: 'utf16le' is the same modifier as 'wide', which 'wide|utf16le|base64' already has; remove one"],
    ['re|i|ignorecase', "error invalid-modifier-chain: 'ignorecase' is the same modifier as 'i', which 're|i|ignorecase' already has; remove one"],
    ['re|cased', "error invalid-modifier-chain: 're|cased': a regular expression is case-sensitive already; use re|i to ignore case"],
    ['contains|fieldref', "error invalid-modifier-chain: 'contains|fieldref': fieldref takes the value as written, so it must come before contains"],
    ['contains|gt', "error invalid-modifier-chain: 'contains|gt': gt takes the value as written, so it must come before contains"],
    ['re|windash', "error invalid-modifier-chain: 're|windash': windash takes a string, but re made it a regular expression"],
    ['cidr|contains', "error invalid-modifier-chain: 'cidr|contains': contains takes a string, a regex or a field reference, but cidr made it a network"],
    ['base64|expand', "error invalid-modifier-chain: 'base64|expand': expand must come before base64: encoded text has no placeholders"],
    ['re|expand', "error invalid-modifier-chain: 're|expand': expand takes a string, but re made it a regular expression"],
    ['gt|lt', "error invalid-modifier-chain: 'gt|lt': lt takes the value as written, so it must come before gt"],
  ])('%s', (text, message) => {
    expect(chain(text).ok).toBe(false);
    expect(diag(text)).toContain(message);
  });

  it('unknown modifiers: named, with a suggestion', () => {
    expect(diag('contians')).toEqual(["error unknown-modifier: unknown modifier 'contians'; did you mean 'contains'?"]);
    expect(diag('frobnicate')).toEqual(["error unknown-modifier: unknown modifier 'frobnicate'; see `list modifiers`"]);
    expect(diag('contains|')).toEqual(['error unknown-modifier: an empty modifier name (two | in a row, or a trailing |); see `list modifiers`']);
  });

  it('keywords cannot take modifiers that need a field', () => {
    expect(diag('exists', true)).toEqual(["error invalid-modifier-chain: exists needs a field name; a keyword search (key '|exists') has none"]);
    expect(chain('cidr', true).ok).toBe(false);
    expect(chain('fieldref', true).ok).toBe(false);
    expect(chain('gt', true).ok).toBe(false);
    expect(chain('contains|all', true).ok).toBe(true);
    expect(chain('re', true).ok).toBe(true);
  });

  it('collects every error of a chain', () => {
    expect(chain('contians|i|wide').diagnostics.filter((d) => d.severity === 'error')).toHaveLength(3);
  });
});

describe('warnings', () => {
  it('windash with all: accepted with a warning (values ANDed, each value\'s variants ORed)', () => {
    const r = chain('contains|all|windash');
    expect(r.ok).toBe(true);
    expect(diag('contains|all|windash')).toEqual([
      "warning invalid-modifier-chain: 'contains|all|windash': SigmaHQ's validator flags windash with all; here each value's dash variants are ORed and the values ANDed, which other tools may not do",
    ]);
  });
  it('contains/startswith/endswith on a regex have no effect', () => {
    expect(chain('re|contains').ok).toBe(true);
    expect(diag('re|startswith')[0]).toMatch(/^warning invalid-modifier-chain: 're\|startswith': startswith has no effect on a regular expression/);
  });
});
