import { matchesEmptyEvent, requiresItems } from '../ast/empty-event.js';
import type { ExprMatch } from '../ast/expr.js';
import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { SourceSpan } from '../diagnostics/span.js';
import type { LogSource, SigmaRule } from '../rule/model.js';
import { mapGet } from '../yaml/node.js';
import type { SourceState, TargetDeclaration } from './target.js';

/**
 * What the source scope reads of a rule after its pipelines (the pipeline layer's PipelineOutput is
 * one; this layer does not import that one above it).
 */
export interface PipedRule {
  /** The rule with the detection the pipelines left. */
  readonly rule: SigmaRule;
  readonly state: SourceState;
  /** The items of that detection an `add_condition` added (or what later transformations made of them). */
  readonly addedItems: ReadonlySet<ExprMatch>;
}

/**
 * The pipeline state that names where events come from: a table (Sentinel, SQL) or an index (Splunk,
 * ES|QL), as the target declares it (`source.stateKey`). A list of indexes (ecs-windows: winlogbeat-*,
 * logs-*) is passed joined by commas; the target's `write` accepts or refuses it (Splunk refuses a comma
 * in an index name). Undefined when no pipeline set it (the target's default source then applies).
 */
export function sourceFrom(target: TargetDeclaration, state: SourceState): string | undefined {
  const key = target.source.stateKey;
  const v = key === null ? undefined : state[key];
  if (typeof v === 'string') return v;
  return key === 'index' && Array.isArray(v) && v.length > 0 ? v.join(',') : undefined;
}

/**
 * Whether the pipelines limited a rule to its log source, for one target: either a pipeline set the state
 * the target reads as its source (its `source.stateKey`: a table, an index; only for a target whose
 * `source.stateLimitsSource`), so the query reads only that source; or the final detection is false for
 * an event without the fields an `add_condition` added (a negated one, or `field: null`, limits nothing;
 * one a later transformation dropped does not count). Otherwise the query reads whatever the target's
 * default source holds (every index the user may search, a catch-all table).
 */
function limitedToSource(target: TargetDeclaration, piped: PipedRule): boolean {
  if (target.source.stateLimitsSource && sourceFrom(target, piped.state) !== undefined) return true;
  return requiresItems(piped.rule.detection, piped.addedItems);
}

/**
 * The diagnostics of a rule whose query no pipeline limits to its log source (none otherwise):
 * - `unscoped-match-all` (an error, a refusal): the detection (after pipelines) is true for an event that
 *   has none of the rule's fields, so the query would match nearly every event of every source, e.g. a
 *   rule that is only `not filter`, or `field: null`;
 * - `no-source-condition` (a warning): the query is the rule's detection alone, searching every event that
 *   has the rule's fields, whatever source it came from.
 * The error is decided on the final detection, so a source condition that a later transformation dropped
 * does not count. (A detection limited by an added condition is false on an event without those fields,
 * so it is never true for an event without the rule's fields either.)
 *
 * `original` is the rule as written (its log source and where `logsource:` stands in the file).
 */
export function sourceScopeDiagnostics(target: TargetDeclaration, original: SigmaRule, piped: PipedRule): Diagnostic[] {
  if (limitedToSource(target, piped)) return [];
  const span = logsourceSpan(original);
  const source = describeLogSource(original.logsource);
  const key = target.source.stateLimitsSource ? target.source.stateKey : null;
  if (matchesEmptyEvent(piped.rule.detection)) {
    return [
      error(
        'unscoped-match-all',
        `the ${target.id} query would match nearly every event of every source: the detection is true for an event that has none of its fields, and no pipeline limits the query to the log source ${source}; ` +
          `give a pipeline that adds a source condition${key === null ? '' : ` (or sets the ${key}: set_state key \`${key}\`)`} for it, e.g. \`-p my-sources.yml\` with the YAML ` +
          `\`transformations: [{ type: add_condition, conditions: { <field>: <value> }, rule_conditions: [{ type: logsource${logsourceFlow(original.logsource)} }] }]\`, ` +
          `or skip the rule (--skip-unsupported)`,
        span,
      ),
    ];
  }
  return [
    warning(
      'no-source-condition',
      `no pipeline maps the log source ${source} for ${target.id}: the query has no source condition and searches every event that has the rule's fields; add a pipeline with add_condition${key === null ? '' : ` (or set_state key \`${key}\`)`} for this log source (-p my-sources.yml)`,
      span,
    ),
  ];
}

/** Where `logsource:` stands in the rule's file (the rule's own span when it has none). */
function logsourceSpan(rule: SigmaRule): SourceSpan {
  return mapGet(rule.source, 'logsource')?.keySpan ?? rule.span;
}

const LOGSOURCE_KEYS = ['product', 'category', 'service'] as const;

/** `product: zeek, service: rdp`, or `(empty)`. */
function describeLogSource(ls: LogSource): string {
  const parts = LOGSOURCE_KEYS.flatMap((k) => (ls[k] === undefined ? [] : [`${k}: ${ls[k]}`]));
  return parts.length === 0 ? '(empty)' : `(${parts.join(', ')})`;
}

/** The log source as YAML flow-mapping entries (each after `, `) for the example pipeline; a value YAML would misread is quoted. */
function logsourceFlow(ls: LogSource): string {
  const plain = (v: string): string => (/^[A-Za-z][\w.-]*$/.test(v) ? v : JSON.stringify(v));
  return LOGSOURCE_KEYS.flatMap((k) => (ls[k] === undefined ? [] : [`, ${k}: ${plain(ls[k])}`])).join('');
}
