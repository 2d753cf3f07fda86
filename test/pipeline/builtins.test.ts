import yaml from 'js-yaml';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Expr } from '../../src/ast/expr.js';
import { applyPipelines } from '../../src/pipeline/apply.js';
import { BUILTIN_PIPELINE_TEXTS } from '../../src/pipeline/builtin.generated.js';
import { builtinPipelines, defaultPipelinesFor, findBuiltinPipeline, resolvePipelineRef } from '../../src/pipeline/builtins.js';
import { SENTINEL_TABLES, tableHasField } from '../../src/pipeline/schemas/sentinel-tables.js';
import { REPO_ROOT } from '../support/paths.js';
import { all, any, errors, m, neg, okValue, pipeline, rule, tree } from './helpers.js';

/** The bundled PsExec rule (rules/win_security_susp_psexec.yml), built by hand. */
const psexec = rule(
  any(
    all(
      all(
        m('EventID', 5145),
        m('ShareName', '\\\\\\\\\\*\\\\IPC$'),
        any(m('RelativeTargetName', '*-stdin'), m('RelativeTargetName', '*-stdout'), m('RelativeTargetName', '*-stderr')),
      ),
      neg(m('RelativeTargetName', 'PSEXESVC*')),
    ),
  ),
  { product: 'windows', service: 'security' },
);

const builtin = (name: string) => {
  const b = findBuiltinPipeline(name);
  if (!b) throw new Error(`no built-in ${name}`);
  return b.pipeline;
};

describe('the built-in pipeline registry', () => {
  it('lists each built-in with its targets, all loading without diagnostics', () => {
    expect(builtinPipelines().map((b) => [b.name, b.targets, b.isDefault])).toEqual([
      ['splunk-windows', ['splunk'], true],
      ['splunk-cloud', ['splunk'], true],
      ['ecs-windows', ['elastic-kql', 'elastic-esql'], true],
      ['ecs-cloud', ['elastic-kql', 'elastic-esql'], true],
      ['sentinel-windows', ['sentinel-kql'], true],
      ['sentinel-cloud', ['sentinel-kql'], true],
      ['sentinel-sysmon', ['sentinel-kql'], false],
      ['sql-tables', ['sql'], true],
    ]);
  });

  it('gives each target its natural default', () => {
    expect(defaultPipelinesFor('sentinel-kql').map((p) => p.id)).toEqual(['sentinel-windows', 'sentinel-cloud']);
    expect(defaultPipelinesFor('elastic-esql')).toEqual(defaultPipelinesFor('elastic-kql'));
    expect(defaultPipelinesFor('ast')).toEqual([]);
  });

  it('embeds exactly the YAML files of src/pipeline/builtin (run npm run generate after editing them)', () => {
    const dir = join(REPO_ROOT, 'src/pipeline/builtin');
    const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));
    expect(Object.keys(BUILTIN_PIPELINE_TEXTS).sort()).toEqual(files.map((f) => f.replace(/\.yml$/, '')).sort());
    for (const f of files) expect(BUILTIN_PIPELINE_TEXTS[f.replace(/\.yml$/, '')]).toBe(readFileSync(join(dir, f), 'utf8'));
    expect(builtinPipelines().map((b) => b.name).sort()).toEqual(files.map((f) => f.replace(/\.yml$/, '')).sort());
  });

  it('resolves --pipeline references: a built-in name, a file, or an error naming the built-ins', () => {
    expect(okValue(resolvePipelineRef('splunk-windows')).id).toBe('splunk-windows');
    const files: Record<string, string> = { 'mine.yml': 'name: mine\ntransformations: []\n' };
    expect(okValue(resolvePipelineRef('mine.yml', (p) => files[p])).name).toBe('mine');
    const missing = resolvePipelineRef('nope.yml', (p) => files[p]);
    expect(missing.ok).toBe(false);
    expect(missing.diagnostics[0]?.code).toBe('pipeline-unknown');
    expect(missing.diagnostics[0]?.message).toContain('splunk-windows, splunk-cloud, ecs-windows, ecs-cloud, sentinel-windows, sentinel-cloud, sentinel-sysmon, sql-tables');
    expect(errors(resolvePipelineRef('bad.yml', () => 'transformations:\n  - type: nope\n'))[0]).toMatch(/^bad\.yml:2:11: error\[pipeline-invalid\] unknown transformation type `nope`/);
  });
});

