import type { StringPart, StringValue } from '../ast/value.js';

/**
 * The Sigma string layer (SPEC-DIGEST §4), applied to a value after YAML has unescaped it.
 *
 * Scanning left to right, a backslash escapes only `*`, `?` and `\` (and `%` under `expand`): the pair
 * becomes that one character, literally. Any other backslash, including a trailing one, is a literal
 * backslash and the character after it is read normally. An unescaped `*` or `?` is a wildcard.
 *
 * Under `expand`, `%name%` becomes a placeholder. We read `\%` as an escaped `%` in the same
 * left-to-right scan, so `\\%x%` is a literal backslash then a placeholder (pySigma looks for
 * placeholders after unescaping and reads that as literal `%x%`; the spec says only that `\%`
 * escapes a `%`, and one scan keeps escapes consistent).
 *
 * A name is one or more characters other than `%`, `*`, `?`, `\` and whitespace. pySigma accepts only
 * word characters, so `%DC-MACHINE-NAME%` (a corpus placeholder rule) stays literal text there and the
 * rule silently matches that text. Under `expand` the author asked for a placeholder, and reading one
 * is the safe side: an unresolved placeholder makes the rule refused, never approximated.
 */
export function parseSigmaString(text: string, options?: { readonly expand?: boolean }): StringPart[] {
  const expand = options?.expand === true;
  const parts: StringPart[] = [];
  // Every rule value passes through here. A regular expression finds the next character that can mean
  // something (most values have none), runs of plain text are copied with one slice each (`start` is
  // where the pending run begins), and the canonical form is emitted directly (no empty or adjacent
  // literals, no `**`) rather than normalised after.
  const special = expand ? SPECIAL_EXPAND : SPECIAL;
  special.lastIndex = 0;
  let literal = '';
  let start = 0;
  while (special.test(text)) {
    const i = special.lastIndex - 1;
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) {
      const next = text.charCodeAt(i + 1);
      if (next === STAR || next === QUESTION || next === BACKSLASH || (expand && next === PERCENT)) {
        // The escaped character starts the next run; the backslash itself is dropped.
        literal += text.slice(start, i);
        start = i + 1;
        special.lastIndex = i + 2;
      }
    } else if (c === STAR || c === QUESTION) {
      literal += text.slice(start, i);
      if (literal !== '') parts.push({ kind: 'literal', text: literal });
      literal = '';
      if (c === QUESTION) parts.push({ kind: 'wildcard-single' });
      else if (parts[parts.length - 1]?.kind !== 'wildcard-multi') parts.push({ kind: 'wildcard-multi' });
      start = i + 1;
    } else {
      // `%` (only searched for under expand): a placeholder when a name and a closing `%` follow.
      let j = i + 1;
      while (j < text.length && isPlaceholderChar(text.charAt(j))) j++;
      if (j > i + 1 && text.charCodeAt(j) === PERCENT) {
        literal += text.slice(start, i);
        if (literal !== '') parts.push({ kind: 'literal', text: literal });
        literal = '';
        parts.push({ kind: 'placeholder', name: text.slice(i + 1, j) });
        start = j + 1;
        special.lastIndex = j + 1;
      }
    }
  }
  literal += text.slice(start);
  if (literal !== '') parts.push({ kind: 'literal', text: literal });
  return parts;
}

/** The characters parseSigmaString acts on (global: it scans on from `lastIndex`). */
const SPECIAL = /[\\*?]/g;
const SPECIAL_EXPAND = /[\\*?%]/g;
const BACKSLASH = 0x5c;
const STAR = 0x2a;
const QUESTION = 0x3f;
const PERCENT = 0x25;

function isPlaceholderChar(c: string): boolean {
  return c !== '%' && c !== '*' && c !== '?' && c !== '\\' && !/^\s$/u.test(c);
}

/** True when normalizeParts would give the same parts back: no empty literal, no two literals or `*` in a row. */
export function isNormalParts(parts: readonly StringPart[]): boolean {
  let previous: StringPart['kind'] | undefined;
  for (const p of parts) {
    if (p.kind === 'literal' ? p.text === '' || previous === 'literal' : p.kind === 'wildcard-multi' && previous === 'wildcard-multi') return false;
    previous = p.kind;
  }
  return true;
}

/**
 * Merges adjacent literals, drops empty literals and collapses runs of `wildcard-multi` (`**` matches
 * exactly what `*` matches). The result is the canonical form every StringValue holds. Parts that are
 * normal already (nearly always: the value model builds them so, and targets ask for normal parts
 * several times per value) are returned as they are, not copied; the part kinds given are kept.
 */
export function normalizeParts<P extends StringPart>(parts: P[]): P[];
export function normalizeParts<P extends StringPart>(parts: readonly P[]): readonly P[];
export function normalizeParts<P extends StringPart>(parts: readonly P[]): readonly P[] {
  if (isNormalParts(parts)) return parts;
  const out: P[] = [];
  for (const part of parts) {
    const last = out[out.length - 1];
    if (part.kind === 'literal') {
      if (part.text === '') continue;
      // A merged literal is a literal part, so of every kind set P may be.
      if (last?.kind === 'literal') out[out.length - 1] = { kind: 'literal', text: last.text + part.text } as P;
      else out.push(part);
    } else if (part.kind === 'wildcard-multi') {
      if (last?.kind !== 'wildcard-multi') out.push(part);
    } else {
      out.push(part);
    }
  }
  return out;
}

