import type { EsqlExpr, EsqlLiteral } from './esql-ast.js';
import { EsqlSyntaxError, Lexer, type Token } from './esql-lexer.js';

/*
 * The expression half of test/support/esql-parser.ts (see its header for the grammar it follows):
 * booleanExpression, regexBooleanExpression, valueExpression, operatorExpression, primaryExpression,
 * functionExpression, qualifiedName and constant of parser/Expression.g4, one method per rule.
 */

const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=', '=~']);

export class ExpressionParser {
  protected readonly lexer: Lexer;
  protected pos = 0;

  constructor(text: string) {
    this.lexer = new Lexer(text);
  }

  // --- tokens (expression mode unless named) ---
  protected peek(): Token {
    return this.lexer.expression(this.pos);
  }

  protected next(): Token {
    const t = this.peek();
    this.pos = t.end;
    return t;
  }

  protected isKeyword(t: Token, ...words: string[]): boolean {
    return t.kind === 'keyword' && words.includes(t.value);
  }

  protected isOp(t: Token, op: string): boolean {
    return t.kind === 'op' && t.value === op;
  }

  protected fail(t: Token, expected: string): never {
    const found = t.kind === 'eof' ? 'end of input' : `'${this.lexer.text.slice(t.offset, t.end)}'`;
    throw new EsqlSyntaxError(`mismatched input ${found}, expected ${expected}`, t.offset);
  }

  protected expectOp(op: string): Token {
    const t = this.next();
    if (!this.isOp(t, op)) this.fail(t, `'${op}'`);
    return t;
  }

  /** `item (',' item)*` in expression mode. */
  protected commaList<T>(item: () => T): T[] {
    const out: T[] = [item()];
    while (this.isOp(this.peek(), ',')) {
      this.next();
      out.push(item());
    }
    return out;
  }

  expectEnd(): void {
    const t = this.peek();
    if (t.kind !== 'eof') this.fail(t, 'end of input');
  }

  // --- expressions ---
  booleanExpression(): EsqlExpr {
    let left = this.andExpression();
    while (this.isKeyword(this.peek(), 'or')) {
      this.next();
      left = { kind: 'logical', op: 'or', left, right: this.andExpression() };
    }
    return left;
  }

  protected andExpression(): EsqlExpr {
    let left = this.notExpression();
    while (this.isKeyword(this.peek(), 'and')) {
      this.next();
      left = { kind: 'logical', op: 'and', left, right: this.notExpression() };
    }
    return left;
  }

  protected notExpression(): EsqlExpr {
    if (this.isKeyword(this.peek(), 'not')) {
      this.next();
      return { kind: 'not', operand: this.notExpression() };
    }
    return this.predicate();
  }

  /** valueExpression with an optional LIKE / RLIKE / IN / IS NULL suffix. */
  protected predicate(): EsqlExpr {
    const value = this.valueExpression();
    const save = this.pos;
    let t = this.peek();
    let negated = false;
    if (this.isKeyword(t, 'not')) {
      this.next();
      negated = true;
      t = this.peek();
      if (!this.isKeyword(t, 'like', 'rlike', 'in')) {
        this.pos = save;
        return this.fail(t, 'LIKE, RLIKE or IN');
      }
    }
    if (this.isKeyword(t, 'like', 'rlike')) {
      this.next();
      const op = t.value === 'like' ? 'like' : 'rlike';
      let patterns: string[];
      if (this.isOp(this.peek(), '(')) {
        this.next();
        patterns = this.commaList(() => this.stringLiteral());
        this.expectOp(')');
      } else patterns = [this.stringLiteral()];
      return { kind: 'like', op, negated, value, patterns };
    }
    if (this.isKeyword(t, 'in')) {
      this.next();
      this.expectOp('(');
      const list = this.commaList(() => this.valueExpression());
      this.expectOp(')');
      return { kind: 'in', negated, value, list };
    }
    if (this.isKeyword(t, 'is')) {
      this.next();
      let not = false;
      if (this.isKeyword(this.peek(), 'not')) {
        this.next();
        not = true;
      }
      const n = this.next();
      if (!this.isKeyword(n, 'null')) this.fail(n, 'NULL');
      return { kind: 'is-null', negated: not, value };
    }
    return value;
  }

  protected stringLiteral(): string {
    const t = this.next();
    if (t.kind !== 'string') this.fail(t, 'a string literal');
    return t.value;
  }

  protected valueExpression(): EsqlExpr {
    const left = this.additive();
    const t = this.peek();
    if (t.kind === 'op' && COMPARISONS.has(t.value)) {
      this.next();
      const op = t.value as '==' | '!=' | '<' | '<=' | '>' | '>=' | '=~';
      return { kind: 'compare', op, left, right: this.additive() };
    }
    return left;
  }

