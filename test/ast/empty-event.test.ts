import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchesEmptyEvent, requiresItems } from '../../src/ast/empty-event.js';
import { and, match, matchesOf, not, or, type Expr } from '../../src/ast/expr.js';
import type { SigmaValue } from '../../src/ast/value.js';
import { pointSpan } from '../../src/diagnostics/span.js';
import { arbitraryEvent, arbitraryExpr, arbitraryString } from '../support/arbitrary-expr.js';
import { evaluateExpr } from '../support/evaluate-expr.js';

const span = pointSpan('<test>');
const str = (text: string): SigmaValue => ({ kind: 'string', parts: [{ kind: 'literal', text }], cased: false });
const m = (field: string | null, value: SigmaValue): Expr => match(field, value, span);

describe('matchesEmptyEvent (an event with none of the rule\'s fields and no keyword)', () => {
  it('a comparison with an absent field is false, whatever the value kind', () => {
    const values: SigmaValue[] = [
      str('x'),
      str(''),
      { kind: 'string', parts: [{ kind: 'wildcard-multi' }], cased: false },
      { kind: 'number', value: 0 },
      { kind: 'boolean', value: false },
      { kind: 'regex', pattern: '.*', flags: { ignoreCase: false, multiline: false, dotAll: false } },
      { kind: 'cidr', network: '0.0.0.0/0', version: 4, prefixLength: 0 },
      { kind: 'compare', op: 'gte', value: 0 },
      { kind: 'exists', exists: true },
      { kind: 'fieldref', field: 'B', match: 'equals', cased: false },
      { kind: 'timepart', part: 'hour', value: 0 },
    ];
    for (const v of values) expect(matchesEmptyEvent(m('A', v)), v.kind).toBe(false);
  });

  it('`field: null` and `field|exists: false` are true', () => {
    expect(matchesEmptyEvent(m('A', { kind: 'null' }))).toBe(true);
    expect(matchesEmptyEvent(m('A', { kind: 'exists', exists: false }))).toBe(true);
  });

  it('a keyword is false, and true under not', () => {
    expect(matchesEmptyEvent(m(null, str('mimikatz')))).toBe(false);
    expect(matchesEmptyEvent(not(m(null, str('mimikatz')), span))).toBe(true);
  });

  it('not, and, or (the shapes of `not filter`, `selection and not filter`, `1 of`)', () => {
    const sel = m('A', str('x'));
    const filter = m('B', str('y'));
    expect(matchesEmptyEvent(not(filter, span))).toBe(true);
    expect(matchesEmptyEvent(and([sel, not(filter, span)], span))).toBe(false);
    expect(matchesEmptyEvent(and([not(sel, span), not(filter, span)], span))).toBe(true);
    expect(matchesEmptyEvent(or([sel, not(filter, span)], span))).toBe(true);
    expect(matchesEmptyEvent(or([sel, filter], span))).toBe(false);
    expect(matchesEmptyEvent(not(not(m('A', { kind: 'null' }), span), span))).toBe(true);
  });

  it('agrees with the reference evaluator on the event {} (fast-check)', () => {
    const value = fc.oneof(
      arbitraryString(['a', 'B'], true),
      fc.constant<SigmaValue>({ kind: 'null' }),
      fc.boolean().map((exists): SigmaValue => ({ kind: 'exists', exists })),
      fc.integer({ min: 0, max: 9 }).map((n): SigmaValue => ({ kind: 'number', value: n })),
      fc.boolean().map((b): SigmaValue => ({ kind: 'boolean', value: b })),
    );
    fc.assert(fc.property(arbitraryExpr(value), (e) => matchesEmptyEvent(e) === evaluateExpr(e, {})), { numRuns: 500 });
  });
});

describe('requiresItems (the detection is false for an event without the fields of some of its items)', () => {
  const value = fc.oneof(
    arbitraryString(['a', 'B'], true),
    fc.constant<SigmaValue>({ kind: 'null' }),
    fc.boolean().map((exists): SigmaValue => ({ kind: 'exists', exists })),
    fc.integer({ min: 0, max: 9 }).map((n): SigmaValue => ({ kind: 'number', value: n })),
  );

  it('by case: an ANDed source condition requires its field; dropped, negated or null, it does not', () => {
    const src = m('S', str('acme'));
    const rule = not(m('B', str('y')), span);
    const items = new Set(matchesOf(src));
    expect(requiresItems(and([src, rule], span), items)).toBe(true);
    expect(requiresItems(rule, items)).toBe(false);
    expect(requiresItems(and([not(src, span), rule], span), items)).toBe(false);
    const nul = m('S', { kind: 'null' });
    expect(requiresItems(and([nul, rule], span), new Set(matchesOf(nul)))).toBe(false);
    // not (S: null): false when S is absent, so it requires S.
    expect(requiresItems(and([not(nul, span), rule], span), new Set(matchesOf(nul)))).toBe(true);
  });

  it('when it says so, the reference evaluator is false on every event without field A (fast-check)', () => {
    fc.assert(
      fc.property(arbitraryExpr(value), arbitraryEvent(['a', 'B']), (e, event) => {
        const items = new Set(matchesOf(e).filter((x) => x.field === 'A'));
        if (!requiresItems(e, items)) return true;
        const { A: _a, ...withoutA } = event;
        return !evaluateExpr(e, withoutA);
      }),
      { numRuns: 1000 },
    );
  });

  it('a detection that requires some items is never true for the empty event (source-scope.ts relies on it; fast-check)', () => {
    fc.assert(
      fc.property(arbitraryExpr(value), fc.boolean(), (e, onlyA) => {
        const items = new Set(matchesOf(e).filter((x) => !onlyA || x.field === 'A'));
        return !requiresItems(e, items) || !matchesEmptyEvent(e);
      }),
      { numRuns: 1000 },
    );
  });
});
