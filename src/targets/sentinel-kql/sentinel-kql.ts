import type { CidrValue, FieldRefValue, RegexValue } from '../../ast/value.js';
import { assertNever } from '../../diagnostics/assert-never.js';
import {
  isCaseless,
  literalChars,
  type PatternPart,
  partsToRegex,
  stringShape,
} from '../../lower/string-shape.js';
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
  unsupported,
} from '../../lower/target.js';
import { joinTexts } from '../../lower/chain.js';
import { networkBits } from '../../value/cidr.js';
import { hasWildcards } from '../../value/sigma-string.js';
import { kustoField, kustoName, kustoString } from './kusto-literal.js';
import { pcreToRe2 } from './re2.js';
import { sentinelCorrelation } from './correlation.js';

/*
 * Microsoft Sentinel / Kusto Query Language: `Table | where <expression>`. Facts (Kusto docs on
 * learn.microsoft.com, "String operators", "Null values", "Logical operators", "where operator",
 * "matches regex", "ipv4_is_in_range()", "ipv6_is_match()", "datetime_part()"), checked with Microsoft's
 * parser where it can tell (test/support/kusto.ts):
 * - `=~` `startswith` `endswith` `contains` `in~` are case-insensitive; `==` `startswith_cs`
 *   `endswith_cs` `contains_cs` `in` are case-sensitive. `has` matches whole terms: never used here.
 * - There is no wildcard operator: other shapes become `matches regex` (RE2, unanchored).
 * - A string column is never null: an absent value is "". "All filtering functions return false when
 *   compared with null values", and `==` of null and a non-null value is false, so `not(...)` of those
 *   is true on an absent field, as Sigma's `not` requires. Other operators (`>`, functions such as
 *   ipv4_is_in_range) return null there, and not(null) is null (the row is dropped): such tests are
 *   made total with `coalesce(test, false)`.
 * - `and` binds tighter than `or`; `not()` is a function.
 * - A dotted field name is a path into a dynamic column (`EventData.Image`, WindowsEvent's event data),
 *   read as tostring(EventData.Image): "" when the key is absent, like a string column (kusto-literal.ts).
 */


/** A field as text: tostring() of it, unless it is already one (a path into a dynamic column). */
function asText(fieldText: string): string {
  return /^tostring\([^()]*\)$/.test(fieldText) ? fieldText : `tostring(${fieldText})`;
}

const REGEX_TOKENS = { multi: '.*', single: '.' } as const;

/**
 * An RE2 pattern matching exactly the Sigma string, as inline flags and a body: anchored with `^` / `$`
 * on the sides without a `*` (RE2 without the m flag: `$` is the end of text, not before a final
 * newline), `i` unless cased (or the text has no case), `s` when a wildcard is written `.` so it also
 * matches line breaks. `anchored: false` (keywords) searches anywhere: edge `*` say nothing then.
 */
function re2Parts(parts: readonly PatternPart[], cased: boolean, anchored: boolean): { flags: string; body: string } {
  const startsFree = parts[0]?.kind === 'wildcard-multi';
  const endsFree = parts[parts.length - 1]?.kind === 'wildcard-multi';
  // The parts between the edge `*`s (`*` alone is both edges); a copy only when there is one to leave out.
  const start = startsFree ? 1 : 0;
  const end = endsFree && parts.length > start ? parts.length - 1 : parts.length;
  const body = start > 0 || end < parts.length ? parts.slice(start, end) : parts;
  const regex =
    `${anchored && !startsFree ? '^' : ''}${partsToRegex(body, REGEX_TOKENS)}${anchored && !endsFree ? '$' : ''}`;
  const flags = `${cased || isCaseless(literalChars(parts)) ? '' : 'i'}${hasWildcards(body) ? 's' : ''}`;
  return { flags, body: regex };
}

export function sigmaStringToRe2(parts: readonly PatternPart[], cased: boolean, anchored = true): string {
  const { flags, body } = re2Parts(parts, cased, anchored);
  return flags === '' ? body : `(?${flags})${body}`;
}

/** The test for one Sigma string on a field (also used for list members). */
function stringTest(f: string, parts: readonly PatternPart[], cased: boolean): string {
  const cs = cased ? '_cs' : '';
  const shape = stringShape(parts);
  switch (shape.kind) {
    case 'exact':
      // '' is the value an absent string column has too: Kusto cannot tell them apart (README).
      if (shape.text === '') return `isempty(${f})`;
      return `${f} ${cased ? '==' : '=~'} ${kustoString(shape.text)}`;
    case 'prefix':
      return `${f} startswith${cs} ${kustoString(shape.text)}`;
    case 'suffix':
      return `${f} endswith${cs} ${kustoString(shape.text)}`;
    case 'contains':
      return `${f} contains${cs} ${kustoString(shape.text)}`;
    case 'any':
      return `isnotempty(${f})`;
    case 'pattern':
      // startswith + endswith is not `a*b` (they may overlap: "ab" for `ab*b`); a regex is exact.
      return `${f} matches regex ${kustoString(sigmaStringToRe2(shape.parts, cased))}`;
  }
}

