import { and, match, matchesOf, not, or, type Expr, type ExprMatch } from '../ast/expr.js';
import type { SigmaValue } from '../ast/value.js';
import { assertNever } from '../diagnostics/assert-never.js';
import { error, fail, hasErrors, ok, warning, type Diagnostic, type Result } from '../diagnostics/diagnostic.js';
import type { SourceSpan } from '../diagnostics/span.js';
import type { LogSource, SigmaRule } from '../rule/model.js';
import {
  detectionItemConditionHolds,
  evalConditionSet,
  fieldNameConditionHolds,
  logsourceVerdicts,
  ruleConditionHolds,
  type RuleView,
} from './conditions.js';
import {
  conditionValue,
  convertTypeItem,
  DROPPED,
  fieldTargets,
  hashesFieldsItem,
  NO_FACTS,
  placeholdersItem,
  replaceStringItem,
  templateText,
  type Facts,
  type ItemResult,
  type PipelineVars,
} from './item-rewrites.js';
import type { AppliedTransformation, PipelineOutput, ProcessingPipeline, Transformation } from './types.js';

/**
 * Applies pipelines to one rule: in priority order (lower first; ties keep the given order), each
 * transformation whose conditions hold rewrites the rule's detection tree, log source, `fields` or the
 * pipeline state. The input rule is never changed; every rewrite builds new nodes.
 *
 * Placeholders no pipeline resolved stay in the tree: `--target ast` shows them, and the lowering engine
 * refuses them (`unresolved-placeholder`) for every query target.
 */
export function applyPipelines(rule: SigmaRule, pipelines: readonly ProcessingPipeline[]): Result<PipelineOutput> {
  const ordered = pipelines.map((p, i) => ({ p, i })).sort((a, b) => a.p.priority - b.p.priority || a.i - b.i).map(({ p }) => p);
  const run = new Run(rule, ordered);
  for (const p of ordered) {
    const decide = logsourceVerdicts(p.transformations);
    let verdicts = decide.verdicts(run.logsource);
    const ts = p.transformations;
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i] as Transformation;
      const kind = decide.kinds[i];
      const holds = kind === 'always' || (kind === 'logsource' ? verdicts[i] === 1 : run.ruleConditionsHold(t));
      if (!holds) continue;
      const before = run.logsource;
      run.apply(p, t);
      if (hasErrors(run.diagnostics)) return fail(run.diagnostics);
      if (run.logsource !== before) verdicts = decide.verdicts(run.logsource);
    }
  }
  return ok(
    {
      rule: { ...rule, detection: run.detection, logsource: run.logsource, fields: run.fields },
      state: run.state,
      applied: run.applied,
      addedItems: run.addedItems(),
    },
    run.diagnostics,
  );
}

type Rewritten = Expr | typeof DROPPED;

class Run implements RuleView {
  detection: Expr;
  logsource: LogSource;
  fields: string[];
  readonly state: Record<string, string | readonly string[]> = Object.create(null) as Record<string, string | readonly string[]>;
  readonly appliedIds = new Set<string>();
  readonly applied: AppliedTransformation[] = [];
  readonly diagnostics: Diagnostic[] = [];
  private readonly facts = new WeakMap<ExprMatch, Facts>();
  /** Variables of all pipelines, as pySigma merges them when pipelines are combined (later wins). */
  private readonly vars: Record<string, PipelineVars[string]> = Object.create(null) as Record<string, PipelineVars[string]>;

  /** `ordered`: the pipelines in priority order. */
  constructor(
    readonly rule: SigmaRule,
    ordered: readonly ProcessingPipeline[],
  ) {
    this.detection = rule.detection;
    this.logsource = rule.logsource;
    this.fields = [...rule.fields];
    for (const p of ordered) for (const [k, v] of Object.entries(p.vars)) this.vars[k] = { values: v, pipeline: p.id };
  }

