import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { convertFiles, type ConversionRecord } from '../../src/convert.js';
import { findConverter } from '../../src/converters.js';
import { defaultPipelinesFor } from '../../src/pipeline/builtins.js';
import type { FormatDeclaration, FormatInput, FormatItem } from '../../src/render/format.js';
import { findFormat } from '../../src/render/formats.js';
import { renderPack, renderPieces, resolveFormatOptions, type RenderedPack } from '../../src/render/render-format.js';
import type { SigmaRule } from '../../src/rule/model.js';
import { parseSigmaText } from '../../src/rule/parse-documents.js';
import { REPO_ROOT } from '../support/paths.js';

/** The path rules are parsed under: relative, so outputs do not depend on where the repository is. */
export const PSEXEC_PATH = 'rules/win_security_susp_psexec.yml';
export const PSEXEC_TEXT = readFileSync(join(REPO_ROOT, PSEXEC_PATH), 'utf8');

export function declaration(target: string, format: string): FormatDeclaration {
  const d = findFormat(target, format);
  if (d === undefined) throw new Error(`no format ${target}/${format}`);
  return d;
}

export function parseRules(text: string, file: string): SigmaRule[] {
  const parsed = parseSigmaText(text, file);
  const rules = parsed.documents.flatMap((d) => (d.document?.kind === 'rule' ? [d.document] : []));
  if (rules.length === 0) throw new Error(`no rule in ${file}: ${JSON.stringify(parsed.diagnostics.concat(parsed.documents.flatMap((d) => d.diagnostics)).map((d) => d.message))}`);
  return rules;
}

export const TARGET_OPTIONS: Readonly<Record<string, Readonly<Record<string, boolean>>>> = {
  'elastic-kql': { 'case-insensitive-fields': true },
};

export interface PackResult {
  readonly records: readonly { readonly ok: boolean; readonly output: string | null; readonly title: string | null; readonly diagnostics: readonly Diagnostic[] }[];
  readonly pack: RenderedPack;
  /** The query each rule's piece wraps, in order. */
  readonly queries: readonly string[];
}

/**
 * Converts rule texts for a target and renders the format's pack through convertFiles, as the CLI does.
 * With `query`, every rule's piece wraps that query instead (renderPieces directly), to test what a
 * format does with a query no target writes.
 */
export function convertPack(
  target: string,
  format: string,
  files: readonly { readonly text: string; readonly file: string }[],
  formatOptions: Readonly<Record<string, string>> = {},
  query?: string,
  targetOptions: Readonly<Record<string, boolean>> = TARGET_OPTIONS[target] ?? {},
): PackResult {
  const decl = declaration(target, format);
  const resolved = resolveFormatOptions(decl, formatOptions);
  if (!resolved.ok) throw new Error(resolved.message);
  const converter = findConverter(target);
  if (converter !== undefined && query === undefined) {
    const parsed = files.map((f) => parseSigmaText(f.text, f.file));
    const common = { targetOptions, pipelines: defaultPipelinesFor(target) };
    const records: ConversionRecord[] = convertFiles(parsed, converter, { ...common, format, formatOptions });
    const queries = convertFiles(parsed, converter, common).flatMap((r) => (r.ok && r.output !== null && r.output !== '' ? [r.output] : []));
    const entries = records.flatMap((r, i) => (r.output === null || r.output === '' ? [] : [{ name: `rule-${i}`, piece: r.output }]));
    return { records, pack: renderPack(decl, entries, resolved.values), queries };
  }
  const given = query ?? '';
  const items: FormatItem[] = files.flatMap((f) =>
    parseRules(f.text, f.file).map((rule) => {
      const input: FormatInput = { query: given, expression: given, postFilter: null, source: null, state: {}, targetOptions: {} };
      return { rule, input };
    }),
  );
  const pieces = renderPieces(decl, items, resolved.values);
  const records = pieces.map((p, i) => ({ ok: p.piece !== null, output: p.piece, title: items[i]?.rule.title ?? null, diagnostics: p.diagnostics }));
  const entries = pieces.flatMap((p, i) => (p.piece === null ? [] : [{ name: `rule-${i}`, piece: p.piece }]));
  return { records, pack: renderPack(decl, entries, resolved.values), queries: items.map((i) => i.input.query) };
}

// ---------------------------------------------------------------------------------------------------
// Readers

