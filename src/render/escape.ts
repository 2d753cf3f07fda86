import yaml from 'js-yaml';
import { PG_MAX_IDENTIFIER_BYTES, sqlIdentifier } from '../targets/sql/sql-text.js';

/**
 * Pure escaping functions for the file formats that output formats write. Each one takes a value and
 * returns text that stands for exactly that value in its file format, so rule metadata (a title with
 * `[`, `]`, quotes, backslashes, newlines, `{{ }}`, non-ASCII text) can never change a file's structure.
 * The template helpers (environment.ts) call these; tests read the files back with real parsers.
 */

// ---------------------------------------------------------------------------------------------------
// JSON

/** A JSON literal (RFC 8259): strings quoted and escaped by serialization. `undefined` becomes null. */
export function jsonValue(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/**
 * A value for an Azure Resource Manager template. ARM evaluates a string that starts with `[` and ends
 * with `]` as a template expression; a literal such string is written with `[[` at its start ("Syntax
 * and expressions in ARM templates", section "Escape characters":
 * https://learn.microsoft.com/azure/azure-resource-manager/templates/template-expressions#escape-characters).
 * Strings inside arrays and objects are escaped too: ARM evaluates expressions in any property value.
 */
export function armLiteral(value: unknown): unknown {
  if (typeof value === 'string') return value.startsWith('[') && value.endsWith(']') ? `[${value}` : value;
  if (Array.isArray(value)) return value.map(armLiteral);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, armLiteral(v)]));
  }
  return value;
}

// ---------------------------------------------------------------------------------------------------
// YAML

/**
 * A YAML value placed after `key: ` at column `indent` (the key's column). js-yaml's dump does the
 * quoting (so `: `, `#`, leading `-`, `{{`, quotes and newlines are written safely); `lineWidth: -1`
 * keeps long lines unfolded so a query stays readable, multi-line strings become literal blocks.
 * Collections go on the following lines, indented two spaces more than the key.
 */
function yamlValue(value: unknown, indent = 0): string {
  const isCollection = value !== null && typeof value === 'object';
  if (isCollection && (Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0)) {
    return Array.isArray(value) ? '[]' : '{}';
  }
  const dumped = yaml.dump(value ?? null, { lineWidth: -1, noRefs: true, quotingType: "'", forceQuotes: false }).replace(/\n$/, '');
  const pad = ' '.repeat(isCollection ? indent + 2 : indent);
  const lines = dumped.split('\n');
  if (isCollection) return '\n' + lines.map((l) => (l === '' ? l : pad + l)).join('\n');
  // A block scalar's content lines are indented relative to column 0 by js-yaml: shift them under the key.
  return lines.map((l, i) => (i === 0 || l === '' ? l : pad + l)).join('\n');
}

/** A `key: value` line at column `indent` (the key dumped too), collections on the lines below it. */
export function yamlField(key: string, value: unknown, indent = 0): string {
  const k = yaml.dump(key, { lineWidth: -1 }).replace(/\n$/, '');
  const v = yamlValue(value, indent);
  return `${k}:${v.startsWith('\n') ? '' : ' '}${v}`;
}

// ---------------------------------------------------------------------------------------------------
// Splunk .conf files

/**
 * A setting value for a Splunk .conf file. A newline in the value is written as a line continuation: a
 * backslash at the very end of the line, the newline kept in the value (Splunk's .conf syntax, as
 * savedsearches.conf stores searches written on several lines; see also ksconf's reader, which models
 * it: a line whose last character is `\` continues on the next). Splunk trims the value's leading
 * whitespace after `=`, so values are written as given and callers trim metadata. The last line cannot
 * end in a backslash (the reader would join the next setting into the value), so one space follows it
 * there. Readers take a carriage return for a line break, so CR LF and CR are written as newlines: a
 * format whose value must be exact (the search) refuses a CR first (`hasCarriageReturn`).
 */
export function confValue(value: string): string {
  const lines = value.replace(/\r\n?/g, '\n').split('\n');
  const last = lines.length - 1;
  return lines.map((line, i) => (i < last ? `${line}\\` : line.endsWith('\\') ? `${line} ` : line)).join('\n');
}

export function hasCarriageReturn(value: string): boolean {
  return value.includes('\r');
}

/**
 * A comment line (`# ...`). Comments must start at the beginning of a line, and a line ending in `\`
 * would continue into the next one, so text that holds a control character, a trailing backslash or
 * leading/trailing space is written as a JSON string literal (one line, nothing lost); other text as is.
 */
export function confComment(text: string): string {
  // eslint-disable-next-line no-control-regex
  const plain = !/[\u0000-\u001f\u007f\u2028\u2029]|\\$|^\s|\s$/.test(text);
  return `# ${plain ? text : JSON.stringify(text)}`;
}

/** Longest stanza name written; longer titles are cut (the whole title stays in the description). */
const MAX_STANZA_NAME = 200;

/**
 * A stanza name for `[name]`: brackets become parentheses, backslashes slashes and control characters
 * and runs of whitespace one space, so the header line stays one line that readers (which take the
 * text between the first `[` and the last `]`) read back exactly. Never empty.
 */
export function confStanzaName(title: string): string {
  const cleaned = title
    .replace(/\[/g, '(')
    .replace(/\]/g, ')')
    .replace(/\\/g, '/')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f\u2028\u2029\s]+/g, ' ')
    .trim();
  const cut = [...cleaned].slice(0, MAX_STANZA_NAME).join('').trim();
  return cut === '' ? 'Sigma rule' : cut;
}

// ---------------------------------------------------------------------------------------------------
// SQL

/** A delimited identifier (SQL standard, SQLite and PostgreSQL): the sql target's own, so both quote alike. */
export { sqlIdentifier };

/** Room the view naming's `_<n>` suffix may take (formats.ts), so a suffixed name still fits. */
const VIEW_SUFFIX_ROOM = 7;

/** A view name from a title: lower-case ASCII letters, digits and `_`, prefixed `sigma_`, at most 56 bytes. */
export function sqlViewName(title: string): string {
  const slug = title
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  // PostgreSQL truncates identifiers to 63 bytes (NAMEDATALEN - 1); stay below, leaving room for a
  // `_<n>` suffix, so names stay distinct. The slug is ASCII: one byte per character.
  return `sigma_${slug === '' ? 'rule' : slug}`.slice(0, PG_MAX_IDENTIFIER_BYTES - VIEW_SUFFIX_ROOM).replace(/_+$/, '');
}

/** `-- ` comment lines: a comment ends at the line break, so every line of the text gets its own marker. */
export function sqlComment(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => (line === '' ? '--' : `-- ${line}`))
    .join('\n');
}

/**
 * A copy with every object's keys sorted (arrays keep their order): the same data, the same JSON bytes.
 * Object.fromEntries defines each key as the object's own, `__proto__` too (an assignment would set the
 * copy's prototype instead, and the key would be lost).
 */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
