import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { SourceSpan } from '../diagnostics/span.js';
import type { YamlMap, YamlNode } from '../yaml/node.js';
import { mapGet } from '../yaml/node.js';
import type { Level, LogSource, RelatedRule, RuleMeta, SigmaDocument, Status } from './model.js';

/**
 * The detection-rule schema of Sigma v2.1 (SPEC-DIGEST §2, from the spec's JSON schema). Each reader
 * reports every problem it finds and returns what it could read, so one run shows all of a rule's
 * problems at once.
 */
export const LEVELS: readonly Level[] = ['informational', 'low', 'medium', 'high', 'critical'];
export const STATUSES: readonly Status[] = ['stable', 'test', 'experimental', 'deprecated', 'unsupported'];
const RELATED_TYPES: readonly RelatedRule['type'][] = ['derived', 'obsolete', 'merged', 'renamed', 'similar'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const TAG = /^[a-z0-9_-]+\.[a-z0-9._-]+$/;
const DATE = /^\d{4}-(0[1-9]|1[012])-(0[1-9]|[12]\d|3[01])$/;
const LEGACY_DATE = /^\d{4}\/(0[1-9]|1[012])\/(0[1-9]|[12]\d|3[01])$/;

export class FieldReader {
  readonly diagnostics: Diagnostic[] = [];
  /**
   * @param path where `node` sits in the document, as a key prefix ending in `.` (`logsource.`,
   *   `correlation.`); '' for the document itself. Messages name each key with it.
   */
  constructor(
    readonly node: YamlMap,
    readonly path = '',
  ) {}

  /** The key as the author finds it in the document: `correlation.timespan`. */
  private name(key: string): string {
    return `${this.path}${key}`;
  }

  private typeError(key: string, expected: string, node: YamlNode): void {
    this.diagnostics.push(error('invalid-type', `\`${this.name(key)}\` must be ${expected}; found ${describe(node)}`, node.span));
  }

  /** A string field. Numbers and booleans are refused: write them quoted. */
  string(key: string, options: { readonly required?: boolean; readonly max?: number } = {}): string | undefined {
    const entry = mapGet(this.node, key);
    if (entry === undefined || (entry.value.kind === 'scalar' && entry.value.value === null && !options.required)) {
      if (options.required) {
        const where = this.path === '' ? 'at the top level' : `under \`${this.path.slice(0, -1)}:\``;
        this.diagnostics.push(error('missing-field', `the rule has no \`${this.name(key)}\`: add \`${key}:\` ${where}`, this.node.span));
      }
      return undefined;
    }
    const v = entry.value;
    if (v.kind !== 'scalar' || typeof v.value !== 'string') {
      this.typeError(key, 'a string', v);
      return undefined;
    }
    if (options.max !== undefined && v.value.length > options.max) {
      this.diagnostics.push(
        error('invalid-value', `\`${this.name(key)}\` is ${v.value.length} characters long; the limit is ${options.max}`, v.span),
      );
    }
    return v.value;
  }

  enumeration<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const value = this.string(key);
    if (value === undefined) return undefined;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.diagnostics.push(
      error('invalid-value', `\`${this.name(key)}: ${value}\` is not allowed; use one of ${allowed.join(', ')}`, this.spanOf(key)),
    );
    return undefined;
  }

  uuid(key: string): string | undefined {
    const value = this.string(key);
    if (value !== undefined && !UUID.test(value)) {
      this.diagnostics.push(
        error('invalid-uuid', `\`${this.name(key)}\` must be a UUID such as 0e95725d-7320-415d-80f7-004da920fc11; found ${JSON.stringify(value)}`, this.spanOf(key)),
      );
      return undefined;
    }
    return value?.toLowerCase();
  }

  date(key: string): string | undefined {
    const value = this.string(key);
    if (value === undefined) return undefined;
    if (DATE.test(value)) return value;
    if (LEGACY_DATE.test(value)) {
      this.diagnostics.push(
        warning('invalid-date', `\`${this.name(key)}: ${value}\` uses the Sigma v1 form; write ${value.replaceAll('/', '-')}`, this.spanOf(key)),
      );
      return value.replaceAll('/', '-');
    }
    this.diagnostics.push(error('invalid-date', `\`${this.name(key)}\` must be a date written YYYY-MM-DD; found ${JSON.stringify(value)}`, this.spanOf(key)));
    return undefined;
  }

  /** A list of strings (a single string is accepted as a one-item list, as pySigma does). */
  stringList(key: string, options: StringListOptions = {}): string[] {
    const entry = mapGet(this.node, key);
    if (entry === undefined || (entry.value.kind === 'scalar' && entry.value.value === null)) return [];
    const v = entry.value;
    if (v.kind === 'map') {
      this.typeError(key, 'a list of strings', v);
      return [];
    }
    const items: readonly YamlNode[] = v.kind === 'seq' ? v.items : [v];
    const out: string[] = [];
    const seen = options.unique === true ? new Set<string>() : null;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (item.kind !== 'scalar' || typeof item.value !== 'string') {
        this.typeError(`${key}[]`, 'a string', item);
        continue;
      }
      if (seen?.has(item.value)) {
        this.diagnostics.push(warning('duplicate-value', `\`${this.name(key)}\` lists ${JSON.stringify(item.value)} twice; remove one`, item.span));
        continue;
      }
      if (options.pattern && !options.pattern.test(item.value)) {
        this.diagnostics.push(
          error('invalid-tag', `${JSON.stringify(item.value)} in \`${this.name(key)}\` is not valid: ${options.patternHint ?? ''}`, item.span),
        );
        continue;
      }
      seen?.add(item.value);
      out.push(item.value);
    }
    return out;
  }

  related(): RelatedRule[] {
    const entry = mapGet(this.node, 'related');
    if (entry === undefined || (entry.value.kind === 'scalar' && entry.value.value === null)) return [];
    if (entry.value.kind !== 'seq') {
      this.typeError('related', 'a list of {id, type}', entry.value);
      return [];
    }
    const out: RelatedRule[] = [];
    for (const item of entry.value.items) {
      if (item.kind !== 'map') {
        this.typeError('related[]', 'a mapping with `id` and `type`', item);
        continue;
      }
      const r = new FieldReader(item, this.name('related[].'));
      const id = r.uuid('id');
      const type = r.enumeration('type', RELATED_TYPES);
      if (mapGet(item, 'id') === undefined || mapGet(item, 'type') === undefined) {
        r.diagnostics.push(error('missing-field', 'each `related` entry needs both `id` and `type`', item.span));
      }
      this.diagnostics.push(...r.diagnostics);
      if (id !== undefined && type !== undefined) out.push({ id, type });
    }
    return out;
  }

  logsource(required: boolean): LogSource {
    const entry = mapGet(this.node, 'logsource');
    if (entry === undefined) {
      if (required) {
        this.diagnostics.push(
          error('missing-field', 'the rule has no `logsource`: add one with `product`, `category` and/or `service`', this.node.span),
        );
      }
      return {};
    }
    if (entry.value.kind !== 'map') {
      this.typeError('logsource', 'a mapping of category, product, service', entry.value);
      return {};
    }
    const r = new FieldReader(entry.value, this.name('logsource.'));
    const ls: { -readonly [K in keyof LogSource]: LogSource[K] } = {};
    for (let i = 0; i < LOGSOURCE_KEYS.length; i++) {
      const key = LOGSOURCE_KEYS[i]!;
      const value = r.string(key);
      if (value !== undefined) ls[key] = value;
    }
    if (r.diagnostics.length > 0) this.diagnostics.push(...r.diagnostics);
    return ls;
  }

  spanOf(key: string): SourceSpan {
    return mapGet(this.node, key)?.value.span ?? this.node.span;
  }
}

