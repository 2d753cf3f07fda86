import { EsqlSyntaxError, Lexer, type Token } from './esql-lexer.js';

/*
 * A parser for ES|QL (tests only), hand-written from Elastic's ANTLR grammar in elastic/elasticsearch,
 * x-pack/plugin/esql/src/main/antlr/: EsqlBaseParser.g4, parser/Expression.g4 (booleanExpression,
 * regexBooleanExpression, valueExpression, operatorExpression, primaryExpression, constant, string),
 * EsqlBaseLexer.g4, lexer/Expression.g4 and lexer/From.g4 (tokens, lexer modes; see esql-lexer.ts).
 *
 * Why hand-written and not generated: the grammar is Elastic-licensed and may not be committed here, and
 * the tests run without network, so it cannot be fetched at test time either; its Java predicates
 * (isDevVersion) would also need a runtime. A recursive-descent parser is the direct reading of the
 * rules below, one function per rule, with ANTLR's left-recursion precedence made explicit:
 *
 *   booleanExpression: NOT booleanExpression (binds tighter than AND) | valueExpression
 *     | valueExpression NOT? (LIKE | RLIKE) (string | '(' string (',' string)* ')')
 *     | valueExpression NOT? IN '(' valueExpression (',' valueExpression)* ')'
 *     | valueExpression IS NOT? NULL
 *     | booleanExpression AND booleanExpression  (tighter than OR) | booleanExpression OR booleanExpression
 *   valueExpression: operatorExpression (comparisonOperator operatorExpression)?   (not associative)
 *   operatorExpression: ('-' | '+') operatorExpression | ... ('*' | '/' | '%') ... | ... ('+' | '-') ...
 *   primaryExpression: constant | qualifiedName | functionExpression | '(' booleanExpression ')'
 *     | primaryExpression '::' dataType
 *
 * Commands: FROM (index patterns, `cluster:index`, quoted, METADATA), ROW, WHERE, EVAL, STATS ... BY ...,
 * KEEP, DROP, SORT (ASC/DESC, NULLS FIRST/LAST), LIMIT. Left out: EXPLAIN, SHOW, META, RENAME, DISSECT,
 * GROK, ENRICH, MV_EXPAND, LOOKUP, the `:` match operator, map expressions `{...}` as function arguments,
 * FIRST/LAST(... BY ...), `STATS agg WHERE cond`, and the `::selector` of index patterns. An unknown
 * command is a syntax error here, as it is there (UNKNOWN_CMD).
 */

export type EsqlLiteral =
  | { readonly kind: 'literal'; readonly type: 'null'; readonly value: null }
  | { readonly kind: 'literal'; readonly type: 'integer' | 'decimal'; readonly value: number }
  | { readonly kind: 'literal'; readonly type: 'boolean'; readonly value: boolean }
  | { readonly kind: 'literal'; readonly type: 'string'; readonly value: string }
  /** `integerValue UNQUOTED_IDENTIFIER`, e.g. `5 minutes` (qualifiedIntegerLiteral). */
  | { readonly kind: 'literal'; readonly type: 'qualified'; readonly value: number; readonly unit: string };

export type EsqlExpr =
  | EsqlLiteral
  | { readonly kind: 'array'; readonly elements: readonly EsqlLiteral[] }
  | { readonly kind: 'param'; readonly name: string }
  /** A qualifiedName: its identifiers (quoted ones unquoted); the field name is `parts.join('.')`. */
  | { readonly kind: 'field'; readonly parts: readonly string[] }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly EsqlExpr[]; readonly star: boolean }
  | { readonly kind: 'not'; readonly operand: EsqlExpr }
  | { readonly kind: 'logical'; readonly op: 'and' | 'or'; readonly left: EsqlExpr; readonly right: EsqlExpr }
  | { readonly kind: 'compare'; readonly op: '==' | '!=' | '<' | '<=' | '>' | '>=' | '=~'; readonly left: EsqlExpr; readonly right: EsqlExpr }
  | { readonly kind: 'arith'; readonly op: '+' | '-' | '*' | '/' | '%'; readonly left: EsqlExpr; readonly right: EsqlExpr }
  | { readonly kind: 'unary'; readonly op: '+' | '-'; readonly operand: EsqlExpr }
  /** LIKE / RLIKE with one pattern or a list; `patterns` are the decoded string literals. */
  | { readonly kind: 'like'; readonly op: 'like' | 'rlike'; readonly negated: boolean; readonly value: EsqlExpr; readonly patterns: readonly string[] }
  | { readonly kind: 'in'; readonly negated: boolean; readonly value: EsqlExpr; readonly list: readonly EsqlExpr[] }
  | { readonly kind: 'is-null'; readonly negated: boolean; readonly value: EsqlExpr }
  | { readonly kind: 'cast'; readonly value: EsqlExpr; readonly type: string };