function stringLeaf(ctx: LeafContext<PatternStringValue>): LeafRendering {
  return fragment(stringTest(ctx.fieldText, ctx.value.parts, ctx.value.cased));
}

// ---------------------------------------------------------------------------------------------------
// Lists. The engine hands every string and number of one field in an `or` to the fold; an item is
// the value itself (ListItem) so render sees what each value is. Case-insensitive exact values (and numbers) become one
// `in~` / `in` where the first of them stood; the rest stay separate tests in their order, except in
// long lists (hash and indicator lists of hundreds of values), which become one `matches regex`
// alternation: Microsoft's parser gives up ("syntax depth exceeds maximum safe limit") on a chain of
// about 450 `or`s.

type ListItem =
  | { readonly number: number }
  | { readonly parts: readonly PatternPart[]; readonly cased: boolean };

/**
 * Chains longer than this are grouped in parentheses (BooleanSyntax.maxChain; the list fold's own
 * chain of separate tests likewise): Microsoft's parser refuses about 450 chained `or`s (KS245).
 */
const MAX_CHAIN = 100;
const GROUP = { open: '(', close: ')' } as const;

/** More wildcard tests than this for one field become one regular expression. */
export const LONG_LIST = 40;

function inListTest(fieldText: string, literals: readonly string[], hasNumber: boolean, hasString: boolean): string {
  if (!hasString) {
    // digits have no case: `==` / `in` on tostring() (int, real, string and dynamic columns alike)
    return literals.length === 1
      ? `${asText(fieldText)} == ${literals[0] ?? ''}`
      : `${asText(fieldText)} in (${literals.join(', ')})`;
  }
  const subject = hasNumber ? asText(fieldText) : fieldText;
  return literals.length === 1 ? `${subject} =~ ${literals[0] ?? ''}` : `${subject} in~ (${literals.join(', ')})`;
}

/** One test of a folded list, in order: the in-list, the regex alternation, or a value's own test. */
type ListTest = { readonly kind: 'in' } | { readonly kind: 'regex' } | { readonly kind: 'test'; readonly text: string };

function listRender(fieldText: string, items: readonly ListItem[]): Fragment {
  // Each string member's shape, found once (the count below and the loop both read it).
  const shapes = items.map((i) => ('parts' in i ? stringShape(i.parts) : undefined));
  const isLong = shapes.filter((shape) => shape !== undefined && shape.kind !== 'exact' && shape.kind !== 'any').length > LONG_LIST;
  const literals: string[] = [];
  let hasNumber = false;
  let hasString = false;
  const patterns: { flags: string; body: string }[] = [];
  // The in-list and the regex keep their first member's place; they are written once all members are known.
  const tests: ListTest[] = [];
  items.forEach((item, i) => {
    if ('number' in item) {
      if (literals.length === 0) tests.push({ kind: 'in' });
      literals.push(kustoString(String(item.number)));
      hasNumber = true;
      return;
    }
    const shape = shapes[i] ?? stringShape(item.parts);
    if (shape.kind === 'exact' && shape.text !== '' && !item.cased) {
      if (literals.length === 0) tests.push({ kind: 'in' });
      literals.push(kustoString(shape.text));
      hasString = true;
    } else if (isLong && shape.kind !== 'exact' && shape.kind !== 'any') {
      if (patterns.length === 0) tests.push({ kind: 'regex' });
      patterns.push(re2Parts(item.parts, item.cased, true));
    } else {
      tests.push({ kind: 'test', text: stringTest(fieldText, item.parts, item.cased) });
    }
  });
  const texts = tests.map((t): string => {
    switch (t.kind) {
      case 'in':
        return inListTest(fieldText, literals, hasNumber, hasString);
      case 'regex':
        return `${fieldText} matches regex ${kustoString(alternation(patterns))}`;
      case 'test':
        return t.text;
      default:
        return assertNever(t, 'list test');
    }
  });
  return fragment(joinTexts(texts, ' or ', GROUP, MAX_CHAIN), texts.length > 1 ? 'or' : 'atom');
}

/**
 * `a|b|c`: branches grouped by their flags (the order of branches does not change whether a value
 * matches), the flags hoisted when all branches share them, else one `(?flags:...)` group per set.
 */
