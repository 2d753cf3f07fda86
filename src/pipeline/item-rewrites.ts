import { and, match, not, or, type Expr, type ExprMatch } from '../ast/expr.js';
import type { SigmaValue, StringPart } from '../ast/value.js';
import type { DiagnosticCode } from '../diagnostics/codes.js';
import type { LogSource } from '../rule/model.js';
import { normalizeParts, parseSigmaString, printSigmaString } from '../value/sigma-string.js';
import { BoundedCache, CachePerOwner } from '../base/bounded-cache.js';
import type { ItemFacts } from './conditions.js';
import { rewriteHashesItem } from './hashes-fields.js';
import type { SourceSpan } from '../diagnostics/span.js';
import type { AddedCondition, ConditionValue, FieldGuard, ProcessingPipeline, Transformation } from './types.js';

/**
 * What the transformations that rewrite one detection item at a time make of an item, as pure functions
 * of the item, its facts and the transformation (apply.ts walks the tree and calls them).
 */

/** What the engine knows about each detection item it produced. */
export interface Facts extends ItemFacts {
  /** The field name came from a field mapping (or the pipeline wrote it): it is in the target's schema. */
  readonly mappedField: boolean;
  /**
   * The field transformations that renamed the item's field reference (`X|fieldref: Y`: what was done to
   * Y, which `applied` does not say: it is the item's and X's). Field-name conditions about Y read it, so a
   * mapping of X does not count as one of Y (pySigma tracks field-name processing per field name:
   * ProcessingPipeline.field_was_processed_by, https://github.com/SigmaHQ/pySigma/blob/main/sigma/processing/pipeline.py).
   * Y came from a field mapping exactly when it is not empty (only field mappings rename a reference,
   * and no transformation makes a value a reference).
   */
  readonly refApplied: ReadonlySet<string>;
  /** An add_condition added the item (or it is what a later transformation rewrote such an item into). */
  readonly added: boolean;
  /** The codes of the errors the run reported at the item (a refusal); apply.ts, "One error per item". */
  readonly errors: readonly DiagnosticCode[];
}

const NO_IDS: ReadonlySet<string> = new Set();

export const NO_FACTS: Facts = { applied: NO_IDS, mappedField: false, refApplied: NO_IDS, added: false, errors: [] };

/*
 * Facts are never changed once made (a rewrite makes new ones), and most items of a pack share a few
 * histories, so their id sets and written facts are made once per distinct input and shared (bounded
 * caches: src/base/bounded-cache.ts), not once per item of every rule.
 */
const extendedIds = new CachePerOwner<ReadonlySet<string>, string, ReadonlySet<string>>(1024);
const writtenById = [new BoundedCache<string, Facts>(4096), new BoundedCache<string, Facts>(4096)] as const;

/** `ids` with `id` added (in that order). */
export function withId(ids: ReadonlySet<string>, id: string): ReadonlySet<string> {
  if (ids.has(id)) return ids;
  return extendedIds.of(ids).get(id, () => new Set([...ids, id]));
}

/** The facts of an item transformation `id` wrote itself, in the target's names (add_condition's items, a mapping guard's). */
export function writtenFacts(id: string, added: boolean): Facts {
  return writtenById[added ? 1 : 0].get(id, () => ({ applied: withId(NO_IDS, id), mappedField: true, refApplied: NO_IDS, added, errors: [] }));
}

/** A removed detection item: "no constraint" (true). */
export const DROPPED = Symbol('dropped');

/** A transformation's refusal of one item: an error at the item; the item keeps its form. */
interface ItemRefusal {
  readonly refused: DiagnosticCode;
  readonly message: string;
}

/** The result of rewriting one detection item: a replacement, a removal, a refusal, or no change (undefined). */
export type ItemResult =
  | {
      readonly expr: Expr;
      /** The facts of every item of `expr`, except those `ownFacts` gives (a mapping guard's items). */
      readonly facts: Facts;
      readonly ownFacts?: ReadonlyMap<ExprMatch, Facts>;
      readonly detail?: string;
    }
  | ItemRefusal
  | typeof DROPPED
  | undefined;

/** The facts of an item a transformation rewrote: its old facts, plus the transformation as applied. */
function withApplied(facts: Facts, t: Transformation): Facts {
  return { ...facts, applied: withId(facts.applied, t.id) };
}