const LOGSOURCE_KEYS = ['category', 'product', 'service', 'definition'] as const;

interface StringListOptions {
  readonly unique?: boolean;
  readonly pattern?: RegExp;
  readonly patternHint?: string;
}

// The options readMeta passes, made once (it runs for every document).
const UNIQUE: StringListOptions = { unique: true };
const TAGS: StringListOptions = {
  unique: true,
  pattern: TAG,
  patternHint: 'tags are lowercase `namespace.value`, e.g. attack.t1021.002 or attack.lateral-movement',
};
const TITLE = { required: true, max: 256 };
const MAX_256 = { max: 256 };
const MAX_65535 = { max: 65535 };

/**
 * The metadata of a document, in an object that starts with its `kind`: a rule completes this object
 * in place rather than copying it (a spread per rule of ~15 fields cost more than the rest of parseRule).
 */
export function readMeta<K extends SigmaDocument['kind']>(reader: FieldReader, kind: K): { -readonly [P in keyof RuleMeta]: RuleMeta[P] } & { kind: K } {
  const meta: { -readonly [P in keyof RuleMeta]: RuleMeta[P] } & { kind: K } = {
    kind,
    title: reader.string('title', TITLE) ?? '',
    references: reader.stringList('references', UNIQUE),
    tags: reader.stringList('tags', TAGS),
    falsepositives: reader.stringList('falsepositives'),
    fields: reader.stringList('fields', UNIQUE),
    related: reader.related(),
  };
  const id = reader.uuid('id');
  if (id !== undefined) meta.id = id;
  // Read in this order (it is the order of their diagnostics), then set in the same order.
  const name = reader.string('name', MAX_256);
  const status = reader.enumeration('status', STATUSES);
  const description = reader.string('description', MAX_65535);
  const license = reader.string('license');
  const author = reader.string('author');
  const date = reader.date('date');
  const modified = reader.date('modified');
  const level = reader.enumeration('level', LEVELS);
  const taxonomy = reader.string('taxonomy', MAX_256);
  if (name !== undefined) meta.name = name;
  if (status !== undefined) meta.status = status;
  if (description !== undefined) meta.description = description;
  if (license !== undefined) meta.license = license;
  if (author !== undefined) meta.author = author;
  if (date !== undefined) meta.date = date;
  if (modified !== undefined) meta.modified = modified;
  if (level !== undefined) meta.level = level;
  if (taxonomy !== undefined) meta.taxonomy = taxonomy;
  return meta;
}

function describe(node: YamlNode): string {
  if (node.kind === 'map') return 'a mapping';
  if (node.kind === 'seq') return 'a list';
  return node.value === null ? 'null' : `${typeof node.value} ${JSON.stringify(node.value)}`;
}