/**
 * Canonical Sigma text for `parts`: parsing it (with the same `expand`) gives the same parts back, spelled
 * the way rules spell values. `*` and `?` inside literals are always escaped. A lone literal backslash
 * stays single unless it would start an escape (before `*`, `?`, a wildcard, and under expand before `%`
 * or a placeholder), so Windows paths print as written (`C:\Windows\`); a run of two or more literal
 * backslashes is written doubled (`\\\\server`, not the equivalent but obscure `\\\`). Under expand
 * every literal `%` is written `\%`. `expand` defaults to whether the
 * parts hold a placeholder (placeholders only exist under expand).
 */
export function printSigmaString(input: readonly StringPart[], options: { readonly expand?: boolean } = {}): string {
  const parts = normalizeParts(input);
  const expand = options.expand === true || hasPlaceholders(parts);
  let out = '';
  parts.forEach((part, index) => {
    switch (part.kind) {
      case 'wildcard-multi':
        out += '*';
        return;
      case 'wildcard-single':
        out += '?';
        return;
      case 'placeholder':
        out += `%${part.name}%`;
        return;
      case 'literal': {
        const following = parts[index + 1];
        const text = part.text;
        // Text that needs no escape is written a slice at a time (from `from` up to a character that does).
        let from = 0;
        for (let i = 0; i < text.length; ) {
          const c = text.charAt(i);
          if (c !== '\\') {
            if (c === '*' || c === '?' || (expand && c === '%')) {
              out += text.slice(from, i) + '\\' + c;
              from = i + 1;
            }
            i++;
            continue;
          }
          let run = 1;
          while (text.charAt(i + run) === '\\') run++;
          // What the parser sees right after a lone backslash decides whether it must be doubled.
          const next = i + run < text.length ? text.charAt(i + run) : null;
          const startsEscape =
            next !== null ? next === '*' || next === '?' || (expand && next === '%') : following !== undefined;
          // A lone backslash that starts no escape is written as it is (it stays in the slice).
          if (run > 1 || startsEscape) {
            out += text.slice(from, i) + '\\\\'.repeat(run);
            from = i + run;
          }
          i += run;
        }
        out += text.slice(from);
        return;
      }
    }
  });
  return out;
}

export function stringValue(parts: readonly StringPart[], cased: boolean): StringValue {
  return { kind: 'string', parts: normalizeParts(parts), cased };
}

/**
 * A StringValue of parts that are already canonical (as parseSigmaString and the modifiers build them):
 * stringValue without normalising again, for the path every rule value takes.
 */
export function canonicalString(parts: readonly StringPart[], cased: boolean): StringValue {
  return { kind: 'string', parts, cased };
}

/** The plain text when the parts hold no wildcard or placeholder (`''` for no parts), else null. */
export function literalText(parts: readonly StringPart[]): string | null {
  let text = '';
  for (const part of parts) {
    if (part.kind !== 'literal') return null;
    text += part.text;
  }
  return text;
}

export type StringShape =
  | { readonly kind: 'exact'; readonly text: string }
  | { readonly kind: 'prefix'; readonly text: string }
  | { readonly kind: 'suffix'; readonly text: string }
  | { readonly kind: 'contains'; readonly text: string }
  | { readonly kind: 'any' }
  | { readonly kind: 'pattern' };

/**
 * The shape of a (normalised) string, so targets can use their plain equality/prefix/suffix/substring
 * operators: exact = literal only (or empty), prefix = literal `*`, suffix = `*` literal,
 * contains = `*` literal `*`, any = just `*`, pattern = anything else (inner wildcards, `?`,
 * placeholders).
 */
export function classifyString(input: readonly StringPart[]): StringShape {
  const parts = normalizeParts(input);
  const [a, b, c] = parts;
  const exact = literalText(parts);
  if (exact !== null) return { kind: 'exact', text: exact };
  if (parts.length === 1 && a?.kind === 'wildcard-multi') return { kind: 'any' };
  if (parts.length === 2 && a?.kind === 'literal' && b?.kind === 'wildcard-multi') return { kind: 'prefix', text: a.text };
  if (parts.length === 2 && a?.kind === 'wildcard-multi' && b?.kind === 'literal') return { kind: 'suffix', text: b.text };
  if (parts.length === 3 && a?.kind === 'wildcard-multi' && b?.kind === 'literal' && c?.kind === 'wildcard-multi') {
    return { kind: 'contains', text: b.text };
  }
  return { kind: 'pattern' };
}

export function hasWildcards(parts: readonly StringPart[]): boolean {
  return parts.some((p) => p.kind === 'wildcard-multi' || p.kind === 'wildcard-single');
}

export function hasPlaceholders(parts: readonly StringPart[]): boolean {
  return parts.some((p) => p.kind === 'placeholder');
}