  protected additive(): EsqlExpr {
    let left = this.multiplicative();
    for (;;) {
      const t = this.peek();
      if (!(this.isOp(t, '+') || this.isOp(t, '-'))) return left;
      this.next();
      left = { kind: 'arith', op: t.value === '+' ? '+' : '-', left, right: this.multiplicative() };
    }
  }

  protected multiplicative(): EsqlExpr {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (!(this.isOp(t, '*') || this.isOp(t, '/') || this.isOp(t, '%'))) return left;
      this.next();
      left = { kind: 'arith', op: t.value === '*' ? '*' : t.value === '/' ? '/' : '%', left, right: this.unary() };
    }
  }

  protected unary(): EsqlExpr {
    const t = this.peek();
    if (this.isOp(t, '-') || this.isOp(t, '+')) {
      this.next();
      return { kind: 'unary', op: t.value === '-' ? '-' : '+', operand: this.unary() };
    }
    return this.primary();
  }

  protected primary(): EsqlExpr {
    let expr = this.primaryAtom();
    while (this.isOp(this.peek(), '::')) {
      this.next();
      const type = this.next();
      if (type.kind !== 'identifier' && type.kind !== 'quoted-identifier') this.fail(type, 'a data type');
      expr = { kind: 'cast', value: expr, type: type.value.toLowerCase() };
    }
    return expr;
  }

  protected primaryAtom(): EsqlExpr {
    const t = this.peek();
    if (this.isOp(t, '(')) {
      this.next();
      const inner = this.booleanExpression();
      this.expectOp(')');
      return inner;
    }
    if (this.isOp(t, '[')) return this.arrayLiteral();
    if (t.kind === 'identifier' || t.kind === 'quoted-identifier') {
      const save = this.pos;
      this.next();
      if (this.isOp(this.peek(), '(')) return this.functionCall(t.value);
      this.pos = save;
      return { kind: 'field', parts: this.qualifiedName() };
    }
    if (t.kind === 'param') {
      this.next();
      return { kind: 'param', name: t.value };
    }
    const literal = this.constant();
    if (literal !== null) return literal;
    return this.fail(t, 'an expression');
  }

  protected functionCall(name: string): EsqlExpr {
    this.expectOp('(');
    if (this.isOp(this.peek(), '*')) {
      this.next();
      this.expectOp(')');
      return { kind: 'call', name, args: [], star: true };
    }
    const args = this.isOp(this.peek(), ')') ? [] : this.commaList(() => this.booleanExpression());
    this.expectOp(')');
    return { kind: 'call', name, args, star: false };
  }

  protected qualifiedName(): string[] {
    const parts: string[] = [];
    for (;;) {
      const t = this.next();
      if (t.kind !== 'identifier' && t.kind !== 'quoted-identifier') this.fail(t, 'an identifier');
      parts.push(t.value);
      if (!this.isOp(this.peek(), '.')) return parts;
      this.next();
    }
  }

  /** constant (without arrays and params), or null when the next token starts none. */
  protected constant(): EsqlLiteral | null {
    const t = this.peek();
    if (this.isKeyword(t, 'null')) {
      this.next();
      return { kind: 'literal', type: 'null', value: null };
    }
    if (this.isKeyword(t, 'true', 'false')) {
      this.next();
      return { kind: 'literal', type: 'boolean', value: t.value === 'true' };
    }
    if (t.kind === 'string') {
      this.next();
      return { kind: 'literal', type: 'string', value: t.value };
    }
    if (t.kind === 'decimal') {
      this.next();
      return { kind: 'literal', type: 'decimal', value: Number(t.value) };
    }
    if (t.kind === 'integer') {
      this.next();
      const unit = this.peek();
      if (unit.kind === 'identifier') {
        this.next();
        return { kind: 'literal', type: 'qualified', value: Number(t.value), unit: unit.value.toLowerCase() };
      }
      return { kind: 'literal', type: 'integer', value: Number(t.value) };
    }
    return null;
  }

  /** `[1, 2]`, `[true]`, `["a", "b"]`: numbers (optionally signed), booleans or strings, one kind. */
  protected arrayLiteral(): EsqlExpr {
    this.expectOp('[');
    const elements: EsqlLiteral[] = [];
    for (;;) {
      const t = this.peek();
      let sign = 1;
      if (this.isOp(t, '-') || this.isOp(t, '+')) {
        this.next();
        sign = t.value === '-' ? -1 : 1;
      }
      const c = this.constant();
      if (c === null || c.type === 'null' || c.type === 'qualified') return this.fail(t, 'a number, boolean or string');
      if (sign === -1 && (c.type === 'integer' || c.type === 'decimal')) elements.push({ ...c, value: -c.value });
      else elements.push(c);
      const kinds = new Set(elements.map((e) => (e.type === 'decimal' ? 'integer' : e.type)));
      if (kinds.size > 1) return this.fail(t, 'array elements of one kind');
      if (!this.isOp(this.peek(), ',')) break;
      this.next();
    }
    this.expectOp(']');
    return { kind: 'array', elements };
  }
}