  /** The run is its own RuleView: rule conditions read its current log source, detection, state and ids. */
  ruleConditionsHold(t: Transformation): boolean {
    return evalConditionSet(t.ruleConditions, (c) => ruleConditionHolds(c, this));
  }

  /** The items of the detection an add_condition added (facts `added`), for PipelineOutput.addedItems. */
  addedItems(): ReadonlySet<ExprMatch> {
    return new Set(matchesOf(this.detection).filter((m) => this.factsOf(m).added));
  }

  private factsOf(m: ExprMatch): Facts {
    return this.facts.get(m) ?? NO_FACTS;
  }

  private record(p: ProcessingPipeline, t: Transformation, detail?: string): void {
    this.appliedIds.add(t.id);
    this.applied.push({ pipeline: p.id, transformation: t.id, type: t.type, ...(detail !== undefined && detail !== '' ? { detail } : {}) });
  }

  private fail(code: Diagnostic['code'], message: string, span: SourceSpan): void {
    this.diagnostics.push(error(code, message, span));
  }

  apply(p: ProcessingPipeline, t: Transformation): void {
    switch (t.type) {
      case 'field_name_mapping':
      case 'field_name_prefix_mapping':
      case 'field_name_prefix':
      case 'field_name_suffix':
        return this.mapFields(p, t);
      case 'add_condition':
        return this.addCondition(p, t);
      case 'change_logsource': {
        const next: { -readonly [K in keyof LogSource]: LogSource[K] } = {};
        if (t.category !== undefined) next.category = t.category;
        if (t.product !== undefined) next.product = t.product;
        if (t.service !== undefined) next.service = t.service;
        if (this.logsource.definition !== undefined) next.definition = this.logsource.definition;
        const describe = (l: LogSource): string => [l.product, l.category, l.service].filter((x) => x !== undefined).join('/');
        const detail = `${describe(this.logsource)} -> ${describe(next)}`;
        this.logsource = next;
        return this.record(p, t, detail);
      }
      case 'replace_string':
        return this.eachItem(p, t, (m) => replaceStringItem(t, m, this.factsOf(m)));
      case 'convert_type':
        return this.eachItem(p, t, (m) => convertTypeItem(p, t, m, this.factsOf(m)));
      case 'value_placeholders':
      case 'wildcard_placeholders':
        return this.eachItem(p, t, (m) => placeholdersItem(p, t, m, this.factsOf(m), this.vars));
      case 'drop_detection_item':
        return this.eachItem(p, t, () => DROPPED);
      case 'detection_item_failure': {
        // The first selected item is reported (one message per transformation is enough to act on).
        let first: ExprMatch | undefined;
        this.eachItem(p, t, (m) => {
          first ??= m;
          return undefined;
        });
        if (first !== undefined) {
          this.fail('unsupported-construct', `${t.message} (pipeline \`${p.id}\`, transformation \`${t.id}\`, field \`${first.field ?? '(keyword)'}\`)`, first.span);
        }
        return;
      }
      case 'rule_warning':
        this.diagnostics.push(warning('pipeline-warning', `${t.message} (pipeline \`${p.id}\`, transformation \`${t.id}\`)`, this.rule.span));
        return this.record(p, t);
      case 'rule_failure':
        this.fail('unsupported-construct', `${t.message} (pipeline \`${p.id}\`, transformation \`${t.id}\`)`, this.rule.span);
        return;
      case 'strict_field_mapping_failure':
        return this.strictMapping(p, t);
      case 'hashes_fields':
        return this.eachItem(p, t, (m) => hashesFieldsItem(p, t, m, this.factsOf(m)), (m) => m.field !== null && t.fields.includes(m.field));
      case 'set_state': {
        const val = typeof t.val === 'string' ? (t.template ? this.template(t.val) : t.val) : t.val.map((v) => (t.template ? this.template(v) : v));
        this.state[t.key] = val;
        return this.record(p, t, `${t.key} = ${typeof val === 'string' ? val : val.join(', ')}`);
      }
      default:
        return assertNever(t, 'transformation');
    }
  }

