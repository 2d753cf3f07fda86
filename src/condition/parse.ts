import { BoundedCache } from '../base/bounded-cache.js';
import type { ConditionNode } from '../ast/condition.js';
import { assertNever } from '../diagnostics/assert-never.js';
import { error, fail, ok, type Diagnostic, type Result } from '../diagnostics/diagnostic.js';
import type { SourceSpan } from '../diagnostics/span.js';
import type { ConditionOrigin } from './condition-origin.js';
import { parse as parseGenerated, SyntaxError as GeneratedSyntaxError } from './grammar.generated.js';

export type { ConditionOrigin } from './condition-origin.js';
export { conditionOrigin, textOrigin } from './condition-origin.js';

/**
 * How deeply a condition may nest (parentheses plus `not`s in a row). Real rules stay below 5; the
 * limit keeps the recursive-descent parser far from the stack limit.
 */
export const MAX_CONDITION_DEPTH = 200;

/** Options the grammar's actions read (condition.peggy: `options.span`). */
interface GrammarOptions {
  readonly span: (start: number, end: number) => SourceSpan;
}

/** One entry of peggy's `expected` list. */
interface Expectation {
  readonly type: string;
  readonly text?: string;
  readonly description?: string;
}

/** What peggy's SyntaxError carries (the generated module is untyped). */
interface GrammarError {
  readonly expected: readonly Expectation[] | null;
  readonly location: { readonly start: { readonly offset: number } };
}

const parseTree: (text: string, options: GrammarOptions) => ConditionNode = parseGenerated;

function isGrammarError(e: unknown): e is GrammarError {
  return e instanceof GeneratedSyntaxError;
}

/**
 * Parses a Sigma condition (SPEC-DIGEST §6). Spans of nodes and diagnostics are file positions through
 * `origin`.
 *
 * Syntax: `or` < `and` < `not` < `1 of`/`any of`/`all of` (`them` or a pattern, `*` = any run) < `( )`.
 * Operators are lowercase whole words. A name is `[A-Za-z0-9_.-]+` or any text in backticks, with a
 * doubled backtick for a literal one: `` `select_tree_execution|endswith` ``, `` `it``s` ``. Patterns
 * take the same two forms (with `*` in either).
 * Errors: `condition-syntax`, `condition-legacy-aggregation` (v1 `| count() ...`, `near`),
 * `condition-too-deep`.
 */
export function parseCondition(text: string, origin: ConditionOrigin): Result<ConditionNode> {
  // A cached text passed the pre-scan and parsed before: both depend on the text alone.
  const cached = parsedShapes.peek(text);
  if (cached !== undefined) return ok(placeShape(cached, origin));
  const problem = prescan(text, origin);
  if (problem !== null) return fail([problem]);
  if (text.trim() === '') {
    return fail([
      error(
        'condition-syntax',
        'the condition is empty: say which search identifiers must match, for example `selection and not filter`',
        origin.span(0, text.length),
      ),
    ]);
  }
  try {
    const shape = parseTree(text, { span: (start, end) => offsetsOnly(start, end) });
    parsedShapes.set(text, shape);
    return ok(placeShape(shape, origin));
  } catch (e) {
    if (isGrammarError(e)) return fail([syntaxDiagnostic(text, origin, e)]);
    // The pre-scan bounds nesting, so this is a last line of defence against an engine with a small stack.
    if (e instanceof RangeError) return fail([tooDeep(null, origin.span(0, text.length))]);
    throw e;
  }
}

/**
 * Rule packs repeat a few hundred condition texts (`selection` alone in almost half of SigmaHQ's rules),
 * so each text is parsed once into a tree whose spans hold only the offsets within the condition, and
 * each use places a copy at its own file position. Bounded: past the limit the cache starts over.
 */
const parsedShapes = new BoundedCache<string, ConditionNode>(4096);

/** A span that carries only condition offsets; `placeShape` turns it into a file span. */
function offsetsOnly(start: number, end: number): SourceSpan {
  return { file: '', line: 0, column: 0, endLine: 0, endColumn: 0, offset: start, endOffset: end };
}

/** A copy of a cached tree with every span placed in the file through `origin`. */
function placeShape(node: ConditionNode, origin: ConditionOrigin): ConditionNode {
  const span = origin.span(node.span.offset, node.span.endOffset);
  switch (node.kind) {
    case 'and':
    case 'or':
      return { kind: node.kind, operands: node.operands.map((o) => placeShape(o, origin)), span };
    case 'not':
      return { kind: 'not', operand: placeShape(node.operand, origin), span };
    case 'ref':
      return { kind: 'ref', name: node.name, span };
    case 'of':
      return { kind: 'of', quantifier: node.quantifier, target: node.target, span };
    default:
      return assertNever(node, 'condition node');
  }
}

function tooDeep(depth: number | null, span: SourceSpan): Diagnostic {
  const what = depth === null ? 'too deeply' : `more than ${MAX_CONDITION_DEPTH} levels deep`;
  return error(
    'condition-too-deep',
    `the condition nests ${what} (parentheses and \`not\`s in a row); the limit is ${MAX_CONDITION_DEPTH}: ` +
      'simplify it or move parts into search identifiers',
    span,
  );
}

const WORD_CHAR = /[A-Za-z0-9_.*-]/;
const AGGREGATION = /^\|\s*(count|sum|min|max|avg|near)\b/;

