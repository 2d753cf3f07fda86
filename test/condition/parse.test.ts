import { describe, expect, it } from 'vitest';
import { MAX_CONDITION_DEPTH } from '../../src/condition/parse.js';
import { and, not, of, or, parseErr, parseOk, ref, shape } from './helpers.js';

describe('precedence: or < and < not < x of < ( )', () => {
  it('binds and tighter than or', () => {
    expect(shape('a or b and c')).toEqual(or(ref('a'), and(ref('b'), ref('c'))));
    expect(shape('a and b or c')).toEqual(or(and(ref('a'), ref('b')), ref('c')));
  });
  it('binds not tighter than and', () => {
    expect(shape('not a and b')).toEqual(and(not(ref('a')), ref('b')));
    expect(shape('a and not b or c')).toEqual(or(and(ref('a'), not(ref('b'))), ref('c')));
  });
  it('binds x of tighter than not', () => {
    expect(shape('not 1 of x* and y')).toEqual(and(not(of('1', 'x*')), ref('y')));
  });
  it('parses the corpus example that relies on precedence', () => {
    expect(shape('1 of selection_img_* or all of selection_kali_* and not 1 of filter_main_*')).toEqual(
      or(of('1', 'selection_img_*'), and(of('all', 'selection_kali_*'), not(of('1', 'filter_main_*')))),
    );
  });
  it('nests not', () => {
    expect(shape('not not a')).toEqual(not(not(ref('a'))));
  });
});

describe('n-ary and/or', () => {
  it('flattens an unparenthesised chain into one node', () => {
    expect(shape('a and b and c')).toEqual(and(ref('a'), ref('b'), ref('c')));
    expect(shape('a or b or c or d')).toEqual(or(ref('a'), ref('b'), ref('c'), ref('d')));
  });
  it('keeps a parenthesised group as its own node', () => {
    expect(shape('(a and b) and c')).toEqual(and(and(ref('a'), ref('b')), ref('c')));
    expect(shape('a or (b or c)')).toEqual(or(ref('a'), or(ref('b'), ref('c'))));
  });
  it('drops parentheses around a single operand', () => {
    expect(shape('((a))')).toEqual(ref('a'));
    expect(shape('not (a)')).toEqual(not(ref('a')));
  });
});

describe('x of', () => {
  it('parses quantifiers and targets', () => {
    expect(shape('1 of them')).toEqual(of('1', null));
    expect(shape('any of them')).toEqual(of('any', null));
    expect(shape('all of selection_*')).toEqual(of('all', 'selection_*'));
    expect(shape('1 of *')).toEqual(of('1', '*'));
    expect(shape('all of sel*_x.y-z')).toEqual(of('all', 'sel*_x.y-z'));
    expect(shape('1 of `select|*`')).toEqual(of('1', 'select|*'));
  });
  it('treats a pattern that starts like a keyword as a pattern', () => {
    expect(shape('1 of them*')).toEqual(of('1', 'them*'));
    expect(shape('1 of them_1')).toEqual(of('1', 'them_1'));
  });
  it('reads 1/any/all as names outside the quantifier position', () => {
    expect(shape('any and all or 1')).toEqual(or(and(ref('any'), ref('all')), ref('1')));
  });
  it('has no quantifier other than 1, any and all', () => {
    expect(parseErr('2 of sel*').code).toBe('condition-syntax');
  });
  it('requires a target', () => {
    const d = parseErr('1 of');
    expect(d.message).toBe('expected `them` or a name pattern, but the condition ends here');
    expect(d.span.column).toBe(5);
  });
});

describe('names', () => {
  it('reads keywords only as whole words', () => {
    expect(shape('notepad and andy or order')).toEqual(or(and(ref('notepad'), ref('andy')), ref('order')));
    expect(shape('a and notepad')).toEqual(and(ref('a'), ref('notepad')));
    expect(shape('not-x or of.y or them1 or and_x or anyof')).toEqual(
      or(ref('not-x'), ref('of.y'), ref('them1'), ref('and_x'), ref('anyof')),
    );
  });
  it('accepts dots and dashes in bare names', () => {
    expect(shape('filter_main_mdadm.conf or sel-1')).toEqual(or(ref('filter_main_mdadm.conf'), ref('sel-1')));
  });
  it('reads backtick-quoted names, with a doubled backtick for a backtick', () => {
    expect(shape('`select_tree_execution|endswith` and `a b`')).toEqual(
      and(ref('select_tree_execution|endswith'), ref('a b')),
    );
    expect(shape('`it``s` or `and` or ``')).toEqual(or(ref('it`s'), ref('and'), ref('')));
    expect(shape('`a`and`b`')).toEqual(and(ref('a'), ref('b')));
  });
  it('reports an unclosed backtick', () => {
    const d = parseErr('a and `b``c');
    expect(d.code).toBe('condition-syntax');
    expect(d.span.column).toBe(7);
    expect(d.message).toMatch(/never closed/);
  });
  it('asks for backticks around names with other characters', () => {
    const d = parseErr('sel|x and b');
    expect(d.code).toBe('condition-syntax');
    expect(d.span.column).toBe(4);
    expect(d.message).toMatch(/backticks/);
  });
  it('points a bare pattern without a quantifier to `1 of`', () => {
    const d = parseErr('sel* and b');
    expect(d.span.column).toBe(4);
    expect(d.message).toMatch(/1 of selection_\*/);
  });
});

describe('whitespace', () => {
  it('allows spaces, tabs and newlines between tokens', () => {
    expect(shape('  a\tand\n(\nb  or\r\n c )  ')).toEqual(and(ref('a'), or(ref('b'), ref('c'))));
    expect(shape('1\nof\tthem')).toEqual(of('1', null));
  });
});

