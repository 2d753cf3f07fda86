import fc from 'fast-check';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import type { StringPart } from '../../src/ast/value.js';
import {
  classifyString,
  literalText,
  normalizeParts,
  parseSigmaString,
  printSigmaString,
  stringValue,
} from '../../src/value/sigma-string.js';

const L = (text: string): StringPart => ({ kind: 'literal', text });
const STAR: StringPart = { kind: 'wildcard-multi' };
const Q: StringPart = { kind: 'wildcard-single' };
const P = (name: string): StringPart => ({ kind: 'placeholder', name });

describe('parseSigmaString: SPEC-DIGEST §4 table (input is the text after YAML)', () => {
  const rows: [string, StringPart[]][] = [
    [String.raw`C:\Windows\System32`, [L(String.raw`C:\Windows\System32`)]],
    [String.raw`C:\\Windows\\System32`, [L(String.raw`C:\Windows\System32`)]],
    ['C:\\Windows\\', [L('C:\\Windows\\')]],
    [String.raw`\*`, [L('*')]],
    [String.raw`\?`, [L('?')]],
    [String.raw`\\*`, [L('\\'), STAR]],
    [String.raw`\\\*`, [L(String.raw`\*`)]],
    [String.raw`\\\\`, [L(String.raw`\\`)]],
    ['\\\\\\', [L('\\\\')]], // 3 backslashes
    [String.raw`\\\\*`, [L(String.raw`\\`), STAR]],
    [String.raw`\\\\*\\*$`, [L(String.raw`\\`), STAR, L('\\'), STAR, L('$')]],
    ['prog?.exe', [L('prog'), Q, L('.exe')]],
  ];
  it.each(rows)('%s', (input, expected) => {
    expect(parseSigmaString(input)).toEqual(expected);
  });

  it('keeps other backslash pairs literally and reads the next character normally', () => {
    expect(parseSigmaString(String.raw`a\nb`)).toEqual([L(String.raw`a\nb`)]);
    expect(parseSigmaString(String.raw`\a*`)).toEqual([L(String.raw`\a`), STAR]);
  });

  it('the Ryuk pitfall: \\*.bak is a literal *.bak', () => {
    expect(parseSigmaString(String.raw`\*.bak`)).toEqual([L('*.bak')]);
  });

  it('empty string is no parts; wildcard runs collapse; literals merge', () => {
    expect(parseSigmaString('')).toEqual([]);
    expect(parseSigmaString('a**b')).toEqual([L('a'), STAR, L('b')]);
    expect(parseSigmaString('***')).toEqual([STAR]);
    expect(parseSigmaString('*?*')).toEqual([STAR, Q, STAR]);
    expect(parseSigmaString(String.raw`a\*b`)).toEqual([L('a*b')]);
  });

  it('percent signs are literal without expand', () => {
    expect(parseSigmaString('%APPDATA%\\x')).toEqual([L('%APPDATA%\\x')]);
    expect(parseSigmaString(String.raw`\%x%`)).toEqual([L(String.raw`\%x%`)]);
  });

  it('expand: %name% is a placeholder, \\% a literal %, unmatched % literal', () => {
    expect(parseSigmaString('%Servers%', { expand: true })).toEqual([P('Servers')]);
    expect(parseSigmaString('*\\%x%', { expand: true })).toEqual([STAR, L('%x%')]);
    expect(parseSigmaString(String.raw`\%x%`, { expand: true })).toEqual([L('%x%')]);
    expect(parseSigmaString(String.raw`\\%x%`, { expand: true })).toEqual([L('\\'), P('x')]);
    expect(parseSigmaString('50% and %a b%', { expand: true })).toEqual([L('50% and %a b%')]);
    expect(parseSigmaString('%DC-MACHINE-NAME%', { expand: true })).toEqual([P('DC-MACHINE-NAME')]);
    expect(parseSigmaString('%a*b%', { expand: true })).toEqual([L('%a'), STAR, L('b%')]);
    expect(parseSigmaString('%%', { expand: true })).toEqual([L('%%')]);
    expect(parseSigmaString('a%x%%y%*', { expand: true })).toEqual([L('a'), P('x'), P('y'), STAR]);
  });
});

