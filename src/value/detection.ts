import { BoundedCache } from '../base/bounded-cache.js';
import { and, match, not, or, type Expr } from '../ast/expr.js';
import { error, fail, hasErrors, ok, warning, type Diagnostic, type Result } from '../diagnostics/diagnostic.js';
import type { SourceSpan } from '../diagnostics/span.js';
import type { YamlEntry, YamlMap, YamlNode, YamlScalar } from '../yaml/node.js';
import { applyModifiers } from './apply-modifiers.js';
import { NO_MODIFIERS, parseModifierChain, type ModifierChain, type WrittenModifier } from './modifiers.js';

/**
 * Builds the Expr of one search identifier (SPEC-DIGEST §3) from its YAML node:
 * - a map: its entries ANDed; a list: its items ORed (maps, or scalars as keywords; pySigma's reading
 *   of a mixed list); a single scalar: one keyword (the JSON schema does not allow it, pySigma does);
 * - an entry `field|mod|...: value(s)`: one detection item; an empty field name (`'|all': [...]`) makes
 *   it a keyword item;
 * - a list of values is ORed, or ANDed under `all`; the alternatives one value expands to (windash,
 *   base64offset) are always ORed; `neq` negates the whole item: NOT (v1 OR v2 ...).
 * Refused with `detection-invalid`: an empty identifier, map or list; `null` inside a list (put
 * `field: null` in its own selection); a map as a value; a list inside a list. `field: []` is refused
 * too: pySigma reads it as null, which is a guess we do not make.
 *
 * Every match's span is its value's span (the key's for `exists`). All errors of the identifier are
 * collected; the Expr is returned only when there are none.
 */
export function buildSearchIdentifier(name: string, node: YamlNode, nameSpan: SourceSpan): Result<Expr> {
  const diagnostics: Diagnostic[] = [];
  const expr = buildNode(name, node, nameSpan, diagnostics, true);
  if (expr === null || hasErrors(diagnostics)) return fail(diagnostics);
  return ok(expr, diagnostics);
}

function buildNode(name: string, node: YamlNode, nameSpan: SourceSpan, out: Diagnostic[], top: boolean): Expr | null {
  switch (node.kind) {
    case 'map':
      return buildMap(name, node, out);
    case 'seq': {
      if (node.items.length === 0) {
        out.push(error('detection-invalid', `search identifier '${name}' is an empty list; give it values or maps, or remove it`, top ? nameSpan : node.span));
        return null;
      }
      const items: Expr[] = [];
      for (let i = 0; i < node.items.length; i++) {
        const item = node.items[i]!;
        if (item.kind === 'seq') {
          out.push(error('detection-invalid', `search identifier '${name}' has a list inside a list, which Sigma does not define; flatten it`, item.span));
          continue;
        }
        const built = item.kind === 'map' ? buildMap(name, item, out) : buildKeywordScalar(name, item, out, true);
        if (built) items.push(built);
      }
      return items.length === node.items.length ? or(items, node.span) : null;
    }
    case 'scalar':
      return buildKeywordScalar(name, node, out, false);
  }
}

function buildKeywordScalar(name: string, node: YamlScalar, out: Diagnostic[], inList: boolean): Expr | null {
  if (node.value === null) {
    out.push(
      error(
        'detection-invalid',
        inList
          ? `search identifier '${name}' has null in its keyword list; remove it (null means "field absent", which needs a field)`
          : `search identifier '${name}' is empty; give it a map of fields or a list of keywords`,
        node.span,
      ),
    );
    return null;
  }
  return buildValues(null, NO_MODIFIERS, [node], node.span, node.span, false, out);
}

function buildMap(name: string, node: YamlMap, out: Diagnostic[]): Expr | null {
  if (node.entries.length === 0) {
    out.push(error('detection-invalid', `search identifier '${name}' has an empty map; give it field: value entries`, node.span));
    return null;
  }
  const items: Expr[] = [];
  for (let i = 0; i < node.entries.length; i++) {
    const built = buildEntry(name, node.entries[i]!, out);
    if (built) items.push(built);
  }
  return items.length === node.entries.length ? and(items, node.span) : null;
}

