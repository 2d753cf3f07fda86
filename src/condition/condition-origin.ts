import { LineIndex, type SourceSpan } from '../diagnostics/span.js';
import type { YamlScalar } from '../yaml/node.js';

/**
 * Where a condition string stands in its file: turns a range of character indices of the condition
 * (as YAML delivered it, after unquoting) into a span of the file, so node spans and diagnostics point
 * at the rule's text rather than at the condition string.
 */
export interface ConditionOrigin {
  /** The file span of condition characters [start, end). */
  span(start: number, end: number): SourceSpan;
}

/** An origin for a condition that is its own file (tests, the CLI's `--condition` style inputs). */
export function textOrigin(text: string, file = '<condition>'): ConditionOrigin {
  const index = new LineIndex(file, text);
  return { span: (start, end) => index.span(start, end) };
}

/**
 * The origin of a condition written as `scalar` in the file `index` describes.
 *
 * The scalar's value is aligned with its source text character by character: `''` in a single-quoted
 * scalar is one character, escapes in a double-quoted one decode to their characters, and a run of
 * whitespace in the value (YAML folds line breaks and indentation into it) matches a run of whitespace
 * in the source. Plain and quoted scalars on one line therefore map exactly, and most multi-line and
 * block scalars do too. If the alignment fails (an unusual escape, a comment in a block header), every
 * span falls back to the whole scalar, which still starts at the right line and column.
 */
export function conditionOrigin(index: LineIndex, scalar: YamlScalar): ConditionOrigin {
  const value = typeof scalar.value === 'string' ? scalar.value : String(scalar.value);
  const at = verbatimStart(index.text, scalar, value);
  if (at === null) return alignedOrigin(index, scalar, value);
  // Written character for character (most conditions): character i of the value stands at `at + i`,
  // which is what alignScalar's map would say, without building the map for every rule.
  const length = value.length;
  return {
    span: (start, end) => {
      const s = at + clamp(start, length);
      return index.span(s, Math.max(s, at + clamp(end, length)));
    },
  };
}

/** conditionOrigin through alignScalar's map (exported for the test that the short path agrees). */
export function alignedOrigin(index: LineIndex, scalar: YamlScalar, value: string): ConditionOrigin {
  const map = alignScalar(index.text, scalar, value);
  if (map === null) {
    const whole = scalar.span;
    return { span: () => whole };
  }
  return {
    span: (start, end) => {
      const s = map[clamp(start, map.length - 1)] ?? 0;
      const e = map[clamp(end, map.length - 1)] ?? s;
      return index.span(s, Math.max(s, e));
    },
  };
}

/**
 * Where the value starts when the source holds it verbatim and alignScalar would map it one to one;
 * null otherwise. Not one to one: a run of whitespace (it maps to where the run starts), trailing
 * whitespace (the value ends before it), a backslash in a double-quoted scalar (an escape) and a quote
 * in a single-quoted one (written twice); block scalars are left to alignScalar.
 */
function verbatimStart(text: string, scalar: YamlScalar, value: string): number | null {
  if (scalar.style === 'block') return null;
  const start = scalar.span.offset;
  const limit = scalar.span.endOffset > start ? scalar.span.endOffset : text.length;
  let p = start;
  if (scalar.style !== 'plain' && text[p] === (scalar.style === 'single' ? "'" : '"')) p++;
  if (p + value.length > limit || !text.startsWith(value, p) || NOT_VERBATIM[scalar.style].test(value)) return null;
  return p;
}

const NOT_VERBATIM = {
  plain: /[ \t\n\r]{2}|[ \t\n\r]$/,
  single: /[ \t\n\r]{2}|[ \t\n\r]$|'/,
  double: /[ \t\n\r]{2}|[ \t\n\r]$|\\/,
} as const;

function clamp(i: number, max: number): number {
  return Math.max(0, Math.min(i, max));
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

/**
 * Returns, for each index 0..value.length, the file offset where that character of the value starts
 * (the last entry is where the value ends), or null when the source does not align with the value.
 */
function alignScalar(text: string, scalar: YamlScalar, value: string): number[] | null {
  const start = scalar.span.offset;
  const limit = scalar.span.endOffset > start ? scalar.span.endOffset : text.length;
  let p = start;
  switch (scalar.style) {
    case 'plain':
      break;
    case 'single':
    case 'double': {
      // The loader's span may start at the opening quote or just after it.
      const quote = scalar.style === 'single' ? "'" : '"';
      if (text[p] === quote) p++;
      break;
    }
    case 'block': {
      // Skip the header line (`|`, `>-`, `|2+`...) and the indentation of the first content line.
      if (text[p] !== '|' && text[p] !== '>') return null;
      const nl = text.indexOf('\n', p);
      if (nl < 0 || /[^|>+\-0-9 \t\r]/.test(text.slice(p, nl))) return null;
      p = nl + 1;
      while (p < limit && isSpace(text[p])) p++;
      break;
    }
  }

  const map: number[] = [];
  let i = 0;
  while (i < value.length) {
    if (p > limit) return null;
    const c = value[i];
    const src = text[p];
    if (scalar.style === 'double' && src === '\\') {
      const esc = decodeEscape(text, p);
      if (esc === null) return null;
      if (esc.value === '') {
        // An escaped line break joins the lines; nothing of the value stands here.
        p = esc.end;
        while (p < limit && (text[p] === ' ' || text[p] === '\t')) p++;
        continue;
      }
      if (!value.startsWith(esc.value, i)) return null;
      for (let k = 0; k < esc.value.length; k++) map.push(p);
      i += esc.value.length;
      p = esc.end;
      continue;
    }
    if (isSpace(c)) {
      if (!isSpace(src)) return null;
      while (i < value.length && isSpace(value[i])) {
        map.push(p);
        i++;
      }
      while (p < limit && isSpace(text[p])) p++;
      continue;
    }
    if (scalar.style === 'single' && c === "'") {
      if (src !== "'" || text[p + 1] !== "'") return null;
      map.push(p);
      i++;
      p += 2;
      continue;
    }
    if (c !== src) return null;
    map.push(p);
    i++;
    p++;
  }
  if (p > limit) return null;
  // The end of the value: just after its last character, not after trailing folded whitespace.
  let end = p;
  if (value.length > 0 && isSpace(value[value.length - 1])) end = map[map.length - 1] ?? p;
  map.push(end);
  return map;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\x85',
  _: '\xa0',
  L: '\u2028',
  P: '\u2029',
};

/** Decodes the YAML double-quoted escape at `p` (YAML 1.2 §5.7). */
function decodeEscape(text: string, p: number): { value: string; end: number } | null {
  const k = text[p + 1];
  if (k === undefined) return null;
  if (k === '\n') return { value: '', end: p + 2 };
  if (k === '\r') return { value: '', end: text[p + 2] === '\n' ? p + 3 : p + 2 };
  const simple = SIMPLE_ESCAPES[k];
  if (simple !== undefined) return { value: simple, end: p + 2 };
  const width = k === 'x' ? 2 : k === 'u' ? 4 : k === 'U' ? 8 : 0;
  if (width === 0) return null;
  const hex = text.slice(p + 2, p + 2 + width);
  if (!/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== width) return null;
  const code = parseInt(hex, 16);
  if (code > 0x10ffff) return null;
  return { value: String.fromCodePoint(code), end: p + 2 + width };
}
