import { describe, expect, it } from 'vitest';
import { parseEsql, parseEsqlExpression, type EsqlExpr } from '../support/esql-parser.js';

const where = (text: string): EsqlExpr => {
  const r = parseEsqlExpression(text);
  if (!r.ok) throw new Error(`${r.message} at ${r.offset}`);
  return r.expr;
};
const field = (...parts: string[]): EsqlExpr => ({ kind: 'field', parts });
const str = (value: string): EsqlExpr => ({ kind: 'literal', type: 'string', value });
const bad = (query: string): { message: string; offset: number } => {
  const r = parseEsql(query);
  if (r.ok) throw new Error(`parsed: ${JSON.stringify(r.ast)}`);
  return r;
};

describe('parseEsql: commands', () => {
  it('reads FROM with several index patterns and METADATA, then WHERE', () => {
    const r = parseEsql('FROM logs-*, "other-*", remote:winlogbeat-* METADATA _id, _index, _version\n| WHERE a == "x"');
    expect(r).toEqual({
      ok: true,
      ast: {
        commands: [
          { kind: 'from', sources: ['logs-*', 'other-*', 'remote:winlogbeat-*'], metadata: ['_id', '_index', '_version'] },
          { kind: 'where', condition: { kind: 'compare', op: '==', left: field('a'), right: str('x') } },
        ],
      },
    });
  });
  it('reads EVAL, STATS ... BY with BUCKET, KEEP, SORT, LIMIT, case-insensitive keywords and comments', () => {
    const r = parseEsql(`from logs-* // the source
      | eval x = TO_LOWER(user.name) /* a /* nested */ comment */
      | STATS n = COUNT(*), d = COUNT_DISTINCT(host.name) BY b = BUCKET(@timestamp, 5 minutes), user.name
      | where n > 10 | keep user.*, n, \`odd name\` | sort n desc nulls last, x | LIMIT 100`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.ast.commands.map((c) => c.kind)).toEqual(['from', 'eval', 'stats', 'where', 'keep', 'sort', 'limit']);
    expect(r.ast.commands[2]).toMatchObject({
      stats: [{ name: 'n', expr: { kind: 'call', name: 'COUNT', star: true } }, { name: 'd' }],
      by: [{ name: 'b', expr: { kind: 'call', name: 'BUCKET', args: [field('@timestamp'), { kind: 'literal', type: 'qualified', value: 5, unit: 'minutes' }] } }, { name: null, expr: field('user', 'name') }],
    });
    expect(r.ast.commands[4]).toEqual({ kind: 'keep', patterns: ['user.*', 'n', '`odd name`'] });
    expect(r.ast.commands[5]).toMatchObject({ orders: [{ direction: 'desc', nulls: 'last' }, { direction: null, nulls: null }] });
    expect(r.ast.commands[6]).toEqual({ kind: 'limit', count: 100 });
  });
  it('rejects unknown commands, a missing pipe, and trailing text', () => {
    expect(bad('FROM a | FILTER x').message).toContain('processing command');
    expect(bad('FROM a WHERE x').offset).toBe(7);
    expect(bad('FROM a | WHERE x == "1" y').offset).toBe(24);
    expect(bad('FROM a | WHERE(x == 1)').message).toContain('processing command'); // UNKNOWN_CMD `WHERE(x`
    expect(bad('WHERE x').message).toContain('FROM or ROW');
  });
});

