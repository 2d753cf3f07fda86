import { warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { canonicalModifier, isModifierName, MODIFIERS } from '../value/modifiers.js';
import { classifyString, parseSigmaString, printSigmaString } from '../value/sigma-string.js';
import type { SourceSpan } from '../diagnostics/span.js';
import type { YamlMap, YamlNode, YamlScalar } from '../yaml/node.js';
import { mapGet } from '../yaml/node.js';

/**
 * Lints of the values of a detection (or filter) section, read from the YAML as written, so they run on
 * documents that failed too: escaped wildcards, wildcards that should be modifiers, `**`, numbers
 * written as strings and control characters (SPEC-DIGEST §4, §11).
 */
export function lintDetectionValues(document: YamlMap): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const key of ['detection', 'filter'] as const) {
    const section = mapGet(document, key)?.value;
    if (section?.kind !== 'map') continue;
    for (const item of section.entries) {
      if (item.key === 'condition' || item.key === 'timeframe' || (key === 'filter' && item.key === 'rules')) continue;
      visitIdentifier(item.value, out);
    }
  }
  return out;
}

function visitIdentifier(node: YamlNode, out: Diagnostic[]): void {
  switch (node.kind) {
    case 'map':
      visitMap(node, out);
      return;
    case 'seq':
      for (const item of node.items) {
        if (item.kind === 'map') visitMap(item, out);
        else if (item.kind === 'scalar') lintScalar(null, [], item, out);
      }
      return;
    case 'scalar':
      lintScalar(null, [], node, out);
      return;
  }
}

function visitMap(node: YamlMap, out: Diagnostic[]): void {
  for (const entry of node.entries) {
    const [fieldText = '', ...modifiers] = entry.key.split('|');
    const field = fieldText === '' ? null : fieldText;
    const values = entry.value.kind === 'seq' ? entry.value.items : [entry.value];
    for (const v of values) if (v.kind === 'scalar') lintScalar(field, modifiers, v, out);
    if (field !== null) lintWildcardsAsModifier(field, modifiers, values, entry.keySpan, out);
  }
}

/**
 * `Field: '*abc*'` -> `Field|contains: 'abc'`: only when every value of the entry takes the same
 * modifier (one modifier applies to the whole list), and only beside modifiers that leave the value as
 * written, so the rewrite matches exactly what the values matched.
 */
function lintWildcardsAsModifier(field: string, modifiers: readonly string[], values: readonly YamlNode[], keySpan: SourceSpan, out: Diagnostic[]): void {
  if (!modifiers.every((m) => PLAIN_MODIFIERS.has(m))) return;
  const suggestions: { modifier: string; value: string }[] = [];
  for (const v of values) {
    const s = v.kind === 'scalar' && typeof v.value === 'string' ? modifierFor(v.value) : undefined;
    if (s === undefined || (suggestions[0] !== undefined && suggestions[0].modifier !== s.modifier)) return;
    suggestions.push(s);
  }
  const first = suggestions[0];
  if (first === undefined) return;
  const key = [field, first.modifier, ...modifiers].join('|');
  const written = suggestions.length === 1 ? quoted(first.value) : `[${suggestions.map((s) => quoted(s.value)).join(', ')}]`;
  const what = suggestions.length === 1 ? 'the value' : `all ${suggestions.length} values`;
  out.push(
    warning(
      'wildcard-instead-of-modifier',
      `${what} of \`${[field, ...modifiers].join('|')}\` only add${suggestions.length === 1 ? 's' : ''} \`*\` ${placement(first.modifier)}: write \`${key}: ${written.length > 160 ? `${written.slice(0, 157)}...` : written}\`, which states the intent and keeps wildcards for patterns`,
      keySpan,
    ),
  );
}

function placement(modifier: string): string {
  return modifier === 'contains' ? 'at both ends' : modifier === 'startswith' ? 'at the end' : 'at the start';
}

/**
 * Whether a value is still a Sigma string with wildcards and escapes after this modifier: every modifier
 * but those that give it another type (a regex, a network, a number, a field name, a boolean) and regex
 * flags, by the kinds src/value/modifiers.ts declares (aliases included; an unknown name is not).
 */
function keepsSigmaString(name: string): boolean {
  if (!isModifierName(name)) return false;
  const kind = MODIFIERS[canonicalModifier(name)].kind;
  return kind !== 'type' && kind !== 'regex-flag';
}

/** Modifiers that leave the value as written (they combine its matches or change case or polarity). */
const PLAIN_MODIFIERS: ReadonlySet<string> = new Set(['all', 'cased', 'neq']);