/**
 * The spec's reading, one character at a time, as parseSigmaString was first written. parseSigmaString
 * now copies runs of plain text with slices and emits canonical parts directly (it is on every value's
 * path); it must give exactly what this gives.
 */
function referenceParse(text: string, expand: boolean): StringPart[] {
  const parts: StringPart[] = [];
  let literal = '';
  const flush = (): void => {
    if (literal !== '') parts.push(L(literal));
    literal = '';
  };
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    const next = text.charAt(i + 1);
    if (c === '\\' && (next === '*' || next === '?' || next === '\\' || (expand && next === '%'))) {
      literal += next;
      i += 2;
    } else if (c === '*' || c === '?') {
      flush();
      parts.push(c === '*' ? STAR : Q);
      i += 1;
    } else if (c === '%' && expand) {
      let j = i + 1;
      while (j < text.length && !/[%*?\\\s]/u.test(text.charAt(j))) j++;
      if (j > i + 1 && text.charAt(j) === '%') {
        flush();
        parts.push(P(text.slice(i + 1, j)));
        i = j + 1;
      } else {
        literal += c;
        i += 1;
      }
    } else {
      literal += c;
      i += 1;
    }
  }
  flush();
  return normalizeParts(parts);
}

describe('parseSigmaString agrees with the character-by-character reading', () => {
  it('on any mix of escapes, wildcards, placeholders and plain text', () => {
    const unit = fc.constantFrom('a', 'b', '\\', '*', '?', '%', ' ', '\t', 'é', '😀', 'x_1');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 16 }), fc.boolean(), (text, expand) => {
        expect(parseSigmaString(text, { expand })).toEqual(referenceParse(text, expand));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('two layers: YAML unescapes first, then Sigma (corpus examples)', () => {
  const sigma = (yamlText: string): StringPart[] => {
    const value = yaml.load(`v: ${yamlText}`, { schema: yaml.CORE_SCHEMA }) as { v: string };
    return parseSigmaString(value.v);
  };
  it(`findstr_recon_everyone.yml '"BUILTIN\\\\"'`, () => {
    // YAML single quotes keep both backslashes: "BUILTIN\\" -> Sigma: \\ is one backslash.
    expect(sigma(String.raw`'"BUILTIN\\"'`)).toEqual([L('"BUILTIN\\"')]);
  });
  it(`findstr_recon_everyone.yml "'BUILTIN\\\\'"`, () => {
    // YAML double quotes make \\ one backslash: 'BUILTIN\' -> Sigma keeps \' as is.
    expect(sigma(String.raw`"'BUILTIN\\'"`)).toEqual([L(String.raw`'BUILTIN\'`)]);
  });
  it(`regsvr32_susp_exec_path_2.yml " 'C:\\\\Windows\\\\"`, () => {
    expect(sigma(String.raw`" 'C:\\Windows\\"`)).toEqual([L(" 'C:\\Windows\\")]);
  });
  it('a double-quoted "\\t" is a TAB (the classic bug), a single-quoted one is backslash-t', () => {
    expect(sigma(String.raw`"C:\temp"`)).toEqual([L('C:\temp')]);
    expect(sigma(String.raw`'C:\temp'`)).toEqual([L(String.raw`C:\temp`)]);
  });
});

describe('printSigmaString', () => {
  it('escapes wildcard characters and only the backslashes that need it', () => {
    expect(printSigmaString([L('C:\\Windows\\')])).toBe('C:\\Windows\\');
    expect(printSigmaString([L('\\'), STAR])).toBe(String.raw`\\*`);
    expect(printSigmaString([L(String.raw`\*`)])).toBe(String.raw`\\\*`);
    expect(printSigmaString([L(String.raw`\\`)])).toBe('\\\\\\\\'); // a run of 2 is written doubled (4), as rules do
    expect(printSigmaString([L('a*b?c')])).toBe(String.raw`a\*b\?c`);
    expect(printSigmaString([STAR, L('x'), Q])).toBe('*x?');
    expect(printSigmaString([L('%APPDATA%')])).toBe('%APPDATA%');
    expect(printSigmaString([L('50%'), P('x')])).toBe(String.raw`50\%%x%`);
    expect(printSigmaString([L('\\'), P('x')])).toBe(String.raw`\\%x%`);
    expect(printSigmaString([])).toBe('');
  });

  const part = fc.oneof(
    fc.string({ unit: fc.constantFrom('a', 'b', '\\', '*', '?', '%', ' ', 'é', '😀'), maxLength: 6 }).map(L),
    fc.constant(STAR),
    fc.constant(Q),
  );
  const partsArb = fc.array(part, { maxLength: 6 });
  const placeholderPart = fc.oneof(part, fc.constantFrom('x', 'Servers', 'a_1').map(P));

  it('round-trips: parse(print(parts)) = normalised parts', () => {
    fc.assert(
      fc.property(partsArb, (parts) => {
        const norm = normalizeParts(parts);
        expect(parseSigmaString(printSigmaString(parts))).toEqual(norm);
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips under expand, with placeholders', () => {
    fc.assert(
      fc.property(fc.array(placeholderPart, { maxLength: 6 }), (parts) => {
        const norm = normalizeParts(parts);
        expect(parseSigmaString(printSigmaString(parts, { expand: true }), { expand: true })).toEqual(norm);
      }),
      { numRuns: 2000 },
    );
  });

  it('printing is canonical: print(parse(text)) parses to the same parts as text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '\\', '*', '?', '%', 'x'), maxLength: 12 }), fc.boolean(), (text, expand) => {
        const parts = parseSigmaString(text, { expand });
        const printed = printSigmaString(parts, { expand });
        expect(parseSigmaString(printed, { expand })).toEqual(parts);
        expect(printSigmaString(parseSigmaString(printed, { expand }), { expand })).toBe(printed);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('helpers', () => {
  it('stringValue normalises', () => {
    expect(stringValue([L('a'), L('b'), STAR, STAR], true)).toEqual({ kind: 'string', parts: [L('ab'), STAR], cased: true });
  });
  it('literalText', () => {
    expect(literalText([L('a')])).toBe('a');
    expect(literalText([])).toBe('');
    expect(literalText([L('a'), STAR])).toBeNull();
    expect(literalText([P('x')])).toBeNull();
  });
  it('classifyString', () => {
    expect(classifyString(parseSigmaString('abc'))).toEqual({ kind: 'exact', text: 'abc' });
    expect(classifyString([])).toEqual({ kind: 'exact', text: '' });
    expect(classifyString(parseSigmaString('abc*'))).toEqual({ kind: 'prefix', text: 'abc' });
    expect(classifyString(parseSigmaString('*abc'))).toEqual({ kind: 'suffix', text: 'abc' });
    expect(classifyString(parseSigmaString('*abc*'))).toEqual({ kind: 'contains', text: 'abc' });
    expect(classifyString(parseSigmaString(String.raw`*a\*c*`))).toEqual({ kind: 'contains', text: 'a*c' });
    expect(classifyString(parseSigmaString('*'))).toEqual({ kind: 'any' });
    expect(classifyString(parseSigmaString('a*c'))).toEqual({ kind: 'pattern' });
    expect(classifyString(parseSigmaString('ab?'))).toEqual({ kind: 'pattern' });
    expect(classifyString(parseSigmaString('*?'))).toEqual({ kind: 'pattern' });
    expect(classifyString(parseSigmaString('%x%*', { expand: true }))).toEqual({ kind: 'pattern' });
  });
});