describe('PsExec with each default pipeline', () => {
  it('splunk-windows: source of the Security log, EventID as EventCode', () => {
    const out = okValue(applyPipelines(psexec, [builtin('splunk-windows')]));
    expect(tree(out.rule.detection).split('\n').slice(0, 6)).toEqual([
      'and',
      '  or',
      '    source matches "WinEventLog:Security"',
      '    source matches "XmlWinEventLog:Security"',
      '  and',
      '    and',
    ]);
    expect(tree(out.rule.detection)).toContain('EventCode == 5145');
    expect(tree(out.rule.detection)).not.toContain('EventID');
    expect(out.applied.map((a) => a.transformation)).toEqual(['splunk_service_source', 'splunk_eventcode']);
  });

  it('ecs-windows: winlog.channel, event.code, event data under winlog.event_data', () => {
    const out = okValue(applyPipelines(psexec, [builtin('ecs-windows')]));
    const t = tree(out.rule.detection);
    expect(t).toContain('winlog.channel matches-exact-spelling "Security"');
    expect(t).toContain('event.code == 5145');
    expect(t).toContain('winlog.event_data.ShareName matches "\\\\\\\\*\\\\IPC$"');
    expect(t).toContain('winlog.event_data.RelativeTargetName matches "PSEXESVC" *');
    expect(t).not.toMatch(/winlog\.event_data\.(winlog|event\.code)/);
  });

  it('sentinel-windows: the SecurityEvent table, columns named as the event fields', () => {
    const out = okValue(applyPipelines(psexec, [builtin('sentinel-windows')]));
    expect(out.state).toEqual({ table: 'SecurityEvent' });
    expect(fieldsOf(out.rule.detection)).toEqual(['EventID', 'ShareName', 'RelativeTargetName']);
    for (const f of fieldsOf(out.rule.detection)) expect(SENTINEL_TABLES.SecurityEvent).toHaveProperty(f);
  });

  it('sql-tables: the windows_security table, fields unchanged', () => {
    const out = okValue(applyPipelines(psexec, [builtin('sql-tables')]));
    expect(out.state).toEqual({ table: 'windows_security' });
    expect(out.rule.detection).toEqual(psexec.detection);
  });
});

function fieldsOf(e: Expr, out: string[] = []): string[] {
  switch (e.kind) {
    case 'and':
    case 'or':
      e.operands.forEach((o) => fieldsOf(o, out));
      break;
    case 'not':
      fieldsOf(e.operand, out);
      break;
    case 'match':
      if (e.field !== null && !out.includes(e.field)) out.push(e.field);
      break;
  }
  return out;
}

describe('the Windows pipelines agree on Sysmon event ids', () => {
  // Each pipeline writes the category -> Sysmon event id table itself (readable YAML, one vendor each);
  // this keeps the copies equal.
  it('every category that two pipelines map has the same event ids', () => {
    type Item = { type: string; conditions?: Record<string, unknown>; rule_conditions?: { category?: string }[] };
    const tables = Object.fromEntries(
      ['splunk-windows', 'ecs-windows', 'sentinel-windows', 'sentinel-sysmon'].map((name) => {
        const doc = yaml.load(BUILTIN_PIPELINE_TEXTS[name] ?? '') as { transformations: Item[] };
        const table: Record<string, string> = {};
        for (const t of doc.transformations) {
          const c = t.conditions ?? {};
          if (t.type !== 'add_condition' || !JSON.stringify(c).includes('Microsoft-Windows-Sysmon/Operational')) continue;
          const ids = c['EventCode'] ?? c['event.code'] ?? c['EventID'];
          for (const rc of t.rule_conditions ?? []) if (rc.category !== undefined && ids !== undefined) table[rc.category] = [ids].flat().map(Number).join(',');
        }
        return [name, table];
      }),
    );
    const categories = new Set(Object.values(tables).flatMap((t) => Object.keys(t)));
    expect(categories.size).toBeGreaterThan(15);
    for (const category of categories) {
      const seen = new Set(Object.values(tables).flatMap((t) => (t[category] === undefined ? [] : [t[category]])));
      expect([...seen], category).toHaveLength(1);
    }
  });
});

