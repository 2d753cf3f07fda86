import { describe, expect, it } from 'vitest';
import { applyPipelines } from '../../src/pipeline/apply.js';
import { parsePipelineText } from '../../src/pipeline/load-pipeline.js';
import { convertFiles } from '../../src/convert.js';
import { findConverter } from '../../src/converters.js';
import { defaultPipelinesFor, findBuiltinPipeline } from '../../src/pipeline/builtins.js';
import { parseSigmaText } from '../../src/rule/parse-documents.js';
import { SENTINEL_TABLES } from '../../src/pipeline/schemas/sentinel-tables.js';
import { kustoDiagnostics } from '../support/kusto.js';
import { m, pipeline, rule } from './helpers.js';

/*
 * rule_warning (a pipeline's warning on the rule, which still converts), and the operating system of
 * Linux process events: ecs-windows tests host.os.type, and sentinel-windows warns that the Defender
 * XDR Device* tables hold every system's events with no column that tells them apart.
 */

describe('rule_warning', () => {
  const p = pipeline(`name: t
transformations:
  - id: warn_acme
    type: rule_warning
    message: acme events are sampled
    rule_conditions: [{ type: logsource, product: acme }]
`);

  it('adds a pipeline-warning naming the pipeline and transformation, and the rule still converts', () => {
    const res = applyPipelines(rule(m('a', 'b'), { product: 'acme' }), [p]);
    expect(res.ok).toBe(true);
    expect(res.diagnostics.map((d) => [d.severity, d.code])).toEqual([['warning', 'pipeline-warning']]);
    expect(res.diagnostics[0]?.message).toBe('acme events are sampled (pipeline `test.yml`, transformation `warn_acme`)');
    if (res.ok) expect(res.value.applied.map((a) => a.type)).toEqual(['rule_warning']);
  });

  it('says nothing when its conditions do not hold', () => {
    const res = applyPipelines(rule(m('a', 'b'), { product: 'other' }), [p]);
    expect(res.diagnostics).toEqual([]);
  });

  it('needs a message', () => {
    const res = parsePipelineText('name: t\ntransformations:\n  - id: w\n    type: rule_warning\n', 'bad.yml');
    expect(res.ok).toBe(false);
    expect(res.diagnostics.map((d) => d.code)).toContain('pipeline-invalid');
  });
});

const linuxRule = `title: Linux wget
id: 0d2f1c7e-2b1a-4c3e-9a55-1f6a1e0c9b01
status: test
logsource: {product: linux, category: process_creation}
detection:
    sel:
        CommandLine|contains: wget
    condition: sel
level: low
`;
const windowsRule = linuxRule.replace('product: linux', 'product: windows').replace('Linux wget', 'Windows wget');

function convert(target: string, text: string, targetOptions: Record<string, boolean> = {}) {
  const [record] = convertFiles([parseSigmaText(text, 'r.yml')], findConverter(target)!, { pipelines: defaultPipelinesFor(target), targetOptions });
  if (record === undefined) throw new Error('no record');
  return record;
}

describe('Linux process creation is limited to Linux hosts where the schema can say so', () => {
  it('ecs-windows tests host.os.type "linux" (ECS os.type), as written: both Elastic targets', () => {
    const esql = convert('elastic-esql', linuxRule);
    expect(esql.output).toContain('event.category == "process" AND event.type == "start" AND host.os.type == "linux"');
    const kql = convert('elastic-kql', linuxRule, { 'case-insensitive-fields': true });
    expect(kql.output).toContain('event.category:"process" and event.type:"start" and host.os.type:"linux"');
    expect(esql.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
  });

  it('ecs-windows maps macOS process creation the same way, with host.os.type "macos" (no raw Sigma field names)', () => {
    const mac = convert('elastic-esql', linuxRule.replace('product: linux', 'product: macos'));
    expect(mac.ok).toBe(true);
    expect(mac.output).toContain('host.os.type == "macos"');
    expect(mac.output).toContain('process.command_line');
    expect(mac.output).not.toMatch(/\bCommandLine\b/);
    const unknown = convert('elastic-esql', linuxRule.replace('product: linux', 'product: macos').replace('CommandLine|contains', 'IntegrityLevel'));
    expect(unknown.diagnostics.map((d) => d.code)).toContain('unmapped-field');
  });

  it('sentinel-windows warns that DeviceProcessEvents also holds Windows and macOS events', () => {
    const r = convert('sentinel-kql', linuxRule);
    expect(r.ok).toBe(true);
    expect(r.output).toMatch(/^DeviceProcessEvents\n/);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['pipeline-warning']);
    expect(r.diagnostics[0]?.message).toMatch(/Windows, Linux and macOS devices alike/);
  });

  it('a Windows rule on the same table gets no such warning', () => {
    const r = convert('sentinel-kql', windowsRule);
    expect(r.ok).toBe(true);
    expect(r.diagnostics).toEqual([]);
  });
});

