import { and, matchesOf, type Expr, type ExprMatch } from '../ast/expr.js';
import { assertNever } from '../diagnostics/assert-never.js';
import { isSkippableCode, type DiagnosticCode } from '../diagnostics/codes.js';
import { error, fail, hasErrors, ok, warning, type Diagnostic, type Result } from '../diagnostics/diagnostic.js';
import type { SourceSpan } from '../diagnostics/span.js';
import type { LogSource, SigmaRule } from '../rule/model.js';
import { logsourceVerdicts, sameMembers } from './candidates.js';
import { fieldNamesHold, itemConditionsHold, type RuleView } from './conditions.js';
import {
  conditionsExpr,
  conditionsText,
  conditionValue,
  convertTypeItem,
  DROPPED,
  hashesFieldsItem,
  NO_FACTS,
  placeholdersItem,
  replaceStringItem,
  templateText,
  valueToConditionItem,
  writtenFacts,
  type Facts,
  type ItemResult,
  type PipelineVars,
} from './item-rewrites.js';
import { mapFieldItem, renameOf, type FieldRename, type FieldTransformation } from './field-mapping.js';
import type { AppliedTransformation, PipelineOutput, PipelineRun, ProcessingPipeline, Transformation } from './types.js';
import { groupGuards } from './guarded-tests.js';
import { fieldGate, rewriteItems } from './item-walk.js';

/**
 * Applies pipelines to one rule: in priority order (lower first; ties keep the given order), each
 * transformation whose conditions hold rewrites the rule's detection tree, log source, `fields` or the
 * pipeline state. The input rule is never changed; every rewrite builds new nodes.
 *
 * A transformation that reports an error does not stop the run: every later transformation still runs,
 * so one run reports every problem of the rule (runPipelines). The result fails when any error was
 * reported, and then carries every diagnostic of the run.
 *
 * Placeholders no pipeline resolved stay in the tree: `--target ast` shows them, and the lowering engine
 * refuses them (`unresolved-placeholder`) for every query target.
 */
export function applyPipelines(rule: SigmaRule, pipelines: readonly ProcessingPipeline[]): Result<PipelineOutput> {
  const run = runPipelines(rule, pipelines);
  return run.failed ? fail(run.diagnostics) : ok(run.output, run.diagnostics);
}

/**
 * applyPipelines, with the partly transformed rule of a failed run too (what lowering reads to report
 * its own errors of the rule besides the pipelines').
 *
 * One error per item: a detection item a transformation refused (an error at the item) keeps its form,
 * and its facts record the error's code (they stay on what later transformations rewrite it into). A
 * later error at an item that already has one is not reported when it repeats it (`repeatsAnError`):
 * when it is a refusal `--skip-unsupported` may skip (`isSkippableCode`), since the first refusal is the
 * reason and later ones follow from it (a `Hashes` item the hashes transformation refused was not
 * rewritten, so a strict check would find its field unmapped), or when it has the same code as one
 * reported there. Everything is read from the item's facts, never from messages. A mistake of another
 * kind (an unresolved placeholder, an error that may not be skipped) is reported on a refused item all
 * the same: it is a problem of its own, and skipping the rule for the refusal must not hide it.
 * Converters leave out lowering errors at `refusedItems` by the same rule (src/converters.ts).
 */
export function runPipelines(rule: SigmaRule, pipelines: readonly ProcessingPipeline[]): PipelineRun {
  const { ordered, vars } = runPlan(pipelines);
  const run = new Run(rule, vars);
  for (const p of ordered) {
    const decide = logsourceVerdicts(p.transformations);
    let { indexes, checks } = decide.candidates(run.logsource);
    const ts = p.transformations;
    for (let k = 0; k < indexes.length; k++) {
      const i = indexes[k] as number;
      const check = checks[k];
      // The rule conditions the log source left undecided (the run is the RuleView they read).
      if (check !== null && check !== undefined && !check(run)) continue;
      const before = run.logsource;
      run.apply(p, ts[i] as Transformation);
      if (run.logsource !== before) {
        // The later transformations decide by the new log source.
        ({ indexes, checks } = decide.candidates(run.logsource));
        k = indexes.findIndex((j) => j > i) - 1;
        if (k < -1) break;
      }
    }
  }
  const { added, refused } = run.markedItems();
  return {
    output: {
      rule: { ...rule, detection: run.detection, logsource: run.logsource, fields: run.fields },
      state: run.state,
      applied: run.applied,
      addedItems: added,
    },
    diagnostics: run.diagnostics,
    failed: hasErrors(run.diagnostics),
    refusedItems: refused,
  };
}