describe('Windows services and their channels', () => {
  const ntlm = rule(all(m('EventID', 8004), m('WorkstationName', 'Rdesktop')), { product: 'windows', service: 'ntlm' });
  // vhdmp: a Sigma taxonomy service no built-in pipeline maps (Microsoft-Windows-VHDMP/Operational).
  const unmapped = rule(m('EventID', 8004), { product: 'windows', service: 'vhdmp' });

  it('each pipeline adds the channel of a service it knows', () => {
    expect(tree(okValue(applyPipelines(ntlm, [builtin('splunk-windows')])).rule.detection)).toContain('"XmlWinEventLog:Microsoft-Windows-NTLM/Operational"');
    expect(tree(okValue(applyPipelines(ntlm, [builtin('ecs-windows')])).rule.detection)).toContain('winlog.channel matches-exact-spelling "Microsoft-Windows-NTLM/Operational"');
    expect(tree(okValue(applyPipelines(ntlm, [builtin('sentinel-windows')])).rule.detection)).toContain('Channel matches "Microsoft-Windows-NTLM/Operational"');
  });

  // Without the channel, EventCode=8004 would match event 8004 of every log: refused instead.
  it.each([
    ['splunk-windows', /splunk-windows does not know the event log channel of this Windows service/],
    ['ecs-windows', /ecs-windows does not know the event log channel of this Windows service/],
    ['sentinel-windows', /sentinel-windows has no table for this log source/],
  ])('%s refuses a Windows service whose channel it does not know', (name, message) => {
    expect(errors(applyPipelines(unmapped, [builtin(name)]))[0]).toMatch(message);
  });

  it('a user pipeline that names the channel (with the built-in id) lifts the refusal', () => {
    const site = pipeline(`name: site
transformations:
  - id: splunk_service_source
    type: add_condition
    conditions: { source: 'XmlWinEventLog:Microsoft-Windows-VHDMP/Operational' }
    rule_conditions: [{ type: logsource, product: windows, service: vhdmp }]
`);
    const out = okValue(applyPipelines(unmapped, [builtin('splunk-windows'), site]));
    expect(tree(out.rule.detection)).toContain('VHDMP/Operational');
  });

  it('a category without a service is not refused (its fields say what it is)', () => {
    for (const name of ['splunk-windows', 'ecs-windows']) {
      expect(applyPipelines(rule(m('TargetFilename', 'x'), { product: 'windows', category: 'file_access' }), [builtin(name)]).ok, name).toBe(true);
    }
  });
});