/**
 * What a key says: its field (null for a keyword item) and its checked modifier chain (null when the
 * chain has errors, which were reported).
 */
interface KeyReading {
  readonly field: string | null;
  readonly chain: ModifierChain | null;
}

/**
 * Readings of keys that gave no diagnostics, by the exact key text. A pack writes a few hundred
 * distinct keys (SigmaHQ: ~600 over ~10,000 items), so each is split and checked once. A reading holds
 * no position (chains carry none), so a reused one cannot leak one rule's spans into another; keys
 * with diagnostics are read again each time so their messages point at their own place. Bounded:
 * past the limit the cache starts over.
 */
export const MAX_KEY_READINGS = 4096;
const keyReadings = new BoundedCache<string, KeyReading>(MAX_KEY_READINGS);

/** A reading shared by many items is frozen all the way down: no use can change it for the others. */
function frozenReading(reading: KeyReading): KeyReading {
  if (reading.chain !== null) {
    for (const step of reading.chain.steps) Object.freeze(step);
    Object.freeze(reading.chain.steps);
    Object.freeze(reading.chain);
  }
  return Object.freeze(reading);
}

function readKey(entry: YamlEntry, out: Diagnostic[]): KeyReading {
  const known = keyReadings.peek(entry.key);
  if (known !== undefined) return known;
  const [fieldText = '', ...modifierNames] = entry.key.split('|');
  const field = fieldText === '' ? null : fieldText;
  const written: WrittenModifier[] = [];
  let at = fieldText.length + 1;
  for (const m of modifierNames) {
    written.push({ name: m, span: keySubSpan(entry, at, at + m.length) });
    at += m.length + 1;
  }
  const chainResult = parseModifierChain(written, { keyword: field === null });
  out.push(...chainResult.diagnostics);
  const reading: KeyReading = { field, chain: chainResult.ok ? chainResult.value : null };
  if (chainResult.diagnostics.length === 0) keyReadings.set(entry.key, frozenReading(reading));
  return reading;
}

function buildEntry(name: string, entry: YamlEntry, out: Diagnostic[]): Expr | null {
  const reading = readKey(entry, out);
  const field = reading.field;
  const chain = reading.chain;
  const value = entry.value;
  let scalars: YamlScalar[];
  if (value.kind === 'map') {
    out.push(error('detection-invalid', `'${entry.key}' has a map as its value; a field takes a value or a list of values`, value.span));
    return null;
  }
  if (value.kind === 'seq') {
    if (value.items.length === 0) {
      out.push(
        error(
          'detection-invalid',
          `'${entry.key}' has an empty list; write '${field ?? ''}: null' for "absent or null", or remove the item`,
          entry.keySpan,
        ),
      );
      return null;
    }
    scalars = [];
    let shapeOk = true;
    for (let i = 0; i < value.items.length; i++) {
      const item = value.items[i]!;
      if (item.kind !== 'scalar') {
        out.push(error('detection-invalid', `'${entry.key}' has a ${item.kind === 'map' ? 'map' : 'list'} inside its value list; values must be scalars`, item.span));
        shapeOk = false;
      } else if (item.value === null) {
        out.push(
          error(
            'detection-invalid',
            `'${entry.key}' has null inside a value list, which Sigma forbids; put '${field ?? ''}: null' in its own selection and combine it in the condition`,
            item.span,
          ),
        );
        shapeOk = false;
      } else {
        scalars.push(item);
      }
    }
    if (!shapeOk) return null;
  } else {
    scalars = [value];
  }
  if (chain === null) return null;
  if (chain.all && scalars.length === 1) {
    out.push(
      warning(
        'all-single-value',
        `'${entry.key}' uses all with a single value; the spec does not allow this (all links several values with AND) and it has no effect here`,
        value.span,
      ),
    );
  }
  const combined = buildValues(field, chain, scalars, value.span, entry.keySpan, chain.all, out);
  if (combined === null) return null;
  return chain.neq ? not(combined, cover(entry.keySpan, value.span)) : combined;
}