/**
 * Whether an error with `code` at an item that already has errors with `codes` only repeats them: it is
 * a refusal `--skip-unsupported` may skip (the first error is the reason, later refusals follow from it)
 * or has the same code as one of them ("One error per item", runPipelines).
 */
export function repeatsAnError(codes: readonly DiagnosticCode[], code: DiagnosticCode): boolean {
  return codes.length > 0 && (isSkippableCode(code) || codes.includes(code));
}

/** The variables of all pipelines, as pySigma merges them when pipelines are combined (later wins). */
type MergedVars = Readonly<Record<string, PipelineVars[string]>>;

interface RunPlan {
  /** The pipelines as given (the plan is for exactly these, in this order). */
  readonly given: readonly ProcessingPipeline[];
  /** The pipelines in priority order (lower first; ties keep the given order). */
  readonly ordered: readonly ProcessingPipeline[];
  readonly vars: MergedVars;
}

/** Each list of pipelines' plan: a caller converts every rule with one list (found by identity, checked by its members). */
const runPlans = new WeakMap<readonly ProcessingPipeline[], RunPlan>();

function runPlan(pipelines: readonly ProcessingPipeline[]): RunPlan {
  const known = runPlans.get(pipelines);
  if (known !== undefined && sameMembers(known.given, pipelines)) return known;
  const ordered = pipelines.map((p, i) => ({ p, i })).sort((a, b) => a.p.priority - b.p.priority || a.i - b.i).map(({ p }) => p);
  const vars: Record<string, PipelineVars[string]> = Object.create(null) as Record<string, PipelineVars[string]>;
  for (const p of ordered) for (const [k, v] of Object.entries(p.vars)) vars[k] = { values: v, pipeline: p.id };
  const plan = { given: [...pipelines], ordered, vars };
  runPlans.set(pipelines, plan);
  return plan;
}

/** The run is its own RuleView: rule conditions read its current log source, detection, state and applied ids. */
class Run implements RuleView {
  detection: Expr;
  logsource: LogSource;
  fields: string[];
  readonly state: Record<string, string | readonly string[]> = Object.create(null) as Record<string, string | readonly string[]>;
  readonly appliedIds = new Set<string>();
  readonly applied: AppliedTransformation[] = [];
  readonly diagnostics: Diagnostic[] = [];
  /** Each item's facts (an item not here has NO_FACTS). A Map: the run, and so the map, lives for one rule. */
  private readonly facts = new Map<ExprMatch, Facts>();
  /** The detection items of `itemsOf` (matchesOf), kept while the detection stays that tree. */
  private itemList: readonly ExprMatch[] = [];
  private itemsOf: Expr | undefined;

  /** `vars`: the variables of all pipelines (RunPlan). */
  constructor(
    readonly rule: SigmaRule,
    private readonly vars: MergedVars,
  ) {
    this.detection = rule.detection;
    this.logsource = rule.logsource;
    this.fields = [...rule.fields];
  }

  /** The detection items of the current detection, in tree order (walked once per version of the tree). */
  private items(): readonly ExprMatch[] {
    if (this.itemsOf !== this.detection) {
      this.itemList = matchesOf(this.detection);
      this.itemsOf = this.detection;
    }
    return this.itemList;
  }