/** `name = expr` or a bare expression (field rule). */
export interface EsqlField {
  readonly name: string | null;
  readonly expr: EsqlExpr;
}

export interface EsqlOrder {
  readonly expr: EsqlExpr;
  readonly direction: 'asc' | 'desc' | null;
  readonly nulls: 'first' | 'last' | null;
}

export type EsqlCommand =
  | { readonly kind: 'from'; readonly sources: readonly string[]; readonly metadata: readonly string[] }
  | { readonly kind: 'row'; readonly fields: readonly EsqlField[] }
  | { readonly kind: 'where'; readonly condition: EsqlExpr }
  | { readonly kind: 'eval'; readonly fields: readonly EsqlField[] }
  | { readonly kind: 'stats'; readonly stats: readonly EsqlField[]; readonly by: readonly EsqlField[] }
  | { readonly kind: 'keep' | 'drop'; readonly patterns: readonly string[] }
  | { readonly kind: 'sort'; readonly orders: readonly EsqlOrder[] }
  | { readonly kind: 'limit'; readonly count: number };

export interface EsqlQuery {
  /** The source command (FROM or ROW) first, then the processing commands in order. */
  readonly commands: readonly EsqlCommand[];
}

export type EsqlParse = { readonly ok: true; readonly ast: EsqlQuery } | { readonly ok: false; readonly message: string; readonly offset: number };

export function parseEsql(query: string): EsqlParse {
  try {
    return { ok: true, ast: new Parser(query).query() };
  } catch (e) {
    if (e instanceof EsqlSyntaxError) return { ok: false, message: e.message, offset: e.offset };
    throw e;
  }
}

/** Parses one expression alone (as after WHERE), for tests of the evaluator. */
export function parseEsqlExpression(text: string): { readonly ok: true; readonly expr: EsqlExpr } | { readonly ok: false; readonly message: string; readonly offset: number } {
  try {
    const p = new Parser(text);
    const expr = p.booleanExpression();
    p.expectEnd();
    return { ok: true, expr };
  } catch (e) {
    if (e instanceof EsqlSyntaxError) return { ok: false, message: e.message, offset: e.offset };
    throw e;
  }
}

const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=', '=~']);

class Parser {
  private readonly lexer: Lexer;
  private pos = 0;

  constructor(text: string) {
    this.lexer = new Lexer(text);
  }

  // --- tokens (expression mode unless named) ---
  private peek(): Token {
    return this.lexer.expression(this.pos);
  }

  private next(): Token {
    const t = this.peek();
    this.pos = t.end;
    return t;
  }

  private isKeyword(t: Token, ...words: string[]): boolean {
    return t.kind === 'keyword' && words.includes(t.value);
  }

  private isOp(t: Token, op: string): boolean {
    return t.kind === 'op' && t.value === op;
  }

  private fail(t: Token, expected: string): never {
    const found = t.kind === 'eof' ? 'end of input' : `'${this.lexer.text.slice(t.offset, t.end)}'`;
    throw new EsqlSyntaxError(`mismatched input ${found}, expected ${expected}`, t.offset);
  }

  private expectOp(op: string): Token {
    const t = this.next();
    if (!this.isOp(t, op)) this.fail(t, `'${op}'`);
    return t;
  }

  expectEnd(): void {
    const t = this.peek();
    if (t.kind !== 'eof') this.fail(t, 'end of input');
  }

  // --- query ---
  query(): EsqlQuery {
    const commands: EsqlCommand[] = [this.sourceCommand()];
    for (;;) {
      const t = this.peekAfterCommand(commands[commands.length - 1]);
      if (t.kind === 'eof') break;
      if (t.kind !== 'pipe') this.fail(t, "'|'");
      this.pos = t.end;
      commands.push(this.processingCommand());
    }
    return { commands };
  }

  /** The token after a command, read in the lexer mode that command left on. */
  private peekAfterCommand(c: EsqlCommand | undefined): Token {
    if (c?.kind === 'from') return this.lexer.from(this.pos);
    if (c?.kind === 'keep' || c?.kind === 'drop') return this.lexer.project(this.pos);
    return this.peek();
  }