/**
 * `$category`, `$product`, `$service` (or `${...}`), and `${logsource}`: the parts joined by `_`, as one
 * plain identifier (lower case; every character but a-z, 0-9 and `_` becomes `_`), so a service with a
 * dot (`gcp.audit`) names one table, not a schema and a table, and unquoted and quoted uses agree
 * (PostgreSQL folds unquoted names to lower case).
 */
export function templateText(text: string, ls: LogSource): string {
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    switch (name) {
      case 'category':
        return ls.category ?? '';
      case 'product':
        return ls.product ?? '';
      case 'service':
        return ls.service ?? '';
      case 'logsource':
        return [ls.product, ls.category, ls.service]
          .filter((x) => x !== undefined && x !== '')
          .join('_')
          .toLowerCase()
          .replace(/[^a-z0-9_]/g, '_');
      default:
        return whole;
    }
  });
}

/** A guard (or an add_condition) in a few words: `ActionType = "A" | "B" and Protocol = "Tcp"`, `not (...)`. */
export function conditionsText(conditions: readonly AddedCondition[], negated: boolean): string {
  const text = conditions.map((c) => `${c.field} = ${c.values.map((v) => JSON.stringify(v)).join(' | ')}`).join(' and ');
  return negated ? `not (${text})` : text;
}

/** A mapping alternative in a few words: the name, and `when <guard>` for a guarded one. */
export function targetText(name: string, guard: FieldGuard | null | undefined): string {
  return guard ? `${name} when ${conditionsText(guard.conditions, guard.negated)}` : name;
}

/**
 * The test add_condition adds (and a mapping guard stands for): every field holds one of its values, or
 * with `negated` not all of them. `items` are its detection items, for the caller's facts.
 */
export function conditionsExpr(
  conditions: readonly AddedCondition[],
  negated: boolean,
  span: SourceSpan,
  value: (v: ConditionValue, cased: boolean) => SigmaValue,
  /** Where the items are (default: each condition's place in the pipeline file). */
  at?: SourceSpan,
): { readonly expr: Expr; readonly items: readonly ExprMatch[] } {
  const items: ExprMatch[] = [];
  const perField = conditions.map((c) =>
    or(
      c.values.map((v) => {
        const m = match(c.field, value(v, c.cased), at ?? c.span) as ExprMatch;
        items.push(m);
        return m;
      }),
      at ?? c.span,
    ),
  );
  const all = and(perField, span);
  return { expr: negated ? not(all, span) : all, items };
}

/** An add_condition value as a Sigma value (`template`: log source parts replaced, see templateText). */
export function conditionValue(v: ConditionValue, template: boolean, cased: boolean, ls: LogSource): SigmaValue {
  if (v === null) return { kind: 'null' };
  if (typeof v === 'number') return { kind: 'number', value: v };
  if (typeof v === 'boolean') return { kind: 'boolean', value: v };
  const parts = parseSigmaString(template ? templateText(v, ls) : v);
  // `field|cased` in add_condition: the pipeline names the log's exact spelling (see StringValue.canonical).
  return cased ? { kind: 'string', parts, cased: false, canonical: true } : { kind: 'string', parts, cased: false };
}

export function replaceStringItem(t: Extract<Transformation, { type: 'replace_string' }>, m: ExprMatch, facts: Facts): ItemResult {
  if (m.value.kind !== 'string') return undefined;
  if (!t.skipSpecial && !m.value.parts.some((x) => x.kind === 'placeholder') && printSigmaString(m.value.parts).search(t.regex) === -1) {
    // The regex finds nothing in the value's text (most values), which then reads back as the value
    // (parseSigmaString(printSigmaString(p)) is normalizeParts(p), and printSigmaString normalizes
    // first): no change, told without reading the text back. (`search` ignores `g` and lastIndex.)
    return undefined;
  }
  const replace = (s: string): string => s.replace(t.regex, t.replacement);
  let parts: StringPart[];
  if (t.skipSpecial) {
    // Only the literal text changes; wildcards and placeholders stay as they are.
    parts = m.value.parts.flatMap((part): StringPart[] => {
      if (part.kind !== 'literal') return [part];
      const text = replace(part.text);
      return t.interpretSpecial ? parseSigmaString(text) : [{ kind: 'literal', text }];
    });
  } else {
    // pySigma works on the string's Sigma text (str() of a SigmaString: wildcards as * and ?, literal
    // ones escaped, a backslash as it is), then reads the result as a Sigma string again.
    // printSigmaString gives that text, except that it doubles a backslash where a single one would be
    // read back as an escape (`\\server`, `dir\\*`), so an unchanged value reads back unchanged.
    // Placeholders are kept out of the text.
    parts = [];
    let run: StringPart[] = [];
    const flush = (): void => {
      if (run.length > 0) parts.push(...parseSigmaString(replace(printSigmaString(run))));
      run = [];
    };
    for (const part of m.value.parts) {
      if (part.kind === 'placeholder') {
        flush();
        parts.push(part);
      } else {
        run.push(part);
      }
    }
    flush();
  }
  parts = normalizeParts(parts);
  if (printSigmaString(parts) === printSigmaString(m.value.parts)) return undefined;
  return {
    expr: match(m.field, { ...m.value, parts }, m.span),
    facts: withApplied(facts, t),
    detail: `${JSON.stringify(printSigmaString(m.value.parts))} -> ${JSON.stringify(printSigmaString(parts))}`,
  };
}

