import type {
  BooleanValue,
  CidrValue,
  CompareValue,
  FieldRefValue,
  NumberValue,
  RegexValue,
  TimePartValue,
} from '../../ast/value.js';
import { DEFAULT_TIMESTAMP_COLUMN, sqlCorrelation, TIMESTAMP_OPTION } from './correlation.js';
import { assertNever } from '../../diagnostics/assert-never.js';
import { joinTexts } from '../../lower/chain.js';
import { nullGuardedLeaf as leaf, nullGuardedMatch as matchLeaf } from '../../lower/null-guard.js';
import { normalizeParts } from '../../value/sigma-string.js';
import { literalChars, type PatternPart, stringShape } from '../../lower/string-shape.js';
import {
  listFold,
  fragment,
  type Fragment,
  type LeafContext,
  type LeafRendering,
  OFF,
  type PatternStringValue,
  type RenderValue,
  type TargetDeclaration,
  type TargetOptionValues,
  type Unsupported,
  unsupported,
} from '../../lower/target.js';
import { ipv4Glob, IPV4_ARE, IPV6_ARE } from './sql-ip.js';
import { pcreWithFlags } from '../../value/check-regex.js';
import { pcreToAre } from './pcre-to-are.js';
import {
  arePattern,
  globPattern,
  hasNonAsciiCase,
  identifierProblem,
  LIKE_ESCAPE,
  likePattern,
  patternTooLong,
  sqlIdentifier,
  sqlString,
  unwritableText,
} from './sql-text.js';

/*
 * SQL over one event table: one row per event, one column per field, NULL for an absent field.
 * SQLite by default; PostgreSQL with the target option `postgres`. The README explains every choice;
 * facts about the two engines are cited in sql-text.ts, pcre-to-are.ts and sql-ip.ts.
 *
 * NOT: SQL's NOT of NULL is NULL (the row is dropped), but Sigma's `not` is true for an absent field.
 * The declaration says `negation: 'push-to-leaves'`: the engine applies De Morgan and asks each leaf
 * for its exact negation, which is always written to be TRUE when the field is NULL. Every positive
 * leaf is TRUE exactly when Sigma's match holds (it may be NULL instead of FALSE, which is the same
 * in WHERE because the formula has no NOT above a leaf).
 */

const POSTGRES = 'postgres';

/** The column keywords (values without a field) search: the whole event as text. */
export const RAW_COLUMN = '_raw';

/** The table queried when the caller names none. */
const DEFAULT_TABLE = 'events';

function isPg(options: TargetOptionValues): boolean {
  return options[POSTGRES] === true;
}

function checkIdentifier(name: string): Unsupported | null {
  const problem = identifierProblem(name);
  return problem === null ? null : unsupported(`the field name '${name}'`, problem);
}

// ---------------------------------------------------------------------------------------------------
// Strings

/**
 * A Sigma string on one column. Shapes:
 * - `*` alone: any present value (`IS NOT NULL`).
 * - case-insensitive, letters only ASCII: SQLite `LIKE` (folds ASCII), PostgreSQL `ILIKE`.
 * - case-insensitive with a non-ASCII letter: SQLite `GLOB` / PostgreSQL `~` with a class of the
 *   letter's case forms (`[жЖ]`), because LIKE folds ASCII only.
 * - cased: SQLite `GLOB` (case-sensitive), PostgreSQL `LIKE` (case-sensitive).
 * Every LIKE carries `ESCAPE '\'` and escapes `\ % _` in literals.
 */
function stringTest(
  fieldText: string,
  value: PatternStringValue,
  negated: boolean,
  options: TargetOptionValues,
): LeafRendering {
  const c = stringComparison(value, options);
  if (c === 'any') return fragment(`${fieldText} ${negated ? 'IS NULL' : 'IS NOT NULL'}`);
  if (c.kind === 'unsupported') return c;
  return matchLeaf(negated, fieldText, c.op, c.notOp, c.right);
}

/** One comparison `<field> <op> <right>`; `notOp` is its negation for a non-NULL field. */
interface Comparison {
  readonly kind: 'comparison';
  readonly op: string;
  readonly notOp: string;
  readonly right: string;
}

function comparison(op: string, notOp: string, right: string): Comparison {
  return { kind: 'comparison', op, notOp, right };
}

