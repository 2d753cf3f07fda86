import type { NumberValue, StringValue, SigmaValue, ValueKind } from '../ast/value.js';
import type { CorrelationRenderer } from '../correlation/plan.js';
import type { PatternPart } from './string-shape.js';

/**
 * What a target is: data plus a few hooks. The lowering engine (engine.ts) walks the expression tree,
 * owns parentheses, NOT, list folding, fallbacks and diagnostics; a target only says how one leaf, one
 * operator and one list is written. Adding a target is one folder with one `TargetDeclaration`.
 */

// ---------------------------------------------------------------------------------------------------
// Declared refusals and switches. "Cannot" and "not used" are different values, never null/undefined.

/** The target cannot express a construct exactly. `construct` names it for the user; `reason` says why. */
export interface Unsupported {
  readonly kind: 'unsupported';
  /** A short noun phrase: "a regular expression (re)", "a single-character wildcard (?)". */
  readonly construct: string;
  /** Why, citing the language rule: "KQL has no regular expressions". Ends without a period. */
  readonly reason: string;
  /**
   * An explicit option of this target that makes the construct expressible, if one exists. The support
   * matrix then shows 'option', and the diagnostic tells the user about it.
   */
  readonly option?: string;
}

export function unsupported(construct: string, reason: string, option?: string): Unsupported {
  return option === undefined
    ? { kind: 'unsupported', construct, reason }
    : { kind: 'unsupported', construct, reason, option };
}

/** An optional feature (an optimisation such as list folding) that this language does not use. */
export interface Off {
  readonly kind: 'off';
}

export const OFF: Off = { kind: 'off' };

// ---------------------------------------------------------------------------------------------------
// Fragments: what leaf renderers return.

/**
 * The top-level operator of a piece of query text, so the engine can decide on parentheses.
 * `atom` binds tightest (a comparison, a function call, a parenthesised group).
 */
export type Binding = 'atom' | 'not' | 'and' | 'or';

export interface Fragment {
  readonly kind: 'fragment';
  readonly text: string;
  readonly binds: Binding;
}

export function fragment(text: string, binds: Binding = 'atom'): Fragment {
  return { kind: 'fragment', text, binds };
}

/**
 * The leaf is exact only in the target's post-filter language (e.g. Splunk: a literal `*` needs
 * `| where match(...)`). `relaxed` is a piece of this language that matches a SUPERSET of the leaf
 * (a cheap pre-filter; the engine only uses it where a superset keeps the whole query exact, i.e. in
 * positive position); `null` means "no useful superset" (the engine drops the leaf from the pre-filter).
 */
export interface PostFilterNeeded {
  readonly kind: 'post-filter';
  /** Why the leaf moves, for the query's notes: "Splunk search cannot escape a literal *". */
  readonly reason: string;
  readonly relaxed: Fragment | null;
}

export function postFilter(reason: string, relaxed: Fragment | null = null): PostFilterNeeded {
  return { kind: 'post-filter', reason, relaxed };
}

export type LeafRendering = Fragment | PostFilterNeeded | Unsupported;

// ---------------------------------------------------------------------------------------------------
// Values as targets see them.

/**
 * A Sigma string without placeholders. The engine refuses a rule with an unresolved placeholder
 * (unresolved-placeholder) before any hook sees its values, so renderers, keywords and list folds get
 * this type and need no placeholder case.
 */
export type PatternStringValue = StringValue & { readonly parts: readonly PatternPart[] };

/** A value as a target's hooks receive it: every kind, strings without placeholders. */
export type RenderValue = Exclude<SigmaValue, StringValue> | PatternStringValue;

// ---------------------------------------------------------------------------------------------------
// Leaf renderers.

/** Target options as given by the caller, after defaults are applied (see TargetOption). */
/** A target option's value: a switch, or a name (the sql target's timestamp column). */
export type TargetOptionValue = boolean | string;

export type TargetOptionValues = Readonly<Record<string, TargetOptionValue>>;