describe('sentinel-windows maps to real columns', () => {
  const sentinel = () => builtin('sentinel-windows');
  // Every Sigma field each mapping covers, per log source.
  const cases: [string, Record<string, string>, string[]][] = [
    ['process_creation', { product: 'windows', category: 'process_creation' }, ['Image', 'CommandLine', 'ProcessId', 'IntegrityLevel', 'OriginalFileName', 'Description', 'Product', 'Company', 'ParentImage', 'ParentCommandLine', 'ParentProcessId', 'md5', 'sha1', 'sha256']],
    ['linux process_creation', { product: 'linux', category: 'process_creation' }, ['Image', 'CommandLine', 'ParentImage', 'User']],
    ['file_event', { product: 'windows', category: 'file_event' }, ['TargetFilename', 'Image', 'ProcessId']],
    ['file_delete', { product: 'windows', category: 'file_delete' }, ['TargetFilename', 'Image']],
    ['registry_set', { product: 'windows', category: 'registry_set' }, ['TargetObject', 'Details', 'Image']],
    ['network_connection', { product: 'windows', category: 'network_connection' }, ['Image', 'DestinationIp', 'DestinationPort', 'DestinationHostname', 'SourceIp', 'SourcePort', 'Protocol']],
    ['image_load', { product: 'windows', category: 'image_load' }, ['ImageLoaded', 'Image', 'sha256']],
    ['security', { product: 'windows', service: 'security' }, ['EventID', 'TargetUserName', 'SubjectUserName', 'LogonType', 'IpAddress', 'ServiceFileName', 'ObjectName']],
    ['process_access', { product: 'windows', category: 'process_access' }, ['SourceImage', 'TargetImage', 'SourceProcessId', 'TargetProcessId']],
    ['create_remote_thread', { product: 'windows', category: 'create_remote_thread' }, ['SourceImage', 'TargetImage']],
    ['system', { product: 'windows', service: 'system' }, ['EventID', 'Provider_Name', 'Level', 'Computer', 'ServiceName', 'ImagePath']],
    ['ps_script', { product: 'windows', category: 'ps_script' }, ['ScriptBlockText', 'Path']],
    ['pipe_created', { product: 'windows', category: 'pipe_created' }, ['PipeName', 'Image']],
    ['dns_query', { product: 'windows', category: 'dns_query' }, ['QueryName', 'Image']],
  ];
  for (const [name, logsource, fields] of cases) {
    it(`${name}: every mapped column is in the table's schema`, () => {
      const out = okValue(applyPipelines(rule(all(...fields.map((f) => m(f, 'x'))), logsource), [sentinel()]));
      const table = out.state.table;
      expect(typeof table).toBe('string');
      const schema = SENTINEL_TABLES[table as string];
      expect(schema, `table ${String(table)}`).toBeDefined();
      for (const f of fieldsOf(out.rule.detection)) expect(tableHasField(schema ?? {}, f), `${f} in ${String(table)}`).toBe(true);
    });
  }

  it('maps every SecurityEvent column that holds event data, and nothing else (the schema is the list)', () => {
    const doc = yaml.load(BUILTIN_PIPELINE_TEXTS['sentinel-windows'] ?? '') as { transformations: { id: string; mapping?: Record<string, string>; rule_conditions?: unknown }[] };
    const security = doc.transformations.find((t) => t.id === 'sentinel_fields' && JSON.stringify(t.rule_conditions).includes('"service":"security"'));
    const workspace = ['TimeGenerated', 'TenantId', 'Type', 'SourceSystem', 'ManagementGroupName', 'AzureDeploymentID', 'SourceComputerId', 'EventData'];
    const expected = Object.keys(SENTINEL_TABLES.SecurityEvent ?? {}).filter((c) => !c.startsWith('_') && !workspace.includes(c)).sort();
    expect(Object.entries(security?.mapping ?? {}).filter(([from, to]) => from === to).map(([from]) => from).sort()).toEqual(expected);
  });

  it("refuses Sysmon's hex LogonId, which DeviceProcessEvents holds as a number", () => {
    const res = applyPipelines(rule(m('LogonId', '0x3e7'), { product: 'windows', category: 'process_creation' }), [sentinel()]);
    expect(res.diagnostics[0]?.message).toMatch(/^field `LogonId` has no mapping in pipeline `sentinel-windows`/);
  });

  it('refuses a field with no column (unmapped-field naming field and pipeline)', () => {
    const res = applyPipelines(rule(all(m('Image', 'x'), m('CurrentDirectory', 'y')), { product: 'windows', category: 'process_creation' }), [sentinel()]);
    expect(res.ok).toBe(false);
    expect(res.diagnostics[0]?.code).toBe('unmapped-field');
    expect(res.diagnostics[0]?.message).toMatch(/^field `CurrentDirectory` has no mapping in pipeline `sentinel-windows`/);
    const sec = applyPipelines(rule(m('TicketEncryptionType', '0x17'), { product: 'windows', service: 'security' }), [sentinel()]);
    expect(sec.diagnostics[0]?.message).toMatch(/^field `TicketEncryptionType` has no mapping/);
  });

  it('refuses log sources it has no table for', () => {
    expect(errors(applyPipelines(rule(m('x', 'y'), { product: 'windows', category: 'file_access' }), [sentinel()]))[0]).toMatch(/sentinel-windows has no table for this log source/);
    expect(errors(applyPipelines(rule(m('x', 'y'), { product: 'aws', service: 'cloudtrail' }), [sentinel()]))[0]).toMatch(/sentinel-windows has no table for this log source/);
  });

  it('DeviceEvents: the API call as ActionType, source and target process; Sysmon-only fields refused', () => {
    const out = okValue(applyPipelines(rule(all(m('SourceImage', '*\\rundll32.exe'), m('TargetImage', '*\\lsass.exe')), { product: 'windows', category: 'process_access' }), [sentinel()]));
    expect(out.state).toEqual({ table: 'DeviceEvents' });
    const t = tree(out.rule.detection);
    expect(t).toContain('ActionType matches "OpenProcessApiCall"');
    expect(t).toContain('InitiatingProcessFolderPath matches * "\\\\rundll32.exe"');
    expect(t).toContain('FolderPath matches * "\\\\lsass.exe"');
    const thread = okValue(applyPipelines(rule(m('SourceImage', 'x'), { product: 'windows', category: 'create_remote_thread' }), [sentinel()]));
    expect(tree(thread.rule.detection)).toContain('ActionType matches "CreateRemoteThreadApiCall"');
    for (const [category, field] of [['process_access', 'GrantedAccess'], ['process_access', 'CallTrace'], ['create_remote_thread', 'StartFunction']] as const) {
      const res = applyPipelines(rule(all(m('SourceImage', 'x'), m(field, 'y')), { product: 'windows', category }), [sentinel()]);
      expect(res.diagnostics[0]?.code, field).toBe('unmapped-field');
      expect(res.diagnostics[0]?.message).toMatch(new RegExp(`^field \`${field}\` has no mapping in pipeline \`sentinel-windows\``));
    }
  });

  it('WindowsEvent: the channel (and event id) of the log source; event data under EventData', () => {
    const system = okValue(applyPipelines(rule(all(m('Provider_Name', 'Service Control Manager'), m('EventID', 7045), m('ImagePath', '*\\temp\\*'), m('Execution_ProcessID', 4)), { product: 'windows', service: 'system' }), [sentinel()]));
    expect(system.state).toEqual({ table: 'WindowsEvent' });
    expect(fieldsOf(system.rule.detection)).toEqual(['Channel', 'Provider', 'EventID', 'EventData.ImagePath', 'SystemProcessId']);
    expect(tree(system.rule.detection)).toContain('Channel matches "System"');
    const script = okValue(applyPipelines(rule(m('ScriptBlockText', '*Invoke-Mimikatz*'), { product: 'windows', category: 'ps_script' }), [sentinel()]));
    const st = tree(script.rule.detection);
    expect(st).toContain('Channel matches "Microsoft-Windows-PowerShell/Operational"');
    expect(st).toContain('EventID == 4104');
    expect(st).toContain('EventData.ScriptBlockText matches * "Invoke-Mimikatz" *');
    const pipe = okValue(applyPipelines(rule(m('PipeName', '\\PSEXESVC'), { product: 'windows', category: 'pipe_created' }), [sentinel()]));
    const pt = tree(pipe.rule.detection);
    expect(pt).toContain('Channel matches "Microsoft-Windows-Sysmon/Operational"');
    expect(pt).toMatch(/EventID == 17\s+EventID == 18/);
    // The classic PowerShell log's unnamed Data has no documented EventData key: refused, not guessed.
    const classic = applyPipelines(rule(m('Data', '*HostApplication=*'), { product: 'windows', category: 'ps_classic_start' }), [sentinel()]);
    expect(classic.diagnostics[0]?.message).toMatch(/^field `Data` has no mapping in pipeline `sentinel-windows`/);
    // Rules name the cleared log of event 104 `Channel` (a UserData field), and `Message` is rendered text.
    for (const field of ['Channel', 'Message']) {
      const res = applyPipelines(rule(all(m('EventID', 104), m(field, 'Security')), { product: 'windows', service: 'system' }), [sentinel()]);
      expect(res.diagnostics[0]?.message, field).toMatch(new RegExp(`^field \`${field}\` has no mapping in pipeline \`sentinel-windows\``));
    }
    // Level numbers are EventLevel (int); a level name is EventLevelName.
    const levels = okValue(applyPipelines(rule(any(m('Level', 2), m('Level', 'Error')), { product: 'windows', service: 'application' }), [sentinel()]));
    expect(fieldsOf(levels.rule.detection)).toEqual(['Channel', 'EventLevel', 'EventLevelName']);
    // A rule naming both the Sysmon service and a category with a Device* table gets that table only.
    const both = okValue(applyPipelines(rule(m('Image', '*\\cmd.exe'), { product: 'windows', service: 'sysmon', category: 'process_creation' }), [sentinel()]));
    expect(both.state).toEqual({ table: 'DeviceProcessEvents' });
    expect(fieldsOf(both.rule.detection)).toEqual(['FolderPath']);
    // Logs that write UserData (WMI-Activity) are not mapped.
    expect(errors(applyPipelines(rule(m('EventID', 5861), { product: 'windows', service: 'wmi' }), [sentinel()]))[0]).toMatch(/no table for this log source/);
  });

  it('rewrites abbreviated registry hives to the names RegistryKey uses', () => {
    const out = okValue(applyPipelines(rule(m('TargetObject', 'HKLM\\SOFTWARE\\x*'), { product: 'windows', category: 'registry_set' }), [sentinel()]));
    expect(tree(out.rule.detection)).toContain('RegistryKey matches "HKEY_LOCAL_MACHINE\\\\SOFTWARE\\\\x" *');
  });
});