function stringComparison(value: PatternStringValue, options: TargetOptionValues): Comparison | 'any' | Unsupported {
  const parts = normalizeParts(value.parts);
  const text = literalChars(parts);
  const bad = unwritableText(text);
  if (bad !== null) return unsupported(`the value '${text}'`, bad);
  if (stringShape(parts).kind === 'any') return 'any';
  const nonAscii = !value.cased && hasNonAsciiCase(text);
  if (isPg(options)) {
    if (nonAscii) return comparison('~', '!~', sqlString(arePattern(parts, true)));
    const op = value.cased ? 'LIKE' : 'ILIKE';
    return comparison(op, `NOT ${op}`, `${sqlString(likePattern(parts))} ${LIKE_ESCAPE}`);
  }
  if (value.cased || nonAscii) {
    const glob = globPattern(parts, !value.cased);
    return patternTooLong(glob) ?? comparison('GLOB', 'NOT GLOB', sqlString(glob));
  }
  const like = likePattern(parts);
  return patternTooLong(like) ?? comparison('LIKE', 'NOT LIKE', `${sqlString(like)} ${LIKE_ESCAPE}`);
}

// ---------------------------------------------------------------------------------------------------
// Numbers and booleans

function numberItems(n: number, options: TargetOptionValues): string | null {
  if (!Number.isFinite(n)) return null;
  // SQLite: the number, or its text (a column without affinity keeps '5145' as text, which = 5145
  // does not match). PostgreSQL: the text columns hold the text.
  return isPg(options) ? sqlString(String(n)) : `${String(n)}, ${sqlString(String(n))}`;
}

function numberLeaf(ctx: LeafContext<NumberValue>): LeafRendering {
  const items = numberItems(ctx.value.value, ctx.options);
  if (items === null) return unsupported(`the number ${String(ctx.value.value)}`, 'SQL has no literal for it');
  const f = ctx.fieldText;
  return isPg(ctx.options) ? matchLeaf(ctx.negated, f, '=', '<>', items) : matchLeaf(ctx.negated, f, 'IN', 'NOT IN', `(${items})`);
}

function booleanLeaf(ctx: LeafContext<BooleanValue>): LeafRendering {
  const word = sqlString(String(ctx.value.value));
  const f = ctx.fieldText;
  // SQLite: TRUE/FALSE are the integers 1/0; events may also carry the text 'true'/'false' (any case).
  // The integer is tested with typeof(): in a column with TEXT affinity `f = 1` compares as text and
  // would match the text '1' (datatype3.html §4.2). PostgreSQL (text columns): the text, any case.
  const positive = isPg(ctx.options)
    ? `${f} ILIKE ${word} ${LIKE_ESCAPE}`
    : `((typeof(${f}) = 'integer' AND ${f} = ${ctx.value.value ? 1 : 0}) OR ${f} LIKE ${word} ${LIKE_ESCAPE})`;
  return leaf(ctx.negated, [ctx.fieldText], positive);
}

// ---------------------------------------------------------------------------------------------------
// Regular expressions

function regexTest(fieldText: string, value: RegexValue, negated: boolean, options: TargetOptionValues): LeafRendering {
  const bad = unwritableText(value.pattern);
  if (bad !== null) return unsupported('this regular expression', bad);
  if (isPg(options)) {
    const are = pcreToAre(value.pattern, value.flags);
    if (!are.ok) return unsupported(`the regular expression '${value.pattern}'`, are.reason);
    return matchLeaf(negated, fieldText, '~', '!~', sqlString(are.text));
  }
  // SQLite: `X REGEXP Y` calls the application-defined function regexp(Y, X) (lang_expr.html).
  return matchLeaf(negated, fieldText, 'REGEXP', 'NOT REGEXP', sqlString(pcreWithFlags(value)));
}

// ---------------------------------------------------------------------------------------------------
// cidr, compare, fieldref, timepart

function cidrLeaf(ctx: LeafContext<CidrValue>): LeafRendering {
  const { value, fieldText } = ctx;
  if (isPg(ctx.options)) {
    // `::inet` raises an error on text that is not an address, so the cast runs only on text that is
    // a plain address (CASE evaluates THEN only when WHEN holds, manual §9.18.1).
    const shape = value.version === 4 ? IPV4_ARE : IPV6_ARE;
    const positive = `CASE WHEN ${fieldText} ~ ${sqlString(shape)} THEN ${fieldText}::inet <<= ${sqlString(value.network)}::inet ELSE FALSE END`;
    // The CASE is never NULL (a NULL field falls to ELSE), so NOT of it is Sigma's not.
    return ctx.negated ? fragment(`NOT ${positive}`, 'not') : fragment(positive);
  }
  if (value.version === 6) {
    return unsupported(
      'an IPv6 cidr match',
      'SQLite has no address type, and IPv6 text has many spellings of one address',
      POSTGRES,
    );
  }
  return leaf(ctx.negated, [fieldText], ipv4Glob(fieldText, value.network, value.prefixLength), 'and');
}

