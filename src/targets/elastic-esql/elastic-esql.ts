import { esqlCorrelation } from './correlation.js';
import type {
  BooleanValue,
  CidrValue,
  CompareValue,
  FieldRefValue,
  NumberValue,
  TimePartValue,
} from '../../ast/value.js';
import { assertNever } from '../../diagnostics/assert-never.js';
import { nullGuardedLeaf, nullGuardedMatch } from '../../lower/null-guard.js';
import { normalizeParts } from '../../value/sigma-string.js';
import { literalChars, type PatternPart, stringShape } from '../../lower/string-shape.js';
import {
  listFold,
  fragment,
  type Fragment,
  type LeafContext,
  type LeafRendering,
  type PatternStringValue,
  type RenderValue,
  type TargetDeclaration,
  type Unsupported,
  unsupported,
} from '../../lower/target.js';
import { asString, kindOfText } from './ecs-types.js';
import { esqlRegex } from './esql-regex.js';
import {
  asciiCased,
  caseInsensitiveRegex,
  esqlFieldName,
  esqlString,
  fieldNameOfText,
  fieldNameProblem,
  likeMisreadWhenLowered,
  likePattern,
  needsLowering,
  numberLiteral,
  toLowerRoot,
  unwritableText,
} from './esql-text.js';
import { foldItem, foldRender, GROUP, MAX_CHAIN, numberSides } from './esql-list.js';

/*
 * Elastic ES|QL: `FROM <index pattern> | WHERE <condition>`. Facts about the language are cited in
 * esql-text.ts (literals, identifiers, LIKE) and ecs-types.ts (field types); the README explains every
 * choice.
 *
 * NOT: ES|QL has SQL's three-valued logic: a comparison on a NULL (absent) field is NULL, NOT NULL is
 * NULL, and WHERE keeps only TRUE rows ("Working with NULL values",
 * https://www.elastic.co/docs/reference/query-languages/esql/esql-null-values). So, like the sql
 * target, the declaration says `negation: 'push-to-leaves'` and every leaf writes its own negation to be
 * TRUE when the field is NULL (src/lower/null-guard.ts).
 *
 * Typing: ES|QL is strictly typed (LIKE on a long, or a keyword compared with a number, is a
 * verification error that fails the query). Fields whose type is known (ecs-types.ts) are compared as
 * they are; for other fields a form every type accepts is written: TO_STRING(f) for text tests,
 * TO_DOUBLE(f) for numeric comparisons, TO_IP(f) for cidr.
 */

/** The index pattern queried when neither the caller nor the pipeline names one. */
const DEFAULT_INDEX = 'logs-*';


// ---------------------------------------------------------------------------------------------------
// Strings

/** One comparison `<left> <op> <right>`; `notOp` is its negation on a non-NULL field. */
interface Comparison {
  readonly kind: 'comparison';
  readonly left: string;
  readonly op: '==' | 'LIKE' | 'RLIKE';
  readonly right: string;
}

const NOT_OP = { '==': '!=', LIKE: 'NOT LIKE', RLIKE: 'NOT RLIKE' } as const;

/** A comparison on the leaf's field, or its Sigma negation (TRUE when the field is NULL). */
function comparisonLeaf(negated: boolean, fieldText: string, c: Comparison): Fragment {
  return nullGuardedMatch(negated, fieldText, c.op, NOT_OP[c.op], c.right, c.left);
}

/** The literal of `n`, or a refusal naming it (NaN and the infinities have none). */
function writeNumber(n: number): string | Unsupported {
  return numberLiteral(n) ?? unsupported(`the number ${String(n)}`, 'ES|QL has no literal for it');
}

/**
 * A Sigma string on one field:
 * - `*` alone: any present value (`IS NOT NULL`);
 * - no wildcard: `==`; with wildcards: LIKE (whole value, `*` and `?`, `\` escapes);
 * - case-insensitive with letters: `TO_LOWER(f)` against the lowercased value when its letters are
 *   ASCII, else RLIKE with a class of both cases for each letter (asciiCased says why);
 * - a field not known to be a string type is read through TO_STRING.
 */
