import { and, match, matchesOf, not, or, type Expr, type ExprMatch } from '../ast/expr.js';
import type { SigmaValue, StringPart } from '../ast/value.js';
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
  type ItemFacts,
  type RuleView,
} from './conditions.js';
import { normalizeParts, parseSigmaString, printSigmaString } from '../value/sigma-string.js';
import { rewriteHashesItem } from './hashes-fields.js';
import type { AppliedTransformation, ConditionValue, FieldMappingEntry, PipelineOutput, ProcessingPipeline, Transformation } from './types.js';

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

/** Each field_name_mapping's entries by Sigma field name, built once per mapping (the first entry wins, as a linear search would). */
const mappingIndexes = new WeakMap<readonly FieldMappingEntry[], ReadonlyMap<string, readonly string[]>>();

function mappingIndex(mapping: readonly FieldMappingEntry[]): ReadonlyMap<string, readonly string[]> {
  let index = mappingIndexes.get(mapping);
  if (index === undefined) {
    const built = new Map<string, readonly string[]>();
    for (const e of mapping) if (!built.has(e.from)) built.set(e.from, e.to);
    mappingIndexes.set(mapping, built);
    index = built;
  }
  return index;
}

/** What the engine knows about each detection item it produced. */
interface Facts extends ItemFacts {
  /** The field name came from a field mapping (or the pipeline wrote it): it is in the target's schema. */
  readonly mappedField: boolean;
  readonly mappedRef: boolean;
  /** An add_condition added the item (or it is what a later transformation rewrote such an item into). */
  readonly added: boolean;
}

const NO_FACTS: Facts = { applied: new Set(), mappedField: false, mappedRef: false, added: false };

/** A removed detection item: "no constraint" (true). */
const DROPPED = Symbol('dropped');
type Rewritten = Expr | typeof DROPPED;