const COMPARE_OP = { lt: '<', lte: '<=', gt: '>', gte: '>=' } as const;

/**
 * A decimal number as PostgreSQL's numeric input reads it (surrounded by the ASCII white space it and
 * SQLite skip), bounded so the cast can never fail.
 */
const PG_NUMBER = '^[ \\t\\n\\v\\f\\r]*[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]{1,3})?[ \\t\\n\\v\\f\\r]*$';

function compareLeaf(ctx: LeafContext<CompareValue>): LeafRendering {
  const n = ctx.value.value;
  if (!Number.isFinite(n)) return unsupported(`the number ${String(n)}`, 'SQL has no literal for it');
  const op = COMPARE_OP[ctx.value.op];
  const f = ctx.fieldText;
  if (isPg(ctx.options)) {
    // numeric input raises on bad text; the CASE only casts text that matches PG_NUMBER (the
    // exponent is below numeric's limit of 1000 and the length bounds the digits).
    const positive = `CASE WHEN length(${f}) <= 1000 AND ${f} ~ ${sqlString(PG_NUMBER)} THEN CAST(${f} AS numeric) ${op} ${String(n)} ELSE FALSE END`;
    return ctx.negated ? fragment(`NOT ${positive}`, 'not') : fragment(positive);
  }
  // SQLite: `f = CAST(f AS NUMERIC)` holds for a number and for text that NUMERIC affinity turns into
  // a number ('5', '5.0', '1e3'), and not for other text ('abc' would CAST to 0) — datatype3.html §4.2:
  // the CAST has NUMERIC affinity, which the comparison applies to the other operand.
  return leaf(ctx.negated, [f], `${f} = CAST(${f} AS NUMERIC) AND CAST(${f} AS NUMERIC) ${op} ${String(n)}`, 'and');
}

function fieldRefLeaf(ctx: LeafContext<FieldRefValue>): LeafRendering {
  const other = ctx.value.field;
  const problem = checkIdentifier(other);
  if (problem !== null) return problem;
  const otherText = sqlIdentifier(other);
  const pg = isPg(ctx.options);
  // Compare as text (a number 5 and the text '5' are equal). Case: lower() folds exactly what LIKE
  // folds in SQLite (ASCII); in PostgreSQL what ILIKE folds (the database's LC_CTYPE).
  const asText = (f: string) => (pg ? f : `CAST(${f} AS TEXT)`);
  const fold = (f: string) => (ctx.value.cased ? asText(f) : `lower(${asText(f)})`);
  const a = fold(ctx.fieldText);
  const b = fold(otherText);
  const lengthA = `length(${asText(ctx.fieldText)})`;
  const lengthB = `length(${asText(otherText)})`;
  let positive: string;
  let binds: 'atom' | 'and' = 'atom';
  switch (ctx.value.match) {
    case 'equals':
      positive = `${a} = ${b}`;
      break;
    case 'startswith':
      positive = pg ? `strpos(${a}, ${b}) = 1` : `instr(${a}, ${b}) = 1`;
      break;
    case 'contains':
      positive = pg ? `strpos(${a}, ${b}) > 0` : `instr(${a}, ${b}) > 0`;
      break;
    case 'endswith':
      positive = pg
        ? `right(${a}, ${lengthB}) = ${b}`
        : `${lengthA} >= ${lengthB} AND substr(${a}, ${lengthA} - ${lengthB} + 1) = ${b}`;
      binds = pg ? 'atom' : 'and';
      break;
    default:
      return assertNever(ctx.value.match, 'fieldref match');
  }
  return leaf(ctx.negated, [ctx.fieldText, otherText], positive, binds);
}

/**
 * Time parts are read as written from ISO 8601 text `YYYY-MM-DD[T ]HH:MM...` (Sigma: "no timezone
 * handling"): a fixed-position substring compared with the zero-padded number, so nothing is cast.
 * Week numbers have several definitions (ISO 8601, %W, %U): refused.
 */
