/**
 * A parser and evaluator for exactly the eval expressions the splunk target writes in `| where`
 * (src/targets/splunk/splunk.ts, whereLanguage): `match(F, "<PCRE>")`, `isnull(F)`, `isnotnull(F)`,
 * `F==<number>`, `tonumber(F)<op><number>`, `isnull(tonumber(F))`, `F==G` / `lower(F)==lower(G)`,
 * NOT > AND > OR (docs "Boolean expressions") and parentheses. Anything else throws, so a new kind of
 * output cannot pass unread. Field names: bare `[A-Za-z_][A-Za-z0-9_]*` unless an eval keyword
 * (then Splunk would read an operator: the parser throws), or single-quoted.
 *
 * Splunk eval is three-valued: a function of an absent field is null, NOT null is null, and `where`
 * keeps an event only when the expression is true. The evaluator keeps that, so a negation that
 * forgot `isnull(F) OR` is caught.
 */
export type WhereNode =
  | { kind: 'and' | 'or'; operands: WhereNode[] }
  | { kind: 'not'; operand: WhereNode }
  | { kind: 'match'; field: string; re: RegExp }
  | { kind: 'isnull' | 'isnotnull'; field: string; numeric: boolean }
  | { kind: 'compare'; field: string; numeric: boolean; op: string; value: number }
  | { kind: 'fieldref'; field: string; other: string; lower: boolean };

/** Undoes the eval string literal, then reads the PCRE as a JavaScript regex (`\z` is JS `$` without m). */
export function pcreFromEvalLiteral(literal: string): RegExp {
  const inner = literal.slice(1, -1).replace(/\\([\\"])/g, '$1');
  const flags = /^\(\?([a-z]+)\)/.exec(inner);
  const body = (flags ? inner.slice(flags[0].length) : inner).replace(/\\z$/, '$');
  return new RegExp(body, `${flags?.[1] ?? ''}u`);
}

const KEYWORD = /^(?:and|or|not|xor|like|in|true|false|null)$/i;

export function parseWhere(text: string): WhereNode {
  let pos = 0;
  const fail = (what: string): never => {
    throw new Error(`where parse error at ${pos}: ${what} in ${text}`);
  };
  const eat = (s: string): boolean => {
    if (!text.startsWith(s, pos)) return false;
    pos += s.length;
    return true;
  };
  const expect = (s: string) => {
    if (!eat(s)) fail(`expected ${s}`);
  };

  function orExpr(): WhereNode {
    const operands = [andExpr()];
    while (eat(' OR ')) operands.push(andExpr());
    return operands.length === 1 ? operands[0]! : { kind: 'or', operands };
  }
  function andExpr(): WhereNode {
    const operands = [notExpr()];
    while (eat(' AND ')) operands.push(notExpr());
    return operands.length === 1 ? operands[0]! : { kind: 'and', operands };
  }
  function notExpr(): WhereNode {
    if (eat('NOT ')) return { kind: 'not', operand: notExpr() };
    return primary();
  }
  function field(): string {
    if (text[pos] === "'") {
      const end = text.indexOf("'", pos + 1);
      if (end < 0) fail('unterminated field name');
      const name = text.slice(pos + 1, end);
      pos = end + 1;
      return name;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(pos));
    if (!m) return fail('expected a field');
    if (KEYWORD.test(m[0])) fail(`the bare field name ${m[0]} is an eval keyword`);
    pos += m[0].length;
    return m[0];
  }
  function stringLiteral(): string {
    const m = /^"(?:[^"\\]|\\.)*"/.exec(text.slice(pos));
    if (!m) return fail('expected a string literal');
    pos += m[0].length;
    return m[0];
  }
  function number(): number {
    const m = /^-?\d+(?:\.\d+)?/.exec(text.slice(pos));
    if (!m) return fail('expected a number');
    pos += m[0].length;
    return Number(m[0]);
  }
  /** `F` or `tonumber(F)`; numeric says which. */
  function operand(): { field: string; numeric: boolean } {
    if (eat('tonumber(')) {
      const f = field();
      expect(')');
      return { field: f, numeric: true };
    }
    return { field: field(), numeric: false };
  }
  function primary(): WhereNode {
    if (eat('(')) {
      const inner = orExpr();
      expect(')');
      return inner;
    }
    if (eat('match(')) {
      const f = field();
      expect(', ');
      const re = pcreFromEvalLiteral(stringLiteral());
      expect(')');
      return { kind: 'match', field: f, re };
    }
    for (const kind of ['isnull', 'isnotnull'] as const) {
      if (eat(`${kind}(`)) {
        const o = operand();
        expect(')');
        return { kind, ...o };
      }
    }
    if (eat('lower(')) {
      const f = field();
      expect(')==lower(');
      const other = field();
      expect(')');
      return { kind: 'fieldref', field: f, other, lower: true };
    }
    const o = operand();
    const op = /^(==|<=|>=|<|>)/.exec(text.slice(pos));
    if (!op) return fail('expected a comparison');
    pos += op[0].length;
    if (op[0] === '==' && !o.numeric && /^[A-Za-z_']/.test(text[pos] ?? '')) {
      return { kind: 'fieldref', field: o.field, other: field(), lower: false };
    }
    return { kind: 'compare', ...o, op: op[0], value: number() };
  }

  const node = orExpr();
  if (pos !== text.length) fail('trailing text');
  return node;
}

/** Three-valued: null is "unknown" (a function of an absent field). */
export function evaluateWhere3(node: WhereNode, event: Readonly<Record<string, string>>): boolean | null {
  const num = (f: string): number | null => {
    const v = event[f];
    return v === undefined || v.trim() === '' || Number.isNaN(Number(v)) ? null : Number(v);
  };
  switch (node.kind) {
    case 'and': {
      const vs = node.operands.map((o) => evaluateWhere3(o, event));
      return vs.includes(false) ? false : vs.includes(null) ? null : true;
    }
    case 'or': {
      const vs = node.operands.map((o) => evaluateWhere3(o, event));
      return vs.includes(true) ? true : vs.includes(null) ? null : false;
    }
    case 'not': {
      const v = evaluateWhere3(node.operand, event);
      return v === null ? null : !v;
    }
    case 'match': {
      const v = event[node.field];
      return v === undefined ? null : node.re.test(v);
    }
    case 'isnull':
    case 'isnotnull': {
      const absent = node.numeric ? num(node.field) === null : event[node.field] === undefined;
      return node.kind === 'isnull' ? absent : !absent;
    }
    case 'compare': {
      // `F==5` on a non-numeric F compares as text in Splunk; the text of 5 is "5".
      const a = node.numeric ? num(node.field) : event[node.field] === undefined ? null : num(node.field);
      if (a === null) return node.numeric || event[node.field] === undefined ? null : false;
      const b = node.value;
      return { '==': a === b, '<': a < b, '<=': a <= b, '>': a > b, '>=': a >= b }[node.op] ?? null;
    }
    case 'fieldref': {
      const a = event[node.field];
      const b = event[node.other];
      if (a === undefined || b === undefined) return null;
      return node.lower ? a.toLowerCase() === b.toLowerCase() : a === b;
    }
  }
}

/** `| where` keeps the event only when the expression is true. */
export function evaluateWhere(node: WhereNode, event: Readonly<Record<string, string>>): boolean {
  return evaluateWhere3(node, event) === true;
}
