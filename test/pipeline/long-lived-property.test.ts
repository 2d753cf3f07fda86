/**
 * A long-lived caller (the web page, a library user) runs many rules through the same pipeline objects,
 * in any order, and may change a list of pipelines or of transformations in place between runs. Pipeline
 * runs keep caches found by those objects' identity (log-source candidates, condition plans, mapping
 * indexes, field renames, renamed facts; README "What is made once"). Whatever custom pipelines (every
 * transformation type, every condition type, combined by op, not or an expression) and rules (values of
 * every kind, field references, keywords, subtrees shared in the tree), each run must give what the same
 * run gives with everything fresh: the pipelines loaded again from their text (with the same in-place
 * changes made to them) and the rule cloned, so no cache found by identity is warm.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchesOf, type Expr, type ExprMatch } from '../../src/ast/expr.js';
import type { SigmaValue, StringPart } from '../../src/ast/value.js';
import { runPipelines } from '../../src/pipeline/apply.js';
import { parsePipelineText } from '../../src/pipeline/load-pipeline.js';
import type { PipelineRun, ProcessingPipeline, Transformation } from '../../src/pipeline/types.js';
import type { LogSource, SigmaRule } from '../../src/rule/model.js';
import { parseSigmaString } from '../../src/value/sigma-string.js';
import { rule, span } from './helpers.js';

const FIELDS = ['Image', 'image', 'CommandLine', 'Hashes', 'Hash', 'User', 'a.b', '__proto__', 'constructor', 'x', 'EventID', 'Φ'];
// Log source parts with quotes and commas among them (logsource-verdicts.test.ts checks the key's pairs
// that would collide).
const PRODUCTS = ['windows', 'Windows', 'linux', 'a"b', 'b,c', 'c'];
const CATEGORIES = ['process_creation', 'Process_Creation', 'file_event', 'a', 'a,b'];
const SERVICES = ['security', 'sysmon', 'Sysmon'];
const IDS = ['t1', 't2', 't3'];
const q = (s: string): string => JSON.stringify(s);
const opt = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });

// ---- rules

const partArb: fc.Arbitrary<StringPart> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('abc', 'C:\\Windows\\', 'x*y', '\\\\srv', 'MD5=ABC', '%x%', '\\', 'Image', '1').map((text): StringPart => ({ kind: 'literal', text })) },
  { weight: 2, arbitrary: fc.constant<StringPart>({ kind: 'wildcard-multi' }) },
  { weight: 1, arbitrary: fc.constant<StringPart>({ kind: 'wildcard-single' }) },
  { weight: 1, arbitrary: fc.constantFrom('v1', 'v2').map((name): StringPart => ({ kind: 'placeholder', name })) },
);

const valueArb: fc.Arbitrary<SigmaValue> = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(fc.array(partArb, { minLength: 1, maxLength: 4 }), fc.boolean()).map(([parts, cased]): SigmaValue => ({ kind: 'string', parts, cased })) },
  { weight: 2, arbitrary: fc.constantFrom('*MD5=0123456789ABCDEF0123456789ABCDEF*', '*SHA1=AB*', '*sha256=00*', 'abc', 'x*').map((t): SigmaValue => ({ kind: 'string', parts: parseSigmaString(t), cased: false })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 }).map((value): SigmaValue => ({ kind: 'number', value })) },
  { weight: 1, arbitrary: fc.constant<SigmaValue>({ kind: 'null' }) },
  { weight: 2, arbitrary: fc.constantFrom(...FIELDS).map((field): SigmaValue => ({ kind: 'fieldref', field, match: 'equals', cased: false })) },
  { weight: 1, arbitrary: fc.constant<SigmaValue>({ kind: 'exists', exists: true }) },
);

const matchArb: fc.Arbitrary<Expr> = fc
  .tuple(fc.option(fc.constantFrom(...FIELDS), { nil: null, freq: 8 }), valueArb)
  .map(([field, value]): Expr => ({ kind: 'match', field, value: field === null && value.kind === 'fieldref' ? { kind: 'null' } : value, span }));

const treeArb: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    matchArb,
    fc.tuple(fc.constantFrom('and' as const, 'or' as const), fc.array(tie('e'), { minLength: 1, maxLength: 3 })).map(([kind, operands]): Expr => ({ kind, operands, span })),
    tie('e').map((operand): Expr => ({ kind: 'not', operand, span })),
  ),
})).e;

/** A tree, or one that holds a subtree twice (the same objects in two places, as a condition naming a selection twice). */
const detectionArb: fc.Arbitrary<Expr> = fc.oneof(
  { weight: 3, arbitrary: treeArb },
  {
    weight: 1,
    arbitrary: fc.tuple(treeArb, treeArb).map(([a, b]): Expr => ({ kind: 'and', operands: [{ kind: 'or', operands: [a, b], span }, { kind: 'not', operand: { kind: 'and', operands: [b, a], span }, span }], span })),
  },
);