function timePartLeaf(ctx: LeafContext<TimePartValue>): LeafRendering {
  const { part, value } = ctx.value;
  if (part === 'week') {
    return unsupported('a week-number match', 'week numbers have several definitions (ISO 8601, Sunday- or Monday-based)');
  }
  const f = ctx.fieldText;
  const positions: Readonly<Record<typeof part, readonly [number, number]>> = {
    year: [1, 4],
    month: [6, 2],
    day: [9, 2],
    hour: [12, 2],
    minute: [15, 2],
  };
  const [start, width] = positions[part];
  const text = Number.isInteger(value) && value >= 0 ? String(value).padStart(width, '0') : null;
  if (text === null || text.length !== width) return fragment(ctx.negated ? '1 = 1' : '1 = 0');
  const withTime = part === 'hour' || part === 'minute';
  const shape = isPg(ctx.options)
    ? `${f} ~ ${sqlString(withTime ? '^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}' : '^[0-9]{4}-[0-9]{2}-[0-9]{2}')}`
    : `${f} GLOB ${sqlString(`[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]${withTime ? '[Tt ][0-9][0-9]:[0-9][0-9]' : ''}*`)}`;
  return leaf(ctx.negated, [f], `${shape} AND substr(${f}, ${start}, ${width}) = ${sqlString(text)}`, 'and');
}

// ---------------------------------------------------------------------------------------------------
// Keywords

/** A keyword is a substring of the raw event text: `*value*` on the column RAW_COLUMN. */
function keywordLeaf(value: RenderValue, negated: boolean, options: TargetOptionValues): LeafRendering {
  const raw = sqlIdentifier(RAW_COLUMN);
  switch (value.kind) {
    case 'string': {
      const star: PatternPart = { kind: 'wildcard-multi' };
      return stringTest(raw, { ...value, parts: normalizeParts([star, ...value.parts, star]) }, negated, options);
    }
    case 'number': {
      if (!Number.isFinite(value.value)) return unsupported(`the number ${String(value.value)}`, 'SQL has no literal for it');
      const parts: PatternPart[] = [{ kind: 'wildcard-multi' }, { kind: 'literal', text: String(value.value) }, { kind: 'wildcard-multi' }];
      return stringTest(raw, { kind: 'string', parts, cased: false }, negated, options);
    }
    case 'regex':
      return regexTest(raw, value, negated, options);
    default:
      return unsupported(`a ${value.kind} keyword`, 'a keyword must be a string, a number or a regular expression');
  }
}

// ---------------------------------------------------------------------------------------------------
// Value lists on one field

/*
 * The engine hands a run of same-field values of an OR to the fold. Numbers become one `IN (...)`;
 * strings stay one comparison each. Strings are folded so a negated list reads `f IS NULL OR (f NOT
 * LIKE a AND ...)` rather than one `f IS NULL OR ...` per value. The chain is grouped as the engine
 * groups its own (MAX_CHAIN, BooleanSyntax.maxChain): SQLite refuses a parse tree deeper than 1000
 * (SQLITE_MAX_EXPR_DEPTH, limits.html), and the corpus has lists of thousands of hashes. An item is the
 * value's comparison (SqlFoldItem).
 */
const MAX_CHAIN = 100;
const GROUP = { open: '(', close: ')' } as const;
/** One value of a folded list: its comparison and the comparison's negation, or a number of the IN list. */
interface SqlFoldItem {
  readonly op: string;
  readonly notOp: string;
  readonly right: string;
}

function foldItem(value: PatternStringValue | NumberValue, options: TargetOptionValues): SqlFoldItem | null {
  if (value.kind === 'number') {
    const items = numberItems(value.value, options);
    return items === null ? null : { op: 'IN', notOp: 'NOT IN', right: items };
  }
  const c = stringComparison(value, options);
  return c === 'any' || c.kind === 'unsupported' ? null : { op: c.op, notOp: c.notOp, right: c.right };
}

function foldRender(fieldText: string, decoded: readonly SqlFoldItem[], negated: boolean): Fragment {
  // All numbers of the run share one IN list, where the first of them stood.
  const numbers = decoded.filter((d) => d.op === 'IN').map((d) => d.right);
  const tests: string[] = [];
  let listed = false;
  for (const d of decoded) {
    if (d.op !== 'IN') tests.push(`${fieldText} ${negated ? d.notOp : d.op} ${d.right}`);
    else if (!listed) {
      listed = true;
      tests.push(`${fieldText} ${negated ? 'NOT IN' : 'IN'} (${numbers.join(', ')})`);
    }
  }
  if (!negated) return tests.length === 1 ? fragment(tests[0] ?? '') : fragment(joinTexts(tests, ' OR ', GROUP, MAX_CHAIN), 'or');
  // NOT (a OR b) for Sigma: the field is absent, or it is present and every test fails.
  const all = tests.length === 1 ? (tests[0] ?? '') : `(${joinTexts(tests, ' AND ', GROUP, MAX_CHAIN)})`;
  return fragment(`${fieldText} IS NULL OR ${all}`, 'or');
}

// ---------------------------------------------------------------------------------------------------