/** The result of rewriting one detection item: a replacement, a removal, or no change (undefined). */
type ItemResult = { readonly expr: Expr; readonly facts: Facts; readonly detail?: string } | typeof DROPPED | undefined;

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
  private readonly vars: Record<string, { values: readonly string[]; pipeline: string }> = Object.create(null) as Record<string, { values: readonly string[]; pipeline: string }>;

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
        return this.eachItem(p, t, (m) => this.replaceString(t, m));
      case 'convert_type':
        return this.eachItem(p, t, (m) => this.convertType(p, t, m));
      case 'value_placeholders':
      case 'wildcard_placeholders':
        return this.eachItem(p, t, (m) => this.placeholders(p, t, m));
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
        return this.eachItem(p, t, (m) => this.hashesFields(p, t, m), (m) => m.field !== null && t.fields.includes(m.field));
      case 'set_state': {
        const val = typeof t.val === 'string' ? (t.template ? this.template(t.val) : t.val) : t.val.map((v) => (t.template ? this.template(v) : v));
        this.state[t.key] = val;
        return this.record(p, t, `${t.key} = ${typeof val === 'string' ? val : val.join(', ')}`);
      }
      default:
        return assertNever(t, 'transformation');
    }
  }

  /**
   * `$category`, `$product`, `$service` (or `${...}`), and `${logsource}`: the parts joined by `_`, as one
   * plain identifier (lower case; every character but a-z, 0-9 and `_` becomes `_`), so a service with a
   * dot (`gcp.audit`) names one table, not a schema and a table, and unquoted and quoted uses agree
   * (PostgreSQL folds unquoted names to lower case).
   */
  private template(text: string): string {
    const ls = this.logsource;
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
          changed++;
          if (r === DROPPED) {
            details.push(`dropped ${e.field ?? '(keyword)'}`);
            return DROPPED;
          }
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

  /** The names a field becomes under a field transformation, or undefined when it does not apply. */
  private static targets(t: Extract<Transformation, { type: `field_name_${string}` }>, field: string): readonly string[] | undefined {
    switch (t.type) {
      case 'field_name_mapping':
        return mappingIndex(t.mapping).get(field);
      case 'field_name_prefix_mapping': {
        const e = t.mapping.find((x) => field.startsWith(x.from));
        return e?.to.map((to) => to + field.slice(e.from.length));
      }
      case 'field_name_prefix':
        return [t.prefix + field];
      case 'field_name_suffix':
        return [field + t.suffix];
      default:
        return assertNever(t, 'field transformation');
    }
  }

  private mapFields(p: ProcessingPipeline, t: Extract<Transformation, { type: `field_name_${string}` }>): void {
    const fieldSelected = (name: string, facts: Facts): boolean => evalConditionSet(t.fieldNameConditions, (c) => fieldNameConditionHolds(c, name, facts));
    const recordedBefore = this.applied.length;
    this.eachItem(p, t, (m) => {
      if (m.field === null) return undefined;
      const facts = this.factsOf(m);
      const targets = Run.targets(t, m.field);
      const ref = m.value.kind === 'fieldref' ? m.value.field : undefined;
      const refTargets = ref !== undefined && fieldSelected(ref, facts) ? Run.targets(t, ref) : undefined;
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
    }, (m) => m.field !== null && (m.value.kind === 'fieldref' || Run.targets(t, m.field) !== undefined));
    // The rule's `fields` list names event fields too.
    const mappedFields = this.fields.flatMap((f) => (fieldSelected(f, NO_FACTS) ? (Run.targets(t, f) ?? [f]) : [f]));
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
          const m = match(c.field, this.conditionValue(v, t.template, c.cased), c.span);
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

  private conditionValue(v: ConditionValue, template: boolean, cased: boolean): SigmaValue {
    if (v === null) return { kind: 'null' };
    if (typeof v === 'number') return { kind: 'number', value: v };
    if (typeof v === 'boolean') return { kind: 'boolean', value: v };
    const parts = parseSigmaString(template ? this.template(v) : v);
    // `field|cased` in add_condition: the pipeline names the log's exact spelling (see StringValue.canonical).
    return cased ? { kind: 'string', parts, cased: false, canonical: true } : { kind: 'string', parts, cased: false };
  }

  private replaceString(t: Extract<Transformation, { type: 'replace_string' }>, m: ExprMatch): ItemResult {
    if (m.value.kind !== 'string') return undefined;
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
      facts: { ...this.factsOf(m), applied: new Set([...this.factsOf(m).applied, t.id]) },
      detail: `${JSON.stringify(printSigmaString(m.value.parts))} -> ${JSON.stringify(printSigmaString(parts))}`,
    };
  }

  /**
   * pySigma's convert_type. `str`: a number or boolean becomes the Sigma string of its text (`3`, `true`),
   * so string transformations and string matching apply to it. `num`: a string of digits (an optional
   * sign and fraction, no wildcard) becomes a number; any other string is an error, not a guess.
   */
  private convertType(p: ProcessingPipeline, t: Extract<Transformation, { type: 'convert_type' }>, m: ExprMatch): ItemResult {
    const facts = { ...this.factsOf(m), applied: new Set([...this.factsOf(m).applied, t.id]) };
    const v = m.value;
    if (t.targetType === 'str') {
      if (v.kind !== 'number' && v.kind !== 'boolean') return undefined;
      const text = String(v.value);
      return { expr: match(m.field, { kind: 'string', parts: [{ kind: 'literal', text }], cased: false }, m.span), facts, detail: `${text} -> ${JSON.stringify(text)}` };
    }
    if (v.kind !== 'string') return undefined;
    const text = v.parts.length === 1 && v.parts[0]?.kind === 'literal' ? v.parts[0].text : undefined;
    if (text === undefined || !/^[+-]?\d+(\.\d+)?$/.test(text)) {
      this.fail(
        'unsupported-construct',
        `transformation \`${t.id}\` of pipeline \`${p.id}\` converts \`${m.field ?? '(keyword)'}\` to a number, but ${JSON.stringify(printSigmaString(v.parts))} is not one`,
        m.span,
      );
      return undefined;
    }
    return { expr: match(m.field, { kind: 'number', value: Number(text) }, m.span), facts, detail: `${JSON.stringify(text)} -> ${text}` };
  }

  private placeholders(p: ProcessingPipeline, t: Extract<Transformation, { type: 'value_placeholders' | 'wildcard_placeholders' }>, m: ExprMatch): ItemResult {
    if (m.value.kind !== 'string') return undefined;
    const handled = (name: string): boolean => (t.include ? t.include.includes(name) : t.exclude ? !t.exclude.includes(name) : true);
    const value = m.value;
    if (!value.parts.some((x) => x.kind === 'placeholder' && handled(x.name))) return undefined;
    const names = [...new Set(value.parts.flatMap((x) => (x.kind === 'placeholder' && handled(x.name) ? [x.name] : [])))];
    const facts: Facts = { ...this.factsOf(m), applied: new Set([...this.factsOf(m).applied, t.id]) };
    if (t.type === 'wildcard_placeholders') {
      const parts = normalizeParts(value.parts.map((x): StringPart => (x.kind === 'placeholder' && handled(x.name) ? { kind: 'wildcard-multi' } : x)));
      return { expr: match(m.field, { ...value, parts }, m.span), facts, detail: names.map((n) => `%${n}% -> *`).join('; ') };
    }
    // Each placeholder becomes each of its values: the alternatives are ORed (a cross product when a
    // string holds several placeholders).
    let alternatives: StringPart[][] = [[]];
    for (const part of value.parts) {
      if (part.kind !== 'placeholder' || !handled(part.name)) {
        alternatives = alternatives.map((a) => [...a, part]);
        continue;
      }
      const v = this.vars[part.name];
      if (v === undefined || v.values.length === 0) {
        this.fail(
          'unresolved-placeholder',
          v === undefined
            ? `placeholder %${part.name}% has no value: no pipeline defines a variable \`${part.name}\` (transformation \`${t.id}\` of pipeline \`${p.id}\`); add it under \`vars:\` in a pipeline file`
            : `placeholder %${part.name}%: variable \`${part.name}\` of pipeline \`${v.pipeline}\` is an empty list, so nothing could match`,
          m.span,
        );
        return undefined;
      }
      const next: StringPart[][] = [];
      for (const a of alternatives) for (const val of v.values) next.push([...a, ...parseSigmaString(val)]);
      alternatives = next;
      if (alternatives.length > 10000) {
        this.fail('unresolved-placeholder', `placeholders in this value expand to more than 10000 alternatives; use fewer values`, m.span);
        return undefined;
      }
    }
    const exprs = alternatives.map((parts) => match(m.field, { ...value, parts: normalizeParts(parts) }, m.span));
    return {
      expr: or(exprs, m.span),
      facts,
      detail: names.map((n) => `%${n}% -> ${(this.vars[n]?.values ?? []).join(' | ')}`).join('; '),
    };
  }

  /**
   * `hashes_fields` (hashes-fields.ts): one algorithm's field for a `contains: ALGO=HEX` test, or a refusal.
   * Called only for items on one of `t.fields` (the `relevant` filter of its eachItem call).
   */
  private hashesFields(p: ProcessingPipeline, t: Extract<Transformation, { type: 'hashes_fields' }>, m: ExprMatch): ItemResult {
    const r = rewriteHashesItem(m, t);
    if (r.kind === 'refused') {
      const shown = m.value.kind === 'string' ? JSON.stringify(printSigmaString(m.value.parts)) : `(${m.value.kind})`;
      this.fail(
        'unsupported-construct',
        `field \`${m.field}\` holds every hash as one list, which pipeline \`${p.id}\` maps to one field per algorithm (transformation \`${t.id}\`); the value ${shown} cannot be searched there exactly: ${r.reason}`,
        m.span,
      );
      return undefined;
    }
    const facts = this.factsOf(m);
    // The pipeline wrote the field in the target's names: mapped, like add_condition's fields.
    return { expr: r.expr, facts: { ...facts, applied: new Set([...facts.applied, t.id]), mappedField: true }, detail: r.detail };
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