function lintScalar(field: string | null, modifiers: readonly string[], scalar: YamlScalar, out: Diagnostic[]): void {
  const value = scalar.value;
  if (typeof value !== 'string') return;
  lintControlCharacters(value, scalar, out);
  if (!modifiers.every(keepsSigmaString)) return;
  const scan = scanEscapes(value);
  if (scan.escapedWildcards.length > 0 && looksLikePath(value)) {
    const at = scan.escapedWildcards[0] ?? 0;
    const wc = value.charAt(at + 1);
    out.push(
      warning(
        'escaped-wildcard',
        `\`\\${wc}\` in ${quoted(value)} is an escaped, literal \`${wc}\` (a single backslash escapes a wildcard in Sigma); the value looks like a path, so if you meant a path separator followed by a wildcard write \`\\\\${wc}\`. If the literal \`${wc}\` is intended, list the rule's id under \`exclude: {escaped-wildcard: [...]}\` in the config`,
        scalar.span,
      ),
    );
  }
  if (scan.doubleWildcard) {
    out.push(warning('double-wildcard', `${quoted(value)} has \`**\`, which matches exactly what one \`*\` matches; write one \`*\``, scalar.span));
  }
  if (field !== null && modifiers.length === 0 && (scalar.style === 'single' || scalar.style === 'double') && /^-?\d+$/.test(value)) {
    out.push(
      warning(
        'number-as-string',
        `${field}: ${scalar.style === 'single' ? `'${value}'` : `"${value}"`} is a number written as a string; write it unquoted (${field}: ${value}) so it matches the number however the event stores it`,
        scalar.span,
      ),
    );
  }
}

const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f]|\n/u;

function lintControlCharacters(value: string, scalar: YamlScalar, out: Diagnostic[]): void {
  const m = CONTROL.exec(value);
  if (m === null) return;
  // A block scalar's line breaks are what the author typed; anything else is a control character.
  if (scalar.style === 'block' && !/[\u0000-\u0009\u000b-\u001f\u007f]/u.test(value)) return;
  const code = m[0].charCodeAt(0);
  const name = CONTROL_NAMES[code] ?? `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const hint =
    scalar.style === 'double'
      ? ' In double quotes YAML reads a backslash as an escape (`"C:\\temp"` holds a TAB): use single quotes, or double the backslash'
      : ' Remove it, or write what you meant';
  out.push(warning('control-character', `the value ${quoted(value)} contains the control character ${name}.${hint}`, scalar.span));
}

const CONTROL_NAMES: Readonly<Record<number, string>> = { 0: 'NUL', 7: 'BEL', 8: 'BACKSPACE', 9: 'TAB', 10: 'LINE FEED', 11: 'VT', 12: 'FORM FEED', 13: 'CARRIAGE RETURN', 27: 'ESC' };

/**
 * Where a single backslash (one not preceded by another) escapes a wildcard (`\*`, `\?`), and whether two unescaped `*` stand side by
 * side: the scan of SPEC-DIGEST §4 (a backslash escapes only `*`, `?` and itself).
 */
function scanEscapes(value: string): { escapedWildcards: number[]; doubleWildcard: boolean } {
  const escapedWildcards: number[] = [];
  let doubleWildcard = false;
  let previousStar = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charAt(i);
    if (c === '\\') {
      const next = value.charAt(i + 1);
      // Only a lone backslash: after escaped backslashes (`\\\*`) the literal wildcard is written on purpose.
      if ((next === '*' || next === '?') && value.charAt(i - 1) !== '\\') escapedWildcards.push(i);
      if (next === '*' || next === '?' || next === '\\') i++;
      previousStar = false;
    } else if (c === '*') {
      if (previousStar) doubleWildcard = true;
      previousStar = true;
    } else {
      previousStar = false;
    }
  }
  return { escapedWildcards, doubleWildcard };
}

/**
 * A path: another backslash besides the escapes, a drive letter, or a file pattern such as `\*.bak`.
 * Escaped wildcards elsewhere (`Hello\?`) are left alone.
 */
function looksLikePath(value: string): boolean {
  const rest = value.replace(/\\[*?]/g, '');
  return rest.includes('\\') || /^[A-Za-z]:/.test(value) || /\\[*?]\.[A-Za-z0-9]/.test(value);
}

/** A value as YAML single quotes write it: backslashes stay as they are, so it reads as in the rule. */
function quoted(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** `*abc*` -> contains abc, `abc*` -> startswith abc, `*abc` -> endswith abc; the rest stays as it is. */
export function modifierFor(value: string): { modifier: string; value: string } | undefined {
  const shape = classifyString(parseSigmaString(value));
  // The suggested value is printed back as a Sigma string, so a literal `*`, `?` or `\\` keeps its escape.
  const written = (text: string): string => printSigmaString([{ kind: 'literal', text }]);
  switch (shape.kind) {
    case 'contains':
      return { modifier: 'contains', value: written(shape.text) };
    case 'prefix':
      return { modifier: 'startswith', value: written(shape.text) };
    case 'suffix':
      return { modifier: 'endswith', value: written(shape.text) };
    case 'exact':
    case 'any':
    case 'pattern':
      return undefined;
  }
}
