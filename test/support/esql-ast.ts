/*
 * The tree test/support/esql-parser.ts builds from an ES|QL query (tests only). Node names follow the
 * rule labels of Elastic's grammar (parser/Expression.g4: #logicalNot, #logicalBinary, #comparison,
 * #arithmeticBinary, #likeExpression, #logicalIn, #isNull, #inlineCast, #functionExpression, ...).
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
  | {
      readonly kind: 'like';
      readonly op: 'like' | 'rlike';
      readonly negated: boolean;
      readonly value: EsqlExpr;
      readonly patterns: readonly string[];
      /** Set by the optimizer's case rewrite (esql-evaluator.ts), never by the parser: ASCII letters match either case. */
      readonly asciiCaseInsensitive?: boolean;
    }
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
  | { readonly kind: 'limit'; readonly count: number }
  /** MV_EXPAND qualifiedName (EsqlBaseParser.g4 mvExpandCommand). */
  | { readonly kind: 'mv-expand'; readonly field: string };

export interface EsqlQuery {
  /** The source command (FROM or ROW) first, then the processing commands in order. */
  readonly commands: readonly EsqlCommand[];
}
