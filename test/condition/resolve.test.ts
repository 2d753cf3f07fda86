import { describe, expect, it } from 'vitest';
import { match } from '../../src/ast/expr.js';
import { stripSpans } from '../../src/ast/strip-spans.js';
import { resolveCondition, unusedIdentifiers } from '../../src/condition/resolve.js';
import { parseCondition, textOrigin } from '../../src/condition/parse.js';
import { pointSpan } from '../../src/diagnostics/span.js';
import type { SearchIdentifier } from '../../src/rule/model.js';
import { parseOk } from './helpers.js';

const file = pointSpan('rule.yml');
/** A search identifier whose expression is recognisable in expectations: `field == name`. */
function ident(name: string): SearchIdentifier {
  return { name, expr: match(name, { kind: 'boolean', value: true }, file), span: file };
}
const m = (name: string) => ({ kind: 'match', field: name, value: { kind: 'boolean', value: true } });
const and = (...operands: unknown[]) => ({ kind: 'and', operands });
const or = (...operands: unknown[]) => ({ kind: 'or', operands });
const not = (operand: unknown) => ({ kind: 'not', operand });

const ids = ['selection', 'sel_a', 'sel_b', 'filter_main_x', 'filter_optional_y', '_hidden', '_sel_c', 'select|endswith'].map(ident);

function resolved(text: string, identifiers = ids): unknown {
  const r = resolveCondition(parseOk(text), identifiers);
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
  expect(r.diagnostics).toEqual([]);
  return stripSpans(r.value);
}

function errors(text: string, identifiers = ids) {
  const r = resolveCondition(parseOk(text), identifiers);
  expect(r.ok).toBe(false);
  return r.diagnostics;
}

describe('resolveCondition', () => {
  it('replaces names by their expressions, keeping the structure', () => {
    expect(resolved('selection and not filter_main_x or sel_a')).toEqual(
      or(and(m('selection'), not(m('filter_main_x'))), m('sel_a')),
    );
  });
  it('gives created and/or/not nodes the condition span', () => {
    const text = 'selection and not sel_a';
    const parsed = parseCondition(text, textOrigin(text, 'c'));
    if (!parsed.ok) throw new Error('parse');
    const r = resolveCondition(parsed.value, ids);
    if (!r.ok || r.value.kind !== 'and') throw new Error('and');
    expect(r.value.span).toMatchObject({ file: 'c', column: 1, endColumn: 24 });
    expect(r.value.operands[1]?.span).toMatchObject({ column: 15, endColumn: 24 });
    expect(r.value.operands[0]?.span).toBe(file);
  });
  it('turns 1/any of into or and all of into and, in file order', () => {
    expect(resolved('1 of sel*')).toEqual(or(m('selection'), m('sel_a'), m('sel_b'), m('select|endswith')));
    expect(resolved('any of sel_*')).toEqual(or(m('sel_a'), m('sel_b')));
    expect(resolved('all of filter_*')).toEqual(and(m('filter_main_x'), m('filter_optional_y')));
  });
  it('collapses a selector that matches one identifier to it', () => {
    expect(resolved('all of filter_main_*')).toEqual(m('filter_main_x'));
  });
  it('matches whole names, * being any run of characters', () => {
    expect(resolved('1 of *main*')).toEqual(m('filter_main_x'));
    expect(resolved('1 of s*n')).toEqual(m('selection'));
    expect(resolved('1 of `select|*`')).toEqual(m('select|endswith'));
    expect(errors('1 of sel').map((d) => d.code)).toEqual(['condition-pattern-no-match']);
    // Only `*` is a wildcard: `?` and `.` are literal characters.
    expect(errors('1 of `sel_?`').map((d) => d.code)).toEqual(['condition-pattern-no-match']);
    expect(errors('1 of `sel_.`').map((d) => d.code)).toEqual(['condition-pattern-no-match']);
  });
  it('skips _-prefixed names in them and in patterns not starting with _', () => {
    expect(resolved('1 of them')).toEqual(
      or(m('selection'), m('sel_a'), m('sel_b'), m('filter_main_x'), m('filter_optional_y'), m('select|endswith')),
    );
    expect(resolved('1 of *')).toEqual(resolved('1 of them'));
    expect(resolved('all of _*')).toEqual(and(m('_hidden'), m('_sel_c')));
    expect(resolved('1 of _sel*')).toEqual(m('_sel_c'));
    expect(resolved('_hidden')).toEqual(m('_hidden'));
  });
  it('reports an unknown name at its span with a suggestion', () => {
    const text = 'selection and not filter_main';
    const parsed = parseCondition(text, textOrigin(text, 'c'));
    if (!parsed.ok) throw new Error('parse');
    const r = resolveCondition(parsed.value, ids);
    expect(r.ok).toBe(false);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: 'condition-unknown-identifier', severity: 'error' });
    expect(r.diagnostics[0]?.span).toMatchObject({ column: 19, endColumn: 30 });
    expect(r.diagnostics[0]?.message).toContain('did you mean `filter_main_x`?');
  });
  it('lists the names when none is close', () => {
    const [d] = errors('zzzzzzzzzzzz', [ident('selection')]);
    expect(d?.message).toContain('`selection`');
    expect(d?.message).not.toContain('did you mean');
  });
  it('reports a selector matching nothing', () => {
    const [d] = errors('selection and 1 of filter_nope_*');
    expect(d).toMatchObject({ code: 'condition-pattern-no-match' });
    expect(d?.message).toContain('`1 of filter_nope_*`');
    const [t] = errors('all of them', [ident('_only')]);
    expect(t).toMatchObject({ code: 'condition-pattern-no-match' });
    expect(t?.message).toContain('skips names starting with `_`');
  });
  it('collects all errors', () => {
    const ds = errors('nope1 or (selection and not 1 of x_*) or nope2 or all of them');
    expect(ds.map((d) => d.code)).toEqual([
      'condition-unknown-identifier',
      'condition-pattern-no-match',
      'condition-unknown-identifier',
    ]);
  });
});

describe('unusedIdentifiers', () => {
  it('returns identifiers no condition uses, in file order', () => {
    const unused = unusedIdentifiers([parseOk('selection and not 1 of filter_*'), parseOk('_hidden')], ids);
    expect(unused.map((i) => i.name)).toEqual(['sel_a', 'sel_b', '_sel_c', 'select|endswith']);
    expect(unusedIdentifiers([parseOk('1 of them')], ids).map((i) => i.name)).toEqual(['_hidden', '_sel_c']);
  });
});
