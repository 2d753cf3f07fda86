import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StringPart } from '../../src/ast/value.js';
import {
  base64,
  base64Offsets,
  hasLoneSurrogate,
  utf16beBytes,
  utf16Bytes,
  utf16leBytes,
  utf8Bytes,
  utf8Length,
  utf8LongerThan,
  windashFlagCount,
  windashVariants,
} from '../../src/value/encodings.js';
import { parseSigmaString, printSigmaString } from '../../src/value/sigma-string.js';

const hex = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');
const D = ['-', '/', '\u2013', '\u2014', '\u2015'];

describe('UTF-8 length without encoding', () => {
  it('is what TextEncoder writes, lone surrogates (U+FFFD) and pairs included; utf8LongerThan compares it', () => {
    const unit = fc.constantFrom('a', '\u007f', '\u0080', 'é', '\u07ff', '\u0800', '€', '\uffff', '\ud800', '\udbff', '\udc00', '\udfff', '😀', '\u0000');
    fc.assert(
      fc.property(fc.array(fc.oneof(unit, fc.string({ maxLength: 2, unit: 'binary' })), { maxLength: 12 }).map((u) => u.join('')), fc.nat(40), (text, limit) => {
        const bytes = new TextEncoder().encode(text).length;
        expect(utf8Length(text)).toBe(bytes);
        expect(utf8LongerThan(text, limit)).toBe(bytes > limit);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('UTF-16 encodings', () => {
  it('utf16le / wide: cmd -> 63 00 6d 00 64 00', () => {
    expect(hex(utf16leBytes('cmd'))).toBe('63 00 6d 00 64 00');
  });
  it('utf16be: cmd -> 00 63 00 6d 00 64', () => {
    expect(hex(utf16beBytes('cmd'))).toBe('00 63 00 6d 00 64');
  });
  it('utf16: BOM FF FE then UTF-16LE (the spec, not pySigma\'s EF BB BF)', () => {
    expect(hex(utf16Bytes('cmd'))).toBe('ff fe 63 00 6d 00 64 00');
  });
  it('non-ASCII and astral characters are UTF-16 code units', () => {
    expect(hex(utf16leBytes('é€😀'))).toBe('e9 00 ac 20 3d d8 00 de');
    expect(hex(utf16beBytes('€'))).toBe('20 ac');
  });
  it('utf8Bytes and lone surrogate detection', () => {
    expect(hex(utf8Bytes('é€'))).toBe('c3 a9 e2 82 ac');
    expect(hasLoneSurrogate('😀')).toBe(false);
    expect(hasLoneSurrogate('a\ud800b')).toBe(true);
    expect(hasLoneSurrogate('\udc00')).toBe(true);
  });
});

describe('base64', () => {
  it('known values', () => {
    expect(base64(utf8Bytes('cmd'))).toBe('Y21k');
    expect(base64(utf16leBytes('cmd'))).toBe('YwBtAGQA');
    expect(base64(utf16Bytes('cmd'))).toBe('//5jAG0AZAA=');
    expect(base64(utf8Bytes('é€😀'))).toBe('w6nigqzwn5iA');
    expect(base64(new Uint8Array())).toBe('');
    expect(base64(utf8Bytes('a'))).toBe('YQ==');
    expect(base64(utf8Bytes('ab'))).toBe('YWI=');
  });
  it('agrees with Node\'s encoder on arbitrary bytes (test oracle only)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        expect(base64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
      }),
    );
  });
});

describe('base64offset', () => {
  it('cmd -> Y21k, NtZ, jbW (SPEC-DIGEST §5)', () => {
    expect(base64Offsets(utf8Bytes('cmd'))).toEqual(['Y21k', 'NtZ', 'jbW']);
  });
  it('wide cmd -> YwBtAGQA, MAbQBkA, jAG0AZA', () => {
    expect(base64Offsets(utf16leBytes('cmd'))).toEqual(['YwBtAGQA', 'MAbQBkA', 'jAG0AZA']);
  });
  it('two bytes, and the empty alignment of one byte', () => {
    expect(base64Offsets(utf8Bytes('ab'))).toEqual(['YW', 'Fi', 'hY']);
    expect(base64Offsets(utf8Bytes('a'))).toEqual(['Y', '', 'h']);
  });
  it('each fragment occurs in the base64 of the value at its offset, whatever the neighbours', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 2, maxLength: 20 }),
        fc.uint8Array({ maxLength: 5 }),
        fc.uint8Array({ maxLength: 5 }),
        (value, before, after) => {
          const whole = new Uint8Array([...before, ...value, ...after]);
          const fragment = base64Offsets(value)[before.length % 3];
          expect(base64(whole)).toContain(fragment);
        },
      ),
    );
  });
});

describe('windash', () => {
  const variants = (text: string): string[] => windashVariants(parseSigmaString(text)).map((p) => printSigmaString(p));

  it('replaces a flag dash with the 5 characters, in pySigma order', () => {
    expect(variants(' -s cmd')).toEqual(D.map((d) => ` ${d}s cmd`));
    expect(variants('/c')).toEqual(D.map((d) => `${d}c`));
  });
  it('all combinations for two flags, leftmost varying slowest', () => {
    const out = variants(' -s -i cmd');
    expect(out).toHaveLength(25);
    expect(out.slice(0, 5)).toEqual(D.map((d) => ` -s ${d}i cmd`));
    expect(out[5]).toBe(' /s -i cmd');
    expect(new Set(out).size).toBe(25);
  });
  it('leaves dashes that do not start a flag: inside words, doubled, before a space or the end', () => {
    expect(variants('a-b')).toEqual(['a-b']);
    expect(variants('--flag')).toEqual(D.map((d) => `-${d}flag`));
    expect(variants('x - y')).toEqual(['x - y']);
    expect(variants('x-')).toEqual(['x-']);
  });
  it('follows \\B[-/]\\b literally: the second slash of // before a word is a flag', () => {
    expect(variants('http://x')).toEqual(D.map((d) => `http:/${d}x`));
  });
  it('does not permute unicode dashes in the input (documented choice)', () => {
    expect(variants(' \u2013s')).toEqual([' \u2013s']);
  });
  it('uses Unicode word characters (as Python\'s \\b) and treats wildcards as boundaries', () => {
    expect(variants('é-x')).toEqual(['é-x']);
    expect(variants(' -é')).toEqual(D.map((d) => ` ${d}é`));
    const parts: StringPart[] = parseSigmaString('*-s*');
    expect(windashVariants(parts).map((p) => printSigmaString(p))).toEqual(D.map((d) => `*${d}s*`));
  });
  it('flag count', () => {
    expect(windashFlagCount(parseSigmaString(' -s -i cmd'))).toBe(2);
    expect(windashFlagCount(parseSigmaString('none'))).toBe(0);
  });
});