export interface LeafContext<V extends SigmaValue = RenderValue> {
  /** The field as named in the (pipeline-transformed) rule. */
  readonly field: string;
  /** The field as written in this language (QueryLanguage.fieldName applied). */
  readonly fieldText: string;
  readonly value: V;
  /**
   * Only in languages with `negation: 'push-to-leaves'`: render "NOT this match" with Sigma's meaning
   * (true when the field is absent). Always false otherwise; the engine writes NOT itself.
   */
  readonly negated: boolean;
  readonly options: TargetOptionValues;
}

export type LeafRenderer<V extends SigmaValue> = (ctx: LeafContext<V>) => LeafRendering;

type ValueOfKind<K extends ValueKind> = Extract<RenderValue, { readonly kind: K }>;

/** One entry per value kind: a renderer, or a declared refusal. A missing kind does not compile. */
export type ValueRenderers = {
  readonly [K in ValueKind]: LeafRenderer<ValueOfKind<K>> | Unsupported;
};

/** A keyword (a value without a field): full-text search over the event, as the target defines it. */
export interface KeywordContext {
  readonly value: RenderValue;
  readonly negated: boolean;
  readonly options: TargetOptionValues;
}

export type KeywordRenderer = (ctx: KeywordContext) => LeafRendering;

/**
 * Folding `f = a OR f = b OR ...` into one list test (`f IN ("a", "b")`, `f:(a or b)`). `item` returns
 * the value as a list item of the target's own making (its text, or what the target needs to write the
 * list: a comparison operator, a case class, ...), or null when the value must stay a separate
 * comparison (null here is "not foldable", the one meaning; the leaf is then rendered normally). The
 * engine groups the items of one field and hands them to `render` as they came.
 */
export interface ListFoldSpec<I> {
  /** Fold only runs of at least this many values. */
  readonly minItems: number;
  readonly item: (value: PatternStringValue | NumberValue, options: TargetOptionValues) => I | null;
  /** `negated` as in LeafContext (push-to-leaves languages only). */
  readonly render: (fieldText: string, items: readonly I[], negated: boolean) => Fragment;
}

/**
 * A target's list fold, its item type hidden: `use` hands the spec to a function generic in the item
 * type (the engine's), so the engine can only pass `render` the items the same spec's `item` made, and
 * the type checker proves it (no cast). Declare one with `listFold`.
 */
export interface ListFold {
  readonly kind: 'list-fold';
  readonly use: <R>(fold: <I>(spec: ListFoldSpec<I>) => R) => R;
}

/** A target's list fold, with items of its own type `I`. */
export function listFold<I>(spec: ListFoldSpec<I>): ListFold {
  return { kind: 'list-fold', use: (fold) => fold(spec) };
}

// ---------------------------------------------------------------------------------------------------
// Boolean structure.

export interface BooleanSyntax {
  /** Joiners, with their spaces: ' AND ', ' or '. */
  readonly and: string;
  readonly or: string;
  /** NOT as prefix ('NOT ', '') or as a function ('not(', ')'); a function never needs extra parentheses. */
  readonly not: { readonly open: string; readonly close: string };
  /** Higher binds tighter. Splunk search: or 3 > and 2; most languages: not 3 > and 2 > or 1. */
  readonly precedence: { readonly not: number; readonly and: number; readonly or: number };
  readonly group: { readonly open: string; readonly close: string };
  /**
   * Parenthesise an `and` inside an `or` (and the reverse) even where precedence makes it unnecessary,
   * so a reader never needs the precedence table (Splunk search's OR-over-AND surprises people).
   */
  readonly groupMixed: boolean;
  /** Text matching every event / no event; needed when a post-filter takes a whole branch. */
  readonly always: string | Unsupported;
  readonly never: string | Unsupported;
  /**
   * 'operator': the language's NOT is Sigma's `not` (true when the field is absent).
   * 'push-to-leaves': it is not (SQL: NOT NULL is NULL); the engine applies De Morgan and calls leaf
   * renderers with `negated: true`, which must return the exact negation.
   */
  readonly negation: 'operator' | 'push-to-leaves';
  /**
   * The longest and/or chain the language's parser accepts comfortably; the engine writes a longer one
   * as parenthesised chunks of at most this many operands (`(a or b) or (c or d)`, same meaning).
   * Absent: no limit.
   */
  readonly maxChain?: number;
}