describe('syntax errors', () => {
  it('says what was expected, in plain words, at the offending column', () => {
    const cases: [string, number, string][] = [
      ['a and', 6, 'expected a search identifier, `not`, `(` or `1 of`/`any of`/`all of`, but the condition ends here'],
      ['(a and b', 9, 'expected `and`, `or` or `)`, but the condition ends here'],
      ['a b', 3, 'expected `and`, `or` or the end of the condition, but found `b`'],
      ['a and or b', 7, 'expected a search identifier, `not`, `(` or `1 of`/`any of`/`all of`, but found `or`'],
      ['a)', 2, 'expected `and`, `or` or the end of the condition, but found `)`'],
      ['1 of them of', 11, 'expected `and`, `or` or the end of the condition, but found `of`'],
    ];
    for (const [text, column, message] of cases) {
      const d = parseErr(text);
      expect(d.code, text).toBe('condition-syntax');
      expect(d.severity).toBe('error');
      expect(d.span.line, text).toBe(1);
      expect(d.span.column, text).toBe(column);
      expect(d.message, text).toBe(message);
    }
  });
  it('rejects an empty condition', () => {
    expect(parseErr('   ').message).toMatch(/empty/);
  });
  it('rejects keywords as bare names', () => {
    for (const text of ['them', 'of', 'a and not', 'not']) expect(parseErr(text).code).toBe('condition-syntax');
  });
});

describe('uppercase operators', () => {
  // pySigma declares the operators as lowercase literals; `AND` read as a name would change the meaning.
  it('rejects them with a hint that operators are lowercase', () => {
    for (const [text, word, column] of [
      ['a AND b', 'AND', 3],
      ['a Or b', 'Or', 3],
      ['NOT a', 'NOT', 1],
      ['a and NOT b', 'NOT', 7],
      ['1 OF them', 'OF', 3],
    ] as const) {
      const d = parseErr(text);
      expect(d.code).toBe('condition-syntax');
      expect(d.span.column, text).toBe(column);
      expect(d.message).toContain(`write \`${word.toLowerCase()}\``);
      expect(d.message).toContain('lowercase');
    }
  });
  it('still reaches such names in backticks', () => {
    expect(shape('`AND` and `Not`')).toEqual(and(ref('AND'), ref('Not')));
  });
  it('keeps other uppercase words as names', () => {
    expect(shape('ANDROID or NOTE or THEM')).toEqual(or(ref('ANDROID'), ref('NOTE'), ref('THEM')));
  });
});

describe('legacy aggregations', () => {
  it('reports v1 pipe aggregations and near, pointing to correlation rules', () => {
    for (const [text, column] of [
      ['selection | count() by x > 5', 11],
      ['selection | count(dst_port) by src_ip > 10', 11],
      ['selection and filter1|sum(x) by y > 3', 22],
      ['selection | near other', 11],
      ['selection1 near selection2', 12],
      ['count(subdomain) per domain > 200 and not allowed', 1],
    ] as const) {
      const d = parseErr(text);
      expect(d.code, text).toBe('condition-legacy-aggregation');
      expect(d.span.column, text).toBe(column);
      expect(d.message).toContain('correlation');
    }
  });
  it('keeps `near` usable as a name', () => {
    expect(shape('near or a')).toEqual(or(ref('near'), ref('a')));
    expect(shape('a and near')).toEqual(and(ref('a'), ref('near')));
  });
});

describe('nesting depth', () => {
  const nested = (n: number, inner = 'a') => '('.repeat(n) + inner + ')'.repeat(n);
  it(`accepts ${MAX_CONDITION_DEPTH} levels`, () => {
    expect(shape(nested(MAX_CONDITION_DEPTH - 1))).toEqual(ref('a'));
    expect(shape('not '.repeat(MAX_CONDITION_DEPTH - 1) + 'a')).toBeTruthy();
  });
  it('rejects deeper nesting with condition-too-deep', () => {
    expect(parseErr(nested(MAX_CONDITION_DEPTH + 1)).code).toBe('condition-too-deep');
    expect(parseErr('not (not ('.repeat(MAX_CONDITION_DEPTH) + 'a' + '))'.repeat(MAX_CONDITION_DEPTH)).code).toBe(
      'condition-too-deep',
    );
  });
  it('fails fast on 100,000 parentheses or nots', () => {
    const start = Date.now();
    const d = parseErr(nested(100_000));
    expect(d.code).toBe('condition-too-deep');
    expect(d.span.column).toBe(MAX_CONDITION_DEPTH + 1);
    expect(parseErr('not '.repeat(100_000) + 'a').code).toBe('condition-too-deep');
    expect(parseErr('('.repeat(100_000)).code).toBe('condition-too-deep');
    expect(Date.now() - start).toBeLessThan(5000); // generous "does not hang" bound
  });
  it('handles long flat chains', () => {
    const text = Array.from({ length: 50_000 }, (_, i) => `s${i}`).join(' or ');
    const node = parseOk(text);
    expect(node.kind === 'or' && node.operands.length).toBe(50_000);
  });
});

describe('spans', () => {
  it('covers each node', () => {
    const node = parseOk('x and (not 1 of s*)');
    expect(node.span).toMatchObject({ column: 1, endColumn: 20 });
    if (node.kind !== 'and') throw new Error('and');
    expect(node.operands[0]?.span).toMatchObject({ column: 1, endColumn: 2 });
    expect(node.operands[1]?.span).toMatchObject({ column: 8, endColumn: 19 });
  });
});
