import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Expr, match, not } from '../../../src/ast/expr.js';
import type { SigmaValue, StringPart } from '../../../src/ast/value.js';
import { pointSpan } from '../../../src/diagnostics/span.js';
import { convertExpr } from '../../../src/lower/convert-expr.js';
import { type PatternPart } from '../../../src/lower/string-shape.js';
import { normalizeParts } from '../../../src/value/sigma-string.js';
import { arbitraryEvent, arbitraryExpr, arbitraryText, FIELDS } from '../../support/arbitrary-expr.js';
import { esqlWhere, type EsqlEvent, type EsqlFieldType } from '../../support/esql-evaluator.js';
import { parseEsql } from '../../support/esql-parser.js';
import { evaluateExpr } from '../../support/evaluate-expr.js';

/*
 * The target's queries through esqltools' ES|QL parser (written from Elastic's ANTLR grammar) and
 * evaluator (written from Elastic's documentation: three-valued logic, typing, LIKE, TO_LOWER, ...),
 * against Sigma's reference meaning (test/support/evaluate-expr.ts), for arbitrary and/or/not trees of
 * strings with wildcards, literal * ? \ " and line breaks, cased or not, null and exists, on events with
 * absent fields: the escaping and NOT/NULL cases every target is tested with.
 */

const span = pointSpan('rule.yml', 1, 1);
const CHARS = ['a', 'B', 'é', 'É', 'Ж', 'ж', 'Σ', 'ς', '*', '?', '\\', '"', ' ', '.', '\n', 'OR', 'NOT '];

const part = fc.oneof(
  { weight: 3, arbitrary: arbitraryText(CHARS).map((text): StringPart => ({ kind: 'literal', text })) },
  { weight: 1, arbitrary: fc.constant<StringPart>({ kind: 'wildcard-multi' }) },
  { weight: 1, arbitrary: fc.constant<StringPart>({ kind: 'wildcard-single' }) },
);
const stringValue = fc
  .tuple(fc.array(part, { minLength: 1, maxLength: 3 }), fc.boolean())
  .map(([parts, cased]): SigmaValue => ({ kind: 'string', parts: normalizeParts(parts.filter((p) => p.kind !== 'literal' || p.text !== '') as PatternPart[]), cased }));
const leaf = fc.oneof(
  { weight: 6, arbitrary: stringValue },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 20 }).map((value): SigmaValue => ({ kind: 'number', value })) },
  { weight: 1, arbitrary: fc.constant<SigmaValue>({ kind: 'null' }) },
  { weight: 1, arbitrary: fc.boolean().map((exists): SigmaValue => ({ kind: 'exists', exists })) },
);

/** Events whose values also include the numbers' texts, so number leaves match sometimes. */
const events = fc.array(
  fc.oneof(arbitraryEvent(CHARS), fc.record({ A: fc.integer({ min: 0, max: 20 }).map(String), B: arbitraryText(CHARS) }, { requiredKeys: [] })),
  { maxLength: 10 },
);

/** The fields A, B, C are keyword-mapped in every index (an absent field is null). */
const TYPES: Readonly<Record<string, EsqlFieldType>> = Object.fromEntries(FIELDS.map((f) => [f, 'keyword']));

function run(query: string, event: EsqlEvent): boolean {
  const r = esqlWhere(query, event, { types: TYPES });
  if (!r.ok) throw new Error(`${r.error}\n${query}`);
  return r.matches;
}

function queryOf(expr: Expr): string {
  const r = convertExpr(expr, 'elastic-esql');
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
  return r.value.query;
}

