import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { and, type Expr, match, not, or } from '../../src/ast/expr.js';
import type { SigmaValue } from '../../src/ast/value.js';
import { pointSpan } from '../../src/diagnostics/span.js';
import { lowerExpr } from '../../src/lower/engine.js';
import { convertExpr } from '../../src/lower/convert-expr.js';
import { TARGET_IDS } from '../../src/targets/registry.js';
import { isPatternParts, literalChars } from '../../src/lower/string-shape.js';
import {
  fragment,
  OFF,
  postFilter,
  type QueryLanguage,
  type TargetDeclaration,
  unsupported,
} from '../../src/lower/target.js';
import { arbitraryEvent, arbitraryExpr, arbitraryString } from '../support/arbitrary-expr.js';
import { evaluateExpr } from '../support/evaluate-expr.js';

const span = pointSpan('t.yml', 3, 5);

/**
 * A toy target over a toy language: `F=v` leaves, `&` `|` `!` with configurable precedence. A generic
 * precedence-climbing parser reads the output back; if the engine's parentheses were wrong for that
 * precedence table, the parsed tree would evaluate differently from the Sigma expression.
 */
function toyLanguage(precedence: { not: number; and: number; or: number }, groupMixed: boolean): QueryLanguage {
  return {
    name: 'toy',
    boolean: {
      and: ' & ',
      or: ' | ',
      not: { open: '!', close: '' },
      precedence,
      group: { open: '(', close: ')' },
      groupMixed,
      always: 'T',
      never: 'F',
      negation: 'operator',
    },
    fieldName: (name) => name,
    values: {
      string: (ctx) =>
        isPatternParts(ctx.value.parts) && ctx.value.parts.every((p) => p.kind === 'literal')
          ? fragment(`${ctx.fieldText}=${literalChars(ctx.value.parts)}`)
          : postFilter('toy has no wildcards', fragment(`${ctx.fieldText}=*`)),
      number: unsupported('a number', 'toy has no numbers'),
      boolean: unsupported('a boolean', 'toy'),
      null: unsupported('null', 'toy'),
      regex: unsupported('a regular expression (re)', 'toy has no regular expressions'),
      cidr: unsupported('cidr', 'toy'),
      compare: unsupported('compare', 'toy'),
      exists: unsupported('exists', 'toy'),
      fieldref: unsupported('fieldref', 'toy'),
      timepart: unsupported('timepart', 'toy'),
    },
    keyword: unsupported('a keyword', 'toy has no full text'),
    listFold: OFF,
  };
}

function toyTarget(language: QueryLanguage, post: QueryLanguage | null = null): TargetDeclaration {
  return {
    id: 'toy',
    title: 'Toy',
    summary: 'test target',
    language,
    postFilter: post === null ? OFF : { kind: 'post-filter-stage', language: post },
    source: { default: null, note: '', write: (s) => s, stateKey: null, stateLimitsSource: false },
    embedAs: 'whole',
    fileExtension: 'toy',
    options: [{ name: 'opt', summary: 's', description: 'd', default: false }],
    supportNotes: {},
    correlation: unsupported('a correlation rule', 'the toy target has none'),
  };
}

type Toy = { kind: 'and' | 'or'; l: Toy; r: Toy } | { kind: 'not'; o: Toy } | { kind: 'leaf'; field: string; value: string };

/** Precedence climbing for the toy language. */
function parseToy(text: string, precedence: { not: number; and: number; or: number }): Toy {
  const tokens = text.match(/\(|\)|&|\||!|[A-Z]+=[^\s()&|!]*/g) ?? [];
  let i = 0;
  const binary = (t: string | undefined): 'and' | 'or' | null => (t === '&' ? 'and' : t === '|' ? 'or' : null);
  function primary(): Toy {
    const t = tokens[i++];
    if (t === '(') {
      const e = expression(0);
      if (tokens[i++] !== ')') throw new Error('expected )');
      return e;
    }
    if (t === '!') return { kind: 'not', o: expression(precedence.not) };
    if (t === undefined || !t.includes('=')) throw new Error(`unexpected ${t}`);
    const [field, value] = t.split('=') as [string, string];
    return { kind: 'leaf', field, value };
  }
  function expression(min: number): Toy {
    let left = primary();
    for (let op = binary(tokens[i]); op !== null && precedence[op] >= min; op = binary(tokens[i])) {
      i++;
      const right = expression(precedence[op] + 1);
      left = { kind: op, l: left, r: right };
    }
    return left;
  }
  const e = expression(0);
  if (i !== tokens.length) throw new Error('trailing tokens');
  return e;
}