function legacyAggregation(text: string, at: number, origin: ConditionOrigin): Diagnostic {
  return error(
    'condition-legacy-aggregation',
    'aggregations in the condition (`| count() by ...`, `near`) were removed in Sigma 2: keep the search ' +
      'in this rule and express the aggregation as a Sigma correlation rule (a `correlation:` document, ' +
      'e.g. type `event_count` with `group-by` and `condition: {gte: N}`) that names this rule',
    origin.span(at, text.trimEnd().length),
  );
}

/**
 * Checks what the grammar should not have to: quoted names are closed, no v1 pipe aggregation, and the
 * nesting depth is bounded (so 100,000 parentheses fail fast instead of overflowing the stack).
 */
function prescan(text: string, origin: ConditionOrigin): Diagnostic | null {
  const stack: number[] = [];
  let base = 0;
  let nots = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (c === '`') {
      const close = closingBacktick(text, i);
      if (close < 0) {
        return error(
          'condition-syntax',
          'this backtick starts a quoted name that is never closed: end the name with a backtick ' +
            '(inside a quoted name, write a literal backtick as two backticks)',
          origin.span(i, i + 1),
        );
      }
      nots = 0;
      i = close + 1;
    } else if (c === '(') {
      stack.push(base);
      base += nots + 1;
      nots = 0;
      if (base > MAX_CONDITION_DEPTH) return tooDeep(base, origin.span(i, i + 1));
      i++;
    } else if (c === ')') {
      base = stack.pop() ?? 0;
      nots = 0;
      i++;
    } else if (c === '|' && AGGREGATION.test(text.slice(i))) {
      return legacyAggregation(text, i, origin);
    } else if (WORD_CHAR.test(c)) {
      let j = i + 1;
      while (j < text.length && WORD_CHAR.test(text[j] ?? '')) j++;
      if (text.slice(i, j) === 'not') {
        nots++;
        if (base + nots > MAX_CONDITION_DEPTH) return tooDeep(base + nots, origin.span(i, j));
      } else {
        nots = 0;
      }
      i = j;
    } else {
      i++;
    }
  }
  return null;
}

/** The index of the backtick that closes the quoted name opening at `open`, or -1. */
function closingBacktick(text: string, open: number): number {
  let j = open + 1;
  for (;;) {
    j = text.indexOf('`', j);
    if (j < 0) return -1;
    if (text[j + 1] !== '`') return j;
    j += 2;
  }
}

/** The token at `at` as the user would name it: a word, a quoted name, or one character. */
function tokenAt(text: string, at: number): string {
  const c = text[at];
  if (c === undefined) return '';
  if (c === '`') {
    const close = closingBacktick(text, at);
    return close < 0 ? c : text.slice(at, close + 1);
  }
  if (!WORD_CHAR.test(c)) return c;
  let j = at + 1;
  while (j < text.length && WORD_CHAR.test(text[j] ?? '')) j++;
  return text.slice(at, j);
}

/** Readable names of what the grammar expected, in a stable order: operands, operators, closers. */
function describeExpected(expected: readonly Expectation[]): string {
  const order = [
    'a search identifier',
    '`not`',
    '`(`',
    '`1 of`/`any of`/`all of`',
    '`them`',
    'a name pattern',
    '`and`',
    '`or`',
    '`of`',
    '`)`',
    'the end of the condition',
  ];
  const names = new Set<string>();
  for (const e of expected) {
    if (e.type === 'end') names.add('the end of the condition');
    else if (e.type === 'literal' && e.text !== undefined) names.add(`\`${e.text}\``);
    else if (e.description !== undefined) names.add(e.description);
  }
  const list = [...names].sort((a, b) => rank(order, a) - rank(order, b));
  if (list.length <= 1) return list[0] ?? 'something else';
  return `${list.slice(0, -1).join(', ')} or ${list[list.length - 1] ?? ''}`;
}

function rank(order: readonly string[], name: string): number {
  const i = order.indexOf(name);
  return i < 0 ? order.length : i;
}

function syntaxDiagnostic(text: string, origin: ConditionOrigin, e: GrammarError): Diagnostic {
  const at = e.location.start.offset;
  const token = tokenAt(text, at);
  const span = origin.span(at, at + token.length);
  if (token === 'near') return legacyAggregation(text, at, origin);
  // `count(x) by y > 5` without a pipe (some v1 rules wrote it that way).
  const fn = /\b(?:count|sum|min|max|avg)\s*$/.exec(text.slice(0, at));
  if (token === '(' && fn !== null) return legacyAggregation(text, fn.index, origin);
  const expected = describeExpected(e.expected ?? []);
  const found = token === '' ? 'the condition ends here' : `found \`${token}\``;
  let message = `expected ${expected}, but ${found}`;
  if (/^(?:and|or|not|of)$/i.test(token) && token !== token.toLowerCase()) {
    message =
      `\`${token}\`: Sigma operators are lowercase, write \`${token.toLowerCase()}\` ` +
      `(to name a search identifier ${token}, write it in backticks)`;
  } else if (token === '*') {
    message += '; a name pattern with `*` needs a quantifier, e.g. `1 of selection_*` or `all of selection_*`';
  } else if (token !== '' && !WORD_CHAR.test(token) && !'()`'.includes(token) && !/\s/.test(token)) {
    message +=
      '; a search identifier whose name has characters other than letters, digits, `_`, `.` and `-` ' +
      'must be written in backticks, e.g. `` `select|endswith` ``';
  }
  return error('condition-syntax', message, span);
}
