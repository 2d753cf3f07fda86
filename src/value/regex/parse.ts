import type { AnchorKind, ClassItem, RegexNode } from './tree.js';

/*
 * Parses Sigma's `re` value, read as PCRE2 (https://www.pcre.org/current/doc/html/pcre2pattern.html), into
 * the regex tree. Every construct PCRE2 has gets a node; the ones no printer could translate become
 * `unsupported` nodes naming the construct, so a printer refuses them by name. Only text PCRE2 itself
 * rejects (an unclosed group or class, a quantifier with nothing before it, a trailing backslash, ...)
 * is a parse error.
 *
 * Deliberately not modelled: the `x` flag's whitespace rules (an `(?x)` group is an unsupported node),
 * and `\N{U+hhhh}`. Numbers `\10` and above are read as backreferences (PCRE2 reads them as octal when
 * fewer groups exist: both are refused by every printer, so the difference does not matter).
 */

export type RegexParse =
  | { readonly ok: true; readonly tree: RegexNode }
  | { readonly ok: false; readonly message: string; readonly offset: number };

class RegexSyntaxError {
  constructor(
    readonly message: string,
    readonly offset: number,
  ) {}
}

export function parseRegex(pattern: string): RegexParse {
  const p = new Parser(pattern);
  try {
    const tree = p.alternation();
    if (p.pos < p.chars.length) throw new RegexSyntaxError("unmatched ')'", p.offsetOf(p.pos));
    return { ok: true, tree };
  } catch (e) {
    if (e instanceof RegexSyntaxError) return { ok: false, message: e.message, offset: e.offset };
    throw e;
  }
}

const unsupported = (construct: string): RegexNode => ({ kind: 'unsupported', construct });
const char = (code: number): RegexNode => ({ kind: 'char', code });

/** Single-letter escapes that stand for one character (pcre2pattern, "Non-printing characters"). */
const CONTROL_ESCAPES: Readonly<Record<string, number>> = { a: 0x07, e: 0x1b, f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09 };

/** Letter escapes PCRE2 knows whose meaning no printer reproduces (they depend on PCRE2's mode or build). */
const UNSUPPORTED_ESCAPES: Readonly<Record<string, string>> = {
  h: 'the horizontal-space class \\h',
  H: 'the class \\H',
  v: 'the vertical-space class \\v',
  V: 'the class \\V',
  R: 'the newline sequence \\R',
  N: 'the escape \\N',
  X: 'the grapheme escape \\X',
  C: 'the single-code-unit escape \\C',
  K: 'the match reset \\K',
  G: 'the anchor \\G',
  p: 'a Unicode property \\p',
  P: 'a Unicode property \\P',
  c: 'the control escape \\c',
};

class Parser {
  readonly chars: readonly string[];
  private readonly offsets: number[];
  pos = 0;
  private groupCount = 0;

  constructor(pattern: string) {
    this.chars = [...pattern];
    this.offsets = [];
    let o = 0;
    for (const c of this.chars) {
      this.offsets.push(o);
      o += c.length;
    }
    this.offsets.push(o);
  }

  offsetOf(i: number): number {
    return this.offsets[Math.min(i, this.offsets.length - 1)] ?? 0;
  }

  private peek(k = 0): string | undefined {
    return this.chars[this.pos + k];
  }

  private rest(): string {
    return this.chars.slice(this.pos, this.pos + 40).join('');
  }

  private fail(message: string, at = this.pos): never {
    throw new RegexSyntaxError(message, this.offsetOf(at));
  }

  alternation(): RegexNode {
    const branches: RegexNode[] = [this.sequence()];
    while (this.peek() === '|') {
      this.pos++;
      branches.push(this.sequence());
    }
    return branches.length === 1 ? (branches[0] as RegexNode) : { kind: 'alternation', branches };
  }

  private sequence(): RegexNode {
    const items: RegexNode[] = [];
    for (;;) {
      const c = this.peek();
      if (c === undefined || c === '|' || c === ')') break;
      const atom = this.atom();
      if (atom === null) continue;
      items.push(this.quantified(atom));
    }
    return items.length === 1 ? (items[0] as RegexNode) : { kind: 'sequence', items };
  }