  private sourceCommand(): EsqlCommand {
    const t = this.lexer.command(this.pos);
    this.pos = t.end;
    if (t.value === 'from') return this.fromCommand();
    if (t.value === 'row') return { kind: 'row', fields: this.fields() };
    return this.fail(t, 'FROM or ROW');
  }

  private processingCommand(): EsqlCommand {
    const t = this.lexer.command(this.pos);
    this.pos = t.end;
    switch (t.value) {
      case 'where':
        return { kind: 'where', condition: this.booleanExpression() };
      case 'eval':
        return { kind: 'eval', fields: this.fields() };
      case 'stats': {
        const next = this.peek();
        const stats = this.isKeyword(next, 'by') || next.kind === 'pipe' || next.kind === 'eof' ? [] : this.fields();
        let by: EsqlField[] = [];
        if (this.isKeyword(this.peek(), 'by')) {
          this.next();
          by = this.fields();
        }
        return { kind: 'stats', stats, by };
      }
      case 'keep':
      case 'drop':
        return { kind: t.value, patterns: this.namePatterns() };
      case 'sort': {
        const orders: EsqlOrder[] = [this.order()];
        while (this.isOp(this.peek(), ',')) {
          this.next();
          orders.push(this.order());
        }
        return { kind: 'sort', orders };
      }
      case 'limit': {
        const n = this.next();
        if (n.kind !== 'integer') this.fail(n, 'an integer');
        return { kind: 'limit', count: Number(n.value) };
      }
      default:
        return this.fail(t, 'a processing command (WHERE, EVAL, STATS, KEEP, DROP, SORT, LIMIT)');
    }
  }

  private fromCommand(): EsqlCommand {
    const sources: string[] = [this.indexPattern()];
    const metadata: string[] = [];
    for (;;) {
      const t = this.lexer.from(this.pos);
      if (this.isOp(t, ',')) {
        this.pos = t.end;
        sources.push(this.indexPattern());
        continue;
      }
      if (this.isKeyword(t, 'metadata')) {
        this.pos = t.end;
        for (;;) {
          const m = this.lexer.from(this.pos);
          if (m.kind !== 'source') this.fail(m, 'a metadata field');
          this.pos = m.end;
          metadata.push(m.value);
          const comma = this.lexer.from(this.pos);
          if (!this.isOp(comma, ',')) break;
          this.pos = comma.end;
        }
      }
      return { kind: 'from', sources, metadata };
    }
  }

  private indexPattern(): string {
    const t = this.lexer.from(this.pos);
    this.pos = t.end;
    if (t.kind === 'string') return t.value;
    if (t.kind !== 'source') this.fail(t, 'an index pattern');
    const colon = this.lexer.from(this.pos);
    if (!this.isOp(colon, ':')) return t.value;
    this.pos = colon.end;
    const index = this.lexer.from(this.pos);
    this.pos = index.end;
    if (index.kind !== 'source' && index.kind !== 'string') this.fail(index, 'an index after the cluster');
    return `${t.value}:${index.value}`;
  }

  private namePatterns(): string[] {
    const out: string[] = [];
    for (;;) {
      let name = '';
      for (;;) {
        const t = this.lexer.project(this.pos);
        if (t.kind !== 'id-pattern') this.fail(t, 'a field name pattern');
        this.pos = t.end;
        name += t.value;
        const dot = this.lexer.project(this.pos);
        if (!this.isOp(dot, '.')) break;
        this.pos = dot.end;
        name += '.';
      }
      out.push(name);
      const comma = this.lexer.project(this.pos);
      if (!this.isOp(comma, ',')) return out;
      this.pos = comma.end;
    }
  }

  private fields(): EsqlField[] {
    const out: EsqlField[] = [this.field()];
    while (this.isOp(this.peek(), ',')) {
      this.next();
      out.push(this.field());
    }
    return out;
  }

  /** field: (qualifiedName '=')? booleanExpression */
  private field(): EsqlField {
    const save = this.pos;
    const t = this.peek();
    if (t.kind === 'identifier' || t.kind === 'quoted-identifier') {
      const parts = this.qualifiedName();
      if (this.isOp(this.peek(), '=')) {
        this.next();
        return { name: parts.join('.'), expr: this.booleanExpression() };
      }
      this.pos = save;
    }
    return { name: null, expr: this.booleanExpression() };
  }