/** One query language of a target (Splunk has two: `search` and the `where` post-filter). */
export interface QueryLanguage {
  /** For notes and diagnostics: "search", "where", "KQL". */
  readonly name: string;
  readonly boolean: BooleanSyntax;
  /**
   * How a field name is written; a refusal for names the language cannot spell. A pure function of the
   * name: the engine keeps each language's results by name (engine.ts, fieldNames).
   */
  readonly fieldName: (name: string) => string | Unsupported;
  readonly values: ValueRenderers;
  readonly keyword: KeywordRenderer | Unsupported;
  readonly listFold: ListFold | Off;
}

/**
 * A later pipeline stage that receives the events the main expression matched and keeps those the
 * post-filter expression matches (Splunk `| where`). The engine then renders the WHOLE condition in
 * the post-filter language (so OR stays OR), and a superset of it in the main language as pre-filter.
 */
export interface PostFilterStage {
  readonly kind: 'post-filter-stage';
  readonly language: QueryLanguage;
}

export interface TargetOption {
  readonly name: string;
  /** A short clause for diagnostics: "your string fields match case-insensitively". */
  readonly summary: string;
  readonly description: string;
  /** Its type is the option's type: a boolean option is a switch, a string option names something. */
  readonly default: TargetOptionValue;
}

/**
 * The state that pipelines leave for the target (`set_state`): the target reads its source there (a
 * table, an index, a list of indexes: see SourceDeclaration.stateKey). Declared here, where it is read;
 * the pipeline layer that writes it calls it PipelineState.
 */
export type SourceState = Readonly<Record<string, string | readonly string[]>>;

/** Where the query reads events from (Splunk index, Sentinel table, SQL table). */
export interface SourceDeclaration {
  /** Used when the caller gives none; null = the query names no source. */
  readonly default: string | null;
  /** What the default means, for the README and `--help`. */
  readonly note: string;
  /**
   * Writes the source for the template (quoting/escaping); a refusal for names it cannot write. A pure
   * function of the name: convertExpr keeps its results by name (convert-expr.ts, writtenSources).
   */
  readonly write: (source: string) => string | Unsupported;
  /**
   * The pipeline state key that names the source (`table` for Sentinel and SQL, `index` for Splunk), or
   * null when the query has no source clause (Kibana: the data view, which formats read from `index`).
   * A pipeline that sets it limits the rule to its log source (src/lower/source-scope.ts); with null only
   * an `add_condition` does.
   */
  readonly stateKey: 'table' | 'index' | null;
  /**
   * Whether a pipeline's `stateKey` state limits the query to the rule's log source (a table holds one
   * kind of event; a Splunk index is the user's own). False for elastic-esql: its index comes from the
   * ECS pipelines, which set the same patterns for every Windows log source (winlogbeat-*, logs-*: every
   * Windows channel and every Elastic Agent data stream), so only an added condition scopes it, as for
   * elastic-kql.
   */
  readonly stateLimitsSource: boolean;
}

export interface TargetDeclaration<Id extends string = string> {
  /** Spelled the same in the folder, registry, templates, goldens and `--target`. */
  readonly id: Id;
  readonly title: string;
  /** One paragraph: what the output is and the semantics it keeps (shown in `list targets`). */
  readonly summary: string;
  readonly language: QueryLanguage;
  readonly postFilter: PostFilterStage | Off;
  readonly source: SourceDeclaration;
  /**
   * How the top-level expression is embedded in the query skeleton: as an operand of that operator
   * (Splunk: `index=x <expr>` is an implicit AND) or 'whole' (`| where <expr>`).
   */
  readonly embedAs: 'and' | 'whole';
  /** The file extension of a plain query written to a file (`convert -o`), without the dot: `spl`, `kql`. */
  readonly fileExtension: string;
  readonly options: readonly TargetOption[];
  /**
   * Extra words for the generated support matrix, by construct id of src/lower/supports.ts
   * (e.g. cidr-v4: "the field must be ip-typed"). Facts the engine cannot observe by itself.
   */
  readonly supportNotes: Readonly<Record<string, string>>;
  /** Correlation rules: the target's renderer, or a declared refusal. */
  readonly correlation: CorrelationRenderer | Unsupported;
}
