import type { Level } from '../rule/model.js';

/**
 * The tables that turn Sigma metadata into each vendor's vocabulary. Every mapping cites the vendor
 * document its values come from. A rule without `level` is treated as `medium` (Sigma's middle level:
 * "medium: relevant event that should be reviewed manually on a more frequent basis").
 */
export const DEFAULT_LEVEL: Level = 'medium';

/**
 * Splunk `alert.severity` (savedsearches.conf.spec: "Valid values are: 1-debug, 2-info, 3-warn, 4-error,
 * 5-severe, 6-fatal"). debug (1) is never used: a detection is at least information.
 */
export const SPLUNK_SEVERITY: Readonly<Record<Level, number>> = {
  informational: 2,
  low: 3,
  medium: 4,
  high: 5,
  critical: 6,
};

/**
 * Kibana detection rules: `severity` is one of low, medium, high, critical (create rule API), and
 * `risk_score` 0-100; Kibana's rule editor ties severities to risk score ranges (low 0-21, medium 22-47,
 * high 48-73, critical 74-100) and Elastic's prebuilt rules use the top of each range. Sigma's
 * informational has no Kibana severity: it becomes low with the lowest risk score.
 * https://www.elastic.co/guide/en/security/current/rules-api-create.html
 */
export const ELASTIC_SEVERITY: Readonly<Record<Level, { readonly severity: 'low' | 'medium' | 'high' | 'critical'; readonly riskScore: number }>> = {
  informational: { severity: 'low', riskScore: 1 },
  low: { severity: 'low', riskScore: 21 },
  medium: { severity: 'medium', riskScore: 47 },
  high: { severity: 'high', riskScore: 73 },
  critical: { severity: 'critical', riskScore: 99 },
};

/**
 * Microsoft Sentinel scheduled rules: severity is Informational, Low, Medium or High (ARM
 * Microsoft.SecurityInsights/alertRules ScheduledAlertRuleProperties.severity; the same values in the
 * Azure-Sentinel repository's analytics rule YAML). There is no Critical: Sigma's critical becomes High.
 */
export const SENTINEL_SEVERITY: Readonly<Record<Level, 'Informational' | 'Low' | 'Medium' | 'High'>> = {
  informational: 'Informational',
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  critical: 'High',
};

/**
 * MITRE ATT&CK tactics (Enterprise and ICS) by the slug Sigma's tags use (`attack.lateral-movement`),
 * with their ATT&CK ids (https://attack.mitre.org/tactics/enterprise/, /tactics/ics/) and the names
 * Sentinel's `tactics` accept (ScheduledAlertRuleProperties.tactics: Collection, CommandAndControl,
 * ..., ImpairProcessControl, InhibitResponseFunction, ...; PreAttack has no ATT&CK tactic).
 * A tactic slug not listed here is kept in tags but left out of the vendor's tactic fields.
 */
export interface TacticInfo {
  readonly id: string;
  readonly name: string;
  readonly sentinel: string;
}

export const ATTACK_TACTICS: Readonly<Record<string, TacticInfo>> = {
  reconnaissance: { id: 'TA0043', name: 'Reconnaissance', sentinel: 'Reconnaissance' },
  'resource-development': { id: 'TA0042', name: 'Resource Development', sentinel: 'ResourceDevelopment' },
  'initial-access': { id: 'TA0001', name: 'Initial Access', sentinel: 'InitialAccess' },
  execution: { id: 'TA0002', name: 'Execution', sentinel: 'Execution' },
  persistence: { id: 'TA0003', name: 'Persistence', sentinel: 'Persistence' },
  'privilege-escalation': { id: 'TA0004', name: 'Privilege Escalation', sentinel: 'PrivilegeEscalation' },
  'defense-evasion': { id: 'TA0005', name: 'Defense Evasion', sentinel: 'DefenseEvasion' },
  // ATT&CK v19 split Defense Evasion into Stealth and Defense Impairment, and SigmaHQ's rules now use
  // `attack.stealth` and `attack.defense-impairment`. The vendors' tactic lists (Sentinel's `tactics`
  // enum, Kibana's ATT&CK data) know only Defense Evasion (TA0005), the tactic both were split from, so
  // both map to it; the tags themselves are kept as written.
  stealth: { id: 'TA0005', name: 'Defense Evasion', sentinel: 'DefenseEvasion' },
  'defense-impairment': { id: 'TA0005', name: 'Defense Evasion', sentinel: 'DefenseEvasion' },
  'credential-access': { id: 'TA0006', name: 'Credential Access', sentinel: 'CredentialAccess' },
  discovery: { id: 'TA0007', name: 'Discovery', sentinel: 'Discovery' },
  'lateral-movement': { id: 'TA0008', name: 'Lateral Movement', sentinel: 'LateralMovement' },
  collection: { id: 'TA0009', name: 'Collection', sentinel: 'Collection' },
  'command-and-control': { id: 'TA0011', name: 'Command and Control', sentinel: 'CommandAndControl' },
  exfiltration: { id: 'TA0010', name: 'Exfiltration', sentinel: 'Exfiltration' },
  impact: { id: 'TA0040', name: 'Impact', sentinel: 'Impact' },
  'impair-process-control': { id: 'TA0106', name: 'Impair Process Control', sentinel: 'ImpairProcessControl' },
  'inhibit-response-function': { id: 'TA0107', name: 'Inhibit Response Function', sentinel: 'InhibitResponseFunction' },
};