function stringComparison(fieldText: string, value: PatternStringValue): Comparison | 'any' | Unsupported {
  const parts = normalizeParts(value.parts);
  const text = literalChars(parts);
  const bad = unwritableText(text);
  if (bad !== null) return unsupported(`the value '${text}'`, bad);
  const shape = stringShape(parts);
  if (shape.kind === 'any') return 'any';
  const lower = needsLowering(value, text);
  const base = asString(fieldText, kindOfText(fieldText));
  if (lower && (!asciiCased(text) || (shape.kind !== 'exact' && likeMisreadWhenLowered(text)))) {
    return { kind: 'comparison', left: base, op: 'RLIKE', right: esqlString(caseInsensitiveRegex(parts)) };
  }
  const left = lower ? `TO_LOWER(${base})` : base;
  if (shape.kind === 'exact') return { kind: 'comparison', left, op: '==', right: esqlString(lower ? toLowerRoot(shape.text) : shape.text) };
  return { kind: 'comparison', left, op: 'LIKE', right: esqlString(likePattern(parts, lower)) };
}

function stringLeaf(ctx: LeafContext<PatternStringValue>): LeafRendering {
  const c = stringComparison(ctx.fieldText, ctx.value);
  if (c === 'any') return fragment(`${ctx.fieldText} ${ctx.negated ? 'IS NULL' : 'IS NOT NULL'}`);
  if (c.kind === 'unsupported') return c;
  return comparisonLeaf(ctx.negated, ctx.fieldText, c);
}

// ---------------------------------------------------------------------------------------------------
// Numbers and booleans

/**
 * A number equals a numeric field's value, or a string field's text (Windows logs keep numbers as
 * text: event.code is a keyword). A field of unknown type is compared as text through TO_STRING,
 * which accepts every type.
 */
function numberComparison(fieldText: string, n: number): Comparison | Unsupported {
  const literal = writeNumber(n);
  if (typeof literal !== 'string') return literal;
  return { kind: 'comparison', op: '==', ...numberSides(fieldText, literal) };
}

function numberLeaf(ctx: LeafContext<NumberValue>): LeafRendering {
  const c = numberComparison(ctx.fieldText, ctx.value.value);
  if (c.kind === 'unsupported') return c;
  return comparisonLeaf(ctx.negated, ctx.fieldText, c);
}

/** A boolean is matched as its text, case-insensitively (as the other targets do). */
function booleanLeaf(ctx: LeafContext<BooleanValue>): LeafRendering {
  const left = `TO_LOWER(${asString(ctx.fieldText, kindOfText(ctx.fieldText))})`;
  return nullGuardedMatch(ctx.negated, ctx.fieldText, '==', '!=', esqlString(String(ctx.value.value)), left);
}

// ---------------------------------------------------------------------------------------------------
// cidr, compare, fieldref, timepart

/**
 * A test that is NULL on a present field whose text does not convert (TO_IP, TO_DOUBLE return NULL with
 * a warning) is negated as `NOT COALESCE(test, FALSE)`: TRUE for an absent field and for such text.
 */
function convertedLeaf(negated: boolean, positive: string): Fragment {
  return negated ? fragment(`NOT COALESCE(${positive}, FALSE)`, 'not') : fragment(positive);
}

/**
 * CIDR_MATCH(ip, block) takes an ip-typed value, IPv4 or IPv6
 * (https://www.elastic.co/docs/reference/query-languages/esql/functions-operators/ip-functions#esql-cidr_match);
 * a field not known to be an ip is converted with TO_IP (NULL for text that is not an address).
 */
function cidrLeaf(ctx: LeafContext<CidrValue>): LeafRendering {
  const f = ctx.fieldText;
  const network = esqlString(ctx.value.network);
  if (kindOfText(f) === 'ip') return nullGuardedLeaf(ctx.negated, [f], `CIDR_MATCH(${f}, ${network})`);
  return convertedLeaf(ctx.negated, `CIDR_MATCH(TO_IP(${f}), ${network})`);
}

const COMPARE_OP = { lt: '<', lte: '<=', gt: '>', gte: '>=' } as const;

/** A numeric comparison; a field not known to be numeric is read with TO_DOUBLE (text or number). */
function compareLeaf(ctx: LeafContext<CompareValue>): LeafRendering {
  const literal = writeNumber(ctx.value.value);
  if (typeof literal !== 'string') return literal;
  const f = ctx.fieldText;
  const op = COMPARE_OP[ctx.value.op];
  const kind = kindOfText(f);
  switch (kind) {
    case 'number':
      return nullGuardedLeaf(ctx.negated, [f], `${f} ${op} ${literal}`);
    case 'string':
    case 'unknown':
      return convertedLeaf(ctx.negated, `TO_DOUBLE(${f}) ${op} ${literal}`);
    case 'ip':
    case 'date':
      return unsupported(`a numeric comparison of the ${kind} field '${fieldNameOfText(f)}'`, `an ${kind} is not a number`);
    default:
      return assertNever(kind, 'field kind');
  }
}