describe('sentinel-sysmon with sentinel-windows', () => {
  const both = () => [builtin('sentinel-windows'), builtin('sentinel-sysmon')];

  it('Sysmon-style categories read Sysmon in WindowsEvent, with the fields Defender has no column for', () => {
    const out = okValue(applyPipelines(rule(all(m('Image', '*\\cmd.exe'), m('User', 'NT AUTHORITY\\SYSTEM'), m('CurrentDirectory', 'C:\\x\\')), { product: 'windows', category: 'process_creation' }), both()));
    expect(out.state).toEqual({ table: 'WindowsEvent' });
    expect(fieldsOf(out.rule.detection)).toEqual(['Channel', 'EventID', 'EventData.Image', 'EventData.User', 'EventData.CurrentDirectory']);
    const access = okValue(applyPipelines(rule(all(m('TargetImage', '*\\lsass.exe'), m('GrantedAccess', '0x1010')), { product: 'windows', category: 'process_access' }), both()));
    expect(fieldsOf(access.rule.detection)).toEqual(['Channel', 'EventID', 'EventData.TargetImage', 'EventData.GrantedAccess']);
    expect(tree(access.rule.detection)).not.toContain('ActionType');
  });

  it('keeps Sysmon registry paths (no hive rewrite) and the Sysmon event ids of the category', () => {
    const out = okValue(applyPipelines(rule(m('TargetObject', 'HKLM\\SOFTWARE\\x*'), { product: 'windows', category: 'registry_event' }), both()));
    const t = tree(out.rule.detection);
    expect(t).toContain('EventData.TargetObject matches "HKLM\\\\SOFTWARE\\\\x" *');
    expect(t).toMatch(/EventID == 12\s+EventID == 13\s+EventID == 14/);
  });

  it('leaves every other log source to sentinel-windows', () => {
    const sec = okValue(applyPipelines(rule(m('EventID', 4624), { product: 'windows', service: 'security' }), both()));
    expect(sec.state).toEqual({ table: 'SecurityEvent' });
    const linux = okValue(applyPipelines(rule(m('Image', '*/bash'), { product: 'linux', category: 'process_creation' }), both()));
    expect(linux.state).toEqual({ table: 'DeviceProcessEvents' });
    const pipe = okValue(applyPipelines(rule(m('PipeName', 'x'), { product: 'windows', category: 'pipe_created' }), both()));
    expect(fieldsOf(pipe.rule.detection)).toEqual(['Channel', 'EventID', 'EventData.PipeName']);
    expect(tree(pipe.rule.detection).match(/Channel matches/g)).toHaveLength(1);
  });
});