/**
 * The sentinel-cloud tables whose connector ids the Azure-Sentinel Detections agree on (SigninLogs and
 * AuditLogs: `AzureActiveDirectory`; AzureActivity: `AzureActivity`; AWSCloudTrail: `AWS` and the S3
 * connector `AWSS3`; OfficeActivity: `Office365`; W3CIISLog: `AzureMonitor(IIS)`). The other tables
 * (GCP, Okta, GitHub, AKS, CEF, Syslog, DNS) have several connectors or none the Detections name
 * consistently: their rules list no connector rather than a guessed one.
 */
const CLOUD_CONNECTORS: Readonly<Record<string, readonly { readonly connectorId: string; readonly dataTypes: readonly string[] }[]>> = {
  SigninLogs: [{ connectorId: 'AzureActiveDirectory', dataTypes: ['SigninLogs'] }],
  AuditLogs: [{ connectorId: 'AzureActiveDirectory', dataTypes: ['AuditLogs'] }],
  AzureActivity: [{ connectorId: 'AzureActivity', dataTypes: ['AzureActivity'] }],
  AWSCloudTrail: [
    { connectorId: 'AWS', dataTypes: ['AWSCloudTrail'] },
    { connectorId: 'AWSS3', dataTypes: ['AWSCloudTrail'] },
  ],
  OfficeActivity: [{ connectorId: 'Office365', dataTypes: ['OfficeActivity'] }],
  W3CIISLog: [{ connectorId: 'AzureMonitor(IIS)', dataTypes: ['W3CIISLog'] }],
};

/**
 * Sentinel `requiredDataConnectors` by the table a query reads (Azure-Sentinel repository: the
 * connector ids its Detections use for each table; SecurityEvent is collected by the legacy agent
 * connector `SecurityEvents` and the Azure Monitor Agent connector `WindowsSecurityEvents`; the
 * Device* tables come from the Microsoft Defender XDR connector `MicrosoftThreatProtection`; WindowsEvent
 * from the Azure Monitor Agent connector `WindowsForwardedEvents`).
 */
export function sentinelConnectors(table: string | null): readonly { readonly connectorId: string; readonly dataTypes: readonly string[] }[] {
  if (table === null) return [];
  if (table === 'SecurityEvent') {
    return [
      { connectorId: 'SecurityEvents', dataTypes: ['SecurityEvent'] },
      { connectorId: 'WindowsSecurityEvents', dataTypes: ['SecurityEvent'] },
    ];
  }
  if (/^Device[A-Za-z]*Events$/.test(table)) return [{ connectorId: 'MicrosoftThreatProtection', dataTypes: [table] }];
  if (table === 'WindowsEvent') return [{ connectorId: 'WindowsForwardedEvents', dataTypes: ['WindowsEvent'] }];
  return CLOUD_CONNECTORS[table] ?? [];
}