  /**
   * The items of the detection an add_condition added (PipelineOutput.addedItems), and those with errors
   * and their codes (PipelineRun.refusedItems), in tree order, from one walk of the tree.
   */
  markedItems(): { added: ReadonlySet<ExprMatch>; refused: ReadonlyMap<ExprMatch, readonly DiagnosticCode[]> } {
    const added = new Set<ExprMatch>();
    const refused = new Map<ExprMatch, readonly DiagnosticCode[]>();
    for (const m of this.items()) {
      const facts = this.factsOf(m);
      if (facts.added) added.add(m);
      if (facts.errors.length > 0) refused.set(m, facts.errors);
    }
    return { added, refused };
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

  /**
   * A refusal of `items` (an error at `span`; the items keep their form), reported unless it repeats an
   * error at every one of them ("One error per item", runPipelines). Each item's facts record the code.
   */
  private refuse(items: readonly ExprMatch[], code: DiagnosticCode, message: string, span: SourceSpan): void {
    const fresh = items.filter((m) => !repeatsAnError(this.factsOf(m).errors, code));
    if (fresh.length === 0 && items.length > 0) return;
    this.fail(code, message, span);
    for (const m of fresh) this.facts.set(m, { ...this.factsOf(m), errors: [...this.factsOf(m).errors, code] });
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
        // Every selected item is refused; one message names the first not refused before (one message per
        // transformation is enough to act on). A failure also selects an item whose value refers to a
        // field it refuses (`X|fieldref: Y`): the comparison reads Y's value, and any value of Y may be
        // one the failure refuses (its detection-item conditions cannot be read on a reference).
        const items = this.selectedItems(t, undefined, 'values unknown');
        const named = items.find((m) => !repeatsAnError(this.factsOf(m).errors, 'unsupported-construct')) ?? items[0];
        if (named !== undefined) {
          const field = named.field ?? '(keyword)';
          const which =
            this.selectsOwnField(t, named, this.factsOf(named)) || named.value.kind !== 'fieldref'
              ? `field \`${field}\``
              : `field \`${field}\`, a reference to \`${named.value.field}\`: the comparison reads its values, and this transformation refuses them`;
          this.refuse(items, 'unsupported-construct', `${t.message} (pipeline \`${p.id}\`, transformation \`${t.id}\`, ${which})`, named.span);
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
      case 'value_to_condition':
        return this.eachItem(p, t, (m) => valueToConditionItem(p, t, m, this.factsOf(m)), (m) => m.field === t.field);
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

  /** Whether the transformation selects the item by its own field (its field-name and detection-item conditions hold). */
  private selectsOwnField(t: Transformation, m: ExprMatch, facts: Facts): boolean {
    return fieldNamesHold(t.fieldNameConditions, m.field, facts) && itemConditionsHold(t.detectionItemConditions, m, facts);
  }

  /** Whether the field-name conditions hold for the field an item's value refers to (`X|fieldref: Y`, for Y: Y's own history). */
  private refNamesHold(t: Transformation, m: ExprMatch, facts: Facts): boolean {
    return m.value.kind === 'fieldref' && fieldNamesHold(t.fieldNameConditions, m.value.field, { applied: facts.refApplied });
  }

  /**
   * The detection items (in tree order) the transformation's field-name and detection-item conditions
   * select, among those `relevant` passes. `byReference` lets the field-name conditions also select an
   * item whose value refers to a field they hold for (`X|fieldref: Y`, selected for Y): `'field'` with the
   * detection-item conditions read on the item as usual (field mappings rename Y); `'values unknown'`
   * without them (failures): they describe Y's values, which a reference does not know, so any of them
   * may be one the transformation refuses.
   */
  private selectedItems(t: Transformation, relevant?: (m: ExprMatch) => boolean, byReference: 'no' | 'field' | 'values unknown' = 'no'): ExprMatch[] {
    const gate = fieldGate(t);
    const out: ExprMatch[] = [];
    for (const m of this.items()) {
      if (gate !== undefined && !((m.field !== null && gate(m.field)) || (byReference !== 'no' && m.value.kind === 'fieldref' && gate(m.value.field)))) continue;
      if (relevant !== undefined && !relevant(m)) continue;
      const facts = this.factsOf(m);
      if (
        this.selectsOwnField(t, m, facts) ||
        (byReference !== 'no' && this.refNamesHold(t, m, facts) && (byReference === 'values unknown' || itemConditionsHold(t.detectionItemConditions, m, facts)))
      ) {
        out.push(m);
      }
    }
    return out;
  }

  /** Rewrites each detection item the transformation selects (selectedItems, which `relevant` and `byReference` go to). */
  private eachItem(
    p: ProcessingPipeline,
    t: Transformation,
    fn: (m: ExprMatch) => ItemResult,
    relevant?: (m: ExprMatch) => boolean,
    byReference: 'no' | 'field' = 'no',
  ): void {
    // The items the transformation selects, found first: most transformations select none of a rule's
    // items (a field mapping for other fields), and then the tree is not walked and rebuilt at all.
    const selectedItems = this.selectedItems(t, relevant, byReference);
    if (selectedItems.length === 0) return;
    const selected = new Set(selectedItems);
    const details: string[] = [];
    // Each rewrite's detail once, in first-seen order (a Set: a rule of 4,000 hashes has 4,000 items).
    const detailed = new Set<string>();
    let changed = 0;
    const dropped: ExprMatch[] = [];
    const next = rewriteItems(
      this.detection,
      (e) => {
        if (!selected.has(e)) return e;
        const r = fn(e);
        if (r === undefined) return e;
        if (r === DROPPED) {
          changed++;
          dropped.push(e);
          details.push(`dropped ${e.field ?? '(keyword)'}`);
          return DROPPED;
        }
        if ('refused' in r) {
          this.refuse([e], r.refused, r.message, e.span);
          return e;
        }
        changed++;
        if (r.detail !== undefined && !detailed.has(r.detail)) {
          detailed.add(r.detail);
          details.push(r.detail);
        }
        this.markAll(r.expr, r.facts);
        if (r.ownFacts !== undefined) for (const [item, f] of r.ownFacts) this.facts.set(item, f);
        return r.expr;
      },
      // The `not` keeps its form, and the items it would have lost are refused.
      (n) =>
        this.refuse(
          matchesOf(n.operand).filter((m) => selected.has(m)),
          'unsupported-construct',
          `transformation \`${t.id}\` of pipeline \`${p.id}\` drops a detection item inside \`not\`; the rule would then match nothing, so it is refused`,
          n.span,
        ),
    );
    // A refused item (or a `not` kept because of one) left its part of the tree as it was; a rewrite
    // of other items still applies.
    if (changed === 0 || next === this.detection) return;
    if (next === DROPPED) {
      // Refused as a whole: the rule stays as it was, and the items it would have dropped are refused.
      this.refuse(
        dropped,
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
    if (e.kind === 'match') this.facts.set(e, facts); // most rewrites make one item
    else for (const m of matchesOf(e)) this.facts.set(m, facts);
  }

  private mapFields(p: ProcessingPipeline, t: FieldTransformation): void {
    const recordedBefore = this.applied.length;
    let wroteGuards = false;
    // The item's field and the field its value refers to are each selected (and renamed) on their own.
    this.eachItem(
      p,
      t,
      (m) => {
        const field = m.field as string; // only items with a field are relevant
        const facts = this.factsOf(m);
        let own: FieldRename | undefined;
        let ref: FieldRename | undefined;
        if (m.value.kind !== 'fieldref') {
          own = renameOf(t, field); // selected: by its own field (selectedItems)
        } else {
          own = fieldNamesHold(t.fieldNameConditions, field, facts) ? renameOf(t, field) : undefined;
          ref = this.refNamesHold(t, m, facts) ? renameOf(t, m.value.field) : undefined;
        }
        if (own === undefined && ref === undefined) return undefined;
        const r = mapFieldItem(p, t, m, facts, own, ref, this.logsource);
        if (r !== undefined && r !== DROPPED && 'ownFacts' in r) wroteGuards = true;
        return r;
      },
      (m) => m.field !== null,
      'field',
    );
    // Each guard once per OR (a list of values mapped item by item repeats them).
    if (wroteGuards) this.detection = groupGuards(this.detection);
    // The rule's `fields` list names event fields too.
    if (this.fields.length === 0) return;
    const mappedFields = this.fields.flatMap((f) => (fieldNamesHold(t.fieldNameConditions, f, NO_FACTS) ? (renameOf(t, f)?.targets ?? [f]) : [f]));
    if (mappedFields.length !== this.fields.length || mappedFields.some((f, i) => f !== this.fields[i])) {
      this.fields = mappedFields;
      if (this.applied.length === recordedBefore) this.record(p, t, 'rule `fields` list');
    }
  }

  private addCondition(p: ProcessingPipeline, t: Extract<Transformation, { type: 'add_condition' }>): void {
    const facts = writtenFacts(t.id, true);
    const added = conditionsExpr(t.conditions, t.negated, t.span, (v, cased) => conditionValue(v, t.template, cased, this.logsource));
    for (const m of added.items) this.facts.set(m, facts);
    this.detection = and([added.expr, this.detection], this.detection.span);
    this.record(p, t, conditionsText(t.conditions, t.negated));
  }

  /**
   * `unmapped-field` for each field name no mapping produced, once per name; every item with such a field
   * is refused. An item refused before is not reported again (One error per item, runPipelines), so its
   * field is reported only if another item has it too.
   */
  private strictMapping(p: ProcessingPipeline, t: Extract<Transformation, { type: 'strict_field_mapping_failure' }>): void {
    const seen = new Set<string>();
    let everyFieldMapped = true;
    for (const e of this.items()) {
      const facts = this.factsOf(e);
      const unmapped: string[] = [];
      if (e.field !== null && !facts.mappedField) unmapped.push(e.field);
      if (e.value.kind === 'fieldref' && facts.refApplied.size === 0) unmapped.push(e.value.field);
      if (unmapped.length === 0) continue;
      everyFieldMapped = false;
      if (repeatsAnError(facts.errors, 'unmapped-field')) continue;
      this.facts.set(e, { ...facts, errors: [...facts.errors, 'unmapped-field'] });
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
    if (everyFieldMapped) this.record(p, t, 'every field is mapped');
  }
}
