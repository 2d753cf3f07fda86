/**
 * A run visits only the transformations a log source can meet (src/pipeline/candidates.ts,
 * logsourceVerdicts, cached per log source and pipeline; runPlan, cached per list of pipelines).
 * Whatever pipelines, rules and order of rules, each rule must get what evaluating every
 * transformation's rule conditions in full gives (the reference below has no cache and no short cut),
 * with the same pipeline objects reused across rules as a long-lived caller does.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPipelines } from '../../src/pipeline/apply.js';
import { evalCondExpr } from '../../src/pipeline/cond-expr.js';
import { ruleConditionHolds, type RuleView } from '../../src/pipeline/conditions.js';
import type { PipelineState, ProcessingPipeline } from '../../src/pipeline/types.js';
import type { LogSource, SigmaRule } from '../../src/rule/model.js';
import { m, okValue, pipeline, rule } from './helpers.js';

const PRODUCTS = ['windows', 'Windows', 'linux'];
const CATEGORIES = ['process_creation', 'Process_Creation', 'file_event'];
const SERVICES = ['security', 'sysmon'];
const IDS = ['t1', 't2', 't3'];

const part = (values: readonly string[]): fc.Arbitrary<string | undefined> => fc.option(fc.constantFrom(...values), { nil: undefined });

const logsourceArb: fc.Arbitrary<LogSource> = fc
  .record({ product: part(PRODUCTS), category: part(CATEGORIES), service: part(SERVICES) })
  .map((l) => Object.fromEntries(Object.entries(l).filter(([, v]) => v !== undefined)) as LogSource);

/** `, key: value` for the parts given. */
const yamlParts = (parts: Readonly<Record<string, string | undefined>>): string =>
  Object.entries(parts)
    .flatMap(([k, v]) => (v === undefined ? [] : [`, ${k}: ${v}`]))
    .join('');

/** One rule condition as pipeline YAML (flow mapping). */
const conditionArb: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record({ product: fc.constantFrom(...PRODUCTS), category: part(CATEGORIES), service: part(SERVICES) })
      .map((l) => `{ type: logsource${yamlParts(l)} }`),
  },
  { weight: 1, arbitrary: fc.constantFrom('attack.a', 'attack.b').map((t) => `{ type: tag, tag: ${t} }`) },
  { weight: 1, arbitrary: fc.constantFrom(...IDS).map((id) => `{ type: processing_item_applied, processing_item_id: ${id} }`) },
  { weight: 1, arbitrary: fc.constantFrom('1', '2').map((v) => `{ type: processing_state, key: s, val: '${v}' }`) },
);

/** A transformation's rule conditions and how they combine (op, not, or an expression over ids). */
const ruleConditionsArb: fc.Arbitrary<string> = fc.oneof(
  fc.constant(''),
  fc
    .tuple(fc.array(conditionArb, { minLength: 1, maxLength: 3 }), fc.constantFrom('and', 'or', 'not', 'expr'))
    .map(([cs, how]) => {
      if (how === 'expr') {
        const expr = cs.length === 1 ? 'not c0' : `not c0 or (${cs.slice(1).map((_, i) => `c${i + 1}`).join(' and ')})`;
        return `    rule_conditions:\n${cs.map((c, i) => `      c${i}: ${c}\n`).join('')}    rule_cond_expr: ${expr}\n`;
      }
      const list = `    rule_conditions: [${cs.join(', ')}]\n`;
      return how === 'and' ? list : how === 'or' ? `${list}    rule_cond_op: or\n` : `${list}    rule_cond_not: true\n`;
    }),
);

const transformationArb: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(...IDS),
    fc.oneof(
      fc.constantFrom('1', '2').map((v) => `type: set_state\n    key: s\n    val: '${v}'`),
      fc
        .tuple(fc.constantFrom(...PRODUCTS), part(CATEGORIES))
        .map(([p, c]) => `type: change_logsource\n    product: ${p}${c !== undefined ? `\n    category: ${c}` : ''}`),
      fc.constant('type: rule_warning\n    message: noted'),
    ),
    ruleConditionsArb,
  )
  .map(([id, body, conditions]) => `  - id: ${id}\n    ${body}\n${conditions}`);

const pipelineTextArb: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(0, 10, 20), fc.array(transformationArb, { minLength: 1, maxLength: 7 }))
  .map(([priority, ts]) => `priority: ${priority}\ntransformations:\n${ts.join('')}`);

const ruleArb: fc.Arbitrary<SigmaRule> = fc
  .tuple(logsourceArb, fc.subarray(['attack.a', 'attack.b']))
  .map(([logsource, tags]) => rule(m('CommandLine', 'x'), logsource, { tags }));

interface Outcome {
  readonly applied: readonly string[];
  readonly state: PipelineState;
  readonly logsource: LogSource;
}

/** Every transformation of every pipeline (by priority, ties in the given order), its rule conditions evaluated in full. */
function reference(r: SigmaRule, list: readonly ProcessingPipeline[]): Outcome {
  const ordered = list.map((p, i) => ({ p, i })).sort((a, b) => a.p.priority - b.p.priority || a.i - b.i);
  let logsource = r.logsource;
  const state: Record<string, string | readonly string[]> = {};
  const appliedIds = new Set<string>();
  const applied: string[] = [];
  for (const { p } of ordered) {
    for (const t of p.transformations) {
      const view: RuleView = { rule: r, logsource, detection: r.detection, appliedIds, state };
      const set = t.ruleConditions;
      const holds =
        set.conditions.length === 0 ||
        evalCondExpr(set.combine, (id) => {
          const c = set.conditions.find((x) => x.id === id);
          return c !== undefined && ruleConditionHolds(c.condition, view);
        });
      if (!holds) continue;
      if (t.type === 'set_state') state[t.key] = t.val;
      else if (t.type === 'change_logsource') {
        logsource = { ...(t.product !== undefined ? { product: t.product } : {}), ...(t.category !== undefined ? { category: t.category } : {}) };
      }
      else if (t.type !== 'rule_warning') throw new Error(`the reference does not run ${t.type}`);
      appliedIds.add(t.id);
      applied.push(`${p.id}/${t.id}`);
    }
  }
  return { applied, state, logsource };
}

function actual(r: SigmaRule, list: readonly ProcessingPipeline[]): Outcome {
  const out = okValue(applyPipelines(r, list));
  return { applied: out.applied.map((a) => `${a.pipeline}/${a.transformation}`), state: out.state, logsource: out.rule.logsource };
}

describe('transformations visited by log source (candidates) and per list of pipelines (runPlan)', () => {
  it('each rule, in any order, gets what evaluating every transformation in full gives', () => {
    fc.assert(
      fc.property(fc.array(pipelineTextArb, { minLength: 1, maxLength: 3 }), fc.array(ruleArb, { minLength: 1, maxLength: 8 }), (texts, rules) => {
        const list = texts.map((text, i) => pipeline(text, `p${i}.yml`));
        // The same pipeline objects for every rule, forwards then backwards (caches filled in another
        // order), in the given list, in others made of them, and in one array changed in place between runs.
        const lists = [list, [...list].reverse(), list.slice(1)];
        const reused: ProcessingPipeline[] = [];
        for (const [k, r] of [...rules, ...[...rules].reverse()].entries()) {
          for (const l of lists) expect(actual(r, l)).toEqual(reference(r, l));
          reused.splice(0, reused.length, ...(lists[k % lists.length] ?? []));
          expect(actual(r, reused)).toEqual(reference(r, reused));
        }
      }),
      { numRuns: 300 },
    );
  });
});