function evalToy(t: Toy, event: Readonly<Record<string, string>>): boolean {
  switch (t.kind) {
    case 'and':
      return evalToy(t.l, event) && evalToy(t.r, event);
    case 'or':
      return evalToy(t.l, event) || evalToy(t.r, event);
    case 'not':
      return !evalToy(t.o, event);
    case 'leaf':
      return event[t.field]?.toLowerCase() === t.value.toLowerCase();
  }
}

const DIGITS = ['1', '2'];
const PRECEDENCES = [
  { not: 3, and: 2, or: 1 },
  { not: 3, or: 2, and: 1 }, // Splunk search
];

describe('lowerExpr parentheses', () => {
  for (const precedence of PRECEDENCES) {
    for (const groupMixed of [false, true]) {
      it(`keep the meaning with precedence ${JSON.stringify(precedence)}, groupMixed ${groupMixed}`, () => {
        const target = toyTarget(toyLanguage(precedence, groupMixed));
        fc.assert(
          fc.property(arbitraryExpr(arbitraryString(DIGITS, false)), fc.array(arbitraryEvent(DIGITS), { maxLength: 8 }), (expr, events) => {
            const result = lowerExpr(expr, target);
            if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
            const parsed = parseToy(result.value.expression, precedence);
            for (const event of events) expect(evalToy(parsed, event)).toBe(evaluateExpr(expr, event));
          }),
          { numRuns: 300 },
        );
      });
    }
  }

  const a = match('A', { kind: 'string', parts: [{ kind: 'literal', text: '1' }], cased: false }, span);
  const b = match('B', { kind: 'string', parts: [{ kind: 'literal', text: '2' }], cased: false }, span);
  const c = match('C', { kind: 'string', parts: [{ kind: 'literal', text: '3' }], cased: false }, span);
  const lower = (e: Expr, precedence = PRECEDENCES[0]!, groupMixed = false) => {
    const r = lowerExpr(e, toyTarget(toyLanguage(precedence, groupMixed)));
    return r.ok ? r.value.expression : r.diagnostics.map((d) => d.message).join('\n');
  };

  it('adds only the parentheses precedence needs, unless groupMixed', () => {
    expect(lower(or([and([a, b], span), c], span))).toBe('A=1 & B=2 | C=3');
    expect(lower(and([or([a, b], span), c], span))).toBe('(A=1 | B=2) & C=3');
    expect(lower(or([and([a, b], span), c], span), PRECEDENCES[0], true)).toBe('(A=1 & B=2) | C=3');
    // Splunk search order: OR binds tighter than AND.
    expect(lower(and([or([a, b], span), c], span), PRECEDENCES[1])).toBe('A=1 | B=2 & C=3');
    expect(lower(or([and([a, b], span), c], span), PRECEDENCES[1])).toBe('(A=1 & B=2) | C=3');
  });

  it('puts NOT over groups and removes double negation', () => {
    expect(lower(not(and([a, b], span), span))).toBe('!(A=1 & B=2)');
    expect(lower(not(not(a, span), span))).toBe('A=1');
    expect(lower(not(not(not(a, span), span), span))).toBe('!A=1');
  });
});

describe('lowerExpr post-filter', () => {
  const precedence = PRECEDENCES[0]!;
  const post: QueryLanguage = {
    ...toyLanguage(precedence, true),
    name: 'post',
    values: { ...toyLanguage(precedence, true).values, string: (ctx) => fragment(`${ctx.fieldText}~${ctx.value.parts.map((p) => (p.kind === 'literal' ? p.text : '*')).join('')}`) },
  };
  const target = toyTarget(toyLanguage(precedence, true), post);
  const str = (text: string, wild = false): SigmaValue => ({
    kind: 'string',
    parts: wild ? [{ kind: 'literal', text }, { kind: 'wildcard-multi' }] : [{ kind: 'literal', text }],
    cased: false,
  });

  it('moves only the conjuncts that need it and keeps a superset as pre-filter', () => {
    const e = and([match('A', str('1'), span), and([match('B', str('2', true), span), not(match('C', str('3', true), span), span)], span)], span);
    const r = lowerExpr(e, target);
    expect(r.ok && r.value).toEqual({
      target: 'toy',
      // B=* is the superset of B~2*; under NOT the leaf becomes "no event", so NOT it drops out.
      expression: 'A=1 & B=*',
      postFilter: 'B~2* & !C~3*',
      notes: ['toy has no wildcards'],
    });
  });

  it('keeps an OR whole in the post-filter (never turns OR into AND)', () => {
    const e = or([match('A', str('1'), span), match('B', str('2', true), span)], span);
    const r = lowerExpr(e, target);
    expect(r.ok && r.value).toEqual({ target: 'toy', expression: 'A=1 | B=*', postFilter: 'A~1 | B~2*', notes: ['toy has no wildcards'] });
  });

  it('refuses a post-filter leaf when the target has no post-filter stage', () => {
    const r = lowerExpr(match('B', str('2', true), span), toyTarget(toyLanguage(precedence, true)));
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      'toy cannot express this rule exactly: toy has no wildcards, and it has no post-filter stage',
    ]);
  });
});

