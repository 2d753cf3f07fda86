import type { ConditionNode } from '../ast/condition.js';
import type { Expr } from '../ast/expr.js';
import type { SourceSpan } from '../diagnostics/span.js';
import type { YamlMap } from '../yaml/node.js';

export type Level = 'informational' | 'low' | 'medium' | 'high' | 'critical';
export type Status = 'stable' | 'test' | 'experimental' | 'deprecated' | 'unsupported';

export interface LogSource {
  readonly category?: string;
  readonly product?: string;
  readonly service?: string;
  readonly definition?: string;
}

export interface RelatedRule {
  readonly id: string;
  readonly type: 'derived' | 'obsolete' | 'merged' | 'renamed' | 'similar';
}

/** Metadata shared by every kind of Sigma document. */
export interface RuleMeta {
  readonly title: string;
  readonly id?: string;
  readonly name?: string;
  readonly status?: Status;
  readonly description?: string;
  readonly license?: string;
  readonly author?: string;
  readonly references: readonly string[];
  readonly date?: string;
  readonly modified?: string;
  readonly tags: readonly string[];
  readonly level?: Level;
  readonly falsepositives: readonly string[];
  readonly fields: readonly string[];
  readonly related: readonly RelatedRule[];
  readonly taxonomy?: string;
}

/** A search identifier of the detection section and the expression it stands for. */
export interface SearchIdentifier {
  readonly name: string;
  readonly expr: Expr;
  /** Where its key stands in the file. */
  readonly span: SourceSpan;
}

/** One condition string (a condition given as a list has several; they are ORed). */
export interface ParsedCondition {
  readonly text: string;
  readonly node: ConditionNode;
  readonly span: SourceSpan;
}

export interface SigmaRule extends RuleMeta {
  readonly kind: 'rule';
  readonly file: string;
  /** Index of the YAML document in its file (0-based). */
  readonly documentIndex: number;
  readonly span: SourceSpan;
  readonly logsource: LogSource;
  /**
   * Search identifiers in the order of the detection's entries: file order, except that an `action:
   * global` template's identifiers come after the rule's own (the merge appends them).
   */
  readonly identifiers: readonly SearchIdentifier[];
  readonly conditions: readonly ParsedCondition[];
  /** The whole detection: the conditions (ORed) with identifiers resolved. */
  readonly detection: Expr;
  /** The document as loaded (after collection actions), for custom fields and pipelines. */
  readonly source: YamlMap;
}

export type CorrelationType =
  | 'event_count'
  | 'value_count'
  | 'temporal'
  | 'temporal_ordered'
  | 'value_sum'
  | 'value_avg'
  | 'value_percentile';

/** A name or field as written in a correlation, with where it stands (for diagnostics). */
export interface CorrelationRef {
  readonly value: string;
  readonly span: SourceSpan;
}

/** `aliases: {alias: {ruleNameOrId: field}}`: per referenced rule, the field that holds the alias. */
export interface CorrelationAlias {
  readonly name: string;
  readonly span: SourceSpan;
  readonly fields: readonly { readonly rule: string; readonly field: string; readonly span: SourceSpan }[];
}

export interface SigmaCorrelation extends RuleMeta {
  readonly kind: 'correlation';
  readonly file: string;
  readonly documentIndex: number;
  readonly span: SourceSpan;
  readonly type: CorrelationType;
  readonly rules: readonly string[];
  /** `rules` with where each entry stands (same order). */
  readonly ruleRefs: readonly CorrelationRef[];
  readonly groupBy: readonly string[];
  readonly timespan: string;
  /** The timespan in seconds (units s m h d w; months and years are refused when the document is read). */
  readonly timespanSeconds: number;
  /** The bounds of `condition` as written (ANDed); empty when the correlation gives none (temporal types). */
  readonly condition: CorrelationBounds;
  /** `condition.field` (value_* types); null when absent. */
  readonly field: CorrelationRef | null;
  readonly aliases: readonly CorrelationAlias[];
  readonly generate: boolean;
  readonly source: YamlMap;
}

/** Every bound given must hold (ANDed); src/correlation/plan.ts calls it CorrelationCondition. */
export interface CorrelationBounds {
  readonly gt?: number;
  readonly gte?: number;
  readonly lt?: number;
  readonly lte?: number;
  readonly eq?: number;
  readonly neq?: number;
}

export interface SigmaFilter extends RuleMeta {
  readonly kind: 'filter';
  readonly file: string;
  readonly documentIndex: number;
  readonly span: SourceSpan;
  readonly logsource: LogSource;
  /** Rule ids or names; `any` applies to every rule whose log source matches. */
  readonly rules: readonly string[] | 'any';
  readonly identifiers: readonly SearchIdentifier[];
  readonly conditions: readonly ParsedCondition[];
  readonly detection: Expr;
  readonly source: YamlMap;
}

export type SigmaDocument = SigmaRule | SigmaCorrelation | SigmaFilter;