/**
 * pySigma's convert_type. `str`: a number or boolean becomes the Sigma string of its text (`3`, `true`),
 * so string transformations and string matching apply to it. `num`: a string of digits (an optional
 * sign and fraction, no wildcard) becomes a number; any other string is an error, not a guess.
 */
export function convertTypeItem(p: ProcessingPipeline, t: Extract<Transformation, { type: 'convert_type' }>, m: ExprMatch, facts: Facts): ItemResult {
  const v = m.value;
  if (t.targetType === 'str') {
    if (v.kind !== 'number' && v.kind !== 'boolean') return undefined;
    const text = String(v.value);
    return { expr: match(m.field, { kind: 'string', parts: [{ kind: 'literal', text }], cased: false }, m.span), facts: withApplied(facts, t), detail: `${text} -> ${JSON.stringify(text)}` };
  }
  if (v.kind !== 'string') return undefined;
  const text = v.parts.length === 1 && v.parts[0]?.kind === 'literal' ? v.parts[0].text : undefined;
  if (text === undefined || !/^[+-]?\d+(\.\d+)?$/.test(text)) {
    return {
      refused: 'unsupported-construct',
      message: `transformation \`${t.id}\` of pipeline \`${p.id}\` converts \`${m.field ?? '(keyword)'}\` to a number, but ${JSON.stringify(printSigmaString(v.parts))} is not one`,
    };
  }
  return { expr: match(m.field, { kind: 'number', value: Number(text) }, m.span), facts: withApplied(facts, t), detail: `${JSON.stringify(text)} -> ${text}` };
}

/** The pipelines' variables by name, with the pipeline that defined each (for messages). */
export type PipelineVars = Readonly<Record<string, { readonly values: readonly string[]; readonly pipeline: string }>>;

export function placeholdersItem(
  p: ProcessingPipeline,
  t: Extract<Transformation, { type: 'value_placeholders' | 'wildcard_placeholders' }>,
  m: ExprMatch,
  facts: Facts,
  vars: PipelineVars,
): ItemResult {
  if (m.value.kind !== 'string') return undefined;
  const handled = (name: string): boolean => (t.include ? t.include.includes(name) : t.exclude ? !t.exclude.includes(name) : true);
  const value = m.value;
  if (!value.parts.some((x) => x.kind === 'placeholder' && handled(x.name))) return undefined;
  const names = [...new Set(value.parts.flatMap((x) => (x.kind === 'placeholder' && handled(x.name) ? [x.name] : [])))];
  if (t.type === 'wildcard_placeholders') {
    const parts = normalizeParts(value.parts.map((x): StringPart => (x.kind === 'placeholder' && handled(x.name) ? { kind: 'wildcard-multi' } : x)));
    return { expr: match(m.field, { ...value, parts }, m.span), facts: withApplied(facts, t), detail: names.map((n) => `%${n}% -> *`).join('; ') };
  }
  // Each placeholder becomes each of its values: the alternatives are ORed (a cross product when a
  // string holds several placeholders).
  let alternatives: StringPart[][] = [[]];
  for (const part of value.parts) {
    if (part.kind !== 'placeholder' || !handled(part.name)) {
      alternatives = alternatives.map((a) => [...a, part]);
      continue;
    }
    const v = vars[part.name];
    if (v === undefined || v.values.length === 0) {
      return {
        refused: 'unresolved-placeholder',
        message:
          v === undefined
            ? `placeholder %${part.name}% has no value: no pipeline defines a variable \`${part.name}\` (transformation \`${t.id}\` of pipeline \`${p.id}\`); add it under \`vars:\` in a pipeline file`
            : `placeholder %${part.name}%: variable \`${part.name}\` of pipeline \`${v.pipeline}\` is an empty list, so nothing could match`,
      };
    }
    const next: StringPart[][] = [];
    for (const a of alternatives) for (const val of v.values) next.push([...a, ...parseSigmaString(val)]);
    alternatives = next;
    if (alternatives.length > 10000) {
      return { refused: 'unresolved-placeholder', message: `placeholders in this value expand to more than 10000 alternatives; use fewer values` };
    }
  }
  const exprs = alternatives.map((parts) => match(m.field, { ...value, parts: normalizeParts(parts) }, m.span));
  return {
    expr: or(exprs, m.span),
    facts: withApplied(facts, t),
    detail: names.map((n) => `%${n}% -> ${(vars[n]?.values ?? []).join(' | ')}`).join('; '),
  };
}

