/*
 * An independent matcher for Lucene regular expressions (tests only), written from Lucene's RegExp
 * documentation (https://lucene.apache.org/core/9_12_0/core/org/apache/lucene/util/automaton/RegExp.html)
 * with every optional operator on, as ES|QL's RLIKE uses RegExp.ALL (elastic/elasticsearch,
 * x-pack/plugin/esql-core/.../predicate/regex/RLikePattern.java):
 *
 *   union     ::= inter ( '|' union )?
 *   inter     ::= concat ( '&' inter )?                 intersection
 *   concat    ::= repeat+                               (stops before ')' '|' '&')
 *   repeat    ::= compl ( '?' | '*' | '+' | '{n}' | '{n,}' | '{n,m}' )*
 *   compl     ::= '~' compl | class                      complement
 *   class     ::= '[' '^'? ( charexp ( '-' charexp )? )+ ']' | simple
 *   simple    ::= charexp | '.' | '#' | '@' | '"' text '"' | '(' ')' | '(' union ')' | '<' n '-' m '>'
 *   charexp   ::= char | '\' char
 *
 * `.` is any code point (newline included); `#` the empty language; `@` any string; a pattern matches
 * the WHOLE value. `\d \s \w` (and capitals) are rejected: newer Lucene versions read them as classes
 * and our printer must never emit them. `<identifier>` (named automata) is rejected too.
 *
 * Matching works on sets of end positions (memoized per node and start), which makes complement and
 * intersection exact.
 */

export type LNode =
  | { readonly kind: 'set'; readonly negated: boolean; readonly ranges: readonly (readonly [number, number])[] }
  | { readonly kind: 'any' }
  | { readonly kind: 'empty-language' }
  | { readonly kind: 'any-string' }
  | { readonly kind: 'string'; readonly codes: readonly number[] }
  | { readonly kind: 'concat'; readonly items: readonly LNode[] }
  | { readonly kind: 'union'; readonly a: LNode; readonly b: LNode }
  | { readonly kind: 'inter'; readonly a: LNode; readonly b: LNode }
  | { readonly kind: 'complement'; readonly body: LNode }
  | { readonly kind: 'repeat'; readonly min: number; readonly max: number | null; readonly body: LNode }
  | { readonly kind: 'interval'; readonly from: number; readonly to: number; readonly width: number };

export class LuceneSyntaxError extends Error {}

export function parseLucene(pattern: string): LNode {
  const cs = [...pattern];
  let pos = 0;
  const peek = (k = 0): string | undefined => cs[pos + k];
  const more = (): boolean => pos < cs.length;
  const fail = (msg: string): never => {
    throw new LuceneSyntaxError(`${msg} at ${pos} in ${JSON.stringify(pattern)}`);
  };
  const charexp = (): number => {
    if (!more()) fail('unexpected end');
    let c = cs[pos++] ?? '';
    if (c === '\\') {
      if (!more()) fail('trailing backslash');
      c = cs[pos++] ?? '';
      if (/[dDsSwW]/.test(c)) fail(`predefined class \\${c} (never emitted)`);
    }
    return c.codePointAt(0) ?? 0;
  };
  const union = (): LNode => {
    const a = inter();
    if (peek() === '|') {
      pos++;
      return { kind: 'union', a, b: union() };
    }
    return a;
  };
  const inter = (): LNode => {
    const a = concat();
    if (peek() === '&') {
      pos++;
      return { kind: 'inter', a, b: inter() };
    }
    return a;
  };
  const concat = (): LNode => {
    const items: LNode[] = [repeat()];
    while (more() && !')|&'.includes(peek() ?? '')) items.push(repeat());
    return items.length === 1 ? (items[0] as LNode) : { kind: 'concat', items };
  };
  const repeat = (): LNode => {
    let node = compl();
    for (;;) {
      const c = peek();
      if (c === '?') node = { kind: 'repeat', min: 0, max: 1, body: node };
      else if (c === '*') node = { kind: 'repeat', min: 0, max: null, body: node };
      else if (c === '+') node = { kind: 'repeat', min: 1, max: null, body: node };
      else if (c === '{') {
        const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(cs.slice(pos).join(''));
        if (m === null) fail('bad repeat');
        else {
          const min = Number(m[1]);
          const max = m[2] === undefined ? min : m[3] === '' ? null : Number(m[3]);
          if (max !== null && max < min) fail('repeat max < min');
          node = { kind: 'repeat', min, max, body: node };
          pos += [...m[0]].length - 1;
        }
      } else return node;
      pos++;
    }
  };
  const compl = (): LNode => {
    if (peek() === '~') {
      pos++;
      return { kind: 'complement', body: compl() };
    }
    return charClass();
  };
  const charClass = (): LNode => {
    if (peek() !== '[') return simple();
    pos++;
    const negated = peek() === '^';
    if (negated) pos++;
    const ranges: [number, number][] = [];
    do {
      const lo = charexp();
      if (peek() === '-' && peek(1) !== ']') {
        pos++;
        const hi = charexp();
        if (hi < lo) fail('class range out of order');
        ranges.push([lo, hi]);
      } else ranges.push([lo, lo]);
    } while (more() && peek() !== ']');
    if (peek() !== ']') fail('unclosed class');
    pos++;
    return { kind: 'set', negated, ranges };
  };
  const simple = (): LNode => {
    const c = peek();
    if (c === '.') {
      pos++;
      return { kind: 'any' };
    }
    if (c === '#') {
      pos++;
      return { kind: 'empty-language' };
    }
    if (c === '@') {
      pos++;
      return { kind: 'any-string' };
    }
    if (c === '"') {
      pos++;
      const codes: number[] = [];
      while (more() && peek() !== '"') codes.push((cs[pos++] ?? '').codePointAt(0) ?? 0);
      if (!more()) fail('unclosed string');
      pos++;
      return { kind: 'string', codes };
    }
    if (c === '(') {
      pos++;
      if (peek() === ')') {
        pos++;
        return { kind: 'string', codes: [] };
      }
      const body = union();
      if (peek() !== ')') fail('unclosed group');
      pos++;
      return body;
    }
    if (c === '<') {
      const m = /^<(\d+)-(\d+)>/.exec(cs.slice(pos).join(''));
      if (m === null) fail('named automata are not supported');
      else {
        pos += m[0].length;
        const a = Number(m[1]);
        const b = Number(m[2]);
        return { kind: 'interval', from: Math.min(a, b), to: Math.max(a, b), width: (m[1] ?? '').length === (m[2] ?? '').length ? (m[1] ?? '').length : 0 };
      }
    }
    if (c === undefined || c === ')' || c === '|' || c === '&') fail('expected an expression');
    return { kind: 'string', codes: [charexp()] };
  };
  const tree = union();
  if (more()) fail('unexpected )');
  return tree;
}

