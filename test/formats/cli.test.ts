import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { jsonRecords } from '../support/convert-text.js';
import { memoryIo } from '../support/memory-io.js';
import { PSEXEC_RULE, REPO_ROOT } from '../support/paths.js';
import yaml from 'js-yaml';
import { SENTINEL_TABLES } from '../../src/pipeline/schemas/sentinel-tables.js';
import { kustoDiagnostics } from '../support/kusto.js';
import { type ArmAlertRuleProperties, type ArmTemplate, armUnescape, type KibanaRule, readConf, schemaValidator } from './support.js';

const RULES = join(REPO_ROOT, 'rules');
/** The bundled rules but the collection whose `User` field the sentinel-windows pipeline cannot map. */
const SENTINEL_RULES = readdirSync(RULES)
  .filter((f) => f.endsWith('.yml') && f !== 'godmode_sigma_rule.yml')
  .map((f) => join(RULES, f));

describe('convert --format', () => {
  it('-t splunk -f savedsearches -o DIR rules/ writes one savedsearches.conf with a stanza per rule', async () => {
    // The bundled Zeek rule (`not selection`, a log source no splunk pipeline maps) is refused as
    // unscoped-match-all; -s skips it, as `npm start` does.
    expect(await runCli(['convert', '-t', 'splunk', '-f', 'savedsearches', '-o', 'out', RULES], memoryIo())).toBe(1);
    const io = memoryIo();
    expect(await runCli(['convert', '-t', 'splunk', '-s', '-f', 'savedsearches', '-o', 'out', RULES], io)).toBe(0);
    const written = io.written.get('out');
    expect([...(written?.keys() ?? [])]).toEqual(['savedsearches.conf']);
    const conf = readConf(written?.get('savedsearches.conf') ?? '');
    expect(conf.size).toBeGreaterThanOrEqual(9);
    expect(conf.get('Suspicious PsExec Execution')?.get('search')).toContain('EventCode=5145');
    expect(conf.has('Publicly Accessible RDP Service')).toBe(false);
    expect(io.out).toBe('');
    expect(io.err).toMatch(/zeek_rdp_public_listener\.yml:\d+:\d+: warning\[unscoped-match-all\]/);
    expect(io.err).toContain('wrote 1 file(s) to out');
  });

  it('prints the pack on standard output: the golden file for PsExec', async () => {
    const io = memoryIo();
    // The bundled rules/ folder is flat (not SigmaHQ's layout), so their origin is given, as for the golden.
    expect(await runCli(['convert', '-t', 'splunk', '-f', 'savedsearches', '-F', 'origin=sigmahq', PSEXEC_RULE], io)).toBe(0);
    expect(io.out).toBe(readFileSync(join(REPO_ROOT, 'test/golden/formats/splunk/savedsearches.conf'), 'utf8'));
  });

  it('--json: each record holds its own piece of the pack', async () => {
    const io = memoryIo();
    expect(await runCli(['convert', '-t', 'elastic-kql', '-O', 'case-insensitive-fields', '-f', 'detection-rule', '--json', PSEXEC_RULE], io)).toBe(0);
    const records = jsonRecords(io.out);
    expect(records).toHaveLength(1);
    expect(records[0]?.format).toBe('detection-rule');
    expect(JSON.parse(records[0]?.output ?? '')).toMatchObject({ rule_id: 'c462f537-a1e3-41a6-b5fc-b2c2cef9bf82', type: 'query' });
  });

  it('-F sets format options; a bad name or value is a usage error (exit 2)', async () => {
    const io = memoryIo();
    expect(await runCli(['convert', '-t', 'splunk', '-f', 'savedsearches', '-F', 'cron_schedule=*/5 * * * *', '-F', 'enabled=false', PSEXEC_RULE], io)).toBe(0);
    const stanza = readConf(io.out).get('Suspicious PsExec Execution');
    expect(stanza?.get('cron_schedule')).toBe('*/5 * * * *');
    expect(stanza?.get('enableSched')).toBe('0');
    for (const bad of [['-F', 'nope=1'], ['-F', 'cron_schedule=every minute'], ['-F', 'enabled'], ['-F', 'earliest_time=-1h\n[x]']]) {
      const err = memoryIo();
      expect(await runCli(['convert', '-t', 'splunk', '-f', 'savedsearches', ...bad, PSEXEC_RULE], err)).toBe(2);
      expect(err.err).toMatch(/^error: /);
    }
    expect(await runCli(['convert', '-t', 'splunk', '-F', 'a=b', PSEXEC_RULE], memoryIo())).toBe(2);
    expect(await runCli(['convert', '-t', 'splunk', '-f', 'nope', PSEXEC_RULE], memoryIo())).toBe(2);
  });

  it('-t elastic-kql -f detection-rule -o DIR writes rules.ndjson, one line per rule', async () => {
    const io = memoryIo();
    const status = await runCli(['convert', '-t', 'elastic-kql', '-O', 'case-insensitive-fields', '-s', '-f', 'detection-rule', '-o', 'out', RULES], io);
    expect(status).toBe(0);
    const text = io.written.get('out')?.get('rules.ndjson') ?? '';
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as KibanaRule);
    expect(lines.length).toBeGreaterThan(3);
    expect(new Set(lines.map((l) => l.rule_id)).size).toBe(lines.length);
  });

  it('-t sentinel-kql -f analytics-rule -o DIR writes one YAML file per rule, named after the rule file', async () => {
    const io = memoryIo();
    expect(await runCli(['convert', '-t', 'sentinel-kql', '-s', '-f', 'analytics-rule', '-o', 'out', ...SENTINEL_RULES], io)).toBe(0);
    const written = io.written.get('out') ?? new Map<string, string>();
    expect(written.has('win_security_susp_psexec.yaml')).toBe(true);
    const validate = schemaValidator('sentinel-analytics-rule');
    const tables = { tables: Object.fromEntries(Object.entries(SENTINEL_TABLES).map(([t, cols]) => [t, { ...cols }])) };
    for (const [name, text] of written) {
      expect(name).toMatch(/\.yaml$/);
      const doc = yaml.load(text) as { query: string };
      expect(validate(doc), name).toEqual([]);
      // The query read back from the YAML is one Microsoft's Kusto analyser accepts on the real tables.
      expect(kustoDiagnostics(doc.query, tables), name).toEqual([]);
    }
    // Standard output: the same files as YAML documents.
    const io2 = memoryIo();
    expect(await runCli(['convert', '-t', 'sentinel-kql', '-s', '-f', 'analytics-rule', ...SENTINEL_RULES], io2)).toBe(0);
    expect(yaml.loadAll(io2.out)).toHaveLength(written.size);
  });

  it('-t sentinel-kql -f arm -o DIR writes one azuredeploy.json deploying every rule', async () => {
    const io = memoryIo();
    expect(await runCli(['convert', '-t', 'sentinel-kql', '-s', '-f', 'arm', '-F', 'query_frequency=30m', '-o', 'out', ...SENTINEL_RULES], io)).toBe(0);
    const written = io.written.get('out');
    expect([...(written?.keys() ?? [])]).toEqual(['azuredeploy.json']);
    const template = JSON.parse(written?.get('azuredeploy.json') ?? '') as ArmTemplate;
    expect(schemaValidator('arm-sentinel-alert-rules')(template)).toEqual([]);
    expect(template.resources.length).toBeGreaterThan(3);
    for (const r of template.resources) {
      expect(r.properties.queryFrequency).toBe('PT30M');
      expect(kustoDiagnostics((armUnescape(r.properties) as ArmAlertRuleProperties).query)).toEqual([]);
    }
    expect(await runCli(['convert', '-t', 'sentinel-kql', '-f', 'arm', '-F', 'query_frequency=1m', PSEXEC_RULE], memoryIo())).toBe(2);
  });

  it('list formats <target> names the formats, their files and options', async () => {
    const io = memoryIo();
    expect(await runCli(['list', 'formats', 'splunk'], io)).toBe(0);
    expect(io.out).toContain('savedsearches');
    expect(io.out).toContain('cron_schedule');
    const io2 = memoryIo();
    expect(await runCli(['list', 'formats'], io2)).toBe(0);
    expect(io2.out).toMatch(/elastic-kql +.*detection-rule/);
  });
});