/**
 * Two fields compared as text (TO_STRING for a field not known to be a string), through TO_LOWER
 * unless cased. STARTS_WITH, ENDS_WITH and LOCATE are ES|QL string functions
 * (https://www.elastic.co/docs/reference/query-languages/esql/functions-operators/string-functions).
 */
function fieldRefLeaf(ctx: LeafContext<FieldRefValue>): LeafRendering {
  const other = ctx.value.field;
  const problem = fieldNameProblem(other);
  if (problem !== null) return unsupported(`the field name '${other}'`, problem);
  const otherText = esqlFieldName(other);
  const side = (f: string): string => {
    const s = asString(f, kindOfText(f));
    return ctx.value.cased ? s : `TO_LOWER(${s})`;
  };
  const a = side(ctx.fieldText);
  const b = side(otherText);
  let positive: string;
  switch (ctx.value.match) {
    case 'equals':
      positive = `${a} == ${b}`;
      break;
    case 'startswith':
      positive = `STARTS_WITH(${a}, ${b})`;
      break;
    case 'endswith':
      positive = `ENDS_WITH(${a}, ${b})`;
      break;
    case 'contains':
      positive = `LOCATE(${a}, ${b}) > 0`;
      break;
    default:
      return assertNever(ctx.value.match, 'fieldref match');
  }
  return nullGuardedLeaf(ctx.negated, [ctx.fieldText, otherText], positive);
}

/**
 * DATE_EXTRACT(part, date) with Java's ChronoField names
 * (https://www.elastic.co/docs/reference/query-languages/esql/functions-operators/date-time-functions#esql-date_extract),
 * on a date-typed field only (dates are stored in UTC). Week numbers have several definitions: refused.
 */
const CHRONO_FIELD = {
  minute: 'minute_of_hour',
  hour: 'hour_of_day',
  day: 'day_of_month',
  month: 'month_of_year',
  year: 'year',
} as const;

function timePartLeaf(ctx: LeafContext<TimePartValue>): LeafRendering {
  const { part, value } = ctx.value;
  if (part === 'week') {
    return unsupported('a week-number match', 'week numbers have several definitions (ISO 8601, Sunday- or Monday-based)');
  }
  const f = ctx.fieldText;
  if (kindOfText(f) !== 'date') {
    return unsupported(
      `a time-part match on the field '${fieldNameOfText(f)}'`,
      'DATE_EXTRACT needs a date-typed field, and this field is not known to be one (known: @timestamp, event.created, event.ingested)',
    );
  }
  return nullGuardedLeaf(ctx.negated, [f], `DATE_EXTRACT(${esqlString(CHRONO_FIELD[part])}, ${f}) == ${String(value)}`);
}

// ---------------------------------------------------------------------------------------------------
// Keywords

/**
 * The field keywords search: ECS `message`, the log line or the rendered event message
 * (https://www.elastic.co/guide/en/ecs/current/ecs-base.html#field-message). ES|QL's full-text
 * functions (MATCH, QSTR) go through the fields' analysers and are not a substring test, so a keyword is
 * a case-insensitive substring of this one field, as sql's is of its `_raw` column.
 */
export const KEYWORD_FIELD = 'message';

const KEYWORD_FIELD_TEXT = esqlFieldName(KEYWORD_FIELD);

function keywordLeaf(value: RenderValue, negated: boolean): LeafRendering {
  const fieldText = KEYWORD_FIELD_TEXT;
  const star: PatternPart = { kind: 'wildcard-multi' };
  switch (value.kind) {
    case 'string':
      return stringLeaf({ field: KEYWORD_FIELD, fieldText, negated, options: {}, value: { ...value, parts: normalizeParts([star, ...value.parts, star]) } });
    case 'number': {
      const literal = writeNumber(value.value);
      if (typeof literal !== 'string') return literal;
      const parts: PatternPart[] = [star, { kind: 'literal', text: literal }, star];
      return stringLeaf({ field: KEYWORD_FIELD, fieldText, negated, options: {}, value: { kind: 'string', parts, cased: false } });
    }
    case 'regex':
      return esqlRegex({ field: KEYWORD_FIELD, fieldText, negated, options: {}, value });
    default:
      return unsupported(`a ${value.kind} keyword`, 'a keyword must be a string, a number or a regular expression');
  }
}

