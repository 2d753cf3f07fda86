import { techniqueUrl } from '../explain/attack.js';
import { confStanzaName, hasCarriageReturn, sqlViewName } from './escape.js';
import type { FormatDeclaration, FormatInput, FormatOption, FormatOptionValues, FormattedDocument, Naming, VendorContext } from './format.js';
import { templateFormats } from './environment.js';
import { correlationSpan, sentinelQuery, sentinelSchedule, splunkEarliest, splunkSearch } from './scheduled-correlation.js';
import { ELASTIC_SEVERITY, SENTINEL_ENTITY_MAPPINGS, SENTINEL_SEVERITY, SPLUNK_SEVERITY, sentinelConnectors } from './vendor-maps.js';

/**
 * Every declared output format besides each target's plain `query`. The template of each is
 * templates/<target>/<format>.hbs (and <format>.pack.hbs for the file around the rules). Defaults are
 * chosen so an imported pack works as it is; every one can be overridden with
 * `--format-option name=value` (`list formats <target>` shows them).
 */

// ---------------------------------------------------------------------------------------------------
// Option checks

const oneOf =
  (...values: string[]) =>
  (v: string): string | null =>
    values.includes(v) ? null : `must be one of ${values.join(', ')}`;

const BOOLEAN = oneOf('true', 'false');

/** A value that must stay on one line of its file (a cron string, a time modifier, a name). */
const oneLine = (v: string): string | null => (/^[^\r\n]+$/.test(v) && v.trim() === v ? null : 'must be one line without leading or trailing spaces');

/** Splunk cron: five fields (savedsearches.conf.spec, cron_schedule: "standard cron notation"). */
const cron = (v: string): string | null => (/^\S+( \S+){4}$/.test(v) && /^[0-9*/,\- ]+$/.test(v) ? null : 'must be a five-field cron string such as */15 * * * *');

const integerIn =
  (min: number, max: number) =>
  (v: string): string | null =>
    /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max ? null : `must be a whole number from ${min} to ${max}`;

/** Sentinel scheduling: "5 minutes to 14 days" for both frequency and period (Sentinel docs, "Create a scheduled analytics rule"). */
const sentinelDuration = (v: string): string | null => {
  const minutes = durationMinutes(v);
  return minutes !== null && minutes >= 5 && minutes <= 14 * 24 * 60 ? null : 'must be a duration from 5m to 14d written as <n>m, <n>h or <n>d';
};

function durationMinutes(v: string): number | null {
  const m = /^(\d+)([mhd])$/.exec(v);
  if (m === null) return null;
  return Number(m[1]) * { m: 1, h: 60, d: 1440 }[m[2] as 'm' | 'h' | 'd'];
}

/** `1h` -> `PT1H`, `2d` -> `P2D` (ISO 8601 durations, as ARM's queryFrequency/queryPeriod take them). */
function isoDuration(v: string): string {
  const m = /^(\d+)([mhd])$/.exec(v);
  if (m === null) return v;
  return m[2] === 'd' ? `P${m[1]}D` : `PT${m[1]}${(m[2] ?? '').toUpperCase()}`;
}

/** Every declared format has it: whose licence notice the rules carry (rule-metadata.ts). */
const ORIGIN_OPTION: FormatOption = {
  name: 'origin',
  description: 'where the rules come from: auto (SigmaHQ when the path has the SigmaHQ folder layout, e.g. rules/windows/, and the rule states no license), sigmahq (adds the DRL notice), other',
  default: 'auto',
  check: oneOf('auto', 'sigmahq', 'other'),
};

/** Kibana detection rules (both query languages): schedule and alert limit. */
const INTERVAL_OPTION: FormatOption = { name: 'interval', description: 'how often the rule runs (Kibana date math, e.g. 5m)', default: '5m', check: (v) => (/^\d+[smhd]$/.test(v) ? null : 'must be a duration such as 5m, 1h') };
const FROM_OPTION: FormatOption = { name: 'from', description: 'start of each run\'s time range (date math, e.g. now-6m: interval plus a minute of overlap)', default: 'now-6m', check: (v) => (/^now-\d+[smhd]$/.test(v) ? null : 'must be now-<duration>, e.g. now-6m') };
const MAX_SIGNALS_OPTION: FormatOption = { name: 'max_signals', description: 'most alerts one run creates', default: '100', check: integerIn(1, 10000) };

