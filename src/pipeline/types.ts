import type { ExprMatch } from '../ast/expr.js';
import type { DiagnosticCode } from '../diagnostics/codes.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { SourceSpan } from '../diagnostics/span.js';
import type { SourceState } from '../lower/target.js';
import type { SigmaRule } from '../rule/model.js';

/**
 * Processing pipelines, as pySigma's processing-pipeline YAML files describe them: an ordered list of
 * transformations, each applied to a rule when its conditions hold. The type names and parameter names
 * are pySigma's, so users' existing files load unchanged (for the parts this tool implements; any other
 * type is an error, never ignored). The transformations array may be changed in place between runs; a
 * transformation itself, and what it holds, must not be once a rule ran through it (what it makes of a
 * field name is kept): put a new transformation object in its place (src/pipeline/README.md, "Speed").
 */
export interface ProcessingPipeline {
  /** Built-in name, or the file the pipeline came from. Shown in `applied` and in diagnostics. */
  readonly id: string;
  /** The `name:` of the file (the id when absent). */
  readonly name: string;
  /** Lower runs first; ties keep the order the pipelines were given in. */
  readonly priority: number;
  readonly transformations: readonly Transformation[];
  /** `vars:`: values for `%name%` placeholders (a scalar is a one-item list). */
  readonly vars: Readonly<Record<string, readonly string[]>>;
  readonly span: SourceSpan;
}

/** A boolean combination of condition ids (`rule_cond_op`, `rule_cond_not`, `rule_cond_expr`). */
export type CondExpr =
  | { readonly kind: 'ref'; readonly id: string }
  | { readonly kind: 'and' | 'or'; readonly operands: readonly CondExpr[] }
  | { readonly kind: 'not'; readonly operand: CondExpr };

/** Conditions of one scope and how they combine. No conditions: always true. */
export interface ConditionSet<C> {
  readonly conditions: readonly { readonly id: string; readonly condition: C }[];
  readonly combine: CondExpr;
}

/** `rule_conditions`: decide whether a transformation applies to a rule at all. */
export type RuleCondition =
  | { readonly type: 'logsource'; readonly category?: string; readonly product?: string; readonly service?: string }
  | { readonly type: 'tag'; readonly tag: string }
  | { readonly type: 'rule_attribute'; readonly attribute: string; readonly value: string | number; readonly op: AttributeOp }
  | { readonly type: 'contains_field'; readonly field: string }
  | { readonly type: 'processing_item_applied'; readonly processingItemId: string }
  | { readonly type: 'processing_state'; readonly key: string; readonly val: string }
  | { readonly type: 'is_sigma_rule' };

export type AttributeOp = 'eq' | 'ne' | 'gte' | 'gt' | 'lte' | 'lt' | 'in' | 'not_in';

/** `field_name_conditions`: decide per detection item, by its field name. */
export type FieldNameCondition =
  | { readonly type: 'include_fields'; readonly fields: readonly string[]; readonly mode: 'plain' | 're'; readonly patterns: readonly RegExp[] }
  | { readonly type: 'exclude_fields'; readonly fields: readonly string[]; readonly mode: 'plain' | 're'; readonly patterns: readonly RegExp[] }
  | { readonly type: 'processing_item_applied'; readonly processingItemId: string };

/** `detection_item_conditions`: decide per detection item, by its value. */
export type DetectionItemCondition =
  | { readonly type: 'match_string'; readonly pattern: RegExp; readonly negate: boolean }
  | { readonly type: 'is_null'; readonly negate: boolean }
  | { readonly type: 'contains_wildcard'; readonly negate: boolean }
  | { readonly type: 'processing_item_applied'; readonly processingItemId: string };

/** What every transformation carries besides its own parameters. */
export interface TransformationBase {
  /** The `id:` of the item (pySigma's processing item identifier), or `<type>#<position>` when absent. */
  readonly id: string;
  readonly span: SourceSpan;
  readonly ruleConditions: ConditionSet<RuleCondition>;
  readonly fieldNameConditions: ConditionSet<FieldNameCondition>;
  readonly detectionItemConditions: ConditionSet<DetectionItemCondition>;
}

/** A value `add_condition` compares with, as written in the pipeline file. */
export type ConditionValue = string | number | boolean | null;

/** One field of `add_condition`'s `conditions` (and of a mapping guard's): the field and its values. */
export interface AddedCondition {
  readonly field: string;
  /** Several values: any of them. */
  readonly values: readonly ConditionValue[];
  /** `field|cased`: the pipeline names the log's exact value, so it matches case-sensitively. */
  readonly cased: boolean;
  readonly span: SourceSpan;
}

/**
 * A condition on the event under which one alternative of a field mapping holds (an extension; written
 * like add_condition's `conditions` and `negated`): the fields all hold (each one of its values), or
 * with `negated`, not all of them.
 */
export interface FieldGuard {
  readonly conditions: readonly AddedCondition[];
  readonly negated: boolean;
  readonly span: SourceSpan;
}

/** One value of `value_to_condition`: the value as written (compared without case) and its condition. */
export interface ValueCondition {
  readonly value: string;
  readonly conditions: readonly AddedCondition[];
  readonly span: SourceSpan;
}

/**
 * A field name and the names it becomes (one: a rename; several: any of them, an OR). `guards`, when
 * present, has one entry per name of `to` (same index): the condition on the event under which that
 * name holds the rule's field, or null for an alternative that always does. A guarded alternative
 * becomes `guard and <field test>` in the OR (so `not` covers the guards too).
 */
