import { assertNever } from '../diagnostics/assert-never.js';
import type { CondExpr } from './types.js';

/**
 * Parses pySigma's condition expressions (`rule_cond_expr`, `field_name_cond_expr`,
 * `detection_item_cond_expr`): condition ids combined with `and`, `or`, `not` and parentheses, with the
 * usual precedence (not > and > or). Returns an error message with the offset where parsing stopped.
 */
export function parseCondExpr(text: string): { ok: true; expr: CondExpr } | { ok: false; message: string; offset: number } {
  const tokens: { text: string; offset: number }[] = [];
  const re = /\s*([()]|[^\s()]+)/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) tokens.push({ text: m[1] as string, offset: m.index + m[0].length - (m[1] as string).length });
  if (text.slice(re.lastIndex).trim() !== '' && tokens.length === 0) return { ok: false, message: 'empty expression', offset: 0 };
  let pos = 0;
  const peek = (): string | undefined => tokens[pos]?.text;
  const here = (): number => tokens[pos]?.offset ?? text.length;

  function parseOr(): CondExpr | string {
    const first = parseAnd();
    if (typeof first === 'string') return first;
    const operands = [first];
    while (peek()?.toLowerCase() === 'or') {
      pos++;
      const next = parseAnd();
      if (typeof next === 'string') return next;
      operands.push(next);
    }
    return operands.length === 1 ? first : { kind: 'or', operands };
  }
  function parseAnd(): CondExpr | string {
    const first = parseNot();
    if (typeof first === 'string') return first;
    const operands = [first];
    while (peek()?.toLowerCase() === 'and') {
      pos++;
      const next = parseNot();
      if (typeof next === 'string') return next;
      operands.push(next);
    }
    return operands.length === 1 ? first : { kind: 'and', operands };
  }
  function parseNot(): CondExpr | string {
    if (peek()?.toLowerCase() === 'not') {
      pos++;
      const operand = parseNot();
      return typeof operand === 'string' ? operand : { kind: 'not', operand };
    }
    return parseAtom();
  }
  function parseAtom(): CondExpr | string {
    const t = peek();
    if (t === undefined) return 'expected a condition id, found the end of the expression';
    if (t === '(') {
      pos++;
      const inner = parseOr();
      if (typeof inner === 'string') return inner;
      if (peek() !== ')') return 'expected `)`';
      pos++;
      return inner;
    }
    if (t === ')' || ['and', 'or', 'not'].includes(t.toLowerCase())) return `expected a condition id, found \`${t}\``;
    pos++;
    return { kind: 'ref', id: t };
  }

  const expr = parseOr();
  if (typeof expr === 'string') return { ok: false, message: expr, offset: here() };
  if (pos < tokens.length) return { ok: false, message: `unexpected \`${peek() ?? ''}\``, offset: here() };
  return { ok: true, expr };
}

/** The ids an expression refers to. */
export function condExprRefs(expr: CondExpr, out: Set<string> = new Set()): Set<string> {
  switch (expr.kind) {
    case 'ref':
      out.add(expr.id);
      break;
    case 'and':
    case 'or':
      for (const o of expr.operands) condExprRefs(o, out);
      break;
    case 'not':
      condExprRefs(expr.operand, out);
      break;
    default:
      return assertNever(expr, 'condition expression');
  }
  return out;
}

export function evalCondExpr(expr: CondExpr, value: (id: string) => boolean): boolean {
  switch (expr.kind) {
    case 'ref':
      return value(expr.id);
    case 'and':
      return expr.operands.every((o) => evalCondExpr(o, value));
    case 'or':
      return expr.operands.some((o) => evalCondExpr(o, value));
    case 'not':
      return !evalCondExpr(expr.operand, value);
    default:
      return assertNever(expr, 'condition expression');
  }
}