const ENABLED_OPTION: FormatOption = { name: 'enabled', description: 'whether imported rules run (true) or are imported disabled (false)', default: 'true', check: BOOLEAN };

// ---------------------------------------------------------------------------------------------------
// Naming

const confStanza: Naming = {
  make: confStanzaName,
  // Splunk stanza names are case-sensitive, but a file shared across systems is safer with names that
  // differ in more than case.
  key: (name) => name.toLowerCase(),
  suffix: (name, n) => `${name} (${n})`,
  reserved: ['default'],
};

const sqlView: Naming = {
  make: sqlViewName,
  key: (name) => name.toLowerCase(),
  suffix: (name, n) => `${name}_${n}`,
  reserved: [],
};

// ---------------------------------------------------------------------------------------------------
// Vendor values

function splunkVendor({ meta, input, options, document }: VendorContext): Record<string, unknown> {
  const span = correlationSpan(document, input);
  return {
    // A correlation reads one timespan further back and reports only the firings of the run's own range.
    search: splunkSearch(input.query, span),
    earliestTime: splunkEarliest(options['earliest_time'] ?? '', span),
    severity: SPLUNK_SEVERITY[meta.severityLevel],
    disabled: options['enabled'] === 'true' ? 0 : 1,
    enableSched: options['enabled'] === 'true' ? 1 : 0,
    // Comment lines above the stanza: ATT&CK ids and references (comments survive a text import; the
    // description carries the attribution into Splunk's UI).
    attack: [
      ...new Set([...meta.attack.tactics.map((t) => (t.id !== null ? `${t.name} (${t.id})` : t.name)), ...meta.attack.techniques.map((t) => t.id)]),
    ],
    tags: meta.tags.join(', '),
  };
}

/** The index patterns: the option when set, else the pipeline's `index` state (a list or one name). */
function elasticIndex(input: FormatInput, option: string | undefined): readonly string[] {
  if (option !== undefined && option !== '') return option.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const state = input.state['index'];
  return state === undefined ? [] : typeof state === 'string' ? [state] : state;
}

/**
 * Kibana's `threat` array (create rule API: framework, tactic {id, name, reference}, technique [{id,
 * name, reference, subtechnique}]). Sigma tags do not say which technique belongs to which tactic, so
 * every technique of the rule is listed under each of its tactics (the rule states the behaviour is
 * both); tactics unknown to ATT&CK and techniques of a rule without a tactic stay in `tags` only.
 * ATT&CK names are not looked up (no local copy of ATT&CK): a technique's `name` is its id.
 */
function elasticThreat(meta: VendorContext['meta']): unknown[] {
  const parents = new Map<string, { id: string; name: string; reference: string; subtechnique: { id: string; name: string; reference: string }[] }>();
  for (const t of meta.attack.techniques) {
    const parentId = t.parent ?? t.id;
    let parent = parents.get(parentId);
    if (parent === undefined) {
      parent = { id: parentId, name: parentId, reference: techniqueUrl(parentId), subtechnique: [] };
      parents.set(parentId, parent);
    }
    if (t.parent !== null) parent.subtechnique.push({ id: t.id, name: t.id, reference: t.reference });
  }
  const techniques = [...parents.values()].map((p) => (p.subtechnique.length > 0 ? p : { id: p.id, name: p.name, reference: p.reference }));
  const seen = new Set<string>();
  return meta.attack.tactics.flatMap((t) => {
    // Two tags can name one vendor tactic (stealth and defense-impairment: TA0005); list it once.
    if (t.id === null || t.reference === null || seen.has(t.id)) return [];
    seen.add(t.id);
    return [{ framework: 'MITRE ATT&CK', tactic: { id: t.id, name: t.name, reference: t.reference }, ...(techniques.length > 0 ? { technique: techniques } : {}) }];
  });
}