  /** A set_state value with the run's current log source filled in (templateText). */
  private template(text: string): string {
    return templateText(text, this.logsource);
  }

  /** Rewrites each detection item the transformation's field-name and detection-item conditions select. */
  private eachItem(p: ProcessingPipeline, t: Transformation, fn: (m: ExprMatch) => ItemResult, relevant?: (m: ExprMatch) => boolean): void {
    const details: string[] = [];
    let changed = 0;
    const holds = (m: ExprMatch): boolean => {
      if (relevant !== undefined && !relevant(m)) return false;
      const facts = this.factsOf(m);
      return (
        evalConditionSet(t.fieldNameConditions, (c) => fieldNameConditionHolds(c, m.field, facts)) &&
        evalConditionSet(t.detectionItemConditions, (c) => detectionItemConditionHolds(c, m, facts))
      );
    };
    // The items the transformation selects, found first: most transformations select none of a rule's
    // items (a field mapping for other fields), and then the tree is not walked and rebuilt at all.
    const selected = new Set<ExprMatch>();
    for (const m of matchesOf(this.detection)) if (holds(m)) selected.add(m);
    if (selected.size === 0) return;
    const selects = (m: ExprMatch): boolean => selected.has(m);
    const visit = (e: Expr): Rewritten => {
      switch (e.kind) {
        case 'and':
        case 'or': {
          const parts = e.operands.map((o) => visit(o));
          if (parts.every((x, i) => x === e.operands[i])) return e;
          const kept = parts.filter((x): x is Expr => x !== DROPPED);
          if (e.kind === 'or' && kept.length < parts.length) return DROPPED; // "true" absorbs an OR
          if (kept.length === 0) return DROPPED;
          return e.kind === 'and' ? and(kept, e.span) : or(kept, e.span);
        }
        case 'not': {
          const inner = visit(e.operand);
          if (inner === e.operand) return e;
          if (inner === DROPPED) {
            this.fail(
              'unsupported-construct',
              `transformation \`${t.id}\` of pipeline \`${p.id}\` drops a detection item inside \`not\`; the rule would then match nothing, so it is refused`,
              e.span,
            );
            return e;
          }
          return not(inner, e.span);
        }
        case 'match': {
          if (!selects(e)) return e;
          const r = fn(e);
          if (r === undefined) return e;
          if (r === DROPPED) {
            changed++;
            details.push(`dropped ${e.field ?? '(keyword)'}`);
            return DROPPED;
          }
          if ('refused' in r) {
            this.fail(r.refused, r.message, e.span);
            return e;
          }
          changed++;
          if (r.detail !== undefined && !details.includes(r.detail)) details.push(r.detail);
          this.markAll(r.expr, r.facts);
          return r.expr;
        }
        default:
          return assertNever(e, 'expression');
      }
    };
    const next = visit(this.detection);
    if (changed === 0 || hasErrors(this.diagnostics)) return;
    if (next === DROPPED) {
      this.fail(
        'unsupported-construct',
        `transformation \`${t.id}\` of pipeline \`${p.id}\` drops every detection item; the query would match every event, so the rule is refused`,
        this.rule.span,
      );
      return;
    }
    this.detection = next;
    this.record(p, t, details.join('; '));
  }

  private markAll(e: Expr, facts: Facts): void {
    for (const m of matchesOf(e)) this.facts.set(m, facts);
  }