/**
 * Sentinel entity mappings by table: entity types and identifiers from "Entity types and identifiers"
 * (https://learn.microsoft.com/azure/sentinel/entities-reference): Account (FullName, Name, NTDomain),
 * Host (FullName, HostName), IP (Address), Process (ProcessId, CommandLine), File (Name, Directory),
 * RegistryKey (Key). A mapping is only written when the table has the column (the tests check every
 * column against src/pipeline/schemas/sentinel-tables.ts); queries keep every column (no `project`).
 */
export interface EntityMapping {
  readonly entityType: string;
  readonly fieldMappings: readonly { readonly identifier: string; readonly columnName: string }[];
}

const DEVICE_HOST: EntityMapping = { entityType: 'Host', fieldMappings: [{ identifier: 'FullName', columnName: 'DeviceName' }] };

export const SENTINEL_ENTITY_MAPPINGS: Readonly<Record<string, readonly EntityMapping[]>> = {
  SecurityEvent: [
    { entityType: 'Account', fieldMappings: [{ identifier: 'FullName', columnName: 'Account' }] },
    { entityType: 'Host', fieldMappings: [{ identifier: 'FullName', columnName: 'Computer' }] },
    { entityType: 'IP', fieldMappings: [{ identifier: 'Address', columnName: 'IpAddress' }] },
  ],
  DeviceProcessEvents: [
    DEVICE_HOST,
    { entityType: 'Account', fieldMappings: [{ identifier: 'Name', columnName: 'AccountName' }, { identifier: 'NTDomain', columnName: 'AccountDomain' }] },
    { entityType: 'Process', fieldMappings: [{ identifier: 'ProcessId', columnName: 'ProcessId' }, { identifier: 'CommandLine', columnName: 'ProcessCommandLine' }] },
  ],
  DeviceFileEvents: [
    DEVICE_HOST,
    { entityType: 'File', fieldMappings: [{ identifier: 'Name', columnName: 'FileName' }, { identifier: 'Directory', columnName: 'FolderPath' }] },
  ],
  DeviceRegistryEvents: [DEVICE_HOST, { entityType: 'RegistryKey', fieldMappings: [{ identifier: 'Key', columnName: 'RegistryKey' }] }],
  DeviceNetworkEvents: [DEVICE_HOST, { entityType: 'IP', fieldMappings: [{ identifier: 'Address', columnName: 'RemoteIP' }] }],
  DeviceImageLoadEvents: [DEVICE_HOST, { entityType: 'File', fieldMappings: [{ identifier: 'Name', columnName: 'FileName' }, { identifier: 'Directory', columnName: 'FolderPath' }] }],
  DeviceEvents: [DEVICE_HOST],
  WindowsEvent: [{ entityType: 'Host', fieldMappings: [{ identifier: 'FullName', columnName: 'Computer' }] }],
  // sentinel-cloud tables: the user (UPN) and the client address where the table names them.
  SigninLogs: [
    { entityType: 'Account', fieldMappings: [{ identifier: 'FullName', columnName: 'UserPrincipalName' }] },
    { entityType: 'IP', fieldMappings: [{ identifier: 'Address', columnName: 'IPAddress' }] },
  ],
  AADUserRiskEvents: [
    { entityType: 'Account', fieldMappings: [{ identifier: 'FullName', columnName: 'UserPrincipalName' }] },
    { entityType: 'IP', fieldMappings: [{ identifier: 'Address', columnName: 'IpAddress' }] },
  ],
  AzureActivity: [{ entityType: 'IP', fieldMappings: [{ identifier: 'Address', columnName: 'CallerIpAddress' }] }],
  AWSCloudTrail: [{ entityType: 'IP', fieldMappings: [{ identifier: 'Address', columnName: 'SourceIpAddress' }] }],
  OfficeActivity: [
    { entityType: 'Account', fieldMappings: [{ identifier: 'FullName', columnName: 'UserId' }] },
    { entityType: 'IP', fieldMappings: [{ identifier: 'Address', columnName: 'ClientIP' }] },
  ],
  W3CIISLog: [
    { entityType: 'Host', fieldMappings: [{ identifier: 'FullName', columnName: 'Computer' }] },
    { entityType: 'IP', fieldMappings: [{ identifier: 'Address', columnName: 'cIP' }] },
  ],
  Syslog: [{ entityType: 'Host', fieldMappings: [{ identifier: 'FullName', columnName: 'Computer' }] }],
};
