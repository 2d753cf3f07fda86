import { describe, expect, it } from 'vitest';
import { CASE_SCAN_LIMIT, cased, casedByEachCodePoint, caseClass, caseClassByScan } from '../../src/value/regex/tree.js';

/**
 * caseClass looks for case partners only among code points that a case mapping changes; these tests
 * check that shortcut against the full scan of every code point (what caseClass did before).
 */
describe('caseClass', () => {
  const interesting = [
    0x41, 0x61, 0x4b, 0x6b, 0x212a, // A a K k, Kelvin sign
    0x53, 0x73, 0x17f, // S s, long s
    0xc5, 0xe5, 0x212b, // Å å, Angstrom sign
    0x3a3, 0x3c3, 0x3c2, // Σ σ ς
    0x392, 0x3b2, 0x3d0, // Β β ϐ
    0x345, 0x399, 0x3b9, 0x1fbe, // ypogegrammeni, Ι ι, prosgegrammeni
    0xdf, 0x1e9e, // ß ẞ
    0x130, 0x131, 0x69, 0x49, // İ ı i I
    0x416, 0x436, // Ж ж
    0x13a0, 0xab70, // Cherokee
    0x10400, 0x10428, // Deseret
    0x4e2d, 0x30, 0x20, 0x2d, // caseless: 中 0 space -
  ];
  it.each(interesting.map((c) => [c.toString(16), c]))('U+%s has the class the full scan finds', (_, code) => {
    expect(caseClass(code as number)).toEqual(caseClassByScan(code as number));
  });

  it('agrees with the full scan on a spread of code points', () => {
    for (let code = 0x80; code <= CASE_SCAN_LIMIT; code += 997) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      expect(caseClass(code), `U+${code.toString(16)}`).toEqual(caseClassByScan(code));
    }
  });

  it('the block-wise scan for cased code points finds what mapping each code point on its own finds', () => {
    expect(cased()).toEqual(casedByEachCodePoint());
  });

  it('no code point that case mappings leave alone is case-insensitively equal to one they change', () => {
    const uncased: string[] = [];
    const casedCodes: number[] = [];
    for (let c = 0; c <= CASE_SCAN_LIMIT; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const s = String.fromCodePoint(c);
      if (s.toLowerCase() !== s || s.toUpperCase() !== s) casedCodes.push(c);
      else uncased.push(s);
    }
    const text = uncased.join('');
    const partners = casedCodes.filter((c) => new RegExp(`\\u{${c.toString(16)}}`, 'iu').test(text));
    expect(partners).toEqual([]);
  });
});
