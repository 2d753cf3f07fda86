/**
 * What `explain` says about a rule, as plain data: the renderers (text, markdown, json) only format it.
 * Everything here is derived from the rule's AST; nothing is looked up outside the rule except the
 * optional corpus counts.
 */

/**
 * How a detection item compares a field, named the way a detection catalog does. String values get
 * their kind from the shape of their parts: literal only is `eq`, literal then `*` is `starts_with`,
 * `*` then literal is `ends_with`, `*` literal `*` is `contains`, any other use of `*` or `?` is
 * `wildcard`. The other kinds come from the value type (see `describeMatch`).
 */
export type MatchKind =
  | 'eq'
  | 'starts_with'
  | 'ends_with'
  | 'contains'
  | 'wildcard'
  | 're'
  | 'cidr'
  | 'null'
  | 'exists'
  | 'lt'
  | 'lte'
  | 'gt'
  | 'gte'
  | 'fieldref'
  | 'fieldref_starts_with'
  | 'fieldref_ends_with'
  | 'fieldref_contains'
  | 'minute'
  | 'hour'
  | 'day'
  | 'week'
  | 'month'
  | 'year';

/**
 * Qualifiers of a kind, spelled as the Sigma modifiers they come from so `contains|all` or `re|i` read
 * like the rule: `cased` (case-sensitive string), `all` (the values are ANDed), `i`/`m`/`s` (regex flags).
 */
export type MatchOption = 'cased' | 'all' | 'i' | 'm' | 's';

/** One value of a row, in Sigma's own text (as the rule writes it, else `printSigmaString`), with its corpus count if indexed. */
export interface RowValue {
  readonly value: string;
  /** Rules of the corpus that look for this field, kind and value (the explained rule included when in it). */
  readonly corpus?: number;
}

/** One line of a catalog table: a field compared in one way with one or more values. */
export interface MatchRow {
  /** The search identifier the row comes from. */
  readonly identifier: string;
  /** null for a keyword (full-text) search. */
  readonly field: string | null;
  readonly kind: MatchKind;
  readonly options: readonly MatchOption[];
  /** In first-seen order. A `null` row has one empty value (nothing to show, but it is still counted). */
  readonly values: readonly RowValue[];
  /**
   * Only in exclusions: the item is negated inside the excluded expression (`not (filter and not keep)`
   * lists `keep` with `negated: true`, i.e. "unless").
   */
  readonly negated?: boolean;
  /**
   * Corpus rules that look for at least one of the row's values with this field and kind (the union of
   * the values' rule sets). `specific` is true when no corpus rule but this one does.
   */
  readonly corpus?: { readonly rules: number; readonly specific: boolean };
}

/** An identifier's detection items as a tree, with same-field alternatives folded into one line. */
export type Outline =
  | { readonly op: 'all' | 'any'; readonly items: readonly Outline[] }
  | { readonly op: 'not'; readonly item: Outline }
  | {
      readonly op: 'match';
      readonly field: string | null;
      readonly kind: MatchKind;
      readonly options: readonly MatchOption[];
      readonly values: readonly string[];
    };

/** Stage 0 is the condition; each further stage one search identifier the condition uses. */
export interface Stage {
  readonly index: number;
  /** Stage 0: the condition text(s); several conditions are ORed. */
  readonly conditions?: readonly string[];
  /** Stages 1..n: the search identifier. */
  readonly identifier?: string;
  /**
   * How the condition uses the identifier: `positive`, `negated` (under an odd number of `not`), or
   * `both` when it is used both ways.
   */
  readonly polarity?: 'positive' | 'negated' | 'both';
  /** The `x of pattern` terms through which the condition reaches the identifier, if any. */
  readonly via?: readonly string[];
  readonly outline?: Outline;
}

/** A top-level `not (...)` conjunct of a condition: something the rule actively suppresses. */
export interface Exclusion {
  /** The excluded expression in condition syntax (`filter`, `filter_main_x`, `(a and not b)`). */
  readonly excludes: string;
  /** The search identifiers it involves. */
  readonly identifiers: readonly string[];
  /** Which condition (0-based) it belongs to, for rules with a condition list. */
  readonly condition: number;
  /** The `not 1 of filter_*` (or similar) term that it was expanded from, when not written directly. */
  readonly via?: string;
  readonly rows: readonly MatchRow[];
}

export interface AttackTactic {
  /** As in the tag, with `_` written as `-` (old tags used `_`). */
  readonly id: string;
  /** The slug title-cased (`command-and-control` -> `Command and Control`); no lookup table. */
  readonly name: string;
}

export interface AttackTechnique {
  /** `T1021.002` */
  readonly id: string;
  /** The parent technique of a sub-technique (`T1021`). */
  readonly parent?: string;
}

export interface AttackCoverage {
  readonly tactics: readonly AttackTactic[];
  readonly techniques: readonly AttackTechnique[];
  /** Group (`G0016`), software (`S0029`) and other ATT&CK ids from the tags, upper-cased. */
  readonly other: readonly string[];
}

export interface EventCoverage {
  readonly product?: string;
  readonly category?: string;
  readonly service?: string;
  readonly definition?: string;
  /**
   * The `EventID` values the detection can match: every event the rule matches has one of these ids.
   * Empty when the detection does not restrict EventID that way.
   */
  readonly eventIds: readonly string[];
  /** For generic Windows categories, the events the Sigma taxonomy maps the category to. */
  readonly categoryEvents?: string;
  /**
   * Present (true) when the detection is true for an event that has none of the rule's fields
   * (src/ast/empty-event.ts): a query for it needs a source condition, or it is refused as
   * `unscoped-match-all` where no pipeline maps the log source.
   */
  readonly matchesEventWithoutFields?: true;
}

export interface ExplanationMeta {
  readonly title: string;
  readonly id?: string;
  readonly file: string;
  readonly status?: string;
  readonly level?: string;
  readonly author?: string;
  readonly date?: string;
  readonly modified?: string;
  readonly description?: string;
  readonly references: readonly string[];
  readonly falsepositives: readonly string[];
  /** Tags outside the `attack` namespace (cve, car, detection, ...). */
  readonly tags: readonly string[];
}

export interface RuleExplanation {
  readonly meta: ExplanationMeta;
  readonly attack: AttackCoverage;
  readonly coverage: EventCoverage;
  readonly stages: readonly Stage[];
  readonly exclusions: readonly Exclusion[];
  readonly indicators: readonly MatchRow[];
  /** Present when a corpus index was given: how many rules it holds. */
  readonly corpus?: { readonly rules: number };
}