// ---------------------------------------------------------------------------------------------------
// The source: index patterns

/**
 * FROM takes index patterns separated by commas; an unquoted source is any run of characters but
 * `: " = | , [ ] / ( )` and white space (lexer/From.g4). We accept the characters index names and
 * patterns use.
 */
function writeSource(source: string): string | Unsupported {
  const patterns = source.split(',').map((s) => s.trim());
  for (const p of patterns) {
    if (!/^[A-Za-z0-9_.*+\-][A-Za-z0-9_.*+\-]*$/.test(p) || p.toLowerCase() === 'metadata') {
      return unsupported(`the index pattern '${p}'`, 'ES|QL index patterns are written with letters, digits and _ . * + -');
    }
  }
  return patterns.join(', ');
}

// ---------------------------------------------------------------------------------------------------

export const elasticEsql: TargetDeclaration<'elastic-esql'> = {
  id: 'elastic-esql',
  title: 'Elastic ES|QL',
  summary:
    'FROM <index pattern> | WHERE <condition> in ES|QL, the piped query language of Elasticsearch 8.14+ ' +
    'and of Elastic Security\'s ES|QL rules. Exact without assumptions about the mapping: ' +
    'case-insensitive matching through TO_LOWER(field) LIKE, NULL-safe NOT, fields of unknown type ' +
    'compared through TO_STRING/TO_DOUBLE/TO_IP.',
  language: {
    name: 'ES|QL',
    boolean: {
      and: ' AND ',
      or: ' OR ',
      not: { open: 'NOT ', close: '' },
      precedence: { not: 3, and: 2, or: 1 },
      group: GROUP,
      groupMixed: true,
      always: 'TRUE',
      never: 'FALSE',
      negation: 'push-to-leaves',
      maxChain: MAX_CHAIN,
    },
    fieldName: (name) => {
      const problem = fieldNameProblem(name);
      return problem === null ? esqlFieldName(name) : unsupported(`the field name '${name}'`, problem);
    },
    values: {
      string: stringLeaf,
      number: numberLeaf,
      boolean: booleanLeaf,
      null: (ctx) => fragment(`${ctx.fieldText} ${ctx.negated ? 'IS NOT NULL' : 'IS NULL'}`),
      regex: esqlRegex,
      cidr: cidrLeaf,
      compare: compareLeaf,
      exists: (ctx) => fragment(`${ctx.fieldText} ${ctx.value.exists !== ctx.negated ? 'IS NOT NULL' : 'IS NULL'}`),
      fieldref: fieldRefLeaf,
      timepart: timePartLeaf,
    },
    keyword: (ctx) => keywordLeaf(ctx.value, ctx.negated),
    listFold: listFold({ minItems: 2, item: (value) => foldItem(value), render: foldRender }),
  },
  postFilter: { kind: 'off' },
  source: {
    stateKey: 'index',
    stateLimitsSource: false,
    default: DEFAULT_INDEX,
    note: `the index patterns of the pipeline's \`index\` state (ecs-windows: winlogbeat-*, logs-*), else ${DEFAULT_INDEX}`,
    write: writeSource,
  },
  embedAs: 'whole',
  fileExtension: 'esql',
  options: [],
  supportNotes: {
    'string-exact': 'TO_LOWER(field) against the lowercased value (ASCII letters); RLIKE with both cases of each letter when it has non-ASCII letters',
    number: 'numeric fields as numbers, string fields as text, others through TO_STRING',
    boolean: 'as the text true/false, any case',
    null: 'IS NULL: an absent field is NULL',
    exists: 'IS NOT NULL (a present null counts as absent)',
    regex: 'RLIKE with the PCRE translated to an exact Lucene regular expression (constructs Lucene lacks refused; i flag: ASCII letters)',
    'regex-in-or': 'see re',
    'cidr-v4': 'CIDR_MATCH; fields not known to be ip-typed through TO_IP',
    'cidr-v6': 'CIDR_MATCH; fields not known to be ip-typed through TO_IP',
    compare: 'fields not known to be numeric through TO_DOUBLE',
    fieldref: 'compared as text, through TO_LOWER unless cased',
    'fieldref-contains': 'LOCATE, compared as text',
    timepart: 'DATE_EXTRACT on date-typed fields only (@timestamp, ...); week refused',
    'list-fold': 'values without wildcards as IN lists',
    keyword: `a case-insensitive substring of the ECS field ${KEYWORD_FIELD}`,
  },
  correlation: esqlCorrelation,
};