describe('elastic-esql meaning (round trip through the ES|QL parser and evaluator)', () => {
  it('every query parses and matches exactly the events the rule matches', () => {
    fc.assert(
      fc.property(arbitraryExpr(leaf), events, (expr, evs) => {
        const query = queryOf(expr);
        const parsed = parseEsql(query);
        expect(parsed.ok, query).toBe(true);
        for (const event of evs) expect(run(query, event), `${query}\non ${JSON.stringify(event)}`).toBe(evaluateExpr(expr, event));
      }),
      { numRuns: Number(process.env.RUNS ?? 300) },
    );
  });

  it('NOT of a match is true on an absent field, and false on a null-free non-match is not flipped twice', () => {
    const q = queryOf(not(match('A', { kind: 'string', parts: [{ kind: 'literal', text: 'x' }, { kind: 'wildcard-multi' }], cased: false }, span), span));
    expect(run(q, {})).toBe(true);
    expect(run(q, { A: 'XY' })).toBe(false);
    expect(run(q, { A: 'y' })).toBe(true);
  });

  it('a non-ASCII letter matches its other case, though the optimizer folds only ASCII after TO_LOWER', () => {
    // The homoglyph rules of the corpus (Cyrillic letters in file names) are such values.
    for (const [rule, field] of [['Ж', 'Ж'], ['ж', 'Ж'], ['É', 'é'], ['xÄ*', 'XäY'], ['σ', 'ς']] as const) {
      const value: SigmaValue = { kind: 'string', parts: normalizeParts(rule.split(/(\*)/).filter((t) => t !== '').map((t): PatternPart => (t === '*' ? { kind: 'wildcard-multi' } : { kind: 'literal', text: t }))), cased: false };
      const expr = match('A', value, span);
      const q = queryOf(expr);
      expect(run(q, { A: field }), q).toBe(evaluateExpr(expr, { A: field }));
      expect(run(queryOf(not(expr, span)), { A: field }), q).toBe(!evaluateExpr(expr, { A: field }));
    }
  });

  it('a multi-valued field matches no positive test and no NULL-guarded negation (ES|QL returns null)', () => {
    const value: SigmaValue = { kind: 'string', parts: [{ kind: 'literal', text: 'a' }], cased: false };
    const positive = queryOf(match('A', value, span));
    const negative = queryOf(not(match('A', value, span), span));
    const event: EsqlEvent = { A: ['a', 'b'] };
    expect(run(positive, event)).toBe(false);
    expect(run(negative, event)).toBe(false);
  });
});

/** The same trees over ECS fields of known types: two keyword fields and a long. */
const ECS: Readonly<Record<string, string>> = { A: 'file.path', B: 'winlog.event_data.B', C: 'process.pid' };

function renamed(expr: Expr): Expr {
  switch (expr.kind) {
    case 'and':
    case 'or':
      return { ...expr, operands: expr.operands.map(renamed) };
    case 'not':
      return { ...expr, operand: renamed(expr.operand) };
    case 'match':
      return { ...expr, field: expr.field === null ? null : (ECS[expr.field] ?? expr.field) };
    default:
      throw new Error('unexpected node');
  }
}

describe('elastic-esql meaning on typed ECS fields', () => {
  const typed = fc.record(
    { A: arbitraryText(CHARS), B: arbitraryText(CHARS), C: fc.integer({ min: 0, max: 20 }) },
    { requiredKeys: [] },
  );
  const types: Readonly<Record<string, EsqlFieldType>> = { 'file.path': 'keyword', 'winlog.event_data.B': 'keyword', 'process.pid': 'long' };

  it('keyword fields compared directly, a long field through TO_STRING or as a number: exact, and type-correct', () => {
    fc.assert(
      fc.property(arbitraryExpr(leaf), fc.array(typed, { maxLength: 10 }), (expr, evs) => {
        const query = queryOf(renamed(expr));
        for (const e of evs) {
          const esEvent: Record<string, string | number> = {};
          const reference: Record<string, string> = {};
          for (const [k, v] of Object.entries(e)) {
            esEvent[ECS[k] ?? k] = v;
            reference[ECS[k] ?? k] = String(v);
          }
          const r = esqlWhere(query, esEvent, { types });
          if (!r.ok) throw new Error(`${r.error}\n${query}`);
          expect(r.matches, `${query}\non ${JSON.stringify(esEvent)}`).toBe(evaluateExpr(renamed(expr), reference));
        }
      }),
      { numRuns: Number(process.env.RUNS ?? 300) },
    );
  });
});
