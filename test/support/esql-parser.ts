import type { EsqlCommand, EsqlExpr, EsqlField, EsqlOrder, EsqlQuery } from './esql-ast.js';
import { ExpressionParser } from './esql-expression-parser.js';
import { EsqlSyntaxError, type Token } from './esql-lexer.js';

export type { EsqlCommand, EsqlExpr, EsqlField, EsqlLiteral, EsqlOrder, EsqlQuery } from './esql-ast.js';

/*
 * A parser for ES|QL (tests only), hand-written from Elastic's ANTLR grammar in elastic/elasticsearch,
 * x-pack/plugin/esql/src/main/antlr/: EsqlBaseParser.g4, parser/Expression.g4 (booleanExpression,
 * regexBooleanExpression, valueExpression, operatorExpression, primaryExpression, constant, string),
 * EsqlBaseLexer.g4, lexer/Expression.g4 and lexer/From.g4 (tokens, lexer modes; see esql-lexer.ts).
 * Commands are read here, expressions in esql-expression-parser.ts, the tree types are in esql-ast.ts.
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
 * KEEP, DROP, SORT (ASC/DESC, NULLS FIRST/LAST), LIMIT, MV_EXPAND (one qualifiedName; its own lexer mode
 * MVEXPAND_MODE has the same identifier tokens). Left out: EXPLAIN, SHOW, META, RENAME, DISSECT,
 * GROK, ENRICH, LOOKUP, the `:` match operator, map expressions `{...}` as function arguments,
 * FIRST/LAST(... BY ...), `STATS agg WHERE cond`, and the `::selector` of index patterns. An unknown
 * command is a syntax error here, as it is there (UNKNOWN_CMD).
 */

type SyntaxFailure = { readonly ok: false; readonly message: string; readonly offset: number };

export type EsqlParse = { readonly ok: true; readonly ast: EsqlQuery } | SyntaxFailure;

/** `read`'s result, or the syntax error it threw as a value (other errors are bugs and propagate). */
function catchSyntaxError<T>(read: () => T): T | SyntaxFailure {
  try {
    return read();
  } catch (e) {
    if (e instanceof EsqlSyntaxError) return { ok: false, message: e.message, offset: e.offset };
    throw e;
  }
}

export function parseEsql(query: string): EsqlParse {
  return catchSyntaxError(() => ({ ok: true, ast: new Parser(query).query() }) as const);
}

/** Parses one expression alone (as after WHERE), for tests of the evaluator. */
export function parseEsqlExpression(text: string): { readonly ok: true; readonly expr: EsqlExpr } | SyntaxFailure {
  return catchSyntaxError(() => {
    const p = new Parser(text);
    const expr = p.booleanExpression();
    p.expectEnd();
    return { ok: true, expr } as const;
  });
}

/** The commands (EsqlBaseParser.g4: query, sourceCommand, processingCommand and the command rules). */
class Parser extends ExpressionParser {
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
        return { kind: 'sort', orders: this.commaList(() => this.order()) };
      }
      case 'mv_expand':
        return { kind: 'mv-expand', field: this.qualifiedName().join('.') };
      case 'limit': {
        const n = this.next();
        if (n.kind !== 'integer') this.fail(n, 'an integer');
        return { kind: 'limit', count: Number(n.value) };
      }
      default:
        return this.fail(t, 'a processing command (WHERE, EVAL, STATS, KEEP, DROP, SORT, LIMIT, MV_EXPAND)');
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
    return this.commaList(() => this.field());
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

}
