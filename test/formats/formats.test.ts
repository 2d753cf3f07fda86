import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { confStanzaName } from '../../src/render/escape.js';
import { FORMATS } from '../../src/render/formats.js';
import { describedWithAttribution, ruleMetadata } from '../../src/render/rule-metadata.js';
import { SENTINEL_TABLES } from '../../src/pipeline/schemas/sentinel-tables.js';
import { SENTINEL_ENTITY_MAPPINGS } from '../../src/render/vendor-maps.js';
import { renderPieces, resolveFormatOptions } from '../../src/render/render-format.js';
import { connectPg } from '../targets/sql/engines.js';
import { REPO_ROOT } from '../support/paths.js';
import {
  type ArmAlertRuleProperties,
  type ArmTemplate,
  armUnescape,
  convertPack,
  declaration,
  type KibanaRule,
  type KibanaSavedSearch,
  type KibanaSearchSource,
  parseRules,
  PSEXEC_PATH,
  PSEXEC_TEXT,
  readConf,
  schemaValidator,
} from './support.js';

/**
 * Every format's output read back with a real parser (JSON.parse, js-yaml, SQLite, a .conf reader),
 * validated against a JSON schema written from the vendor's documentation, and compared with what went
 * in: the query exactly, the title and the description with its attribution.
 */

const psexec = [{ text: PSEXEC_TEXT, file: PSEXEC_PATH }];
const psexecMeta = ruleMetadata(parseRules(PSEXEC_TEXT, PSEXEC_PATH)[0]!);
/** PsExec is SigmaHQ's rule, but the bundled rules/ folder is flat: its DRL notice needs origin=sigmahq. */
const psexecSigmaHqMeta = ruleMetadata(parseRules(PSEXEC_TEXT, PSEXEC_PATH)[0]!, 'sigmahq');

/** Metadata built to break file formats: stanza headers, quotes, backslashes, {{ }}, newlines, CR, non-ASCII. */
const HOSTILE_TITLE = '[stanza] "quoted" \'single\' \\back\\slash {{title}} }} # not a comment\n[second] line\r\nend ünïcödé 日本語 🚀 ]';
const HOSTILE_HEAD = `[default]\nsearch = index=* | delete\n{{#each x}}}}\\\n--- \n- item: "x"\n\r\n${'ä\\"'.repeat(1000)}`;
const HOSTILE_TAIL = '\ntrailing backslash \\';
/** 64 KB: as long as the loader accepts (65535 characters). */
const HOSTILE_DESCRIPTION = HOSTILE_HEAD + 'x'.repeat(65535 - HOSTILE_HEAD.length - HOSTILE_TAIL.length) + HOSTILE_TAIL;
const HOSTILE_AUTHOR = 'Ann "A" O\'Brien\n[evil]\\';

function hostileRule(title: string, id: string): string {
  return [
    `title: ${JSON.stringify(title)}`,
    `id: ${id}`,
    `description: ${JSON.stringify(HOSTILE_DESCRIPTION)}`,
    `author: ${JSON.stringify(HOSTILE_AUTHOR)}`,
    `references: [${JSON.stringify('https://example.com/?q={{x}}&a=[b]\\')}]`,
    'tags: [attack.execution, attack.t1059.001, attack.stealth, attack.defense-impairment]',
    'level: critical',
    'logsource: {product: windows, service: security}',
    'detection:',
    '    sel:',
    '        EventID: 4688',
    `        CommandLine|contains: ${JSON.stringify('a\\\n[stanza]\n# x\\')}`,
    '    condition: sel',
  ].join('\n');
}

const HOSTILE = [
  { text: hostileRule(HOSTILE_TITLE, '9a3c8e4f-0c1d-4b7e-8f6a-2d5e1b9c7a01'), file: 'rules/hostile.yml' },
  // Same title: names must stay unique. Same id as PsExec: the second gets another id.
  { text: hostileRule(HOSTILE_TITLE, 'c462f537-a1e3-41a6-b5fc-b2c2cef9bf82'), file: 'rules/hostile-2.yml' },
  // Splunk's [default] stanza holds global settings: a rule may not take it.
  { text: hostileRule('default', '2b5e7c1a-3d4f-4e6a-9b8c-7d6e5f4a3b21'), file: 'rules/default.yml' },
];
const HOSTILE_AND_PSEXEC = [...psexec, ...HOSTILE];
const hostileMetas = HOSTILE.map((h) => ruleMetadata(parseRules(h.text, h.file)[0]!));
const allMetas = [psexecMeta, ...hostileMetas];