  /** Reads a quantifier after `atom`, if any. */
  private quantified(atom: RegexNode): RegexNode {
    const c = this.peek();
    let min: number;
    let max: number | null;
    if (c === '*') [min, max] = [0, null];
    else if (c === '+') [min, max] = [1, null];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(this.rest());
      if (m === null) {
        // `{,n}`: PCRE2 10.43 reads {0,n}, earlier versions literal text: not one meaning.
        const upTo = /^\{,\d+\}/.exec(this.rest());
        if (upTo === null) return atom; // a `{` that starts no quantifier is a literal (read next)
        this.pos += upTo[0].length;
        return unsupported('the quantifier {,n}');
      }
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? null : Number(m[3]);
      if (max !== null && max < min) this.fail('numbers out of order in a {} quantifier');
      this.pos += m[0].length - 1;
    } else return atom;
    if (atom.kind === 'flags' && atom.body === null) this.fail('quantifier does not follow a repeatable item');
    this.pos++;
    let mode: 'greedy' | 'lazy' | 'possessive' = 'greedy';
    if (this.peek() === '?') {
      mode = 'lazy';
      this.pos++;
    } else if (this.peek() === '+') {
      mode = 'possessive';
      this.pos++;
    }
    // PCRE2 rejects a second quantifier (`a**`), except the lazy/possessive suffix read above.
    const next = this.peek();
    if (next === '*' || next === '+' || next === '?') this.fail('quantifier does not follow a repeatable item');
    return { kind: 'repeat', min, max, mode, body: atom };
  }

  /** One atom, or null for text that matches nothing (`\E`, `(?#...)` handled as a node). */
  private atom(): RegexNode | null {
    const c = this.peek() ?? '';
    switch (c) {
      case '(':
        return this.group();
      case '[':
        return this.characterClass();
      case '.':
        this.pos++;
        return { kind: 'any' };
      case '^':
        this.pos++;
        return { kind: 'anchor', anchor: 'lineStart' };
      case '$':
        this.pos++;
        return { kind: 'anchor', anchor: 'lineEnd' };
      case '\\':
        return this.escape();
      case '*':
      case '+':
      case '?':
        return this.fail('quantifier does not follow a repeatable item');
      default:
        this.pos++;
        return char(c.codePointAt(0) ?? 0);
    }
  }

  private escape(): RegexNode | null {
    const e = this.peek(1);
    if (e === undefined) this.fail('\\ at end of pattern');
    this.pos += 2;
    const anchors: Readonly<Record<string, AnchorKind>> = { A: 'textStart', z: 'textEnd', Z: 'textEndNewline', b: 'wordBoundary', B: 'notWordBoundary' };
    const anchor = anchors[e];
    if (anchor !== undefined) return { kind: 'anchor', anchor };
    if (e === 'd' || e === 'D' || e === 'w' || e === 'W' || e === 's' || e === 'S') {
      return { kind: 'class', negated: false, items: [{ kind: 'shorthand', name: e }] };
    }
    if (e === 'Q') {
      const items: RegexNode[] = [];
      while (this.pos < this.chars.length && !(this.peek() === '\\' && this.peek(1) === 'E')) {
        items.push(char((this.peek() ?? '').codePointAt(0) ?? 0));
        this.pos++;
      }
      if (this.pos < this.chars.length) this.pos += 2;
      return items.length === 1 ? (items[0] as RegexNode) : { kind: 'sequence', items };
    }
    if (e === 'E') return null; // a \E without \Q is ignored (pcre2pattern)
    if (/[1-9]/.test(e)) {
      let digits = e;
      while (/[0-9]/.test(this.peek() ?? '')) digits += this.chars[this.pos++];
      return { kind: 'backreference', ref: digits };
    }
    if (e === 'k' || e === 'g') {
      const m = /^(?:<([^>]*)>|'([^']*)'|\{([^}]*)\}|(-?\d+))/.exec(this.rest());
      if (m === null) this.fail(`\\${e} is not followed by a group name or number`);
      this.pos += m[0].length;
      return { kind: 'backreference', ref: m[1] ?? m[2] ?? m[3] ?? m[4] ?? '' };
    }
    const code = this.characterEscape(e);
    if (code !== null) return char(code);
    const known = UNSUPPORTED_ESCAPES[e];
    if (known !== undefined) return unsupported(known);
    return this.fail(`unrecognized escape \\${e}`, this.pos - 2);
  }

  /**
   * An escape that stands for one character (the backslash and the letter already consumed), or null
   * when `e` is a letter with another meaning. Shared by atoms and class members.
   */
  private characterEscape(e: string): number | null {
    const control = CONTROL_ESCAPES[e];
    if (control !== undefined) return control;
    if (e === 'x') {
      const m = /^(?:\{([0-9A-Fa-f]+)\}|([0-9A-Fa-f]{1,2}))?/.exec(this.rest());
      this.pos += m?.[0].length ?? 0;
      const hex = m?.[1] ?? m?.[2];
      const value = hex === undefined ? 0 : parseInt(hex, 16);
      if (value > 0x10ffff) this.fail('character code point value in \\x{} is too large');
      return this.notSurrogate(value);
    }
    if (e === 'o') {
      const m = /^\{([0-7]+)\}/.exec(this.rest());
      if (m === null) this.fail('\\o is not followed by {octal digits}');
      this.pos += m[0].length;
      const value = parseInt(m[1] ?? '0', 8);
      if (value > 0x10ffff) this.fail('character code point value in \\o{} is too large');
      return this.notSurrogate(value);
    }
    if (e === '0') {
      const m = /^[0-7]{0,2}/.exec(this.rest());
      this.pos += m?.[0].length ?? 0;
      return parseInt(`0${m?.[0] ?? ''}`, 8);
    }
    // Any other escaped non-alphanumeric character is that character (pcre2pattern, "Escaped characters").
    if (!/[0-9A-Za-z]/.test(e)) return e.codePointAt(0) ?? 0;
    return null;
  }

  /** PCRE2 in UTF mode: "disallowed Unicode code point (>= 0xd800 && <= 0xdfff)" (no UTF-8 text holds one). */
  private notSurrogate(code: number): number {
    if (code >= 0xd800 && code <= 0xdfff) this.fail('disallowed Unicode code point (>= 0xd800 && <= 0xdfff)', this.pos - 1);
    return code;
  }

  private group(): RegexNode {
    const open = this.pos;
    const r = this.rest();
    let node: RegexNode;
    const close = (): void => {
      if (this.peek() !== ')') this.fail('missing closing parenthesis', open);
      this.pos++;
    };
    const body = (): RegexNode => {
      const b = this.alternation();
      close();
      return b;
    };
    if (r.startsWith('(*')) {
      // Backtracking verbs and start-of-pattern options: skip to the closing parenthesis.
      const end = this.chars.indexOf(')', this.pos);
      if (end < 0) this.fail('missing closing parenthesis', open);
      this.pos = end + 1;
      return unsupported('a backtracking verb or option (*...)');
    }
    if (!r.startsWith('(?')) {
      this.pos++;
      this.groupCount++;
      return { kind: 'group', group: 'capturing', name: null, body: body() };
    }
    const after = r.slice(2);
    const named = /^(?:P?<([A-Za-z_][A-Za-z0-9_]*)>|'([A-Za-z_][A-Za-z0-9_]*)')/.exec(after);
    if (named) {
      this.pos += 2 + named[0].length;
      this.groupCount++;
      return { kind: 'group', group: 'named', name: named[1] ?? named[2] ?? '', body: body() };
    }
    const simple: readonly [string, (b: RegexNode) => RegexNode][] = [
      [':', (b) => ({ kind: 'group', group: 'non-capturing', name: null, body: b })],
      ['>', (b) => ({ kind: 'group', group: 'atomic', name: null, body: b })],
      ['=', (b) => ({ kind: 'lookaround', behind: false, negated: false, body: b })],
      ['!', (b) => ({ kind: 'lookaround', behind: false, negated: true, body: b })],
      ['<=', (b) => ({ kind: 'lookaround', behind: true, negated: false, body: b })],
      ['<!', (b) => ({ kind: 'lookaround', behind: true, negated: true, body: b })],
      ['|', () => unsupported('a branch-reset group (?|...)')],
    ];
    for (const [prefix, make] of simple) {
      if (after.startsWith(prefix)) {
        this.pos += 2 + prefix.length;
        return make(body());
      }
    }
    if (after.startsWith('#')) {
      const end = this.chars.indexOf(')', this.pos);
      if (end < 0) this.fail('missing ) after (?# comment', open);
      this.pos = end + 1;
      return unsupported('a comment group (?#...)');
    }
    if (/^(?:R|[+-]?\d|&|P>|P=)/.test(after)) {
      const end = this.chars.indexOf(')', this.pos);
      if (end < 0) this.fail('missing closing parenthesis', open);
      this.pos = end + 1;
      return after.startsWith('P=') ? { kind: 'backreference', ref: after.slice(2, end - open - 2) } : unsupported('a recursive pattern or subroutine call');
    }
    if (after.startsWith('(')) {
      this.pos += 2;
      node = unsupported('a conditional group (?(...)...)');
      // Read the condition and the branches to find the end; their content does not matter.
      this.pos++;
      this.alternation();
      close();
      this.alternation();
      close();
      return node;
    }
    const flags = /^([A-Za-z^]*)(?:-([A-Za-z]*))?([:)])/.exec(after);
    if (flags) {
      this.pos += 2 + flags[0].length;
      const on = flags[1] ?? '';
      const off = flags[2] ?? '';
      const bad = [...`${on}${off}`].find((f) => !'ims'.includes(f));
      if (flags[3] === ')') {
        return bad !== undefined ? unsupported(`the inline flag ${bad}`) : { kind: 'flags', on, off, body: null };
      }
      const b = body();
      return bad !== undefined ? unsupported(`the inline flag ${bad}`) : { kind: 'flags', on, off, body: b };
    }
    return this.fail('unrecognized character after (?', open);
  }

  private characterClass(): RegexNode {
    const open = this.pos;
    this.pos++;
    let negated = false;
    if (this.peek() === '^') {
      negated = true;
      this.pos++;
    }
    const items: ClassItem[] = [];
    let first = true;
    for (;;) {
      const c = this.peek();
      if (c === undefined) this.fail('missing terminating ] for character class', open);
      if (c === ']' && !first) {
        this.pos++;
        break;
      }
      first = false;
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(this.rest());
      if (posix) {
        this.pos += posix[0].length;
        items.push({ kind: 'posix', name: posix[2] ?? '', negated: posix[1] === '^' });
        continue;
      }
      const lo = this.classMember();
      if (lo.kind !== 'range' || this.peek() !== '-' || this.peek(1) === ']' || this.peek(1) === undefined) {
        items.push(lo);
        continue;
      }
      // A range `a-z`; a `-` after a shorthand or before one is a literal (PCRE2).
      const save = this.pos;
      this.pos++;
      const hi = this.classMember();
      if (hi.kind !== 'range') {
        this.pos = save;
        items.push(lo);
        continue;
      }
      if (hi.from < lo.from) this.fail('range out of order in character class', save);
      items.push({ kind: 'range', from: lo.from, to: hi.from });
    }
    return { kind: 'class', negated, items };
  }

  /** One class member: a character (as a one-character range), a shorthand, or an unsupported escape. */
  private classMember(): ClassItem {
    const c = this.peek() ?? '';
    if (c !== '\\') {
      this.pos++;
      const code = c.codePointAt(0) ?? 0;
      return { kind: 'range', from: code, to: code };
    }
    const e = this.peek(1);
    if (e === undefined) this.fail('\\ at end of pattern');
    this.pos += 2;
    if (e === 'd' || e === 'D' || e === 'w' || e === 'W' || e === 's' || e === 'S') return { kind: 'shorthand', name: e };
    if (e === 'b') return { kind: 'range', from: 0x08, to: 0x08 }; // backspace inside a class
    if (e === 'Q' || e === 'E') return { kind: 'unsupported', construct: '\\Q...\\E inside a character class' };
    const code = this.characterEscape(e);
    if (code !== null) return { kind: 'range', from: code, to: code };
    const known = UNSUPPORTED_ESCAPES[e];
    if (known !== undefined) return { kind: 'unsupported', construct: `${known} inside a character class` };
    return this.fail(`unrecognized escape \\${e} in character class`, this.pos - 2);
  }
}
