/**
 * A recursive-descent parser for Kibana's KQL written from Kibana's grammar
 * (elastic/kibana kbn-es-query/src/kuery/grammar/grammar.peggy): the same rules, precedences,
 * escapes, keyword look-aheads and the trimming of unquoted values. It throws on any text Kibana's
 * grammar would reject, so a test that parses our output checks its syntax; the evaluator then checks
 * its meaning on keyword fields (term / wildcard / exists queries).
 */
export type KqlValue =
  | { kind: 'quoted'; text: string }
  | { kind: 'unquoted'; chars: { wild: boolean; ch: string }[] }
  // Kibana's UnquotedLiteral: the trimmed text null / true / false is that literal, not a string.
  | { kind: 'constant'; value: null | boolean };

/** kbn-es-query node_types/wildcard.ts: `*` joins as this text and the value is split on it again. */
const WILDCARD_MARKER = '@kuery-wildcard@';

export type KqlNode =
  | { kind: 'and' | 'or'; operands: KqlNode[] }
  | { kind: 'not'; operand: KqlNode }
  | { kind: 'is'; field: string | null; value: KqlValue }
  | { kind: 'range'; field: string; op: string; value: string };

const SPACE = /[ \t\r\n\u00a0]/;
const SPECIAL = /[\\():<>"*{}]/;

export function parseKql(text: string): KqlNode {
  let pos = 0;
  const fail = (what: string): never => {
    throw new Error(`KQL parse error at ${pos}: ${what} in ${text}`);
  };
  const spaces = () => {
    const start = pos;
    while (pos < text.length && SPACE.test(text[pos]!)) pos++;
    return pos - start;
  };
  // Or = Space+ 'or'i Space+ ; And likewise ; Not = 'not'i Space+
  const keywordAt = (at: number, word: 'or' | 'and'): number | null => {
    let p = at;
    if (!SPACE.test(text[p] ?? '')) return null;
    while (SPACE.test(text[p] ?? '')) p++;
    if (text.slice(p, p + word.length).toLowerCase() !== word) return null;
    p += word.length;
    if (!SPACE.test(text[p] ?? '')) return null;
    while (SPACE.test(text[p] ?? '')) p++;
    return p;
  };
  const notAt = (at: number): number | null => {
    if (text.slice(at, at + 3).toLowerCase() !== 'not' || !SPACE.test(text[at + 3] ?? '')) return null;
    let p = at + 3;
    while (SPACE.test(text[p] ?? '')) p++;
    return p;
  };
  const isKeyword = (at: number) => keywordAt(at, 'or') !== null || keywordAt(at, 'and') !== null || notAt(at) !== null;

  function orQuery(): KqlNode {
    const operands = [andQuery()];
    for (let next = keywordAt(pos, 'or'); next !== null; next = keywordAt(pos, 'or')) {
      pos = next;
      operands.push(andQuery());
    }
    return operands.length === 1 ? operands[0]! : { kind: 'or', operands };
  }
  function andQuery(): KqlNode {
    const operands = [notQuery()];
    for (let next = keywordAt(pos, 'and'); next !== null; next = keywordAt(pos, 'and')) {
      pos = next;
      operands.push(notQuery());
    }
    return operands.length === 1 ? operands[0]! : { kind: 'and', operands };
  }
  function notQuery(): KqlNode {
    const next = notAt(pos);
    if (next !== null) {
      pos = next;
      return { kind: 'not', operand: subQuery() };
    }
    return subQuery();
  }
  function subQuery(): KqlNode {
    if (text[pos] === '(') {
      pos++;
      spaces();
      const q = orQuery();
      spaces();
      if (text[pos] !== ')') fail('expected )');
      pos++;
      return q;
    }
    return expression();
  }
  function quotedString(): string | null {
    if (text[pos] !== '"') return null;
    pos++;
    let out = '';
    while (pos < text.length && text[pos] !== '"') {
      const two = text.slice(pos, pos + 2);
      if (two === '\\t' || two === '\\r' || two === '\\n') {
        out += { '\\t': '\t', '\\r': '\r', '\\n': '\n' }[two];
        pos += 2;
      } else if (/^\\u[0-9a-f]{4}/i.test(text.slice(pos))) {
        out += String.fromCharCode(parseInt(text.slice(pos + 2, pos + 6), 16));
        pos += 6;
      } else if (two === '\\\\' || two === '\\"') {
        out += two[1];
        pos += 2;
      } else {
        out += text[pos++];
      }
    }
    if (text[pos] !== '"') fail('unterminated quoted string');
    pos++;
    return out;
  }
  function unquoted(): KqlValue | null {
    const chars: { wild: boolean; ch: string }[] = [];
    for (;;) {
      const rest = text.slice(pos);
      const two = rest.slice(0, 2);
      if (two === '\\t' || two === '\\r' || two === '\\n') {
        chars.push({ wild: false, ch: { '\\t': '\t', '\\r': '\r', '\\n': '\n' }[two]! });
        pos += 2;
      } else if (rest[0] === '\\' && SPECIAL.test(rest[1] ?? '')) {
        chars.push({ wild: false, ch: rest[1]! });
        pos += 2;
      } else if (/^\\u[0-9a-f]{4}/i.test(rest)) {
        chars.push({ wild: false, ch: String.fromCharCode(parseInt(rest.slice(2, 6), 16)) });
        pos += 6;
      } else if (/^\\(or|and|not)/i.test(rest)) {
        const word = /^\\(or|and|not)/i.exec(rest)![1]!;
        for (const ch of word) chars.push({ wild: false, ch });
        pos += 1 + word.length;
      } else if (rest[0] === '*') {
        chars.push({ wild: true, ch: '*' });
        pos++;
      } else if (rest.length > 0 && !SPECIAL.test(rest[0]!) && !isKeyword(pos)) {
        chars.push({ wild: false, ch: rest[0]! });
        pos++;
      } else break;
    }
    if (chars.length === 0) return null;
    // Kibana: chars.join('').trim()
    while (chars.length > 0 && !chars[0]!.wild && /\s/.test(chars[0]!.ch)) chars.shift();
    while (chars.length > 0 && !chars[chars.length - 1]!.wild && /\s/.test(chars[chars.length - 1]!.ch)) chars.pop();
    const sequence = chars.map((c) => (c.wild ? WILDCARD_MARKER : c.ch)).join('');
    if (sequence === 'null') return { kind: 'constant', value: null };
    if (sequence === 'true' || sequence === 'false') return { kind: 'constant', value: sequence === 'true' };
    if (!chars.some((c) => c.wild)) return { kind: 'unquoted', chars };
    // A wildcard node: the joined text is split on the marker, wherever the marker text came from.
    const split: { wild: boolean; ch: string }[] = [];
    sequence.split(WILDCARD_MARKER).forEach((segment, i) => {
      if (i > 0) split.push({ wild: true, ch: '*' });
      for (const ch of segment) split.push({ wild: false, ch });
    });
    return { kind: 'unquoted', chars: split };
  }
  function literal(): KqlValue | null {
    const q = quotedString();
    if (q !== null) return { kind: 'quoted', text: q };
    return unquoted();
  }
  function valueList(field: string | null): KqlNode {
    if (text[pos] === '(') {
      pos++;
      spaces();
      const q = orList(field);
      spaces();
      if (text[pos] !== ')') fail('expected ) after a value list');
      pos++;
      return q;
    }
    const v = literal();
    if (v === null) return fail('expected a value');
    return { kind: 'is', field, value: v };
  }
  function orList(field: string | null): KqlNode {
    const operands = [andList(field)];
    for (let next = keywordAt(pos, 'or'); next !== null; next = keywordAt(pos, 'or')) {
      pos = next;
      operands.push(andList(field));
    }
    return operands.length === 1 ? operands[0]! : { kind: 'or', operands };
  }
  function andList(field: string | null): KqlNode {
    const operands = [notList(field)];
    for (let next = keywordAt(pos, 'and'); next !== null; next = keywordAt(pos, 'and')) {
      pos = next;
      operands.push(notList(field));
    }
    return operands.length === 1 ? operands[0]! : { kind: 'and', operands };
  }
  function notList(field: string | null): KqlNode {
    const next = notAt(pos);
    if (next !== null) {
      pos = next;
      return { kind: 'not', operand: valueList(field) };
    }
    return valueList(field);
  }
  function fieldText(v: KqlValue): string {
    if (v.kind === 'constant') return String(v.value);
    return v.kind === 'quoted' ? v.text : v.chars.map((c) => c.ch).join('');
  }
  /** Kibana's is(): a null field literal means "no field" (free text); true/false are no field names. */
  function fieldName(v: KqlValue): string | null {
    if (v.kind !== 'constant') return fieldText(v);
    if (v.value === null) return null;
    return fail(`the unquoted field name ${String(v.value)} is a boolean literal`);
  }
  function expression(): KqlNode {
    const start = pos;
    const field = literal();
    if (field !== null) {
      const afterField = pos;
      spaces();
      const op = /^(<=|>=|<|>)/.exec(text.slice(pos));
      if (op) {
        pos += op[0].length;
        spaces();
        const v = literal();
        if (v === null) return fail('expected a range value');
        const name = fieldName(field);
        if (name === null) return fail('a range without a field');
        return { kind: 'range', field: name, op: op[0], value: fieldText(v) };
      }
      if (text[pos] === ':') {
        pos++;
        spaces();
        return valueList(fieldName(field));
      }
      pos = afterField;
    }
    pos = start;
    const v = literal();
    if (v === null) return fail('expected an expression');
    return { kind: 'is', field: null, value: v };
  }

  spaces();
  const q = orQuery();
  spaces();
  if (pos !== text.length) fail('trailing text');
  return q;
}

/** Keyword-field meaning: quoted = term, unquoted with * = wildcard, lone * = exists. */
export function evaluateKql(
  node: KqlNode,
  event: Readonly<Record<string, string>>,
  caseInsensitive = false,
): boolean {
  switch (node.kind) {
    case 'and':
      return node.operands.every((o) => evaluateKql(o, event, caseInsensitive));
    case 'or':
      return node.operands.some((o) => evaluateKql(o, event, caseInsensitive));
    case 'not':
      return !evaluateKql(node.operand, event, caseInsensitive);
    case 'range': {
      const actual = event[node.field];
      if (actual === undefined || Number.isNaN(Number(actual))) return false;
      const a = Number(actual);
      const b = Number(node.value);
      return { '<': a < b, '<=': a <= b, '>': a > b, '>=': a >= b }[node.op] ?? false;
    }
    case 'is': {
      if (node.field === null) throw new Error('free text is not evaluated');
      const actual = event[node.field];
      if (actual === undefined) return false;
      const v = node.value;
      if (v.kind === 'quoted') return compare(v.text, actual, caseInsensitive);
      if (v.kind === 'constant') {
        // A term query with a JSON null is rejected; true/false match the keyword text "true"/"false".
        if (v.value === null) throw new Error('a null value is not a term');
        return compare(String(v.value), actual, caseInsensitive);
      }
      if (v.chars.length === 1 && v.chars[0]!.wild) return true; // exists
      const body = v.chars.map((c) => (c.wild ? '[\\s\\S]*' : c.ch.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&'))).join('');
      return new RegExp(`^${body}$`, caseInsensitive ? 'iu' : 'u').test(actual);
    }
  }
}

function compare(expected: string, actual: string, caseInsensitive: boolean): boolean {
  return caseInsensitive ? expected.toLowerCase() === actual.toLowerCase() : expected === actual;
}