export interface FieldMappingEntry {
  readonly from: string;
  readonly to: readonly string[];
  readonly guards?: readonly (FieldGuard | null)[];
}

export type Transformation =
  | (TransformationBase & { readonly type: 'field_name_mapping'; readonly mapping: readonly FieldMappingEntry[] })
  | (TransformationBase & { readonly type: 'field_name_prefix_mapping'; readonly mapping: readonly FieldMappingEntry[] })
  | (TransformationBase & { readonly type: 'field_name_prefix'; readonly prefix: string })
  | (TransformationBase & { readonly type: 'field_name_suffix'; readonly suffix: string })
  | (TransformationBase & {
      readonly type: 'add_condition';
      /** Field -> values (several values: any of them). Several fields: all of them. */
      readonly conditions: readonly AddedCondition[];
      readonly negated: boolean;
      /** Replace `$category`, `$product`, `$service` in string values with the rule's log source. */
      readonly template: boolean;
    })
  | (TransformationBase & { readonly type: 'change_logsource'; readonly category?: string; readonly product?: string; readonly service?: string })
  | (TransformationBase & {
      readonly type: 'replace_string';
      readonly regex: RegExp;
      /** The replacement in JavaScript's `String.replace` syntax (Python's `\1` and `\g<name>` are converted). */
      readonly replacement: string;
      readonly skipSpecial: boolean;
      readonly interpretSpecial: boolean;
    })
  | (TransformationBase & {
      readonly type: 'convert_type';
      /** `str`: numbers and booleans become Sigma strings of their text; `num`: digit strings become numbers. */
      readonly targetType: 'str' | 'num';
    })
  | (TransformationBase & { readonly type: 'value_placeholders'; readonly include?: readonly string[]; readonly exclude?: readonly string[] })
  | (TransformationBase & { readonly type: 'wildcard_placeholders'; readonly include?: readonly string[]; readonly exclude?: readonly string[] })
  | (TransformationBase & { readonly type: 'drop_detection_item' })
  | (TransformationBase & { readonly type: 'detection_item_failure'; readonly message: string })
  | (TransformationBase & { readonly type: 'rule_failure'; readonly message: string })
  /** A warning on the rule (converted as usual): what a pipeline knows its mapping does not say. */
  | (TransformationBase & { readonly type: 'rule_warning'; readonly message: string })
  | (TransformationBase & { readonly type: 'strict_field_mapping_failure'; readonly message?: string })
  | (TransformationBase & {
      readonly type: 'hashes_fields';
      /** The Sigma fields holding Sysmon's `ALGO=HEX,...` list (`Hashes`, `Hash`). */
      readonly fields: readonly string[];
      /** Lower-case algorithm (md5, sha1, sha256, imphash) -> the field holding that hash. */
      readonly mapping: Readonly<Record<string, string>>;
      /** The schema stores hash values lowercased (Winlogbeat); false: compared case-insensitively. */
      readonly lowercase: boolean;
    })
  | (TransformationBase & {
      /**
       * An extension: a test of `field` for one of the values `mapping` names becomes, in place, the
       * condition on the event that holds exactly when the field has that value (Sysmon's `Initiated:
       * 'true'` is an outbound ActionType in Defender's table). Any other test of the field is refused.
       */
      readonly type: 'value_to_condition';
      readonly field: string;
      readonly mapping: readonly ValueCondition[];
    })
  | (TransformationBase & {
      readonly type: 'set_state';
      readonly key: string;
      readonly val: string | readonly string[];
      /**
       * Replace `$category`, `$product`, `$service` (or `${...}`) with the rule's log source, and
       * `${logsource}` with its parts joined by `_` as one lower-case identifier (`[a-z0-9_]`; an extension:
       * one table per log source).
       */
      readonly template: boolean;
    });

export type TransformationType = Transformation['type'];

/** One transformation that changed a rule: what `--json` lists per rule. */
export interface AppliedTransformation {
  readonly pipeline: string;
  readonly transformation: string;
  readonly type: TransformationType;
  /** What it did, e.g. `CommandLine -> process.command_line`. */
  readonly detail?: string;
}

/** Pipeline state: what targets read to pick a table, index or source (declared where it is read). */
export type PipelineState = SourceState;

export interface PipelineOutput {
  /** The rule with the transformed detection, log source and `fields`. */
  readonly rule: SigmaRule;
  readonly state: PipelineState;
  readonly applied: readonly AppliedTransformation[];
  /**
   * The detection items of the final detection that an `add_condition` added (or that later
   * transformations rewrote them into, e.g. a field mapping); an item a later transformation dropped is
   * not here. What decides whether the rule is limited to its log source (src/lower/source-scope.ts).
   */
  readonly addedItems: ReadonlySet<ExprMatch>;
}

/** A whole pipeline run over one rule: what it made of the rule and everything it reported. */
export interface PipelineRun {
  /**
   * The rule after every transformation. When the run failed it is the rule as far as the
   * transformations could take it: an item a transformation refused keeps the form it had, a
   * transformation that refused the whole rule left it as it was; every other rewrite is done.
   */
  readonly output: PipelineOutput;
  /** Every diagnostic of the run, in the order the transformations reported them. */
  readonly diagnostics: readonly Diagnostic[];
  /** Some transformation reported an error: `output` is not a rule to convert. */
  readonly failed: boolean;
  /**
   * The items of `output.rule.detection` a transformation refused, with the codes of the errors reported
   * at each (see "One error per item" at runPipelines in apply.ts; `repeatsAnError`).
   */
  readonly refusedItems: ReadonlyMap<ExprMatch, readonly DiagnosticCode[]>;
}