const logsourceArb: fc.Arbitrary<LogSource> = fc
  .record({ product: opt(fc.constantFrom(...PRODUCTS)), category: opt(fc.constantFrom(...CATEGORIES)), service: opt(fc.constantFrom(...SERVICES)) })
  .map((l) => Object.fromEntries(Object.entries(l).filter(([, v]) => v !== undefined)) as LogSource);

const ruleArb: fc.Arbitrary<SigmaRule> = fc
  .record({ detection: detectionArb, logsource: logsourceArb, tags: fc.subarray(['attack.a', 'Attack.B']), fields: fc.subarray(['Image', 'User', '__proto__']), level: fc.constantFrom('low' as const, 'high' as const) })
  .map(({ detection, logsource, ...extra }) => rule(detection, logsource, extra));

// ---- pipelines (YAML text)

const logsourceYaml = (prefix: string): fc.Arbitrary<string> =>
  fc
    .record({ product: opt(fc.constantFrom(...PRODUCTS)), category: opt(fc.constantFrom(...CATEGORIES)), service: opt(fc.constantFrom(...SERVICES)) })
    .map((l) => `${prefix}${Object.entries(l).flatMap(([k, v]) => (v === undefined ? [] : [`, ${k}: ${q(v)}`])).join('')}`);

const ruleConditionArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: logsourceYaml('{ type: logsource').map((s) => `${s} }`) },
  { weight: 1, arbitrary: fc.constantFrom('attack.a', 'attack.b').map((t) => `{ type: tag, tag: ${t} }`) },
  { weight: 1, arbitrary: fc.constantFrom(...IDS).map((id) => `{ type: processing_item_applied, processing_item_id: ${id} }`) },
  { weight: 2, arbitrary: fc.constantFrom('1', '2').map((v) => `{ type: processing_state, key: s, val: '${v}' }`) },
  { weight: 1, arbitrary: fc.constantFrom(...FIELDS).map((f) => `{ type: contains_field, field: ${q(f)} }`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '{ type: rule_attribute, attribute: level, value: high, op: gte }',
      '{ type: rule_attribute, attribute: logsource.category, value: file_event }',
      '{ type: is_sigma_rule }',
    ),
  },
);

const fieldConditionArb: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.constantFrom('include_fields', 'exclude_fields'), fc.subarray(FIELDS, { minLength: 1, maxLength: 3 })).map(([t, fs]) => `{ type: ${t}, fields: [${fs.map(q).join(', ')}] }`),
  fc.tuple(fc.constantFrom('include_fields', 'exclude_fields'), fc.constantFrom('Im.*', '(?i)image', 'a\\.b')).map(([t, p]) => `{ type: ${t}, mode: re, fields: [${q(p)}] }`),
  fc.constantFrom(...IDS).map((id) => `{ type: processing_item_applied, processing_item_id: ${id} }`),
);

const itemConditionArb: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.constantFrom('abc', 'MD5', '(?i)x'), fc.boolean()).map(([p, n]) => `{ type: match_string, pattern: ${q(p)}, negate: ${n} }`),
  fc.boolean().map((n) => `{ type: is_null, negate: ${n} }`),
  fc.boolean().map((n) => `{ type: contains_wildcard, negate: ${n} }`),
  fc.constantFrom(...IDS).map((id) => `{ type: processing_item_applied, processing_item_id: ${id} }`),
);

