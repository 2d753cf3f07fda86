import type { FieldRefValue, RegexValue, StringValue } from '../../ast/value.js';
import {
  escapeRegexLiteral,
  isPatternParts,
  mapParts,
  type PatternPart,
  partsToRegex,
  stringShape,
} from '../../lower/string-shape.js';
import {
  listFold,
  fragment,
  type Fragment,
  type KeywordContext,
  type LeafContext,
  type LeafRendering,
  OFF,
  postFilter,
  type QueryLanguage,
  type TargetDeclaration,
  unsupported,
} from '../../lower/target.js';
import { evalFieldName, quote } from './spl-text.js';
import { splunkCorrelation } from './correlation.js';

/*
 * Splunk SPL: a `search` expression, plus an exact `| where` post-filter when the search language
 * cannot say what the rule says. Sources (Splunk Search Manual / Search Reference, 9.x):
 * - "Backslashes": `\\` is a literal backslash; the backslash cannot escape `*`, which is always a
 *   wildcard in search strings. There is no single-character wildcard (`?` is literal).
 * - "Boolean expressions": operators are upper case; search evaluates NOT, then OR, then AND;
 *   eval/where evaluate NOT, then AND, then OR.
 * - "Types of expressions": eval string literals are double-quoted; `\\` is a backslash, `\"` a quote,
 *   and `\t` etc. are escapes, so every backslash is doubled.
 * - "SPL and regular expressions": match() uses PCRE, unanchored.
 * - search command: "supports IPv4 and IPv6 addresses and subnets that use CIDR notation".
 * - "Use CASE() and TERM()": searches are case-insensitive by default.
 */

// ---------------------------------------------------------------------------------------------------
// search language


/** Field names the search command takes bare; anything else is refused (rename it with a pipeline). */
const SEARCH_FIELD = /^[A-Za-z0-9_][A-Za-z0-9_.\-@{}]*$/;
/**
 * Search operators (docs "Boolean expressions": upper case only; lower case they are terms): `NOT="x"`
 * reads as the operator NOT. IN is the `field IN (...)` operator: refused too, on the safe side.
 */
const SEARCH_OPERATOR = /^(?:NOT|AND|OR|IN)$/;

/**
 * The parts as the inside of a search string. Search cannot say a literal `*` or a `?`: both become
 * the wildcard `*`, a superset (exact only when `searchRefusal` is null).
 */
function searchText(parts: readonly PatternPart[]): string {
  return mapParts(parts, SEARCH_TEXT);
}

const SEARCH_TEXT = { literal: (text: string): string => text, multi: '*', single: '*' } as const;

/** Why `searchText` is not exact for these parts (the first part search cannot say), or null. */
function searchRefusal(parts: readonly PatternPart[]): string | null {
  for (const part of parts) {
    if (part.kind === 'wildcard-single') return 'Splunk search has no single-character wildcard (?)';
    if (part.kind === 'literal' && part.text.includes('*')) {
      return 'Splunk search cannot escape a literal * (it is always a wildcard)';
    }
  }
  return null;
}

function searchString(ctx: LeafContext<StringValue>): LeafRendering {
  const { value, fieldText } = ctx;
  if (!isPatternParts(value.parts)) return unsupported('a placeholder', 'it was not resolved');
  const term = fragment(`${fieldText}=${quote(searchText(value.parts))}`);
  const refusal = searchRefusal(value.parts);
  if (refusal !== null) return postFilter(refusal, term);
  if (value.cased) return postFilter('Splunk search matches values case-insensitively (cased)', term);
  return term;
}

function searchRegex(ctx: LeafContext<RegexValue>): LeafRendering {
  // A `| regex` stage would turn an OR around it into AND; the engine moves the whole conjunct.
  // No pre-filter superset: a regex can match an empty value, which `F=*` may not match.
  return postFilter(`Splunk search has no regular expressions (field ${ctx.field})`);
}

/** A keyword: a quoted full-text term (also used inside where's searchmatch()). */
function searchKeyword(ctx: KeywordContext): LeafRendering {
  const value = ctx.value;
  if (value.kind === 'number') return fragment(quote(String(value.value)));
  if (value.kind === 'regex') return postFilter('Splunk search has no regular expressions');
  if (value.kind !== 'string') return unsupported(`a ${value.kind} keyword`, 'a keyword must be a string');
  if (!isPatternParts(value.parts)) return unsupported('a placeholder', 'it was not resolved');
  if (value.cased) {
    return unsupported('a case-sensitive keyword (cased)', 'Splunk full-text search is case-insensitive');
  }
  const refusal = searchRefusal(value.parts);
  if (refusal !== null) return unsupported('this keyword', `${refusal}, and full-text search has no exact fallback`);
  return fragment(quote(searchText(value.parts)));
}

