import type { NumberValue } from '../../ast/value.js';
import { assertNever } from '../../diagnostics/assert-never.js';
import { joinTexts } from '../../lower/chain.js';
import { stringShape } from '../../lower/string-shape.js';
import { normalizeParts } from '../../value/sigma-string.js';
import { fragment, type Fragment, type PatternStringValue } from '../../lower/target.js';
import { asString, kindOfText } from './ecs-types.js';
import { asciiCased, esqlString, needsLowering, numberLiteral, toLowerRoot, unwritableText } from './esql-text.js';

/** The longest and/or chain written flat (ES|QL limits the parse depth of an expression). */
export const MAX_CHAIN = 100;
export const GROUP = { open: '(', close: ')' } as const;

// ---------------------------------------------------------------------------------------------------
// Value lists on one field

/*
 * Values without wildcards of an OR on one field become `left IN (...)`, one IN per left-hand side
 * (`TO_LOWER(f)` for values with letters, `f` for the rest). An item is its kind and text; render()
 * builds the comparisons from the written field.
 */
type ItemKind = 'number' | 'as-is' | 'lower';
export interface EsqlFoldItem {
  readonly tag: ItemKind;
  readonly text: string;
}

/**
 * The sides of `field == <number>`: the number itself on a numeric field, its text on a string field
 * (Windows logs keep numbers as text: event.code is a keyword) or through TO_STRING on one of unknown type.
 */
export function numberSides(fieldText: string, literal: string, kind = kindOfText(fieldText)): { readonly left: string; readonly right: string } {
  return kind === 'number' ? { left: fieldText, right: literal } : { left: asString(fieldText, kind), right: esqlString(literal) };
}

export function foldItem(value: PatternStringValue | NumberValue): EsqlFoldItem | null {
  if (value.kind === 'number') {
    const literal = numberLiteral(value.value);
    return literal === null ? null : { tag: 'number', text: literal };
  }
  const parts = normalizeParts(value.parts);
  const shape = stringShape(parts);
  if (shape.kind !== 'exact' || unwritableText(shape.text) !== null) return null;
  if (!needsLowering(value, shape.text)) return { tag: 'as-is', text: shape.text };
  // A value with non-ASCII letters is matched alone, through RLIKE (stringComparison, asciiCased).
  return asciiCased(shape.text) ? { tag: 'lower', text: toLowerRoot(shape.text) } : null;
}

export function foldRender(fieldText: string, items: readonly EsqlFoldItem[], negated: boolean): Fragment {
  const kind = kindOfText(fieldText);
  const groups = new Map<string, Set<string>>();
  for (const { tag, text } of items) {
    let left: string;
    let right: string;
    switch (tag) {
      case 'number':
        ({ left, right } = numberSides(fieldText, text, kind));
        break;
      case 'as-is':
        left = asString(fieldText, kind);
        right = esqlString(text);
        break;
      case 'lower':
        left = `TO_LOWER(${asString(fieldText, kind)})`;
        right = esqlString(text);
        break;
      default:
        return assertNever(tag, 'fold item');
    }
    // A Set keeps each right-hand side once, in first-seen order (a list of thousands of hashes is common).
    const rights = groups.get(left) ?? new Set<string>();
    rights.add(right);
    groups.set(left, rights);
  }
  const tests = [...groups].map(([left, rights]) =>
    rights.size === 1
      ? `${left} ${negated ? '!=' : '=='} ${[...rights].join('')}`
      : `${left} ${negated ? 'NOT IN' : 'IN'} (${[...rights].join(', ')})`,
  );
  if (!negated) return tests.length === 1 ? fragment(tests[0] ?? '') : fragment(joinTexts(tests, ' OR ', GROUP, MAX_CHAIN), 'or');
  // NOT (a OR b) for Sigma: the field is absent, or it is present and every test fails.
  const all = tests.length === 1 ? (tests[0] ?? '') : `(${joinTexts(tests, ' AND ', GROUP, MAX_CHAIN)})`;
  return fragment(`${fieldText} IS NULL OR ${all}`, 'or');
}