/** A condition set's lines: none, or conditions combined by and, or, not, or an expression over their ids. */
const setArb = (conditionArb: fc.Arbitrary<string>, key: string, prefix: string): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant('') },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.array(conditionArb, { minLength: 1, maxLength: 3 }), fc.constantFrom('and', 'or', 'not', 'expr')).map(([cs, how]) => {
        if (how === 'expr') {
          const expr = cs.length === 1 ? 'not c0' : `not c0 or (${cs.slice(1).map((_, i) => `c${i + 1}`).join(' and ')})`;
          return `    ${key}:\n${cs.map((c, i) => `      c${i}: ${c}\n`).join('')}    ${prefix}_expr: ${expr}\n`;
        }
        const list = `    ${key}: [${cs.join(', ')}]\n`;
        return how === 'and' ? list : how === 'or' ? `${list}    ${prefix}_op: or\n` : `${list}    ${prefix}_not: true\n`;
      }),
    },
  );

const bodyArb: fc.Arbitrary<string> = fc.oneof(
  fc
    .array(fc.tuple(fc.constantFrom(...FIELDS), fc.array(fc.constantFrom('new.a', 'new.b', 'Image', 'x'), { minLength: 1, maxLength: 2 })), { minLength: 1, maxLength: 4 })
    .map((es) => `type: field_name_mapping\n    mapping:\n${[...new Map(es)].map(([f, ts]) => `      ${q(f)}: [${ts.map(q).join(', ')}]\n`).join('')}`),
  fc
    .tuple(fc.constantFrom(...FIELDS), fc.boolean(), fc.boolean())
    .map(([f, negated, plain]) => `type: field_name_mapping\n    mapping:\n      ${q(f)}:\n        - { field: g.a, conditions: { EventID: 1 }${negated ? ', negated: true' : ''} }\n${plain ? '        - g.b\n' : ''}        - { field: g.c, conditions: { EventID: 1 }, negated: true }\n`),
  fc.tuple(fc.constantFrom('I', 'Im', 'a.', ''), fc.constantFrom('p.', '')).map(([a, b]) => `type: field_name_prefix_mapping\n    mapping:\n      ${q(a)}: ${q(b)}\n`),
  fc.constantFrom('pre.', '').map((p) => `type: field_name_prefix\n    prefix: ${q(p)}`),
  fc.constantFrom('.suf', '_y').map((p) => `type: field_name_suffix\n    suffix: ${q(p)}`),
  fc
    .tuple(fc.constantFrom(...FIELDS), fc.constantFrom('A', '%v1%', '$category'), fc.boolean(), fc.boolean())
    .map(([f, v, negated, template]) => `type: add_condition\n    conditions:\n      ${q(f)}: ${q(v)}\n    negated: ${negated}\n    template: ${template}`),
  logsourceYaml('type: change_logsource').map((s) => s.replace(/, /g, '\n    ')),
  fc
    .tuple(fc.constantFrom('abc', '\\\\', '^C:', '\\*', 'a', '(?i)IMAGE'), fc.constantFrom('Z', '', '*'), fc.boolean(), fc.boolean())
    .map(([re, rep, ss, is]) => `type: replace_string\n    regex: ${q(re)}\n    replacement: ${q(rep)}\n    skip_special: ${ss}\n    interpret_special: ${is}`),
  fc.constantFrom('str', 'num').map((t) => `type: convert_type\n    target_type: ${t}`),
  fc.constantFrom('value_placeholders', 'wildcard_placeholders').map((t) => `type: ${t}`),
  fc.constant('type: drop_detection_item'),
  fc.constant('type: detection_item_failure\n    message: nope'),
  fc.constant('type: rule_failure\n    message: no'),
  fc.constant('type: rule_warning\n    message: noted'),
  fc.constant('type: strict_field_mapping_failure'),
  fc.tuple(fc.constantFrom('1', '2', '$product'), fc.boolean()).map(([v, template]) => `type: set_state\n    key: s\n    val: ${q(v)}\n    template: ${template}`),
  fc.constantFrom('EventID', 'x').map((f) => `type: value_to_condition\n    field: ${q(f)}\n    mapping:\n      abc: { EventID: 1 }\n      "1": { Channel: [A, B] }\n`),
  fc
    .tuple(fc.subarray(['Hashes', 'Hash', 'x'], { minLength: 1 }), fc.boolean())
    .map(([fs, lowercase]) => `type: hashes_fields\n    fields: [${fs.map(q).join(', ')}]\n    mapping: { md5: Md5, sha1: Sha1 }\n    lowercase: ${lowercase}`),
);