  private order(): EsqlOrder {
    const expr = this.booleanExpression();
    let direction: 'asc' | 'desc' | null = null;
    let nulls: 'first' | 'last' | null = null;
    const d = this.peek();
    if (this.isKeyword(d, 'asc', 'desc')) {
      this.next();
      direction = d.value === 'asc' ? 'asc' : 'desc';
    }
    if (this.isKeyword(this.peek(), 'nulls')) {
      this.next();
      const fl = this.next();
      if (!this.isKeyword(fl, 'first', 'last')) this.fail(fl, 'FIRST or LAST');
      nulls = fl.value === 'first' ? 'first' : 'last';
    }
    return { expr, direction, nulls };
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

  private andExpression(): EsqlExpr {
    let left = this.notExpression();
    while (this.isKeyword(this.peek(), 'and')) {
      this.next();
      left = { kind: 'logical', op: 'and', left, right: this.notExpression() };
    }
    return left;
  }

  private notExpression(): EsqlExpr {
    if (this.isKeyword(this.peek(), 'not')) {
      this.next();
      return { kind: 'not', operand: this.notExpression() };
    }
    return this.predicate();
  }

  /** valueExpression with an optional LIKE / RLIKE / IN / IS NULL suffix. */
  private predicate(): EsqlExpr {
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
      const patterns: string[] = [];
      if (this.isOp(this.peek(), '(')) {
        this.next();
        patterns.push(this.stringLiteral());
        while (this.isOp(this.peek(), ',')) {
          this.next();
          patterns.push(this.stringLiteral());
        }
        this.expectOp(')');
      } else patterns.push(this.stringLiteral());
      return { kind: 'like', op, negated, value, patterns };
    }
    if (this.isKeyword(t, 'in')) {
      this.next();
      this.expectOp('(');
      const list: EsqlExpr[] = [this.valueExpression()];
      while (this.isOp(this.peek(), ',')) {
        this.next();
        list.push(this.valueExpression());
      }
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

  private stringLiteral(): string {
    const t = this.next();
    if (t.kind !== 'string') this.fail(t, 'a string literal');
    return t.value;
  }

  private valueExpression(): EsqlExpr {
    const left = this.additive();
    const t = this.peek();
    if (t.kind === 'op' && COMPARISONS.has(t.value)) {
      this.next();
      const op = t.value as '==' | '!=' | '<' | '<=' | '>' | '>=' | '=~';
      return { kind: 'compare', op, left, right: this.additive() };
    }
    return left;
  }

  private additive(): EsqlExpr {
    let left = this.multiplicative();
    for (;;) {
      const t = this.peek();
      if (!(this.isOp(t, '+') || this.isOp(t, '-'))) return left;
      this.next();
      left = { kind: 'arith', op: t.value === '+' ? '+' : '-', left, right: this.multiplicative() };
    }
  }

  private multiplicative(): EsqlExpr {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (!(this.isOp(t, '*') || this.isOp(t, '/') || this.isOp(t, '%'))) return left;
      this.next();
      left = { kind: 'arith', op: t.value === '*' ? '*' : t.value === '/' ? '/' : '%', left, right: this.unary() };
    }
  }

  private unary(): EsqlExpr {
    const t = this.peek();
    if (this.isOp(t, '-') || this.isOp(t, '+')) {
      this.next();
      return { kind: 'unary', op: t.value === '-' ? '-' : '+', operand: this.unary() };
    }
    return this.primary();
  }

  private primary(): EsqlExpr {
    let expr = this.primaryAtom();
    while (this.isOp(this.peek(), '::')) {
      this.next();
      const type = this.next();
      if (type.kind !== 'identifier' && type.kind !== 'quoted-identifier') this.fail(type, 'a data type');
      expr = { kind: 'cast', value: expr, type: type.value.toLowerCase() };
    }
    return expr;
  }

  private primaryAtom(): EsqlExpr {
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

  private functionCall(name: string): EsqlExpr {
    this.expectOp('(');
    if (this.isOp(this.peek(), '*')) {
      this.next();
      this.expectOp(')');
      return { kind: 'call', name, args: [], star: true };
    }
    const args: EsqlExpr[] = [];
    if (!this.isOp(this.peek(), ')')) {
      args.push(this.booleanExpression());
      while (this.isOp(this.peek(), ',')) {
        this.next();
        args.push(this.booleanExpression());
      }
    }
    this.expectOp(')');
    return { kind: 'call', name, args, star: false };
  }

  private qualifiedName(): string[] {
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
  private constant(): EsqlLiteral | null {
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
  private arrayLiteral(): EsqlExpr {
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
