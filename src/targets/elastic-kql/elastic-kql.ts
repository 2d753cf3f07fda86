import type { BooleanValue, SigmaValue, StringValue } from '../../ast/value.js';
import {
  isCaseless,
  isPatternParts,
  literalChars,
  stringShape,
} from '../../lower/string-shape.js';
import {
  listFold,
  fragment,
  type LeafContext,
  type LeafRendering,
  type TargetDeclaration,
  type TargetOptionValues,
  type Unsupported,
  unsupported,
} from '../../lower/target.js';

/*
 * Kibana Query Language. Facts from Kibana's own grammar and node types
 * (elastic/kibana, kbn-es-query/src/kuery/grammar/grammar.peggy, node_types/wildcard.ts, functions/is.ts):
 * - Quoted value: `\\` `\"` `\t` `\r` `\n` `\uXXXX` are escapes; any other backslash is literal; `*` is
 *   never a wildcard. On a keyword field it becomes a `term` query (whole value, case-sensitive).
 * - Unquoted value: `\ ( ) : < > " * { }` are escaped with `\`; `\t \r \n \uXXXX` too; `\or` `\and`
 *   `\not` escape keywords (but `\not` reads as `\n` + `ot`: see escapeUnquoted). The value is TRIMMED (leading/trailing whitespace, escaped or not, is lost).
 *   ` or `/` and ` (with spaces) and `not ` end a value unless escaped. A bare `*` is a wildcard; on a
 *   keyword field the value becomes a `wildcard` query whose literal parts Kibana escapes, so `\*` is
 *   an exact literal `*`. There is no single-character wildcard (`?` is literal) and no regex.
 * - `not` binds tighter than `and`, which binds tighter than `or`; `not not x` does not parse.
 * - `field:*` is an `exists` query; `field > 5` a range query.
 * - UnquotedLiteral: the trimmed text `null`, `true` or `false` becomes that literal (so an unquoted
 *   field `null` is "no field": a free-text multi_match); a quoted Field is its text (names are quoted
 *   then). A value with a wildcard is joined with `*` as the marker text `@kuery-wildcard@`, which
 *   node_types/wildcard.ts splits on again: the same text inside a literal becomes a wildcard.
 */

export const CASE_INSENSITIVE_FIELDS = 'case-insensitive-fields';