describe('every declared format has a template and documented options', () => {
  for (const f of FORMATS) {
    it(`${f.target}/${f.format}`, () => {
      const names = f.options.map((o) => o.name);
      expect(new Set(names).size).toBe(names.length);
      for (const o of f.options) expect(o.check(o.default), `${o.name} default`).toBeNull();
      expect(names).toContain('origin');
    });
  }
});

describe('splunk savedsearches', () => {
  it('PsExec: one stanza whose search is exactly the query, severity from level, schedule defaults', () => {
    const { pack, queries } = convertPack('splunk', 'savedsearches', psexec);
    const conf = readConf(pack.text);
    expect([...conf.keys()]).toEqual(['Suspicious PsExec Execution']);
    const stanza = conf.get('Suspicious PsExec Execution')!;
    expect(stanza.get('search')).toBe(queries[0]);
    expect(queries[0]).toContain('\n| where');
    expect(stanza.get('description')).toBe(describedWithAttribution(psexecMeta));
    expect(stanza.get('alert.severity')).toBe('5');
    expect(stanza.get('cron_schedule')).toBe('*/15 * * * *');
    expect(stanza.get('enableSched')).toBe('1');
    expect(pack.text).toContain('# Sigma rule id: c462f537-a1e3-41a6-b5fc-b2c2cef9bf82');
    expect(pack.text).toContain('# ATT&CK: T1021.002');
    expect([...pack.files.keys()]).toEqual(['savedsearches.conf']);
  });

  it('options override the defaults', () => {
    const { pack } = convertPack('splunk', 'savedsearches', psexec, { cron_schedule: '0 * * * *', enabled: 'false', earliest_time: '-65m@m' });
    const stanza = readConf(pack.text).get('Suspicious PsExec Execution')!;
    expect(stanza.get('cron_schedule')).toBe('0 * * * *');
    expect(stanza.get('enableSched')).toBe('0');
    expect(stanza.get('disabled')).toBe('1');
    expect(stanza.get('dispatch.earliest_time')).toBe('-65m@m');
  });

  it('hostile metadata and values: structure intact, unique stanza names, exact search, description back', () => {
    const { pack, queries } = convertPack('splunk', 'savedsearches', HOSTILE_AND_PSEXEC);
    const conf = readConf(pack.text);
    const base = confStanzaName(HOSTILE_TITLE);
    expect([...conf.keys()]).toEqual(['Suspicious PsExec Execution', base, `${base} (2)`, 'default (2)']);
    expect(base).not.toMatch(/[[\]\n\r\\]/);
    [...conf.values()].forEach((stanza, i) => {
      expect(stanza.get('search')).toBe(queries[i]);
      // Readers take CR for a line break, so the file holds CR LF and CR as newlines.
      expect(stanza.get('description')).toBe(describedWithAttribution(allMetas[i]!).replace(/\r\n?/g, '\n').trim());
    });
    // The value with a newline and a backslash before it made a multi-line search.
    expect(queries[1]).toMatch(/\\\n\[stanza\]\n# x/);
  });

  it('refuses a search with a carriage return (a reader would split the line)', () => {
    const { records } = convertPack('splunk', 'savedsearches', psexec, {}, 'index=main "a\rb"');
    expect(records[0]?.ok).toBe(false);
  });
});

describe('elastic-kql detection-rule', () => {
  const validate = schemaValidator('kibana-detection-rule');

  it('PsExec: one NDJSON line, valid, with severity, risk score, threat, index and rule_id', () => {
    const { pack, queries } = convertPack('elastic-kql', 'detection-rule', psexec, { origin: 'sigmahq' });
    const lines = pack.text.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    const rule = JSON.parse(lines[0]!) as KibanaRule;
    expect(validate(rule)).toEqual([]);
    expect(rule).toMatchObject({
      rule_id: 'c462f537-a1e3-41a6-b5fc-b2c2cef9bf82',
      name: 'Suspicious PsExec Execution',
      query: queries[0],
      language: 'kuery',
      type: 'query',
      severity: 'high',
      risk_score: 73,
      index: ['winlogbeat-*', 'logs-*'],
      author: ['Samir Bousseaden'],
      license: 'Detection Rule License (DRL) 1.1',
    });
    expect(rule.threat[0]?.tactic.id).toBe('TA0008');
    expect(rule.threat[0]?.technique?.[0]?.subtechnique?.[0]?.id).toBe('T1021.002');
    expect(rule.description).toBe(describedWithAttribution(psexecSigmaHqMeta));
  });

  it('options: index patterns, interval, disabled', () => {
    const { pack } = convertPack('elastic-kql', 'detection-rule', psexec, { index: 'logs-windows.*, winlogbeat-8*', interval: '10m', from: 'now-11m', enabled: 'false' });
    const rule = JSON.parse(pack.text) as KibanaRule;
    expect(validate(rule)).toEqual([]);
    expect(rule).toMatchObject({ index: ['logs-windows.*', 'winlogbeat-8*'], interval: '10m', from: 'now-11m', enabled: false });
  });

  it('hostile metadata: every line parses, validates and gives back title, description and query', () => {
    const { pack, queries, records } = convertPack('elastic-kql', 'detection-rule', HOSTILE_AND_PSEXEC);
    // The rule that repeats PsExec's id is told which id it was written with.
    expect(records[2]?.diagnostics.filter((d) => d.code === 'duplicate-value').map((d) => d.severity)).toEqual(['warning']);
    const lines = pack.text.replace(/\n$/, '').split('\n');
    expect(lines).toHaveLength(4);
    const rules = lines.map((l) => JSON.parse(l) as KibanaRule);
    rules.forEach((r, i) => {
      expect(validate(r)).toEqual([]);
      expect(r.name).toBe(allMetas[i]!.title);
      expect(r.description).toBe(describedWithAttribution(allMetas[i]!));
      expect(r.query).toBe(queries[i]);
    });
    // Rule ids stay unique: the second rule with PsExec's id gets a derived one.
    expect(new Set(rules.map((r) => r.rule_id)).size).toBe(4);
    // ATT&CK v19's stealth and defense-impairment are both Defense Evasion (TA0005) to Kibana: listed once.
    expect(rules[1]?.threat.map((t) => t.tactic.id)).toEqual(['TA0002', 'TA0005']);
    expect(rules[3]?.severity).toBe('critical');
    expect(rules[3]?.risk_score).toBe(99);
  });
});

describe('elastic-esql detection-rule', () => {
  const validate = schemaValidator('kibana-esql-rule');

  it('PsExec: one NDJSON line, valid, type esql, the query with METADATA after FROM, no index field', () => {
    const { pack, queries } = convertPack('elastic-esql', 'detection-rule', psexec, { origin: 'sigmahq' });
    const lines = pack.text.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    const rule = JSON.parse(lines[0]!) as KibanaRule;
    expect(validate(rule)).toEqual([]);
    expect(queries[0]).toMatch(/^FROM winlogbeat-\*, logs-\*\n\| WHERE /);
    expect(rule).toMatchObject({
      rule_id: 'c462f537-a1e3-41a6-b5fc-b2c2cef9bf82',
      name: 'Suspicious PsExec Execution',
      query: queries[0]!.replace('FROM winlogbeat-*, logs-*\n', 'FROM winlogbeat-*, logs-* METADATA _id, _index, _version\n'),
      language: 'esql',
      type: 'esql',
      severity: 'high',
      risk_score: 73,
      license: 'Detection Rule License (DRL) 1.1',
    });
    expect(rule.index).toBeUndefined();
    expect(rule.threat[0]?.tactic.id).toBe('TA0008');
  });

  it('the schema rejects a KQL rule and a query without METADATA', () => {
    const { pack } = convertPack('elastic-esql', 'detection-rule', psexec);
    const rule = JSON.parse(pack.text) as KibanaRule;
    expect(validate({ ...rule, type: 'query' })).not.toEqual([]);
    expect(validate({ ...rule, query: rule.query.replace(' METADATA _id, _index, _version', '') })).not.toEqual([]);
  });

  it('hostile metadata: every line parses, validates and gives back title, description and query', () => {
    const { pack, queries } = convertPack('elastic-esql', 'detection-rule', HOSTILE_AND_PSEXEC);
    const rules = pack.text.replace(/\n$/, '').split('\n').map((l) => JSON.parse(l) as KibanaRule);
    expect(rules).toHaveLength(4);
    rules.forEach((r, i) => {
      expect(validate(r)).toEqual([]);
      expect(r.name).toBe(allMetas[i]!.title);
      expect(r.description).toBe(describedWithAttribution(allMetas[i]!));
      expect(r.query.replace(' METADATA _id, _index, _version\n', '\n')).toBe(queries[i]);
    });
  });
});

describe('elastic-kql saved-search', () => {
  const validate = schemaValidator('kibana-saved-search');
  const validateSource = schemaValidator('kibana-search-source');

  it('PsExec and hostile metadata: saved objects whose search source holds the exact query', () => {
    const { pack, queries } = convertPack('elastic-kql', 'saved-search', HOSTILE_AND_PSEXEC, { data_view_id: 'my-data-view' });
    const objects = pack.text.replace(/\n$/, '').split('\n').map((l) => JSON.parse(l) as KibanaSavedSearch);
    expect(objects).toHaveLength(4);
    objects.forEach((o, i) => {
      expect(validate(o)).toEqual([]);
      const source = JSON.parse(o.attributes.kibanaSavedObjectMeta.searchSourceJSON) as KibanaSearchSource;
      expect(validateSource(source)).toEqual([]);
      expect(source.query.query).toBe(queries[i]);
      expect(o.attributes.title).toBe(allMetas[i]!.title);
      expect(o.attributes.description).toBe(describedWithAttribution(allMetas[i]!));
      expect(o.references[0]?.id).toBe('my-data-view');
    });
    expect([...pack.files.keys()]).toEqual(['saved-searches.ndjson']);
  });
});

describe('sentinel-kql analytics-rule', () => {
  const validate = schemaValidator('sentinel-analytics-rule');

  it('PsExec: YAML that js-yaml reads back to the same query, valid, one file per rule', () => {
    const { pack, queries } = convertPack('sentinel-kql', 'analytics-rule', psexec);
    const doc = yaml.load(pack.text) as Record<string, unknown>;
    expect(validate(doc)).toEqual([]);
    expect(doc).toMatchObject({
      id: 'c462f537-a1e3-41a6-b5fc-b2c2cef9bf82',
      name: 'Suspicious PsExec Execution',
      severity: 'High',
      query: queries[0],
      tactics: ['LateralMovement'],
      relevantTechniques: ['T1021.002'],
      queryFrequency: '1h',
      triggerOperator: 'gt',
      triggerThreshold: 0,
      kind: 'Scheduled',
    });
    expect(doc['requiredDataConnectors']).toContainEqual({ connectorId: 'SecurityEvents', dataTypes: ['SecurityEvent'] });
    expect(doc['entityMappings']).toContainEqual({ entityType: 'Host', fieldMappings: [{ identifier: 'FullName', columnName: 'Computer' }] });
    expect(doc['description']).toBe(describedWithAttribution(psexecMeta));
    expect([...pack.files.keys()]).toEqual(['rule-0.yaml']);
  });

  it('hostile metadata: every document re-parses to the same title, description and query', () => {
    const { pack, queries } = convertPack('sentinel-kql', 'analytics-rule', HOSTILE_AND_PSEXEC, { query_frequency: '30m', query_period: '2h' });
    const docs = yaml.loadAll(pack.text) as Record<string, unknown>[];
    expect(docs).toHaveLength(4);
    docs.forEach((d, i) => {
      expect(validate(d)).toEqual([]);
      expect(d['name']).toBe(allMetas[i]!.title);
      expect(d['description']).toBe(describedWithAttribution(allMetas[i]!));
      expect(d['query']).toBe(queries[i]);
      expect(d['queryFrequency']).toBe('30m');
    });
    for (const [name, content] of pack.files) expect(validate(yaml.load(content)), name).toEqual([]);
    // critical has no Sentinel severity: High.
    expect(docs[1]?.['severity']).toBe('High');
    expect(docs[1]?.['tactics']).toEqual(['Execution', 'DefenseEvasion']);
  });

  it('a WindowsEvent rule names the Azure Monitor Agent connector and maps the host', () => {
    const file = join(REPO_ROOT, 'test/fixtures/windows-logs/win_system_service_install_susp.yml');
    const { pack } = convertPack('sentinel-kql', 'analytics-rule', [{ text: readFileSync(file, 'utf8'), file }]);
    const doc = yaml.load(pack.text) as Record<string, unknown>;
    expect(validate(doc)).toEqual([]);
    expect(doc['requiredDataConnectors']).toEqual([{ connectorId: 'WindowsForwardedEvents', dataTypes: ['WindowsEvent'] }]);
    expect(doc['entityMappings']).toEqual([{ entityType: 'Host', fieldMappings: [{ identifier: 'FullName', columnName: 'Computer' }] }]);
  });

  it('maps entities only to columns the table has', () => {
    for (const [table, mappings] of Object.entries(SENTINEL_ENTITY_MAPPINGS)) {
      const schema = SENTINEL_TABLES[table];
      expect(schema, table).toBeDefined();
      for (const m of mappings) for (const f of m.fieldMappings) expect(schema?.[f.columnName], `${table}.${f.columnName}`).toBeDefined();
    }
  });
});

describe('sentinel-kql arm', () => {
  const validate = schemaValidator('arm-sentinel-alert-rules');

  it('PsExec: one valid template deploying the rule', () => {
    const { pack, queries } = convertPack('sentinel-kql', 'arm', psexec, { query_frequency: '5m', query_period: '1d' });
    const template = JSON.parse(pack.text) as ArmTemplate;
    expect(validate(template)).toEqual([]);
    expect([...pack.files.keys()]).toEqual(['azuredeploy.json']);
    expect(template.resources).toHaveLength(1);
    expect(template.resources[0]?.properties).toMatchObject({
      displayName: 'Suspicious PsExec Execution',
      severity: 'High',
      query: queries[0],
      queryFrequency: 'PT5M',
      queryPeriod: 'P1D',
      tactics: ['LateralMovement'],
      techniques: ['T1021'],
    });
    expect(template.resources[0]?.name).toContain('c462f537-a1e3-41a6-b5fc-b2c2cef9bf82');
  });

  it('hostile metadata: a title like [stanza] is not an ARM expression; every value comes back', () => {
    const title = '[concat(\'a\', \'b\')]';
    const { pack, queries } = convertPack('sentinel-kql', 'arm', [...HOSTILE_AND_PSEXEC, { text: hostileRule(title, '4c3b2a19-8d7e-4f6a-a5b4-c3d2e1f0a9b8'), file: 'rules/expr.yml' }]);
    const template = JSON.parse(pack.text) as ArmTemplate;
    expect(validate(template)).toEqual([]);
    const metas = [...allMetas, ruleMetadata(parseRules(hostileRule(title, '4c3b2a19-8d7e-4f6a-a5b4-c3d2e1f0a9b8'), 'rules/expr.yml')[0]!)];
    expect(template.resources).toHaveLength(5);
    expect(template.resources[4]?.properties.displayName).toBe(`[${title}`);
    template.resources.forEach((r, i) => {
      const p = armUnescape(r.properties) as ArmAlertRuleProperties;
      expect(p.displayName).toBe(metas[i]!.title);
      expect(p.description).toBe(describedWithAttribution(metas[i]!));
      expect(p.query).toBe(queries[i]);
    });
    const names = template.resources.map((r) => r.name);
    expect(new Set(names).size).toBe(5);
  });
});

describe('sql view', () => {
  const { pack, queries } = convertPack('sql', 'view', HOSTILE_AND_PSEXEC);

  it('runs in SQLite: one view per rule, unique names, the query as the view', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE windows_security (EventID, ShareName, RelativeTargetName, CommandLine)');
    db.exec(pack.text);
    const views = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'view' ORDER BY rowid").all() as { name: string; sql: string }[];
    expect(views.map((v) => v.name)).toEqual([
      'sigma_suspicious_psexec_execution',
      'sigma_stanza_quoted_single_back_slash_title_not_a_commen',
      'sigma_stanza_quoted_single_back_slash_title_not_a_commen_2',
      'sigma_default',
    ]);
    views.forEach((v, i) => expect(v.sql).toContain(queries[i]!));
    db.prepare('INSERT INTO windows_security VALUES (?, ?, ?, ?)').run(5145, '\\\\*\\IPC$', 'x-stdin', null);
    expect(db.prepare('SELECT count(*) AS n FROM sigma_suspicious_psexec_execution').get()).toEqual({ n: 1 });
  });

  it('keeps the attribution in comments that no metadata can end early', () => {
    const comments = pack.text
      .split('\n')
      .filter((l) => l.startsWith('--'))
      .map((l) => l.replace(/^-- ?/, ''))
      .join('\n');
    for (const m of allMetas) for (const line of m.attribution.lines) expect(comments).toContain(line.split(/\r\n|\r|\n/)[0]!);
  });

  it('refuses a table of another schema in SQLite (a view cannot read another database), not in PostgreSQL', () => {
    const decl = declaration('sql', 'view');
    const resolved = resolveFormatOptions(decl, {});
    if (!resolved.ok) throw new Error(resolved.message);
    const rule = parseRules(PSEXEC_TEXT, PSEXEC_PATH)[0]!;
    const input = { query: 'SELECT * FROM "gcp"."audit" WHERE 1 = 1', expression: '1 = 1', postFilter: null, source: '"gcp"."audit"', state: {}, targetOptions: {} };
    expect(renderPieces(decl, [{ rule, input }], resolved.values)[0]?.diagnostics.map((d) => d.code)).toEqual(['unsupported-construct']);
    expect(renderPieces(decl, [{ rule, input: { ...input, targetOptions: { postgres: true } } }], resolved.values)[0]?.piece).toContain('CREATE VIEW');
  });
});