export type ConfFile = Map<string, Map<string, string>>;

/**
 * A small reader of Splunk .conf files, as Splunk's syntax and ksconf's reader define them: a line
 * whose last character is `\` continues on the next (one backslash dropped, the newline kept); then
 * `#` lines are comments, `[name]` starts a stanza (the text between the first `[` and the last `]`),
 * and `key = value` sets a value (spaces around `=` and at the value's ends dropped). Anything else,
 * a repeated stanza or a repeated key throws: the file's structure is broken.
 */
export function readConf(text: string): ConfFile {
  const logical: string[] = [];
  let buffer: string | null = null;
  for (const line of text.split('\n')) {
    if (line.endsWith('\\')) {
      buffer = (buffer ?? '') + line.slice(0, -1) + '\n';
      continue;
    }
    logical.push((buffer ?? '') + line);
    buffer = null;
  }
  if (buffer !== null) throw new Error('the file ends inside a continued line');
  const out: ConfFile = new Map();
  let current: Map<string, string> | null = null;
  for (const line of logical) {
    if (line.trim() === '' || /^\s*#/.test(line)) continue;
    const stanza = /^\[(.*)\]\s*$/s.exec(line);
    if (stanza && !line.includes('\n')) {
      const name = stanza[1] ?? '';
      if (out.has(name)) throw new Error(`stanza [${name}] repeats`);
      current = new Map();
      out.set(name, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0 || current === null) throw new Error(`not a setting: ${JSON.stringify(line.slice(0, 80))}`);
    const key = line.slice(0, eq).trim();
    if (!/^[A-Za-z0-9_.]+$/.test(key)) throw new Error(`bad key ${JSON.stringify(key)}`);
    if (current.has(key)) throw new Error(`key ${key} repeats`);
    current.set(key, line.slice(eq + 1).trim());
  }
  return out;
}

/**
 * ARM's reading of a literal string: one that starts with `[[` and ends with `]` stands for the string
 * without its first `[`; one that does not end with `]` is literal as written (template-expressions docs).
 */
export function armUnescape(value: unknown): unknown {
  if (typeof value === 'string') return value.startsWith('[[') && value.endsWith(']') ? value.slice(1) : value;
  if (Array.isArray(value)) return value.map(armUnescape);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, armUnescape(v)]));
  return value;
}

// ---------------------------------------------------------------------------------------------------
// JSON schemas (test/formats/schemas/, written from the vendors' documentation)

export function schemaValidator(name: string): (value: unknown) => string[] {
  const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'formats', 'schemas', `${name}.schema.json`), 'utf8')) as object;
  const ajv = new Ajv({ allErrors: true, strict: true });
  const validate = ajv.compile(schema);
  return (value) => (validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`));
}

// ---------------------------------------------------------------------------------------------------
// The parts of the vendors' JSON documents the tests read (each test validates the document against its
// schema above, then casts JSON.parse's result to one of these).

/** A Kibana detection rule (detection-rule format of elastic-kql and elastic-esql). */
export interface KibanaRule {
  readonly rule_id: string;
  readonly name: string;
  readonly description: string;
  readonly query: string;
  readonly severity: string;
  readonly risk_score: number;
  /** Absent from ES|QL rules, whose query names the indices. */
  readonly index?: readonly string[];
  readonly threat: readonly {
    readonly tactic: { readonly id: string };
    readonly technique?: readonly { readonly id: string; readonly subtechnique?: readonly { readonly id: string }[] }[];
  }[];
}

/** A Kibana saved search (saved object) and the search source it holds as JSON text. */
export interface KibanaSavedSearch {
  readonly attributes: { readonly title: string; readonly description: string; readonly kibanaSavedObjectMeta: { readonly searchSourceJSON: string } };
  readonly references: readonly { readonly id: string }[];
}
export interface KibanaSearchSource {
  readonly query: { readonly query: string };
}

/** An ARM template deploying Sentinel scheduled alert rules. */
export interface ArmTemplate {
  readonly resources: readonly { readonly name: string; readonly properties: ArmAlertRuleProperties }[];
}
export interface ArmAlertRuleProperties {
  readonly displayName: string;
  readonly description: string;
  readonly query: string;
  readonly queryFrequency: string;
  readonly queryPeriod: string;
  readonly severity: string;
  readonly tactics: readonly string[];
  readonly techniques: readonly string[];
}
