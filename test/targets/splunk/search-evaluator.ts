/**
 * A small parser and evaluator for the subset of the Splunk search language the splunk target emits,
 * with Splunk's precedence (docs "Boolean expressions": NOT, then OR, then AND; AND is implicit
 * between terms). Values match whole, case-insensitively, `*` is always a wildcard (docs "Wildcards",
 * "Backslashes"). There is no public SPL parser; this encodes the documented rules so the tests can
 * prove the emitted parentheses and escapes mean what the rule means.
 */
export type SearchNode =
  | { kind: 'and' | 'or'; operands: SearchNode[] }
  | { kind: 'not'; operand: SearchNode }
  | { kind: 'term'; field: string; values: string[] }
  | { kind: 'all' };

export function parseSearch(text: string): SearchNode {
  let pos = 0;
  const peekWord = (w: string) => text.startsWith(w, pos) && /[\s(]/.test(text[pos + w.length] ?? '');
  const skip = () => {
    while (text[pos] === ' ') pos++;
  };
  const fail = (what: string): never => {
    throw new Error(`search parse error at ${pos}: ${what} in ${text}`);
  };

  function andExpr(): SearchNode {
    const operands = [orExpr()];
    for (;;) {
      skip();
      if (pos >= text.length || text[pos] === ')') break;
      operands.push(orExpr());
    }
    return operands.length === 1 ? operands[0]! : { kind: 'and', operands };
  }
  function orExpr(): SearchNode {
    const operands = [notExpr()];
    for (;;) {
      const save = pos;
      skip();
      if (peekWord('OR')) {
        pos += 2;
        skip();
        operands.push(notExpr());
      } else {
        pos = save;
        break;
      }
    }
    return operands.length === 1 ? operands[0]! : { kind: 'or', operands };
  }
  function notExpr(): SearchNode {
    skip();
    if (peekWord('NOT')) {
      pos += 3;
      skip();
      return { kind: 'not', operand: notExpr() };
    }
    return primary();
  }
  function quoted(): string {
    if (text[pos] !== '"') fail('expected "');
    pos++;
    let out = '';
    while (pos < text.length && text[pos] !== '"') {
      if (text[pos] === '\\' && (text[pos + 1] === '\\' || text[pos + 1] === '"')) {
        out += text[pos + 1];
        pos += 2;
      } else {
        out += text[pos++];
      }
    }
    if (text[pos] !== '"') fail('unterminated string');
    pos++;
    return out;
  }
  function bare(): string {
    const start = pos;
    while (pos < text.length && !/[\s()]/.test(text[pos]!)) pos++;
    return text.slice(start, pos);
  }
  function primary(): SearchNode {
    skip();
    if (text[pos] === '(') {
      pos++;
      const inner = andExpr();
      skip();
      if (text[pos] !== ')') fail('expected )');
      pos++;
      return inner;
    }
    if (text[pos] === '*' && /[\s)]|$/.test(text[pos + 1] ?? '')) {
      pos++;
      return { kind: 'all' };
    }
    const m = /^[A-Za-z0-9_][A-Za-z0-9_.\-@{}]*/.exec(text.slice(pos));
    if (!m) return fail('expected a field');
    const field = m[0];
    // docs "Boolean expressions": upper-case NOT/AND/OR (and IN) are operators, never field names.
    if (/^(?:NOT|AND|OR|IN)$/.test(field)) fail(`${field} is an operator, not a field`);
    pos += field.length;
    if (text.startsWith(' IN (', pos)) {
      pos += 5;
      const values: string[] = [];
      for (;;) {
        values.push(text[pos] === '"' ? quoted() : bare().replace(/,$/, ''));
        if (text.startsWith(', ', pos)) pos += 2;
        else if (text[pos] === ')') {
          pos++;
          break;
        } else fail('bad IN list');
      }
      return { kind: 'term', field, values };
    }
    if (text[pos] !== '=') fail('expected =');
    pos++;
    return { kind: 'term', field, values: [text[pos] === '"' ? quoted() : bare()] };
  }

  const node = andExpr();
  skip();
  if (pos !== text.length) fail('trailing text');
  return node;
}

/** Splunk value matching: whole value, case-insensitive, `*` any run (never escapable). */
export function splunkWildcardMatch(pattern: string, actual: string): boolean {
  const body = pattern
    .split('*')
    .map((s) => s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&'))
    .join('[\\s\\S]*');
  return new RegExp(`^${body}$`, 'iu').test(actual);
}

export function evaluateSearch(node: SearchNode, event: Readonly<Record<string, string>>): boolean {
  switch (node.kind) {
    case 'and':
      return node.operands.every((o) => evaluateSearch(o, event));
    case 'or':
      return node.operands.some((o) => evaluateSearch(o, event));
    case 'not':
      return !evaluateSearch(node.operand, event);
    case 'all':
      return true;
    case 'term': {
      const actual = event[node.field];
      return actual !== undefined && node.values.some((v) => splunkWildcardMatch(v, actual));
    }
  }
}