/**
 * `hashes_fields` (hashes-fields.ts): one algorithm's field for a `contains: ALGO=HEX` test, or a refusal.
 * Called only for items on one of `t.fields`.
 */
export function hashesFieldsItem(p: ProcessingPipeline, t: Extract<Transformation, { type: 'hashes_fields' }>, m: ExprMatch, facts: Facts): ItemResult {
  const r = rewriteHashesItem(m, t);
  if (r.kind === 'refused') {
    const shown = m.value.kind === 'string' ? JSON.stringify(printSigmaString(m.value.parts)) : `(${m.value.kind})`;
    return {
      refused: 'unsupported-construct',
      message: `field \`${m.field}\` holds every hash as one list, which pipeline \`${p.id}\` maps to one field per algorithm (transformation \`${t.id}\`); the value ${shown} cannot be searched there exactly: ${r.reason}`,
    };
  }
  // The pipeline wrote the field in the target's names: mapped, like add_condition's fields.
  return { expr: r.expr, facts: { ...withApplied(facts, t), mappedField: true }, detail: r.detail };
}

/**
 * `value_to_condition`: a test of the field for a value the mapping names (a plain string compared
 * without case, a number or a boolean, as its text) becomes that value's condition; any other test (a
 * wildcard, a modifier, `cased`, null, a reference, a value the mapping lacks) is refused, since the
 * event has no such field to test. Called only for items on `t.field` (so the item's field is named as
 * `t.field`; a keyword item has none and is never selected).
 */
export function valueToConditionItem(p: ProcessingPipeline, t: Extract<Transformation, { type: 'value_to_condition' }>, m: ExprMatch, facts: Facts): ItemResult {
  const v = m.value;
  const text =
    v.kind === 'number' || v.kind === 'boolean'
      ? String(v.value)
      : v.kind === 'string' && !v.cased && v.parts.length === 1 && v.parts[0]?.kind === 'literal'
        ? v.parts[0].text
        : undefined;
  const entry = text === undefined ? undefined : t.mapping.find((e) => e.value.toLowerCase() === text.toLowerCase());
  if (entry === undefined) {
    const values = t.mapping.map((e) => JSON.stringify(e.value)).join(', ');
    const shown = v.kind === 'string' ? JSON.stringify(printSigmaString(v.parts)) + (v.cased ? ' (cased)' : '') : text !== undefined ? text : `(${v.kind})`;
    return {
      refused: 'unsupported-construct',
      message:
        `the target has no field \`${t.field}\`: pipeline \`${p.id}\` writes a test for one of its values (${values}) as a condition on the event ` +
        `(transformation \`${t.id}\`), and ${shown} is not one of them; test one of those values`,
    };
  }
  const written = conditionsExpr(entry.conditions, false, m.span, (c, cased) => conditionValue(c, false, cased, {}), m.span);
  return {
    expr: written.expr,
    // The pipeline wrote the condition in the target's names: mapped, like add_condition's fields.
    facts: { ...withApplied(facts, t), mappedField: true },
    detail: `${t.field} = ${JSON.stringify(entry.value)} -> ${conditionsText(entry.conditions, false)}`,
  };
}