describe('parseEsql: expressions', () => {
  it('gives NOT, AND, OR the grammar precedence', () => {
    expect(where('NOT a AND b OR c')).toEqual({
      kind: 'logical',
      op: 'or',
      left: { kind: 'logical', op: 'and', left: { kind: 'not', operand: field('a') }, right: field('b') },
      right: field('c'),
    });
    expect(where('a OR b AND NOT NOT c')).toMatchObject({ op: 'or', right: { op: 'and', right: { kind: 'not', operand: { kind: 'not' } } } });
    expect(where('NOT a == 1')).toMatchObject({ kind: 'not', operand: { kind: 'compare' } });
    expect(where('NOT a IS NULL')).toMatchObject({ kind: 'not', operand: { kind: 'is-null', negated: false } });
  });
  it('reads IS [NOT] NULL, [NOT] LIKE, [NOT] RLIKE (with lists), [NOT] IN', () => {
    expect(where('a IS NOT NULL')).toEqual({ kind: 'is-null', negated: true, value: field('a') });
    expect(where('TO_LOWER(a) NOT LIKE "x*"')).toMatchObject({ kind: 'like', op: 'like', negated: true, value: { kind: 'call', name: 'TO_LOWER' }, patterns: ['x*'] });
    expect(where('a RLIKE ("x.*", """y\\.z""")')).toMatchObject({ kind: 'like', op: 'rlike', negated: false, patterns: ['x.*', 'y\\.z'] });
    expect(where('a NOT IN (1, 2, b)')).toMatchObject({ kind: 'in', negated: true, list: [{ value: 1 }, { value: 2 }, field('b')] });
  });
  it('makes comparisons non-associative and arithmetic left-associative with * over +', () => {
    expect(parseEsqlExpression('a == b == c').ok).toBe(false);
    expect(where('1 + 2 * 3 - -4')).toEqual({
      kind: 'arith',
      op: '-',
      left: { kind: 'arith', op: '+', left: { kind: 'literal', type: 'integer', value: 1 }, right: { kind: 'arith', op: '*', left: { kind: 'literal', type: 'integer', value: 2 }, right: { kind: 'literal', type: 'integer', value: 3 } } },
      right: { kind: 'unary', op: '-', operand: { kind: 'literal', type: 'integer', value: 4 } },
    });
    expect(where('a::ip')).toEqual({ kind: 'cast', value: field('a'), type: 'ip' });
  });
  it('decodes strings exactly as the lexer grammar says', () => {
    expect(where('"a\\"b\\\\c\\td\\ne\\rf"')).toEqual(str('a"b\\c\td\ne\rf'));
    expect(where('"""raw \\ "quoted" \\n"""')).toEqual(str('raw \\ "quoted" \\n'));
    expect(where('"""a""""')).toEqual(str('a"'));
    expect(where('"""a"""""')).toEqual(str('a""'));
    expect(where('""')).toEqual(str(''));
    expect(parseEsqlExpression('"a\\*"')).toMatchObject({ ok: false, offset: 2 }); // only \t \n \r \" \\
    expect(parseEsqlExpression('"a\nb"').ok).toBe(false); // a raw line break
    expect(parseEsqlExpression('"""a\nb"""').ok).toBe(false);
    expect(parseEsqlExpression('"abc').ok).toBe(false);
  });
  it('reads identifiers: backquoted (doubled backquote), @-prefixed, dotted; keywords need backquotes', () => {
    expect(where('`my field`.`a``b`.c')).toEqual(field('my field', 'a`b', 'c'));
    expect(where('@timestamp')).toEqual(field('@timestamp'));
    expect(where('_id')).toEqual(field('_id'));
    expect(parseEsqlExpression('_ == 1').ok).toBe(false);
    expect(parseEsqlExpression('a.and == 1').ok).toBe(false);
    expect(where('a.`and` == 1')).toMatchObject({ left: field('a', 'and') });
    expect(parseEsqlExpression('a.1b').ok).toBe(false); // `.1` is a decimal literal
    expect(parseEsqlExpression('a-b == 1')).toMatchObject({ ok: true, expr: { left: { kind: 'arith', op: '-' } } });
  });
  it('reads numbers, booleans, null and arrays', () => {
    expect(where('1.5e3')).toEqual({ kind: 'literal', type: 'decimal', value: 1500 });
    expect(where('.5')).toEqual({ kind: 'literal', type: 'decimal', value: 0.5 });
    expect(where('TRUE')).toEqual({ kind: 'literal', type: 'boolean', value: true });
    expect(where('null')).toEqual({ kind: 'literal', type: 'null', value: null });
    expect(where('["a", "b"]')).toEqual({ kind: 'array', elements: [str('a'), str('b')] });
  });
});