describe('ecs-windows system properties and UserData', () => {
  const ecs = () => builtin('ecs-windows');

  it('the provider, computer and writing process are winlog.* fields, not event data', () => {
    const out = okValue(applyPipelines(rule(all(m('Provider_Name', 'Service Control Manager'), m('Computer', 'dc01'), m('ImagePath', 'x'), m('Execution_ProcessID', 4)), { product: 'windows', service: 'system' }), [ecs()]));
    expect(fieldsOf(out.rule.detection)).toEqual(['winlog.channel', 'winlog.provider_name', 'winlog.computer_name', 'winlog.event_data.ImagePath', 'winlog.process.pid']);
  });

  it('WMI-Activity fields and event 104 Channel are UserData: winlog.user_data.*', () => {
    const wmi = okValue(applyPipelines(rule(all(m('EventID', 5859), m('Query', 'x')), { product: 'windows', service: 'wmi' }), [ecs()]));
    expect(fieldsOf(wmi.rule.detection)).toEqual(['winlog.channel', 'event.code', 'winlog.user_data.Query']);
    const cleared = okValue(applyPipelines(rule(all(m('EventID', 104), neg(m('Channel', 'Security'))), { product: 'windows', service: 'system' }), [ecs()]));
    expect(fieldsOf(cleared.rule.detection)).toEqual(['winlog.channel', 'event.code', 'winlog.user_data.Channel']);
  });

  it('Initiated becomes network.direction egress/ingress, also when the rule writes a YAML boolean', () => {
    for (const value of ['true', { kind: 'boolean', value: true } as const]) {
      const out = okValue(applyPipelines(rule(m('Initiated', value), { product: 'windows', category: 'network_connection' }), [ecs()]));
      expect(tree(out.rule.detection)).toContain('network.direction matches "egress"');
    }
  });

  it('the Sysmon events beyond the common categories: channel, event id and the module renames', () => {
    const change = okValue(applyPipelines(rule(all(m('Image', '*\\dns.exe'), m('TargetFilename', 'x')), { product: 'windows', category: 'file_change' }), [ecs()]));
    expect(fieldsOf(change.rule.detection)).toEqual(['winlog.channel', 'event.code', 'process.executable', 'file.path']);
    const raw = okValue(applyPipelines(rule(m('Device', '*floppy*'), { product: 'windows', category: 'raw_access_thread' }), [ecs()]));
    expect(tree(raw.rule.detection)).toContain('event.code matches "9"');
    expect(fieldsOf(raw.rule.detection)).toContain('file.path');
    // Events 27-29 have no handler in the module version the pipeline follows: refused, not guessed.
    expect(errors(applyPipelines(rule(m('TargetFilename', 'x'), { product: 'windows', category: 'file_executable_detected' }), [ecs()]))[0]).toMatch(/no handler for Sysmon events 27-29/);
  });

  it('refuses the level number, which Winlogbeat does not keep', () => {
    expect(errors(applyPipelines(rule(m('Level', 2), { product: 'windows', service: 'system' }), [ecs()]))[0]).toMatch(/does not keep the event's level number/);
  });
});

describe('ecs-windows Sysmon fields', () => {
  const ecs = () => builtin('ecs-windows');

  it('renames the fields the Sysmon module renames, prefixes the rest', () => {
    const out = okValue(
      applyPipelines(rule(all(m('Image', '*\\cmd.exe'), m('CommandLine', '*/c*'), m('IntegrityLevel', 'High')), { product: 'windows', category: 'process_creation' }), [ecs()]),
    );
    const t = tree(out.rule.detection);
    expect(t).toContain('winlog.channel matches-exact-spelling "Microsoft-Windows-Sysmon/Operational"');
    expect(t).toContain('event.code matches "1"');
    expect(t).toContain('process.executable matches * "\\\\cmd.exe"');
    expect(t).toContain('process.command_line matches * "/c" *');
    expect(t).toContain('winlog.event_data.IntegrityLevel matches "High"');
  });

  it('maps Initiated to network.direction with its value', () => {
    const out = okValue(applyPipelines(rule(all(m('Initiated', 'true'), m('DestinationPort', 4444)), { product: 'windows', category: 'network_connection' }), [ecs()]));
    expect(tree(out.rule.detection)).toContain('network.direction matches "egress"');
    expect(tree(out.rule.detection)).toContain('destination.port == 4444');
  });

  it('refuses fields the module splits, translates or drops (User but a contains without a backslash: ecs-user.test.ts; Hash, QueryStatus, *IsIpv6)', () => {
    expect(errors(applyPipelines(rule(m('User', 'NT AUTHORITY\\SYSTEM'), { product: 'windows', category: 'process_creation' }), [ecs()]))[0]).toMatch(/splits, translates or drops this field.*field `User`/);
    for (const [category, field] of [['create_stream_hash', 'Hash'], ['dns_query', 'QueryStatus'], ['network_connection', 'DestinationIsIpv6']] as const) {
      expect(errors(applyPipelines(rule(m(field, 'x'), { product: 'windows', category }), [ecs()]))[0], field).toMatch(new RegExp(`field \`${field}\``));
    }
  });

  it("maps event 20's Destination and refuses unnamed Data (Winlogbeat names it param1, param2, ...)", () => {
    const wmi = okValue(applyPipelines(rule(m('Destination', '*powershell*'), { product: 'windows', category: 'wmi_event' }), [ecs()]));
    expect(tree(wmi.rule.detection)).toContain('process.executable matches * "powershell" *');
    expect(errors(applyPipelines(rule(m('Data', '*EngineVersion=2*'), { product: 'windows', category: 'ps_classic_start' }), [ecs()]))[0]).toMatch(/param1, param2/);
  });

  it('maps Linux process creation to ECS and refuses unknown Linux fields', () => {
    const out = okValue(applyPipelines(rule(all(m('Image', '/bin/sh'), m('User', 'root')), { product: 'linux', category: 'process_creation' }), [ecs()]));
    expect(tree(out.rule.detection)).toContain('process.executable matches "/bin/sh"');
    expect(tree(out.rule.detection)).toContain('user.name matches "root"');
    expect(applyPipelines(rule(m('LogonId', '1'), { product: 'linux', category: 'process_creation' }), [ecs()]).diagnostics[0]?.code).toBe('unmapped-field');
  });
});

describe('splunk-windows Sysmon categories', () => {
  it('adds the Sysmon source and the event ids of the category', () => {
    const out = okValue(applyPipelines(rule(m('TargetObject', '*\\Run\\\\*'), { product: 'windows', category: 'registry_event' }), [builtin('splunk-windows')]));
    expect(tree(out.rule.detection)).toBe(
      [
        'and',
        '  and',
        '    source matches "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational"',
        '    or',
        '      EventCode == 12',
        '      EventCode == 13',
        '      EventCode == 14',
        '  TargetObject matches * "\\\\Run\\\\" *',
      ].join('\n'),
    );
  });
});