describe('sentinel-windows: the direction of a network connection (Sysmon source vs Defender local)', () => {
  const networkRule = (items: string, product = 'windows', condition = 'sel'): string =>
    `title: Net\nid: 6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d\nstatus: test\nlogsource: {product: ${product}, category: network_connection}\n` +
    `detection:\n    sel:\n        Image|endswith: '\\\\notepad.exe'\n${items}    condition: ${condition}\nlevel: low\n`;
  const converted = (text: string, pipelines = defaultPipelinesFor('sentinel-kql')) => {
    const [record] = convertFiles([parseSigmaText(text, 'r.yml')], findConverter('sentinel-kql')!, { pipelines });
    expect(record?.ok, JSON.stringify(record?.diagnostics)).toBe(true);
    const query = record?.output ?? '';
    // Microsoft's Kusto parser, against DeviceNetworkEvents' columns: every name exists and types agree.
    expect(kustoDiagnostics(query.trim(), { tables: SENTINEL_TABLES })).toEqual([]);
    return { query, warnings: (record?.diagnostics ?? []).filter((d) => d.code === 'pipeline-warning').map((d) => d.message) };
  };
  // Every rule reading a connection's ends is told which rows it does not search.
  const UNKNOWN_ROWS = expect.stringMatching(/searches only the ActionTypes whose direction is known .*ConnectionFound.* are not searched \(pipeline `sentinel-windows`, transformation `sentinel_network_unknown_direction`\)$/);
  const KNOWN = 'ActionType in~ ("ConnectionSuccess", "ConnectionFailed", "ConnectionRequest", "InboundConnectionAccepted")';
  const IN = 'ActionType =~ "InboundConnectionAccepted"';

  it('tests Destination/Source at the device\'s end for inbound rows and the other end otherwise, on rows of known direction, and says which rows it leaves out', () => {
    const { query, warnings } = converted(networkRule('        DestinationPort: 4444\n        SourceIp: 10.0.0.1\n'));
    expect(query).toBe(
      'DeviceNetworkEvents\n' +
        `| where ${KNOWN} and InitiatingProcessFolderPath endswith @"\\notepad.exe" and ` +
        `((${IN} and tostring(LocalPort) == "4444") or (not(${IN}) and tostring(RemotePort) == "4444")) and ` +
        `((${IN} and RemoteIP =~ "10.0.0.1") or (not(${IN}) and LocalIP =~ "10.0.0.1"))`,
    );
    expect(warnings).toEqual([UNKNOWN_ROWS]);
  });

  it('negates the whole choice, guards included, under `not`', () => {
    const { query } = converted(networkRule('    filter:\n        DestinationPort: 9100\n', 'windows', 'sel and not filter'));
    expect(query).toBe(
      'DeviceNetworkEvents\n' +
        `| where ${KNOWN} and InitiatingProcessFolderPath endswith @"\\notepad.exe" and ` +
        `not((${IN} and tostring(LocalPort) == "9100") or (not(${IN}) and tostring(RemotePort) == "9100"))`,
    );
  });

  it('compares the two ends of one row for a field reference (DestinationIp|fieldref: SourceIp)', () => {
    const { query } = converted(networkRule('        DestinationIp|fieldref: SourceIp\n'));
    expect(query).toContain(`((${IN} and isnotempty(LocalIP) and tostring(LocalIP) =~ tostring(RemoteIP)) or (not(${IN}) and isnotempty(RemoteIP) and tostring(RemoteIP) =~ tostring(LocalIP)))`);
  });

  it('compares two number columns as text, which Kusto accepts (`=~` on two ints is a type error, KS106)', () => {
    // converted() checks the query with Microsoft's parser against the columns' types.
    const { query } = converted(networkRule('        SourcePort|fieldref: DestinationPort\n'));
    expect(query).toContain(`isnotempty(LocalPort) and tostring(LocalPort) =~ tostring(RemotePort)`);
  });

  it('keeps a list of values one `in` per end', () => {
    const { query } = converted(networkRule('        DestinationPort: [4444, 8080]\n'));
    expect(query).toContain(`((${IN} and tostring(LocalPort) in ("4444", "8080")) or (not(${IN}) and tostring(RemotePort) in ("4444", "8080")))`);
  });

  it('tests DestinationHostname of an inbound row on DeviceName, with a warning that says so', () => {
    const { query, warnings } = converted(networkRule("        DestinationHostname|endswith: '.ngrok.io'\n"));
    expect(query).toContain(`((${IN} and DeviceName endswith ".ngrok.io") or (not(${IN}) and RemoteUrl endswith ".ngrok.io"))`);
    expect(warnings).toEqual([UNKNOWN_ROWS, expect.stringContaining('DestinationHostname of an inbound connection (ActionType InboundConnectionAccepted) is the device')]);
    expect(warnings[1]).toContain('transformation `sentinel_network_hostname`');
    expect(converted(networkRule("        DestinationHostname|endswith: '.ngrok.io'\n", 'linux')).warnings).toEqual([
      UNKNOWN_ROWS,
      expect.stringContaining('sentinel_network_hostname'),
      expect.stringContaining('sentinel_device_os'),
    ]);
  });

  it('leaves listening sockets out of every other network rule (Sysmon logs connections)', () => {
    const { query, warnings } = converted(networkRule(''));
    expect(query).toBe('DeviceNetworkEvents\n| where not(ActionType =~ "ListeningConnectionCreated") and InitiatingProcessFolderPath endswith @"\\notepad.exe"');
    expect(warnings).toEqual([]);
  });


  // Which rows are searched (sentinel_network_direction) and the DeviceName warning are decided by the
  // fields a rule's items test (contains_field); a reference names a field in an item's value. Without a
  // refusal, `ProcessId|fieldref: DestinationPort` compared RemotePort on a ConnectionFound row, whose
  // direction is unknown, and `...|fieldref: DestinationHostname` read DeviceName without the warning.
  it('refuses a rule that names a connection\'s end only as a field reference', () => {
    const refused = (items: string) => {
      const [record] = convertFiles([parseSigmaText(networkRule(items), 'r.yml')], findConverter('sentinel-kql')!, { pipelines: defaultPipelinesFor('sentinel-kql') });
      expect(record?.ok, items).toBe(false);
      return (record?.diagnostics ?? []).filter((d) => d.severity === 'error').map((d) => d.message);
    };
    for (const end of ['DestinationPort', 'DestinationIp', 'SourcePort', 'SourceIp', 'DestinationHostname']) {
      expect(refused(`        ProcessId|fieldref: ${end}\n`), end).toEqual([
        expect.stringMatching(new RegExp(`transformation \`sentinel_network_end_reference\`, field \`ProcessId\`, a reference to \`${end}\`: `)),
      ]);
    }
    // The rows are limited by DestinationIp here, but nothing tests DestinationHostname itself.
    expect(refused('        DestinationIp: 10.0.0.1\n        ProcessId|fieldref: DestinationHostname\n')).toEqual([
      expect.stringMatching(/transformation `sentinel_network_end_reference`, field `ProcessId`, a reference to `DestinationHostname`: /),
    ]);
    // A reference beside a test of the same end converts, under the direction scope (and the warning).
    const { query, warnings } = converted(networkRule("    sel2:\n        DestinationHostname: a.example\n        Image|fieldref: DestinationHostname\n", 'windows', 'sel and sel2'));
    expect(query).toContain(KNOWN);
    expect(query).toContain(
      `((${IN} and isnotempty(InitiatingProcessFolderPath) and tostring(InitiatingProcessFolderPath) =~ tostring(DeviceName)) or (not(${IN}) and isnotempty(InitiatingProcessFolderPath) and tostring(InitiatingProcessFolderPath) =~ tostring(RemoteUrl)))`,
    );
    expect(warnings).toEqual([UNKNOWN_ROWS, expect.stringContaining('transformation `sentinel_network_hostname`')]);
  });
  it('through sentinel-sysmon (Sysmon fields as written) nothing of this applies', () => {
    const sysmon = [...defaultPipelinesFor('sentinel-kql'), ...['sentinel-sysmon'].map((id) => findBuiltinPipeline(id)!.pipeline)];
    const { query, warnings } = converted(networkRule("        DestinationPort: 4444\n        DestinationHostname: a.example\n"), sysmon);
    expect(warnings).toEqual([]);
    expect(query).not.toContain('ActionType');
    expect(query).toContain('EventData.DestinationPort');
  });
});