const searchLanguage: QueryLanguage = {
  name: 'search',
  boolean: {
    and: ' ',
    or: ' OR ',
    not: { open: 'NOT ', close: '' },
    precedence: { not: 4, or: 3, and: 2 },
    group: { open: '(', close: ')' },
    groupMixed: true,
    always: '*',
    never: unsupported('a condition that matches no event', 'the search language has no "false" term'),
    negation: 'operator', // docs: NOT field="x" also matches events without the field
  },
  fieldName: (name) =>
    !SEARCH_FIELD.test(name)
      ? unsupported(`the field name '${name}'`, 'Splunk search cannot write it bare; rename it with a pipeline')
      : SEARCH_OPERATOR.test(name)
        ? unsupported(`the field name '${name}'`, 'Splunk search reads it as an operator; rename it with a pipeline')
        : name,
  values: {
    string: searchString,
    number: (ctx) => fragment(`${ctx.fieldText}=${String(ctx.value.value)}`),
    boolean: (ctx) => fragment(`${ctx.fieldText}=${quote(String(ctx.value.value))}`),
    null: (ctx) => fragment(`NOT ${ctx.fieldText}=*`, 'not'),
    regex: searchRegex,
    cidr: (ctx) => fragment(`${ctx.fieldText}=${quote(ctx.value.network)}`),
    // Search compares text when a value is not numeric; only where's tonumber() is exact.
    compare: (ctx) => postFilter('Splunk search compares non-numeric values as text', fragment(`${ctx.fieldText}=*`)),
    exists: (ctx) =>
      ctx.value.exists ? fragment(`${ctx.fieldText}=*`) : fragment(`NOT ${ctx.fieldText}=*`, 'not'),
    // No superset: two empty values are equal, and `F=*` may not match an empty value.
    fieldref: () => postFilter('Splunk search cannot compare two fields'),
    timepart: unsupported(
      'a time-part match (minute/hour/day/week/month/year)',
      'Splunk cannot extract a date part from an arbitrary field without knowing its format',
    ),
  },
  keyword: searchKeyword,
  listFold: listFold({
    minItems: 2,
    item: (value) => {
      if (value.kind === 'number') return String(value.value);
      if (value.cased || !isPatternParts(value.parts) || searchRefusal(value.parts) !== null) return null;
      return quote(searchText(value.parts));
    },
    // docs: "field IN (value-list)" takes wildcards
    render: (fieldText, items) => fragment(`${fieldText} IN (${items.join(', ')})`),
  }),
};

// ---------------------------------------------------------------------------------------------------
// where language (eval expressions)


/**
 * A PCRE matching exactly the Sigma string: `(?i)` unless cased, `(?s)` so `*` spans newlines,
 * anchored with `^` and `\z` (`$` would also match before a final newline) only on the sides without
 * a leading/trailing `*`.
 */
export function sigmaStringToPcre(parts: readonly PatternPart[], cased: boolean): string {
  const shape = stringShape(parts);
  let body: string;
  switch (shape.kind) {
    case 'contains':
      body = escapeRegexLiteral(shape.text);
      break;
    case 'prefix':
      body = `^${escapeRegexLiteral(shape.text)}`;
      break;
    case 'suffix':
      body = `${escapeRegexLiteral(shape.text)}\\z`;
      break;
    case 'any':
      body = '';
      break;
    case 'exact':
    case 'pattern':
      body = `^${partsToRegex(parts, REGEX_TOKENS)}\\z`;
      break;
  }
  // `.` only appears for wildcards inside a pattern (an exact value has none); it must match newlines.
  const flags = `${cased ? '' : 'i'}${shape.kind === 'pattern' ? 's' : ''}`;
  return flags === '' ? body : `(?${flags})${body}`;
}

const REGEX_TOKENS = { multi: '.*', single: '.' } as const;

/** A where leaf; negated (push-to-leaves): true when the field is absent, as Sigma's `not` requires. */
function whereLeaf(ctx: { negated: boolean; fieldText: string }, positive: string): Fragment {
  return ctx.negated
    ? fragment(`isnull(${ctx.fieldText}) OR NOT ${positive}`, 'or')
    : fragment(positive);
}

function whereFieldRef(ctx: LeafContext<FieldRefValue>): LeafRendering {
  const other = evalFieldName(ctx.value.field);
  if (other === null) return unsupported(`the field name '${ctx.value.field}'`, 'an eval field name cannot contain \' or \\');
  const fold = (f: string) => (ctx.value.cased ? f : `lower(${f})`);
  const a = fold(ctx.fieldText);
  const b = fold(other);
  let test: string;
  switch (ctx.value.match) {
    case 'equals':
      test = `${a}==${b}`;
      break;
    case 'startswith':
      test = `substr(${a}, 1, len(${other}))==${b}`;
      break;
    case 'endswith':
      test = `(len(${ctx.fieldText})>=len(${other}) AND substr(${a}, len(${ctx.fieldText})-len(${other})+1)==${b})`;
      break;
    case 'contains':
      return unsupported(
        'a fieldref contains match',
        'Splunk eval has no substring test between two fields (like() and match() would read the field as a pattern)',
      );
  }
  return ctx.negated
    ? fragment(`isnull(${ctx.fieldText}) OR isnull(${other}) OR NOT ${test}`, 'or')
    : fragment(test);
}