describe('lowerExpr diagnostics', () => {
  const target = toyTarget(toyLanguage(PRECEDENCES[0]!, true));
  it('collects every refusal with construct, target and span', () => {
    const re: SigmaValue = { kind: 'regex', pattern: 'x', flags: { ignoreCase: false, multiline: false, dotAll: false } };
    const e = or([match('A', re, pointSpan('t.yml', 4, 9)), match('B', { kind: 'number', value: 1 }, pointSpan('t.yml', 5, 9))], span);
    const r = lowerExpr(e, target);
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => [d.code, d.span.line, d.message])).toEqual([
      ['unsupported-construct', 4, 'toy cannot express a regular expression (re) exactly: toy has no regular expressions; convert this rule for another target, or skip it (--skip-unsupported)'],
      ['unsupported-construct', 5, 'toy cannot express a number exactly: toy has no numbers; convert this rule for another target, or skip it (--skip-unsupported)'],
    ]);
  });

  it('tells each error at a leaf with the leaf (onLeafError), also when two leaves at one place give one diagnostic', () => {
    const re: SigmaValue = { kind: 'regex', pattern: 'x', flags: { ignoreCase: false, multiline: false, dotAll: false } };
    const at = pointSpan('t.yml', 4, 9);
    const [a, b, ok] = [match('A', re, at), match('B', re, at), match('C', { kind: 'string', parts: [{ kind: 'literal', text: '1' }], cased: false }, at)] as const;
    const told: [unknown, number][] = [];
    const r = lowerExpr(or([a, b, ok], span), target, { onLeafError: (leaf, d) => void told.push([leaf, d.span.line]) });
    expect(r.diagnostics).toHaveLength(1);
    expect(told).toEqual([
      [a, 4],
      [b, 4],
    ]);
    expect(told[0]?.[0]).toBe(a);
    expect(told[1]?.[0]).toBe(b);
  });

  it('refuses, for every target, a number whose text needs an exponent (in a list fold too)', () => {
    for (const id of TARGET_IDS) {
      for (const value of [1e-7, 1e21, 1e-25]) {
        const single = convertExpr(match('A', { kind: 'number', value }, span), id);
        expect(single.ok, `${id} ${value}`).toBe(false);
        expect(single.diagnostics[0]?.message, id).toContain(`the number ${String(value)}`);
        const list = convertExpr(or([match('A', { kind: 'number', value: 5 }, span), match('A', { kind: 'number', value }, span), match('A', { kind: 'number', value: 7 }, span)], span), id);
        expect(list.ok, `${id} list ${value}`).toBe(false);
      }
      expect(convertExpr(match('A', { kind: 'compare', op: 'gt', value: 1e-7 }, span), id).ok, id).toBe(false);
      expect(convertExpr(match('A', { kind: 'number', value: 0.5 }, span), id).ok, id).toBe(true);
    }
  });

  it('refuses unresolved placeholders', () => {
    const e = match('A', { kind: 'string', parts: [{ kind: 'placeholder', name: 'Admins' }], cased: false }, span);
    const r = lowerExpr(e, target);
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['unresolved-placeholder', 'no pipeline resolved the placeholder %Admins%; give a pipeline that defines `vars: {Admins: [...]}` with a `value_placeholders` transformation (or `wildcard_placeholders` to match any value); Sigma requires refusing a rule whose placeholders stay unresolved'],
    ]);
  });

  it('refuses a placeholder once per match for every target: as a value, a keyword, a list member, beside a post-filter leaf', () => {
    const ph: SigmaValue = { kind: 'string', parts: [{ kind: 'literal', text: 'x' }, { kind: 'placeholder', name: 'P' }], cased: false };
    const a: SigmaValue = { kind: 'string', parts: [{ kind: 'literal', text: 'a' }], cased: false };
    const re: SigmaValue = { kind: 'regex', pattern: 'a.c', flags: { ignoreCase: false, multiline: false, dotAll: false } };
    const exprs: Expr[] = [
      match('A', ph, span),
      match(null, ph, span),
      or([match('A', a, span), match('A', ph, span), match('A', a, span)], span),
      not(or([match('A', ph, span), match('A', a, span)], span), span),
      and([match('B', re, span), or([match('A', ph, span), match('C', a, span)], span)], span),
    ];
    for (const id of TARGET_IDS) {
      for (const e of exprs) {
        const r = convertExpr(e, id);
        expect(r.ok, id).toBe(false);
        expect(r.diagnostics.filter((d) => d.code === 'unresolved-placeholder'), id).toHaveLength(1);
        // no target saw the placeholder (their old guards said "cannot express a placeholder")
        expect(r.diagnostics.filter((d) => d.message.includes('a placeholder')), id).toEqual([]);
        // nor refused the "false" that stands in for the placeholder's leaf (splunk has no "false" term)
        expect(r.diagnostics.filter((d) => d.message.includes('matches no event')), id).toEqual([]);
      }
    }
  });

  it('reports placeholders first, in tree order, each told once, although post-filter runs render the leaves again', () => {
    const re: SigmaValue = { kind: 'regex', pattern: 'a.c', flags: { ignoreCase: false, multiline: false, dotAll: false } };
    const ph = (name: string): SigmaValue => ({ kind: 'string', parts: [{ kind: 'placeholder', name }], cased: false });
    const [at4, at5, at6] = [pointSpan('t.yml', 4, 1), pointSpan('t.yml', 5, 1), pointSpan('t.yml', 6, 1)];
    // elastic-kql refuses the regex: its error comes after the placeholders' although its leaf comes first.
    const kql = convertExpr(or([match('A', re, at4), match('B', ph('P'), at5), match('C', ph('Q'), at6)], span), 'elastic-kql');
    expect(kql.diagnostics.map((d) => [d.code, d.span.line])).toEqual([
      ['unresolved-placeholder', 5],
      ['unresolved-placeholder', 6],
      ['unsupported-construct', 4],
    ]);
    // splunk moves the regex's conjunct to its post-filter: three runs render the placeholder's leaf.
    const leaf = match('B', ph('P'), at5);
    const told: unknown[] = [];
    const spl = convertExpr(and([match('A', re, at4), or([leaf, match('C', ph('Q'), at6)], span)], span), 'splunk', { onLeafError: (l) => void told.push(l) });
    expect(spl.diagnostics.map((d) => [d.code, d.span.line])).toEqual([
      ['unresolved-placeholder', 5],
      ['unresolved-placeholder', 6],
    ]);
    expect(told).toHaveLength(2);
    expect(told[0]).toBe(leaf);
  });

  it('rejects unknown target options', () => {
    const r = lowerExpr(match('A', { kind: 'string', parts: [], cased: false }, span), target, { targetOptions: { nope: true } });
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([['invalid-value', "target toy has no option 'nope' (its options: opt)"]]);
  });

  it('rejects an option named like a property every object has, as one the target does not have', () => {
    const given = JSON.parse('{"constructor":"x","toString":true,"__proto__":"y"}') as Record<string, boolean | string>;
    const r = lowerExpr(match('A', { kind: 'string', parts: [], cased: false }, span), target, { targetOptions: given });
    expect(r.diagnostics.map((d) => d.message)).toEqual(['constructor', 'toString', '__proto__'].map((name) => `target toy has no option '${name}' (its options: opt)`));
  });

  it('rejects a target option value of the wrong type (a switch given a name)', () => {
    const r = lowerExpr(match('A', { kind: 'string', parts: [], cased: false }, span), target, { targetOptions: { opt: 'yes' } });
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([['invalid-value', `target toy's option 'opt' takes a switch (true or false), not "yes"`]]);
  });

  it('writes a field name with the language it is lowered for (written names are cached per language)', () => {
    const leaf = match('A', { kind: 'string', parts: [{ kind: 'literal', text: '1' }], cased: false }, span);
    const base = toyLanguage(PRECEDENCES[0]!, false);
    const upper = toyTarget({ ...base, fieldName: (n) => `U_${n}` });
    const lowerCase = toyTarget({ ...base, fieldName: (n) => `l_${n.toLowerCase()}` });
    const refusing = toyTarget({ ...base, fieldName: (n) => unsupported(`the field name '${n}'`, 'toy refuses it') });
    for (let i = 0; i < 2; i++) {
      const u = lowerExpr(leaf, upper);
      const l = lowerExpr(leaf, lowerCase);
      const r = lowerExpr(leaf, refusing);
      expect(u.ok && u.value.expression).toBe('U_A=1');
      expect(l.ok && l.value.expression).toBe('l_a=1');
      expect(r.ok).toBe(false);
      expect(r.diagnostics.map((d) => d.message).join('\n')).toContain("the field name 'A'");
    }
  });

  it('is deterministic', () => {
    const e = and([or([match('A', { kind: 'string', parts: [{ kind: 'literal', text: '1' }], cased: false }, span), match('B', { kind: 'string', parts: [{ kind: 'literal', text: '2' }], cased: false }, span)], span), not(match('C', { kind: 'string', parts: [], cased: false }, span), span)], span);
    expect(lowerExpr(e, target)).toEqual(lowerExpr(e, target));
  });
});