export const sql: TargetDeclaration<'sql'> = {
  id: 'sql',
  title: 'SQL (SQLite; PostgreSQL with the option postgres)',
  summary:
    'SELECT * FROM <table> WHERE <condition>, over one table with a column per field (NULL when absent). ' +
    'SQLite by default (LIKE ... ESCAPE, GLOB, a caller-registered regexp() with PCRE semantics); ' +
    'PostgreSQL with the option postgres (text columns; ILIKE, POSIX regular expressions, inet). ' +
    'NOT is written per leaf so that an absent field makes a negated match true.',
  language: {
    name: 'SQL',
    boolean: {
      and: ' AND ',
      or: ' OR ',
      not: { open: 'NOT ', close: '' },
      precedence: { not: 3, and: 2, or: 1 },
      group: GROUP,
      groupMixed: true,
      always: '1 = 1',
      never: '1 = 0',
      negation: 'push-to-leaves',
      maxChain: MAX_CHAIN,
    },
    fieldName: (name) => checkIdentifier(name) ?? sqlIdentifier(name),
    values: {
      string: (ctx) => stringTest(ctx.fieldText, ctx.value, ctx.negated, ctx.options),
      number: numberLeaf,
      boolean: booleanLeaf,
      null: (ctx) => fragment(`${ctx.fieldText} ${ctx.negated ? 'IS NOT NULL' : 'IS NULL'}`),
      regex: (ctx) => regexTest(ctx.fieldText, ctx.value, ctx.negated, ctx.options),
      cidr: cidrLeaf,
      compare: compareLeaf,
      exists: (ctx) => fragment(`${ctx.fieldText} ${ctx.value.exists !== ctx.negated ? 'IS NOT NULL' : 'IS NULL'}`),
      fieldref: fieldRefLeaf,
      timepart: timePartLeaf,
    },
    keyword: (ctx) => keywordLeaf(ctx.value, ctx.negated, ctx.options),
    listFold: listFold({ minItems: 2, item: foldItem, render: foldRender }),
  },
  postFilter: OFF,
  source: {
    stateKey: 'table',
    stateLimitsSource: true,
    default: DEFAULT_TABLE,
    note: `the table "${DEFAULT_TABLE}" unless a source is given; a dotted source (schema.table) names a schema`,
    write: (source) => {
      const names = source.split('.');
      for (const name of names) {
        const problem = identifierProblem(name);
        if (problem !== null) return unsupported(`the table name '${source}'`, problem);
      }
      return names.map(sqlIdentifier).join('.');
    },
  },
  embedAs: 'whole',
  fileExtension: 'sql',
  options: [
    {
      name: POSTGRES,
      summary: 'your events are in PostgreSQL, in text columns',
      description:
        'Write PostgreSQL instead of SQLite: ILIKE, POSIX regular expressions (~), inet for cidr, and ' +
        'number/boolean values compared as text (the event table has text columns).',
      default: false,
    },
    {
      name: TIMESTAMP_OPTION,
      summary: 'the column holding each event\'s time (correlation rules)',
      description:
        `The column holding each event's time, for correlation rules (default ${DEFAULT_TIMESTAMP_COLUMN}). SQLite: ISO-8601 text ` +
        "read as whole microseconds (unixepoch(col) and the fraction's digits); PostgreSQL: a timestamptz (or text cast to it).",
      default: DEFAULT_TIMESTAMP_COLUMN,
    },
  ],
  supportNotes: {
    'string-exact': 'LIKE folds ASCII letters; other letters match their case forms through GLOB/~ classes',
    cased: 'SQLite GLOB, PostgreSQL LIKE',
    number: 'SQLite: the number or its text; PostgreSQL: text columns',
    boolean: "SQLite 1/0 or 'true'/'false'; PostgreSQL 'true'/'false' text (any case)",
    null: 'an absent field is NULL',
    exists: 'an absent field is NULL (a present NULL counts as absent)',
    regex: "SQLite: the caller registers regexp() with PCRE semantics; PostgreSQL: translated to ~ (some PCRE syntax refused)",
    'regex-in-or': 'see re',
    'cidr-v4': "SQLite: exact text test of a dotted-quad address; PostgreSQL: ::inet, cast only after a shape check",
    compare: 'a number, or text the engine reads as a number',
    fieldref: 'compared as text; case folding as LIKE (SQLite) / ILIKE (PostgreSQL)',
    'fieldref-contains': 'compared as text',
    timepart: 'ISO 8601 text, read as written (no time zone conversion); week refused',
    keyword: `substring of the column "${RAW_COLUMN}"`,
    'list-fold': 'numbers only (IN)',
  },
  correlation: sqlCorrelation,
};