const whereLanguage: QueryLanguage = {
  name: 'where',
  boolean: {
    and: ' AND ',
    or: ' OR ',
    not: { open: 'NOT ', close: '' },
    precedence: { not: 3, and: 2, or: 1 },
    group: { open: '(', close: ')' },
    groupMixed: true,
    always: unsupported('an always-true post-filter', 'never needed'),
    never: unsupported('an always-false post-filter', 'never needed'),
    // eval functions return null for a null (absent) field and NOT null is not true, so each leaf
    // writes its own negation with isnull().
    negation: 'push-to-leaves',
  },
  fieldName: (name) =>
    evalFieldName(name) ?? unsupported(`the field name '${name}'`, "an eval field name cannot contain ' or \\"),
  values: {
    string: (ctx) => {
      if (!isPatternParts(ctx.value.parts)) return unsupported('a placeholder', 'it was not resolved');
      const re = sigmaStringToPcre(ctx.value.parts, ctx.value.cased);
      return whereLeaf(ctx, `match(${ctx.fieldText}, ${quote(re)})`);
    },
    number: (ctx) => whereLeaf(ctx, `${ctx.fieldText}==${String(ctx.value.value)}`),
    boolean: (ctx) => whereLeaf(ctx, `match(${ctx.fieldText}, ${quote(`(?i)^${String(ctx.value.value)}\\z`)})`),
    null: (ctx) => fragment(ctx.negated ? `isnotnull(${ctx.fieldText})` : `isnull(${ctx.fieldText})`),
    regex: (ctx) => whereLeaf(ctx, `match(${ctx.fieldText}, ${quote(regexWithFlags(ctx.value))})`),
    cidr: (ctx) => whereLeaf(ctx, `cidrmatch(${quote(ctx.value.network)}, ${ctx.fieldText})`),
    compare: (ctx) => {
      const op = { lt: '<', lte: '<=', gt: '>', gte: '>=' }[ctx.value.op];
      const n = `tonumber(${ctx.fieldText})`;
      const test = `${n}${op}${String(ctx.value.value)}`;
      return ctx.negated ? fragment(`isnull(${n}) OR NOT ${test}`, 'or') : fragment(test);
    },
    exists: (ctx) =>
      fragment(ctx.value.exists !== ctx.negated ? `isnotnull(${ctx.fieldText})` : `isnull(${ctx.fieldText})`),
    fieldref: whereFieldRef,
    timepart: unsupported(
      'a time-part match (minute/hour/day/week/month/year)',
      'Splunk cannot extract a date part from an arbitrary field without knowing its format',
    ),
  },
  keyword: (ctx) => {
    const value = ctx.value;
    let positive: string;
    if (value.kind === 'regex') {
      positive = `match(_raw, ${quote(regexWithFlags(value))})`;
    } else {
      // searchmatch() applies the search language's own full-text semantics inside where.
      const rendered = searchKeyword({ value, negated: false, options: ctx.options });
      if (rendered.kind !== 'fragment') return rendered;
      positive = `searchmatch(${quote(rendered.text)})`;
    }
    return ctx.negated ? fragment(`NOT ${positive}`, 'not') : fragment(positive);
  },
  listFold: OFF,
};

function regexWithFlags(value: RegexValue): string {
  const flags = `${value.flags.ignoreCase ? 'i' : ''}${value.flags.multiline ? 'm' : ''}${value.flags.dotAll ? 's' : ''}`;
  return flags === '' ? value.pattern : `(?${flags})${value.pattern}`;
}


export const splunk: TargetDeclaration<'splunk'> = {
  id: 'splunk',
  title: 'Splunk SPL',
  summary:
    'A Splunk search (case-insensitive field=value terms, NOT/OR/AND with explicit parentheses). Where the ' +
    'search language cannot be exact (a literal *, ?, cased, re, fieldref, numeric comparison), the ' +
    'matching conditions move to one exact `| where` stage and the search keeps a superset as pre-filter.',
  language: searchLanguage,
  postFilter: { kind: 'post-filter-stage', language: whereLanguage },
  source: {
    stateKey: 'index',
    stateLimitsSource: true,
    default: null,
    note: 'no index by default: Splunk then searches the default indexes of your role; pass a source to name one',
    write: (name) =>
      /^[A-Za-z0-9_*][A-Za-z0-9_\-*]*$/.test(name)
        ? name
        : unsupported(`the index name '${name}'`, 'Splunk index names use letters, digits, _ and -'),
  },
  // The template parenthesises the expression after `index=...`.
  embedAs: 'whole',
  fileExtension: 'spl',
  options: [],
  correlation: splunkCorrelation,
  supportNotes: {
    'string-empty': "Splunk often drops empty fields at extraction; then '' never matches",
    null: 'NOT field=*; also true for an empty value Splunk did not extract',
    keyword: 'Splunk full-text: a term or phrase in _raw, not a substring',
    'regex-in-or': 'the whole OR moves to one where expression',
  },
};