/** The values of one item: each value's alternatives ORed, then the values ORed (ANDed under all). */
function buildValues(
  field: string | null,
  chain: ModifierChain,
  scalars: readonly YamlScalar[],
  listSpan: SourceSpan,
  keySpan: SourceSpan,
  all: boolean,
  out: Diagnostic[],
): Expr | null {
  const perValue: Expr[] = [];
  let failed = false;
  // Indexed loops, no per-value closures: this runs for every value of every rule.
  for (let i = 0; i < scalars.length; i++) {
    const scalar = scalars[i]!;
    if (scalar.value === '') out.push(...emptyValueWarning(field, chain, keySpan, scalar.span));
    const result = applyModifiers(chain, scalar.value, scalar.span);
    if (result.diagnostics.length > 0) out.push(...result.diagnostics);
    if (!result.ok) {
      failed = true;
      continue;
    }
    const matchSpan = chain.result === 'exists' ? keySpan : scalar.span;
    const values = result.value;
    if (values.length === 1) {
      perValue.push(match(field, values[0]!, matchSpan));
    } else {
      const alternatives: Expr[] = [];
      for (let j = 0; j < values.length; j++) alternatives.push(match(field, values[j]!, matchSpan));
      perValue.push(or(alternatives, matchSpan));
    }
  }
  if (failed) return null;
  return all ? and(perValue, listSpan) : or(perValue, listSpan);
}

const WILDCARD_ADDERS: ReadonlySet<string> = new Set(['contains', 'startswith', 'endswith']);

/**
 * An empty string that matches far more than it seems to: as a keyword it is found in every event; with
 * `contains`/`startswith`/`endswith` it becomes `*`, any value. Converted as written (the rule's
 * meaning is well defined), but said, since the author rarely means it.
 */
function emptyValueWarning(field: string | null, chain: ModifierChain, keySpan: SourceSpan, span: SourceSpan): Diagnostic[] {
  if (chain.result !== 'scalar' && chain.result !== 'string') return [];
  const adder = chain.steps.find((s) => WILDCARD_ADDERS.has(s.name));
  if (field === null) {
    return [
      warning(
        'detection-invalid',
        "the keyword '' is empty, and every event contains the empty text, so it matches every event; remove it, or write the text to search for",
        span,
      ),
    ];
  }
  if (adder === undefined) return [];
  return [
    warning(
      'invalid-modifier-value',
      `'${field}|${adder.written}' with the empty value '' becomes '*', which matches any value of ${field} (only null or absent fail); to test that the field is present write '${field}|exists: true', or give the text to search for`,
      span.offset === span.endOffset ? keySpan : span,
    ),
  ];
}

/** From the start of `a` to the end of `b`. */
function cover(a: SourceSpan, b: SourceSpan): SourceSpan {
  return { ...a, endLine: b.endLine, endColumn: b.endColumn, endOffset: b.endOffset };
}

/**
 * The span of characters [start, end) of the key text. Exact when the key stands on one line as
 * written (plain, or quoted without escapes); otherwise the whole key's span.
 */
function keySubSpan(entry: YamlEntry, start: number, end: number): SourceSpan {
  const s = entry.keySpan;
  const width = s.endOffset - s.offset;
  const lead = width === entry.key.length ? 0 : width === entry.key.length + 2 ? 1 : -1;
  if (lead < 0 || s.line !== s.endLine) return s;
  return {
    ...s,
    column: s.column + lead + start,
    endColumn: s.column + lead + end,
    offset: s.offset + lead + start,
    endOffset: s.offset + lead + end,
  };
}