/** Does the Lucene pattern match the whole of `value`? Throws LuceneSyntaxError for bad syntax. */
export function luceneMatches(pattern: string, value: string): boolean {
  const tree = parseLucene(pattern);
  const s = [...value].map((c) => c.codePointAt(0) ?? 0);
  const memo = new Map<LNode, Map<number, ReadonlySet<number>>>();
  const ends = (node: LNode, p: number): ReadonlySet<number> => {
    let byStart = memo.get(node);
    if (byStart === undefined) memo.set(node, (byStart = new Map()));
    const known = byStart.get(p);
    if (known !== undefined) return known;
    const result = compute(node, p);
    byStart.set(p, result);
    return result;
  };
  const compute = (node: LNode, p: number): ReadonlySet<number> => {
    const c = s[p];
    switch (node.kind) {
      case 'set': {
        if (c === undefined) return new Set();
        const inSet = node.ranges.some(([a, b]) => c >= a && c <= b);
        return inSet !== node.negated ? new Set([p + 1]) : new Set();
      }
      case 'any':
        return c === undefined ? new Set() : new Set([p + 1]);
      case 'empty-language':
        return new Set();
      case 'any-string':
        return new Set(Array.from({ length: s.length - p + 1 }, (_, k) => p + k));
      case 'string':
        return node.codes.every((code, k) => s[p + k] === code) ? new Set([p + node.codes.length]) : new Set();
      case 'concat': {
        let cur: Set<number> = new Set([p]);
        for (const item of node.items) {
          const next = new Set<number>();
          for (const q of cur) for (const e of ends(item, q)) next.add(e);
          cur = next;
        }
        return cur;
      }
      case 'union':
        return new Set([...ends(node.a, p), ...ends(node.b, p)]);
      case 'inter': {
        const b = ends(node.b, p);
        return new Set([...ends(node.a, p)].filter((e) => b.has(e)));
      }
      case 'complement': {
        const a = ends(node.body, p);
        return new Set(Array.from({ length: s.length - p + 1 }, (_, k) => p + k).filter((e) => !a.has(e)));
      }
      case 'repeat': {
        const out = new Set<number>();
        let cur: Set<number> = new Set([p]);
        const seen = new Set<string>();
        for (let k = 0; ; k++) {
          if (k >= node.min) for (const q of cur) out.add(q);
          if (node.max !== null && k >= node.max) break;
          const key = [...cur].sort((x, y) => x - y).join(',');
          if (k >= node.min && seen.has(key)) break;
          seen.add(key);
          const next = new Set<number>();
          for (const q of cur) for (const e of ends(node.body, q)) next.add(e);
          if (next.size === 0) break;
          cur = next;
        }
        return out;
      }
      case 'interval': {
        const out = new Set<number>();
        for (let e = p + 1; e <= s.length; e++) {
          const text = String.fromCodePoint(...s.slice(p, e));
          if (!/^\d+$/.test(text)) break;
          const v = Number(text);
          if (v >= node.from && v <= node.to && (node.width === 0 || text.length >= node.width)) out.add(e);
        }
        return out;
      }
    }
  };
  return ends(tree, 0).has(s.length);
}