function elasticRuleVendor(ctx: VendorContext): Record<string, unknown> {
  const { meta, options, input } = ctx;
  const severity = ELASTIC_SEVERITY[meta.severityLevel];
  return {
    severity: severity.severity,
    riskScore: severity.riskScore,
    index: elasticIndex(input, options['index']),
    threat: elasticThreat(meta),
    author: meta.author !== null ? [meta.author] : [],
    license: meta.attribution.license ?? '',
    tags: ['Sigma', ...meta.tags],
    enabled: options['enabled'] === 'true',
    interval: options['interval'],
    from: options['from'],
    maxSignals: Number(options['max_signals']),
  };
}

/**
 * An ES|QL detection rule: the query reads `FROM <indexes> METADATA _id, _index, _version | WHERE ...`.
 * Elastic's guide to ES|QL rules asks non-aggregating queries for those metadata fields so that
 * alerts are de-duplicated
 * (https://www.elastic.co/docs/solutions/security/detect-and-alert/create-detection-rule#create-esql-rule).
 * The index patterns are in the query's FROM, so the rule has no `index` field.
 */
function elasticEsqlRuleVendor(ctx: VendorContext): Record<string, unknown> {
  const { index: _index, ...rest } = elasticRuleVendor(ctx);
  const { input } = ctx;
  return { ...rest, query: `FROM ${input.source ?? ''} METADATA _id, _index, _version\n| WHERE ${input.expression}` };
}

function elasticSavedSearchVendor({ input, options }: VendorContext): Record<string, unknown> {
  return {
    // The saved search's query and data view, as Kibana stores them: a JSON document in a string.
    searchSource: {
      query: { query: input.query, language: 'kuery' },
      filter: [],
      indexRefName: 'kibanaSavedObjectMeta.searchSourceJSON.index',
    },
    dataView: options['data_view_id'],
  };
}

function sentinelVendor({ meta, input, options, document }: VendorContext): Record<string, unknown> {
  const span = correlationSpan(document, input);
  const frequency = options['query_frequency'] ?? '';
  // A correlation reads one timespan further back and reports only the firings of the last run interval.
  const period = sentinelSchedule(frequency, options['query_period'] ?? '', span).period;
  const tableState = input.state['table'];
  const table = input.source ?? (typeof tableState === 'string' ? tableState : null);
  const tactics = [...new Set(meta.attack.tactics.flatMap((t) => (t.sentinel !== null ? [t.sentinel] : [])))];
  return {
    severity: SENTINEL_SEVERITY[meta.severityLevel],
    // A correlation needs the connectors of every table its rules read.
    connectors: input.sources === undefined ? sentinelConnectors(table) : uniqueConnectors(input.sources.flatMap((t) => sentinelConnectors(t))),
    tactics,
    // The YAML's relevantTechniques lists techniques and sub-techniques; ARM's `techniques` (API
    // 2023-02-01) takes technique ids only (T1234), so sub-techniques give their parent there.
    relevantTechniques: meta.attack.techniques.map((t) => t.id),
    armTechniques: [...new Set(meta.attack.techniques.map((t) => t.parent ?? t.id))],
    entityMappings: table !== null ? (SENTINEL_ENTITY_MAPPINGS[table] ?? []) : [],
    query: sentinelQuery(input.query, frequency, span),
    queryFrequency: frequency,
    queryPeriod: period,
    queryFrequencyIso: isoDuration(frequency),
    queryPeriodIso: isoDuration(period),
    suppressionIso: isoDuration(options['suppression'] ?? ''),
    triggerThreshold: Number(options['trigger_threshold']),
    enabled: options['enabled'] === 'true',
  };
}

