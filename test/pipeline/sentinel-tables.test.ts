import { describe, expect, it } from 'vitest';
import { kustoSchemaText, SENTINEL_TABLES } from '../../src/pipeline/schemas/sentinel-tables.js';
import { kusto } from '../support/kusto.js';

// Microsoft's Kusto parser (a compiled .NET library; see docs/TARGETS.md for how it loads).
const K = kusto();

function analyse(query: string): string[] {
  const tables = Object.entries(SENTINEL_TABLES).map(([name, schema]) => new K.Symbols.TableSymbol.$ctor7(name, kustoSchemaText(schema), null));
  const db = new K.Symbols.DatabaseSymbol.$ctor2('sentinel', null, tables);
  const code = K.KustoCode.ParseAndAnalyze(query, K.GlobalState.Default.WithDatabase(db));
  const diags = code.GetDiagnostics();
  const out: string[] = [];
  for (let i = 0; i < diags.Count; i++) out.push(diags.getItem(i).Message);
  return out;
}

describe('the Sentinel table schemas', () => {
  it('hold the tables the sentinel-windows and sentinel-cloud pipelines map to', () => {
    expect(Object.keys(SENTINEL_TABLES)).toEqual([
      'SecurityEvent',
      'DeviceProcessEvents',
      'DeviceFileEvents',
      'DeviceRegistryEvents',
      'DeviceNetworkEvents',
      'DeviceImageLoadEvents',
      'DeviceEvents',
      'WindowsEvent',
      'SigninLogs',
      'AuditLogs',
      'AADUserRiskEvents',
      'OfficeActivity',
      'OktaV2_CL',
      'GitHubAuditLogsV2_CL',
      'AzureActivity',
      'AWSCloudTrail',
      'GCPAuditLogs',
      'AKSAudit',
      'CommonSecurityLog',
      'W3CIISLog',
      'Syslog',
      'ASimDnsActivityLogs',
    ]);
  });

  for (const [name, schema] of Object.entries(SENTINEL_TABLES)) {
    it(`${name}: Microsoft's parser accepts every column`, () => {
      const columns = Object.keys(schema).map((c) => `['${c}']`);
      expect(analyse(`${name} | project ${columns.join(', ')}`)).toEqual([]);
    });
  }

  it('make the parser reject a column a table does not have', () => {
    expect(analyse('SecurityEvent | where TicketEncryptionType == "0x17"')).toEqual([
      "The name 'TicketEncryptionType' does not refer to any known column, table, variable or function.",
    ]);
    expect(analyse('DeviceProcessEvents | where ProcessCommandLine contains "psexec" and EventID == 1')[0]).toMatch(/'EventID' does not refer/);
  });

  it('WindowsEvent: any key of the dynamic EventData analyses; a misspelled column does not', () => {
    expect(analyse('WindowsEvent | where tostring(EventData.ScriptBlockText) contains "x" and tostring(EventData[\'a b\']) == ""')).toEqual([]);
    expect(analyse('WindowsEvent | where tostring(EventDat.ScriptBlockText) contains "x"')[0]).toMatch(/'EventDat' does not refer/);
  });
});
