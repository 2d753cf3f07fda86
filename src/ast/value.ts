/**
 * What a detection item compares a field with, after all modifiers are applied. Expanding modifiers
 * (windash, base64offset, utf16*) have already become alternatives in the tree, so a value here is
 * always a single comparison.
 */
export type SigmaValue =
  | StringValue
  | NumberValue
  | BooleanValue
  | NullValue
  | RegexValue
  | CidrValue
  | CompareValue
  | ExistsValue
  | FieldRefValue
  | TimePartValue;

/** One piece of a Sigma string (SPEC-DIGEST §4). */
export type StringPart =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'wildcard-multi' }
  | { readonly kind: 'wildcard-single' }
  /** `%name%` under `expand`; a pipeline must resolve it or the rule is refused. */
  | { readonly kind: 'placeholder'; readonly name: string };

/**
 * A Sigma string: matches the whole field value, case-insensitively unless `cased`. Wildcards and
 * literals are already separated, so no target ever re-parses Sigma escapes. Adjacent literals are
 * merged and there are never two adjacent `wildcard-multi` parts.
 */
export interface StringValue {
  readonly kind: 'string';
  readonly parts: readonly StringPart[];
  readonly cased: boolean;
  /**
   * Set by a pipeline that names the log's own exact spelling (`add_condition` with `field|cased`, e.g.
   * `winlog.channel: Security`): the field never holds another casing, so case-sensitive and
   * case-insensitive matching agree and a target may use either.
   */
  readonly canonical?: true;
}

/** An unquoted YAML number: matches the number, and the same number stored as text. */
export interface NumberValue {
  readonly kind: 'number';
  readonly value: number;
}

export interface BooleanValue {
  readonly kind: 'boolean';
  readonly value: boolean;
}

/** `field: null`: the field is absent or null. */
export interface NullValue {
  readonly kind: 'null';
}

/** `re`: an unanchored regular expression (a substring search), case-sensitive unless `ignoreCase`. */
export interface RegexValue {
  readonly kind: 'regex';
  readonly pattern: string;
  readonly flags: { readonly ignoreCase: boolean; readonly multiline: boolean; readonly dotAll: boolean };
}

/** `cidr`: the field holds an address inside the network. `network` is normalised (`10.0.0.0/8`). */
export interface CidrValue {
  readonly kind: 'cidr';
  readonly network: string;
  readonly version: 4 | 6;
  readonly prefixLength: number;
}

/** `lt`/`lte`/`gt`/`gte`: numeric comparison. */
export interface CompareValue {
  readonly kind: 'compare';
  readonly op: 'lt' | 'lte' | 'gt' | 'gte';
  readonly value: number;
}

/** `exists`: presence of the field (an empty or null value still counts as present). */
export interface ExistsValue {
  readonly kind: 'exists';
  readonly exists: boolean;
}

/** `fieldref`: compares with another field of the same event. */
export interface FieldRefValue {
  readonly kind: 'fieldref';
  readonly field: string;
  readonly match: 'equals' | 'startswith' | 'endswith' | 'contains';
  readonly cased: boolean;
}

/** `minute` ... `year`: that part of a timestamp field equals `value`. */
export interface TimePartValue {
  readonly kind: 'timepart';
  readonly part: 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';
  readonly value: number;
}

export type ValueKind = SigmaValue['kind'];