  private mapFields(p: ProcessingPipeline, t: Extract<Transformation, { type: `field_name_${string}` }>): void {
    const fieldSelected = (name: string, facts: Facts): boolean => evalConditionSet(t.fieldNameConditions, (c) => fieldNameConditionHolds(c, name, facts));
    const recordedBefore = this.applied.length;
    this.eachItem(p, t, (m) => {
      if (m.field === null) return undefined;
      const facts = this.factsOf(m);
      const targets = fieldTargets(t, m.field);
      const ref = m.value.kind === 'fieldref' ? m.value.field : undefined;
      const refTargets = ref !== undefined && fieldSelected(ref, facts) ? fieldTargets(t, ref) : undefined;
      if (targets === undefined && refTargets === undefined) return undefined;
      const fields = targets ?? [m.field];
      const refs: readonly (string | undefined)[] = ref === undefined ? [undefined] : (refTargets ?? [ref]);
      // One-to-many is "any of these fields": an OR in place of the item, so an enclosing `not` covers
      // every alternative.
      const alternatives: Expr[] = [];
      for (const f of fields) {
        for (const r of refs) {
          const value: SigmaValue = r !== undefined && m.value.kind === 'fieldref' ? { ...m.value, field: r } : m.value;
          alternatives.push(match(f, value, m.span));
        }
      }
      const detail = [
        ...(targets ? [`${m.field} -> ${targets.join(' | ')}`] : []),
        ...(ref !== undefined && refTargets ? [`${ref} -> ${refTargets.join(' | ')}`] : []),
      ].join('; ');
      return {
        expr: or(alternatives, m.span),
        facts: {
          ...facts,
          applied: new Set([...facts.applied, t.id]),
          mappedField: facts.mappedField || targets !== undefined,
          mappedRef: facts.mappedRef || refTargets !== undefined,
        },
        detail,
      };
    }, (m) => m.field !== null && (m.value.kind === 'fieldref' || fieldTargets(t, m.field) !== undefined));
    // The rule's `fields` list names event fields too.
    const mappedFields = this.fields.flatMap((f) => (fieldSelected(f, NO_FACTS) ? (fieldTargets(t, f) ?? [f]) : [f]));
    if (mappedFields.join('\u0000') !== this.fields.join('\u0000')) {
      this.fields = mappedFields;
      if (this.applied.length === recordedBefore) this.record(p, t, 'rule `fields` list');
    }
  }

  private addCondition(p: ProcessingPipeline, t: Extract<Transformation, { type: 'add_condition' }>): void {
    const facts: Facts = { applied: new Set([t.id]), mappedField: true, mappedRef: true, added: true };
    const perField = t.conditions.map((c) =>
      or(
        c.values.map((v) => {
          const m = match(c.field, conditionValue(v, t.template, c.cased, this.logsource), c.span);
          this.facts.set(m as ExprMatch, facts);
          return m;
        }),
        c.span,
      ),
    );
    let added = and(perField, t.span);
    if (t.negated) added = not(added, t.span);
    this.detection = and([added, this.detection], this.detection.span);
    const detail = t.conditions.map((c) => `${c.field} = ${c.values.map((v) => JSON.stringify(v)).join(' | ')}`).join(' and ');
    this.record(p, t, t.negated ? `not (${detail})` : detail);
  }

  private strictMapping(p: ProcessingPipeline, t: Extract<Transformation, { type: 'strict_field_mapping_failure' }>): void {
    const seen = new Set<string>();
    for (const e of matchesOf(this.detection)) {
      const facts = this.factsOf(e);
      const unmapped: string[] = [];
      if (e.field !== null && !facts.mappedField) unmapped.push(e.field);
      if (e.value.kind === 'fieldref' && !facts.mappedRef) unmapped.push(e.value.field);
      for (const f of unmapped) {
        if (seen.has(f)) continue;
        seen.add(f);
        this.fail(
          'unmapped-field',
          `field \`${f}\` has no mapping in pipeline \`${p.id}\`, which requires every field to be mapped (transformation \`${t.id}\`${t.message ? `: ${t.message}` : ''}); ` +
            'add it to a field_name_mapping, or convert without this pipeline',
          e.span,
        );
      }
    }
    if (seen.size === 0) this.record(p, t, 'every field is mapped');
  }
}