function alternation(patterns: readonly { flags: string; body: string }[]): string {
  const byFlags = new Map<string, string[]>();
  for (const p of patterns) {
    const bodies = byFlags.get(p.flags);
    if (bodies === undefined) byFlags.set(p.flags, [p.body]);
    else bodies.push(p.body); // not a copy per branch: a list of thousands of hashes is one alternation
  }
  const groups = [...byFlags.entries()];
  const [first] = groups;
  if (groups.length === 1 && first !== undefined) {
    const [flags, bodies] = first;
    return `${flags === '' ? '' : `(?${flags})`}${bodies.join('|')}`;
  }
  return groups.map(([flags, bodies]) => (flags === '' ? bodies.join('|') : `(?${flags}:${bodies.join('|')})`)).join('|');
}

/** RE2 text with Sigma's flags as an inline prefix, or the refusal. */
function regexText(value: RegexValue): string | ReturnType<typeof unsupported> {
  const re2 = pcreToRe2(value.pattern, value.flags.multiline);
  if (!re2.ok) return unsupported(re2.construct, re2.reason);
  const { ignoreCase, multiline, dotAll } = value.flags;
  const flags = `${ignoreCase ? 'i' : ''}${multiline ? 'm' : ''}${dotAll ? 's' : ''}`;
  return kustoString(flags === '' ? re2.pattern : `(?${flags})${re2.pattern}`);
}

/** Kusto functions return null for an absent or unparsable value; not(null) would drop the row. */
function total(test: string): Fragment {
  return fragment(`coalesce(${test}, false)`);
}

const MAPPED = 0xffffn << 32n; // ::ffff:0:0/96, IPv4 addresses mapped into IPv6

function cidrLeaf(ctx: LeafContext<CidrValue>): LeafRendering {
  const { fieldText: f, value } = ctx;
  const network = kustoString(value.network);
  if (value.version === 4) return total(`ipv4_is_in_range(${f}, ${network})`);
  const test = total(`ipv6_is_match(${f}, ${network})`);
  // ipv6_is_match reads an IPv4 address as ::ffff:a.b.c.d. Sigma's IPv6 network never contains an
  // IPv4 address, so where the network overlaps ::ffff:0:0/96 the value must be IPv6 text (has a ':').
  const shared = BigInt(Math.min(value.prefixLength, 96));
  const bits = networkBits(value.network); // never null for a parsed CidrValue; null keeps the guard
  const overlaps = bits === null || bits >> (128n - shared) === MAPPED >> (128n - shared);
  return overlaps ? fragment(`${f} contains ":" and ${test.text}`, 'and') : test;
}

function fieldRefLeaf(ctx: LeafContext<FieldRefValue>): LeafRendering {
  const other = kustoField(ctx.value.field);
  if (other === undefined) return unsupported(`the field name \`${ctx.value.field}\``, 'a Kusto column needs a name in every part');
  const cs = ctx.value.cased ? '_cs' : '';
  // Both sides as text: the columns' types are not known here, and Kusto defines `=~` and the string
  // operators on strings only (`LocalPort =~ RemotePort`, two numbers, is a type error, KS106);
  // tostring() of a string is the string, of a number its digits, so equal values stay equal.
  const f = asText(ctx.fieldText);
  const g = asText(other);
  // Kusto stores an absent string as "", and Sigma's fieldref never matches an absent field: an
  // empty value is treated as absent here (otherwise `f startswith ""` would match every event).
  // isnotempty() takes any scalar (null and "" are empty), so it reads the column as it is.
  switch (ctx.value.match) {
    case 'equals':
      return fragment(`isnotempty(${ctx.fieldText}) and ${f} ${ctx.value.cased ? '==' : '=~'} ${g}`, 'and');
    case 'startswith':
      return fragment(`isnotempty(${other}) and ${f} startswith${cs} ${g}`, 'and');
    case 'endswith':
      return fragment(`isnotempty(${other}) and ${f} endswith${cs} ${g}`, 'and');
    case 'contains':
      return fragment(`isnotempty(${other}) and ${f} contains${cs} ${g}`, 'and');
  }
}

const DATETIME_PARTS = {
  minute: 'minute',
  hour: 'hour',
  day: 'day',
  week: 'week_of_year', // ISO 8601 week (Kusto docs, datetime_part)
  month: 'month',
  year: 'year',
} as const;

function keywordLeaf(value: RenderValue): LeafRendering {
  switch (value.kind) {
    case 'string': {
      // A keyword is a substring of some column's value: edge `*` add nothing.
      const shape = stringShape(value.parts);
      const cs = value.cased ? '_cs' : '';
      switch (shape.kind) {
        case 'any':
          return fragment('true');
        case 'exact':
        case 'prefix':
        case 'suffix':
        case 'contains':
          return shape.text === '' ? fragment('true') : fragment(`* contains${cs} ${kustoString(shape.text)}`);
        case 'pattern':
          return fragment(`* matches regex ${kustoString(sigmaStringToRe2(shape.parts, value.cased, false))}`);
        default:
          return assertNever(shape, 'string shape');
      }
    }
    case 'number':
      return fragment(`* contains ${kustoString(String(value.value))}`);
    case 'regex': {
      const text = regexText(value);
      return typeof text === 'string' ? fragment(`* matches regex ${text}`) : text;
    }
    default:
      return unsupported(`a ${value.kind} keyword`, 'a keyword must be a string, number or regular expression');
  }
}