const SPECIAL = /[\\():<>"*{}]/g;

/** Writes text as an unquoted KQL literal (the caller has checked it has no edge whitespace). */
export function escapeUnquoted(text: string): string {
  return text
    .replace(SPECIAL, (c) => `\\${c}`)
    .replace(/\t/g, '\\t')
    .replace(/\r/g, '\\r')
    .replace(/\n/g, '\\n')
    // The grammar's keywords: Space+ or/and Space+, and not Space+ (Space = [ \t\r\n\u00A0]; tabs and
    // line breaks are already escapes here, so only raw spaces and NBSP remain). The text after the
    // value may be a joiner's space, so a keyword at the END of the value counts too. `\or` `\and`
    // are keyword escapes, but `\not` is not usable: the grammar tries EscapedWhitespace first, so
    // `\n` + `ot` would be a line break; `no\u0074` (a unicode escape for the t) breaks the keyword.
    .replace(/(?<=[ \u00a0])(or|and)(?=[ \u00a0]|$)/gi, '\\$1')
    .replace(/(no)(t)(?=[ \u00a0]|$)/gi, (_m, no: string, t: string) => `${no}\\u${t.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const QUOTED_SPECIAL = /[\\"\t\r\n]/;

/** Writes text as a quoted KQL string (a phrase: no wildcards). */
function quoteKql(text: string): string {
  // Most values hold nothing to escape: one test instead of four replaces.
  if (!QUOTED_SPECIAL.test(text)) return `"${text}"`;
  const escaped = text
    .replace(/[\\"]/g, (c) => `\\${c}`)
    .replace(/\t/g, '\\t')
    .replace(/\r/g, '\\r')
    .replace(/\n/g, '\\n');
  return `"${escaped}"`;
}

/** JavaScript's trim() (what Kibana applies) removes exactly what \s matches at the edges. */
const EDGE_SPACE = /^\s|\s$/;

/** Kibana's wildcard marker (kbn-es-query node_types/wildcard.ts `wildcardSymbol`). */
const WILDCARD_MARKER = '@kuery-wildcard@';

/**
 * A field name: unquoted with escapes, or quoted where the unquoted text would be read otherwise
 * (trimmed edge whitespace; the literals null/true/false; Kibana's Field rule takes a quoted string).
 */
function kqlFieldName(name: string): string {
  return name === '' || EDGE_SPACE.test(name) || /^(?:null|true|false)$/.test(name)
    ? quoteKql(name)
    : escapeUnquoted(name);
}

/**
 * The value text of a Sigma string (quoted when it has no wildcard, unquoted with escapes otherwise),
 * or why it cannot be written exactly.
 */
function kqlStringValue(value: StringValue, options: TargetOptionValues, keyword: boolean): string | Unsupported {
  const parts = value.parts;
  if (!isPatternParts(parts)) return unsupported('a placeholder', 'it was not resolved');
  if (parts.some((p) => p.kind === 'wildcard-single')) {
    return unsupported('a single-character wildcard (?)', 'KQL has no single-character wildcard');
  }
  const caseProblem = caseRefusal(literalChars(parts), value.cased, value.canonical === true, options, keyword);
  if (caseProblem !== null) return caseProblem;
  const shape = stringShape(parts);
  if (shape.kind === 'exact') return quoteKql(shape.text);
  if (shape.kind === 'any') return '*';
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (
    (first?.kind === 'literal' && EDGE_SPACE.test(first.text[0] ?? '')) ||
    (last?.kind === 'literal' && EDGE_SPACE.test(last.text[last.text.length - 1] ?? ''))
  ) {
    return unsupported(
      'a wildcard value that starts or ends with whitespace',
      'KQL trims unquoted values, and quoted values have no wildcards',
    );
  }
  if (parts.some((p) => p.kind === 'literal' && p.text.includes(WILDCARD_MARKER))) {
    return unsupported(
      `a wildcard value containing the text '${WILDCARD_MARKER}'`,
      'Kibana marks wildcards with that text internally, so it would read it as a *',
    );
  }
  if (keyword && parts.some((p) => p.kind === 'literal' && /\s/.test(p.text))) {
    return unsupported(
      'a keyword with a wildcard and whitespace',
      'Kibana sends a wildcard keyword as a query_string query, which splits it at whitespace',
    );
  }
  return parts.map((p) => (p.kind === 'literal' ? escapeUnquoted(p.text) : '*')).join('');
}

/**
 * Case: KQL's match on a keyword field is as case-sensitive as the field's mapping. We cannot see the
 * mapping, so the user states it (option `case-insensitive-fields`, e.g. a lowercase normalizer). A
 * value whose text (`chars`) has no letters with case is exact either way.
 */
function caseRefusal(
  chars: string,
  cased: boolean,
  canonical: boolean,
  options: TargetOptionValues,
  keyword: boolean,
): Unsupported | null {
  if (isCaseless(chars)) return null;
  // The pipeline named the log's exact spelling: matching as the mapping says is exact either way.
  if (canonical && !keyword) return null;
  if (keyword) {
    // Free text runs over analysed fields, case-insensitive in the default analysers.
    return cased
      ? unsupported('a case-sensitive keyword (cased)', 'KQL full-text search follows the fields\' analysers')
      : null;
  }
  const insensitive = options[CASE_INSENSITIVE_FIELDS] === true;
  if (cased && insensitive) {
    return unsupported(
      `a case-sensitive match (cased) of '${chars}'`,
      `with '${CASE_INSENSITIVE_FIELDS}' set, fields are declared to match case-insensitively`,
    );
  }
  if (!cased && !insensitive) {
    return unsupported(
      `a case-insensitive match of '${chars}'`,
      'KQL matches keyword fields as the mapping says, case-sensitively by default ' +
        '(--target elastic-esql matches case-insensitively with no assumption about the mapping)',
      CASE_INSENSITIVE_FIELDS,
    );
  }
  return null;
}

function kqlString(ctx: LeafContext<StringValue>): LeafRendering {
  const text = kqlStringValue(ctx.value, ctx.options, false);
  return typeof text === 'string' ? fragment(`${ctx.fieldText}:${text}`) : text;
}

/**
 * A boolean is matched as its text, case-insensitively (as Splunk and Sentinel do): on a keyword
 * field `F:true` is a case-sensitive term that misses `True`, so it takes the strings' case policy.
 */
function kqlBoolean(ctx: LeafContext<BooleanValue>): LeafRendering {
  const text = String(ctx.value.value);
  const caseProblem = caseRefusal(text, false, false, ctx.options, false);
  return caseProblem ?? fragment(`${ctx.fieldText}:${text}`);
}

function kqlKeyword(value: SigmaValue, options: TargetOptionValues): LeafRendering {
  switch (value.kind) {
    case 'string': {
      const text = kqlStringValue(value, options, true);
      return typeof text === 'string' ? fragment(text) : text;
    }
    case 'number':
      return fragment(quoteKql(String(value.value)));
    case 'regex':
      return unsupported('a regular expression (re)', 'KQL has no regular expressions');
    default:
      return unsupported(`a ${value.kind} keyword`, 'a keyword must be a string');
  }
}

export const elasticKql: TargetDeclaration<'elastic-kql'> = {
  id: 'elastic-kql',
  title: 'Elastic KQL (Kibana Query Language)',
  summary:
    'A Kibana Query Language filter. Exact on keyword-mapped fields: values are whole-value term or ' +
    'wildcard queries. Case-insensitive matching needs the option case-insensitive-fields (a mapping ' +
    'with a lowercase normalizer); no regular expressions, no ?, no field comparisons.',
  language: {
    name: 'KQL',
    boolean: {
      and: ' and ',
      or: ' or ',
      not: { open: 'not ', close: '' },
      precedence: { not: 3, and: 2, or: 1 },
      group: { open: '(', close: ')' },
      groupMixed: true,
      always: unsupported('a condition that matches every event', 'never needed: KQL has no post-filter'),
      never: unsupported('a condition that matches no event', 'never needed: KQL has no post-filter'),
      // Kibana: not -> bool.must_not, which matches documents without the field (Sigma's not).
      negation: 'operator',
    },
    fieldName: kqlFieldName,
    values: {
      string: kqlString,
      number: (ctx) => fragment(`${ctx.fieldText}:${String(ctx.value.value)}`),
      boolean: kqlBoolean,
      // exists does not match null; so "absent or null" is `not field:*`.
      null: (ctx) => fragment(`not ${ctx.fieldText}:*`, 'not'),
      regex: unsupported('a regular expression (re)', 'KQL has no regular expressions'),
      // An ip-typed field answers a CIDR term query; `:` in IPv6 must be escaped unquoted.
      cidr: (ctx) => fragment(`${ctx.fieldText}:${escapeUnquoted(ctx.value.network)}`),
      compare: (ctx) => {
        const op = { lt: '<', lte: '<=', gt: '>', gte: '>=' }[ctx.value.op];
        return fragment(`${ctx.fieldText} ${op} ${String(ctx.value.value)}`);
      },
      exists: (ctx) =>
        ctx.value.exists ? fragment(`${ctx.fieldText}:*`) : fragment(`not ${ctx.fieldText}:*`, 'not'),
      fieldref: unsupported('a field reference (fieldref)', 'KQL cannot compare two fields'),
      timepart: unsupported(
        'a time-part match (minute/hour/day/week/month/year)',
        'KQL cannot extract a part of a date',
      ),
    },
    keyword: (ctx) => kqlKeyword(ctx.value, ctx.options),
    listFold: listFold({
      minItems: 2,
      item: (value, options) => {
        if (value.kind === 'number') return String(value.value);
        const text = kqlStringValue(value, options, false);
        return typeof text === 'string' && text !== '*' ? text : null;
      },
      render: (fieldText, items) => fragment(`${fieldText}:(${items.join(' or ')})`),
    }),
  },
  postFilter: { kind: 'off' },
  source: {
    stateKey: null,
    stateLimitsSource: false,
    default: null,
    note: 'KQL has no source clause: choose the data view in Kibana',
    write: () => unsupported('a source', 'KQL has no source clause; choose the data view in Kibana'),
  },
  embedAs: 'whole',
  fileExtension: 'kql',
  supportNotes: {
    'string-exact': 'keyword fields: term query',
    'string-wildcard': 'keyword fields: wildcard query; leading * needs allowLeadingWildcards (default on)',
    boolean: 'matched as the text true/false on keyword fields',
    'cidr-v4': 'the field must be ip-typed',
    'cidr-v6': 'the field must be ip-typed',
    compare: 'the field must be numeric (a keyword field compares as text)',
    keyword: 'Kibana free text: multi_match phrase over all fields',
  },
  options: [
    {
      name: CASE_INSENSITIVE_FIELDS,
      summary: 'your string fields match case-insensitively, e.g. keyword fields with a lowercase normalizer',
      description:
        'String fields match case-insensitively (keyword fields with a lowercase normalizer). Without ' +
        'it, a case-insensitive Sigma match of a value with letters is refused; with it, cased is refused.',
      default: false,
    },
  ],
  correlation: unsupported(
    'a correlation rule',
    'KQL filters events and cannot aggregate, count or join them; convert correlations with --target elastic-esql (ES|QL), the Elastic target that can',
  ),
};