/** Connectors listed once each (two tables of one connector merge their data types). */
function uniqueConnectors(
  connectors: readonly { readonly connectorId: string; readonly dataTypes: readonly string[] }[],
): { connectorId: string; dataTypes: string[] }[] {
  const out: { connectorId: string; dataTypes: string[] }[] = [];
  for (const c of connectors) {
    const known = out.find((o) => o.connectorId === c.connectorId);
    if (known === undefined) out.push({ connectorId: c.connectorId, dataTypes: [...c.dataTypes] });
    else for (const t of c.dataTypes) if (!known.dataTypes.includes(t)) known.dataTypes.push(t);
  }
  return out;
}

/** A correlation whose look-back does not fit Sentinel's longest queryPeriod. */
function sentinelRefusal(input: FormatInput, document: FormattedDocument, options: FormatOptionValues): string | null {
  return sentinelSchedule(options['query_frequency'] ?? '', options['query_period'] ?? '', correlationSpan(document, input)).problem;
}

const SENTINEL_OPTIONS: readonly FormatOption[] = [
  { name: 'query_frequency', description: 'how often the rule runs (<n>m, <n>h or <n>d, 5m to 14d)', default: '1h', check: sentinelDuration },
  { name: 'query_period', description: 'how far back each run looks (<n>m, <n>h or <n>d, 5m to 14d)', default: '1h', check: sentinelDuration },
  { name: 'trigger_threshold', description: 'alert when the query returns more than this many rows', default: '0', check: integerIn(0, 10000) },
];

// ---------------------------------------------------------------------------------------------------
// The registry