export const sentinelKql: TargetDeclaration<'sentinel-kql'> = {
  id: 'sentinel-kql',
  title: 'Microsoft Sentinel KQL (Kusto)',
  summary:
    'A Kusto query `Table | where ...` for Microsoft Sentinel / Azure Data Explorer. Case-insensitive ' +
    'operators (=~, startswith, endswith, contains, in~) unless cased; other wildcard shapes and re as ' +
    'matches regex (RE2; lookaround and backreferences are refused). Kusto stores an absent string as "", ' +
    "so null, exists and '' cannot tell an empty value from an absent one.",
  language: {
    name: 'KQL',
    boolean: {
      and: ' and ',
      or: ' or ',
      not: { open: 'not(', close: ')' },
      precedence: { not: 3, and: 2, or: 1 },
      group: GROUP,
      groupMixed: true,
      always: 'true',
      never: 'false',
      // Every leaf is total (true or false, never null), so not() is Sigma's not (see the header).
      negation: 'operator',
      maxChain: MAX_CHAIN,
    },
    fieldName: (name) =>
      kustoField(name) ??
      unsupported(name === '' ? 'an empty field name' : `the field name \`${name}\``, 'a Kusto column (or a dotted path into a dynamic column) needs a name in every part'),
    values: {
      string: stringLeaf,
      // tostring() works on int, long, real, string and dynamic columns alike, and is "" (not null)
      // for an absent value; Sigma's number also matches the number stored as text.
      number: (ctx) => fragment(`${asText(ctx.fieldText)} == ${kustoString(String(ctx.value.value))}`),
      boolean: (ctx) => fragment(`${asText(ctx.fieldText)} =~ ${kustoString(String(ctx.value.value))}`),
      // isempty: "" or null, i.e. absent (a string column cannot be null).
      null: (ctx) => fragment(`isempty(${ctx.fieldText})`),
      regex: (ctx) => {
        const text = regexText(ctx.value);
        return typeof text === 'string' ? fragment(`${ctx.fieldText} matches regex ${text}`) : text;
      },
      cidr: cidrLeaf,
      compare: (ctx) => {
        const op = { lt: '<', lte: '<=', gt: '>', gte: '>=' }[ctx.value.op];
        return total(`toreal(${ctx.fieldText}) ${op} ${String(ctx.value.value)}`);
      },
      exists: (ctx) => fragment(`${ctx.value.exists ? 'isnotempty' : 'isempty'}(${ctx.fieldText})`),
      fieldref: fieldRefLeaf,
      // `==` of null and a number is false (not null), so this is total without coalesce.
      timepart: (ctx) =>
        fragment(
          `datetime_part(${kustoString(DATETIME_PARTS[ctx.value.part])}, todatetime(${ctx.fieldText})) == ${String(ctx.value.value)}`,
        ),
    },
    keyword: (ctx) => keywordLeaf(ctx.value),
    listFold: listFold({
      minItems: 2,
      item: (value) => (value.kind === 'number' ? { number: value.value } : { parts: value.parts, cased: value.cased }),
      render: listRender,
    }),
  },
  postFilter: OFF,
  source: {
    stateKey: 'table',
    stateLimitsSource: true,
    default: 'SigmaEvents',
    note:
      'SigmaEvents is a placeholder, not a Sentinel table: name the table with a source (e.g. SecurityEvent) ' +
      'until pipelines map log sources to tables',
    write: (name) => (name === '' ? unsupported('an empty table name', 'a Kusto table needs a name') : kustoName(name)),
  },
  embedAs: 'whole',
  fileExtension: 'kusto',
  options: [],
  correlation: sentinelCorrelation,
  supportNotes: {
    'string-empty': 'isempty(): Kusto stores an absent string as "", so an absent field matches too',
    null: 'isempty(): also true for an empty string (Kusto cannot tell them apart)',
    exists: 'isnotempty(): false for a present empty string (Kusto cannot tell it from absent)',
    number: 'tostring(f) == "5145": int, real, string and dynamic columns alike',
    regex: 'matches regex (RE2): lookaround and backreferences refused',
    'string-single-wildcard': 'matches regex (RE2)',
    compare: 'coalesce(toreal(f) > 5, false): total under not()',
    'cidr-v4': 'ipv4_is_in_range()',
    'cidr-v6': 'ipv6_is_match()',
    fieldref: 'an empty value counts as absent',
    'fieldref-contains': 'an empty value counts as absent',
    keyword: '* contains: a substring of any column',
  },
};
