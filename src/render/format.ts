import type { PipelineState } from '../pipeline/types.js';
import type { SigmaCorrelation, SigmaRule } from '../rule/model.js';
import type { RuleMetadata } from './rule-metadata.js';

/**
 * An output format: `templates/<target>/<format>.hbs` wraps one already built query with the rule's
 * metadata, and an optional `templates/<target>/<format>.pack.hbs` wraps every rule's piece into the
 * file the SIEM imports. A declaration (formats.ts) adds what the template cannot know: where the pack
 * goes (one file or one file per rule), its options, the unique name each rule gets, and values in the
 * vendor's vocabulary (severity, tactics, ...). A template without a declaration still works: one
 * plain-text file per rule, the common variables only.
 */

/** What the converter built for one rule, before any format wraps it. */
export interface FormatInput {
  /** The target's query (templates/<target>/query.hbs applied). */
  readonly query: string;
  readonly expression: string;
  readonly postFilter: string | null;
  /** The source the query reads (Splunk index, Sentinel or SQL table), as written in the query. */
  readonly source: string | null;
  /** The pipeline state (e.g. `table`, `index`). */
  readonly state: PipelineState;
  /** The target options the query was built with (e.g. sql `postgres`). */
  readonly targetOptions: Readonly<Record<string, boolean | string>>;
  /**
   * A correlation only: how much older than its firings the events it reads can be (its timespan, plus the
   * longest chain of inner timespans). Scheduled formats read this much further back.
   */
  readonly lookbackSeconds?: number;
  /** A correlation only: the sources its rules read (as written in their queries), each once. */
  readonly sources?: readonly string[];
}

/** What a format wraps: a detection rule or a correlation rule (metadata comes from what both share). */
export type FormattedDocument = SigmaRule | SigmaCorrelation;

export interface FormatItem {
  /** The rule as written (metadata is taken from it; the query already reflects the pipelines). */
  readonly rule: FormattedDocument;
  readonly input: FormatInput;
}

export type FormatOptionValues = Readonly<Record<string, string>>;

export interface FormatOption {
  readonly name: string;
  readonly description: string;
  readonly default: string;
  /** Null when the value is acceptable, else what is wrong with it. */
  readonly check: (value: string) => string | null;
}

/**
 * How the rendered pieces are put together.
 * - `syntax`: `json` pieces are parsed and printed again (2-space indent), `ndjson` pieces printed on
 *   one line each; a template can thus be written readably and the output is still canonical.
 * - `one-file`: every rule in `file` (the pack template, or the pieces joined by `separator`).
 * - `file-per-rule`: one `<name>.<extension>` per rule; standard output joins them with `separator`.
 */
export type PackSyntax = 'text' | 'json' | 'ndjson';

export type PackLayout =
  | { readonly kind: 'one-file'; readonly file: string; readonly syntax: PackSyntax; readonly separator: string }
  | { readonly kind: 'file-per-rule'; readonly extension: string; readonly syntax: PackSyntax; readonly separator: string };

/** How each rule gets a name that is unique in its pack (a .conf stanza, a SQL view). */
export interface Naming {
  readonly make: (title: string) => string;
  /** Names that collide when their keys are equal (e.g. compared case-insensitively). */
  readonly key: (name: string) => string;
  /** The name with the n-th suffix (n = 2, 3, ...). */
  readonly suffix: (name: string, n: number) => string;
  /** Keys no rule may take (Splunk's `[default]` stanza holds global settings). */
  readonly reserved: readonly string[];
}

/** What a declaration's `vendor` function sees for one rule. */
export interface VendorContext {
  readonly meta: RuleMetadata;
  readonly input: FormatInput;
  readonly options: FormatOptionValues;
  /** The rule's id, or a name-based UUID when it has none or shares it with an earlier rule. */
  readonly uid: string;
  /** The document the piece is for (a correlation's timespan sets how far back a scheduled search reads). */
  readonly document: FormattedDocument;
}

export interface FormatDeclaration {
  readonly target: string;
  readonly format: string;
  readonly description: string;
  readonly layout: PackLayout;
  readonly options: readonly FormatOption[];
  readonly naming: Naming | null;
  /** Values in the vendor's vocabulary for the template's `vendor` variable. */
  readonly vendor: (ctx: VendorContext) => Readonly<Record<string, unknown>>;
  /** Why this file format cannot hold the rule's query exactly, or null. */
  readonly refuse?: (input: FormatInput, document: FormattedDocument, options: FormatOptionValues) => string | null;
  /**
   * The template holds a correlation rule too: it uses only `query` and the metadata (a correlation has
   * no single expression, source or log source). Absent: correlations are refused in this format.
   */
  readonly correlations?: boolean;
}