export const FORMATS: readonly FormatDeclaration[] = [
  {
    target: 'splunk',
    format: 'savedsearches',
    description: 'savedsearches.conf: one scheduled alert stanza per rule (copy into an app\'s default/ or local/ folder)',
    layout: { kind: 'one-file', file: 'savedsearches.conf', syntax: 'text', separator: '\n' },
    options: [
      ENABLED_OPTION,
      { name: 'cron_schedule', description: 'when the search runs (cron_schedule)', default: '*/15 * * * *', check: cron },
      // Each run searches a window as long as the schedule's period, ending 5 minutes ago so events that
      // are indexed late are still in some window.
      { name: 'earliest_time', description: 'start of the searched time range (dispatch.earliest_time)', default: '-20m@m', check: oneLine },
      { name: 'latest_time', description: 'end of the searched time range (dispatch.latest_time)', default: '-5m@m', check: oneLine },
      ORIGIN_OPTION,
    ],
    naming: confStanza,
    correlations: true,
    vendor: splunkVendor,
    refuse: (input) =>
      hasCarriageReturn(input.query) ? 'savedsearches.conf cannot hold a carriage return in a search (readers take it for a line break); use the query format' : null,
  },
  {
    target: 'elastic-kql',
    format: 'detection-rule',
    description: 'NDJSON for Kibana\'s detection rule import (Security > Rules > Import): one custom query rule per line',
    layout: { kind: 'one-file', file: 'rules.ndjson', syntax: 'ndjson', separator: '\n' },
    options: [
      ENABLED_OPTION,
      INTERVAL_OPTION,
      FROM_OPTION,
      { name: 'index', description: 'comma-separated index patterns (default: the pipeline\'s `index` state, e.g. winlogbeat-*,logs-*)', default: '', check: (v) => (/^[^\r\n"]*$/.test(v) ? null : 'must be one line without quotes') },
      MAX_SIGNALS_OPTION,
      ORIGIN_OPTION,
    ],
    naming: null,
    vendor: elasticRuleVendor,
  },
  {
    target: 'elastic-esql',
    format: 'detection-rule',
    description: 'NDJSON for Kibana\'s detection rule import (Security > Rules > Import): one ES|QL rule per line, its query with METADATA _id, _index, _version',
    layout: { kind: 'one-file', file: 'rules.ndjson', syntax: 'ndjson', separator: '\n' },
    options: [ENABLED_OPTION, INTERVAL_OPTION, FROM_OPTION, MAX_SIGNALS_OPTION, ORIGIN_OPTION],
    naming: null,
    vendor: elasticEsqlRuleVendor,
    refuse: (input) => (input.source === null ? 'an ES|QL rule needs the indexes its query reads (FROM)' : null),
  },
  {
    target: 'elastic-kql',
    format: 'saved-search',
    description: 'NDJSON Kibana saved objects (Stack Management > Saved objects > Import): one Discover saved search per rule',
    layout: { kind: 'one-file', file: 'saved-searches.ndjson', syntax: 'ndjson', separator: '\n' },
    options: [
      // Elastic Security creates this data view in the default space; name another one that exists.
      { name: 'data_view_id', description: 'id of the data view the searches use', default: 'security-solution-default', check: oneLine },
      ORIGIN_OPTION,
    ],
    naming: null,
    vendor: elasticSavedSearchVendor,
  },
  {
    target: 'sentinel-kql',
    format: 'analytics-rule',
    description: 'scheduled analytics rule YAML in the layout of the Azure-Sentinel repository (one file per rule)',
    layout: { kind: 'file-per-rule', extension: 'yaml', syntax: 'text', separator: '---\n' },
    options: [...SENTINEL_OPTIONS, ORIGIN_OPTION],
    naming: null,
    correlations: true,
    vendor: sentinelVendor,
    refuse: sentinelRefusal,
  },
  {
    target: 'sentinel-kql',
    format: 'arm',
    description: 'an ARM template (azuredeploy.json) that deploys every rule as a scheduled analytics rule to a workspace',
    layout: { kind: 'one-file', file: 'azuredeploy.json', syntax: 'json', separator: ',\n' },
    options: [
      ...SENTINEL_OPTIONS,
      ENABLED_OPTION,
      { name: 'suppression', description: 'suppression duration after an alert (<n>m, <n>h or <n>d); suppression stays off unless enabled in Sentinel', default: '5h', check: (v) => (durationMinutes(v) !== null ? null : 'must be <n>m, <n>h or <n>d') },
      ORIGIN_OPTION,
    ],
    naming: null,
    correlations: true,
    vendor: sentinelVendor,
    refuse: sentinelRefusal,
  },
  {
    target: 'sql',
    format: 'view',
    description: 'views.sql: one CREATE VIEW per rule (SQLite and PostgreSQL)',
    layout: { kind: 'one-file', file: 'views.sql', syntax: 'text', separator: '\n' },
    options: [ORIGIN_OPTION],
    naming: sqlView,
    correlations: true,
    vendor: ({ input }) => ({ select: input.query.replace(/;\s*$/, '') }),
    refuse: (input) => {
      if (!/^\s*(select|with)\b/i.test(input.query)) return 'a view needs a SELECT query, and this query is not one';
      // SQLite: "a view ... cannot reference objects in database X" (CREATE VIEW: only a TEMP view may
      // read another attached database), so a table named schema.table cannot be viewed there.
      if (input.targetOptions['postgres'] !== true && input.source !== null && /^"(?:[^"]|"")*"\./.test(input.source)) {
        return `SQLite cannot create a view over ${input.source}, a table of another database (schema); convert with -O postgres, or map the log source to a table of the main database with a pipeline`;
      }
      return null;
    },
  },
];

/**
 * The declaration of a target's format: the registry's, or for a template without one a plain
 * declaration (one text file per rule, no options besides `origin`). Undefined when there is no such
 * template, and for `query` (the converter writes it).
 */
export function findFormat(target: string, format: string): FormatDeclaration | undefined {
  if (format === 'query' || !templateFormats(target).includes(format)) return undefined;
  return (
    FORMATS.find((f) => f.target === target && f.format === format) ?? {
      target,
      format,
      description: `templates/${target}/${format}.hbs`,
      layout: { kind: 'file-per-rule', extension: 'txt', syntax: 'text', separator: '\n' },
      options: [ORIGIN_OPTION],
      naming: null,
      vendor: () => ({}),
    }
  );
}