const pgClient = await connectPg();
if (pgClient === null) console.log('[skip] sql view on PostgreSQL: no server at PGHOST/PGPORT (run scripts/start-postgres.sh)');

describe.skipIf(pgClient === null)('sql view on PostgreSQL (-O postgres)', () => {
  afterAll(async () => {
    await pgClient?.end();
  });

  it('views.sql runs and the PsExec view finds the event', async () => {
    const client = pgClient!;
    try {
      const { pack } = convertPack('sql', 'view', HOSTILE_AND_PSEXEC, {}, undefined, { postgres: true });
      await client.query('BEGIN');
      await client.query('CREATE TEMP TABLE windows_security ("EventID" text, "ShareName" text, "RelativeTargetName" text, "CommandLine" text)');
      await client.query(pack.text.replace(/CREATE VIEW/g, 'CREATE TEMP VIEW'));
      await client.query(`INSERT INTO windows_security VALUES ('5145', '\\\\*\\IPC$', 'x-stdin', NULL), ('5145', 'other', 'x-stdin', NULL)`);
      const rows = await client.query('SELECT count(*)::int AS n FROM sigma_suspicious_psexec_execution');
      expect(rows.rows).toEqual([{ n: 1 }]);
      const views = await client.query("SELECT viewname FROM pg_views WHERE viewname LIKE 'sigma_%' ORDER BY viewname");
      expect(views.rows.map((r: { viewname: string }) => r.viewname)).toHaveLength(4);
    } finally {
      await client.query('ROLLBACK');
    }
  });
});