const transformationArb: fc.Arbitrary<string> = fc
  .tuple(
    opt(fc.constantFrom(...IDS)),
    bodyArb,
    setArb(ruleConditionArb, 'rule_conditions', 'rule_cond'),
    setArb(fieldConditionArb, 'field_name_conditions', 'field_name_cond'),
    setArb(itemConditionArb, 'detection_item_conditions', 'detection_item_cond'),
  )
  .map(([id, body, rc, fnc, ic]) => `  - ${id !== undefined ? `id: ${id}\n    ` : ''}${body}\n${rc}${fnc}${ic}`);

const pipelineTextArb: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(0, 10), fc.array(transformationArb, { minLength: 1, maxLength: 6 }))
  .map(([priority, ts]) => `priority: ${priority}\nvars:\n  v1: [a, "b*"]\ntransformations:\n${ts.join('')}`);

// ---- runs

type Change = 'reverse' | 'pop' | 'repeat first';

function change(ts: Transformation[], how: Change): void {
  if (how === 'reverse') ts.reverse();
  else if (how === 'pop' && ts.length > 1) ts.pop();
  else if (how === 'repeat first' && ts[0] !== undefined) ts.push(ts[0]);
}

/** A run's whole outcome as text, items named by their place in the tree (they are other objects in each run). */
function outcome(run: PipelineRun): string {
  const items = matchesOf(run.output.rule.detection);
  const place = (m: ExprMatch): number => items.indexOf(m);
  return JSON.stringify({
    rule: { detection: run.output.rule.detection, logsource: run.output.rule.logsource, fields: run.output.rule.fields },
    state: run.output.state,
    applied: run.output.applied,
    added: [...run.output.addedItems].map(place),
    refused: [...run.refusedItems].map(([m, codes]) => [place(m), codes]),
    diagnostics: run.diagnostics,
    failed: run.failed,
  });
}

function load(text: string, i: number): ProcessingPipeline | undefined {
  const r = parsePipelineText(text, `p${i}.yml`);
  return r.ok ? r.value : undefined;
}

const stepArb = fc.record({
  rule: fc.nat(),
  /** Which pipelines the step's list holds (bits; a list of the same ones is the same array object). */
  pick: fc.nat(),
  change: fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.constantFrom<Change>('reverse', 'pop', 'repeat first')) }),
});

describe('pipeline runs in a long-lived process', () => {
  it('give each rule what a run with fresh pipelines and a fresh rule gives, in any order and after in-place changes', () => {
    fc.assert(
      fc.property(fc.array(pipelineTextArb, { minLength: 1, maxLength: 3 }), fc.array(ruleArb, { minLength: 1, maxLength: 6 }), fc.array(stepArb, { minLength: 1, maxLength: 12 }), (texts, rules, steps) => {
        const loaded = texts.map(load);
        const pipelines = loaded.filter((p): p is ProcessingPipeline => p !== undefined);
        if (pipelines.length !== loaded.length) return; // a text the loader refuses (a generated regex, ...)
        const changes: Change[][] = texts.map(() => []);
        const lists = new Map<string, ProcessingPipeline[]>();
        for (const s of steps) {
          if (s.change !== null) {
            const [k, how] = s.change;
            const i = k % pipelines.length;
            change((pipelines[i] as ProcessingPipeline).transformations as Transformation[], how);
            changes[i]?.push(how);
          }
          const chosen = texts.map((_, i) => i).filter((i) => texts.length === 1 || ((s.pick >> i) & 1) === 1);
          const key = chosen.join(',');
          const list = lists.get(key) ?? chosen.map((i) => pipelines[i] as ProcessingPipeline);
          lists.set(key, list);
          const fresh = chosen.map((i) => {
            const p = load(texts[i] as string, i) as ProcessingPipeline;
            for (const how of changes[i] ?? []) change(p.transformations as Transformation[], how);
            return p;
          });
          const r = rules[s.rule % rules.length] as SigmaRule;
          expect(outcome(runPipelines(r, list))).toBe(outcome(runPipelines(structuredClone(r), fresh)));
        }
      }),
      { numRuns: 200 },
    );
  });
});
