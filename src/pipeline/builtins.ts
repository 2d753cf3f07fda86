import { error, fail, type Result } from '../diagnostics/diagnostic.js';
import { pointSpan } from '../diagnostics/span.js';
import { BUILTIN_PIPELINE_TEXTS } from './builtin.generated.js';
import { parsePipelineText } from './load-pipeline.js';
import type { ProcessingPipeline } from './types.js';

/** A pipeline that ships with the tool, and the targets it is written for. */
export interface BuiltinPipeline {
  readonly name: string;
  /** The `--target`s whose schema it maps to (elastic-kql and elastic-esql read the same ECS events). */
  readonly targets: readonly string[];
  /** Applied by those targets unless `--without-pipeline`. */
  readonly isDefault: boolean;
  readonly description: string;
  readonly pipeline: ProcessingPipeline;
}

/** The registry: one line per built-in (its YAML file is src/pipeline/builtin/<name>.yml). */
const REGISTRY: readonly Omit<BuiltinPipeline, 'pipeline'>[] = [
  {
    name: 'splunk-windows',
    targets: ['splunk'],
    isDefault: true,
    description: 'Windows event logs as the Splunk Add-ons for Windows and Sysmon collect them (source, EventCode)',
  },
  {
    name: 'splunk-cloud',
    targets: ['splunk'],
    isDefault: true,
    description: 'Splunk add-ons for AWS CloudTrail, Azure AD and activity logs, GCP, Okta, GitHub, Office 365 and Linux auditd (sourcetype, JSON field paths)',
  },
  {
    name: 'ecs-windows',
    targets: ['elastic-kql', 'elastic-esql'],
    isDefault: true,
    description: 'Elastic Common Schema as Winlogbeat / Elastic Agent produce it (winlog.channel, event.code, winlog.event_data.*, process.*)',
  },
  {
    name: 'ecs-cloud',
    targets: ['elastic-kql', 'elastic-esql'],
    isDefault: true,
    description: 'Elastic Agent integrations for AWS CloudTrail, Azure (sign-in, audit, activity, identity protection), GCP audit, Okta, GitHub, Microsoft 365 and Linux auditd (event.dataset, their fields)',
  },
  {
    name: 'sentinel-windows',
    targets: ['sentinel-kql'],
    isDefault: true,
    description: 'SecurityEvent for Windows security events, Defender XDR Device* tables for Sysmon-style categories, WindowsEvent (EventData.*) for the other Windows logs',
  },
  {
    name: 'sentinel-cloud',
    targets: ['sentinel-kql'],
    isDefault: true,
    description: 'azure signinlogs/auditlogs/activitylogs/riskdetection -> SigninLogs/AuditLogs/AzureActivity/AADUserRiskEvents, aws cloudtrail -> AWSCloudTrail, gcp.audit -> GCPAuditLogs, m365 audit -> OfficeActivity, okta -> OktaV2_CL, github audit -> GitHubAuditLogsV2_CL, kubernetes audit -> AKSAudit, proxy -> CommonSecurityLog, webserver -> W3CIISLog (IIS), dns -> ASimDnsActivityLogs, linux keywords/syslog/sshd/sudo/cron/vsftpd -> Syslog',
  },
  {
    name: 'sentinel-sysmon',
    targets: ['sentinel-kql'],
    isDefault: false,
    description: 'with sentinel-windows: Sysmon in WindowsEvent (EventData.*) instead of the Device* tables for the Sysmon-style categories',
  },
  {
    name: 'sql-tables',
    targets: ['sql'],
    isDefault: true,
    description: 'one table per log source (windows_process_creation, ...), Sigma field names as columns',
  },
];

let cache: BuiltinPipeline[] | undefined;

/** Parses one built-in's YAML (a built-in that does not load is a bug of this tool, caught by its tests). */
function parseBuiltin(entry: Omit<BuiltinPipeline, 'pipeline'>): ProcessingPipeline {
  const text = BUILTIN_PIPELINE_TEXTS[entry.name];
  if (text === undefined) throw new Error(`built-in pipeline ${entry.name} has no YAML file (run npm run generate)`);
  const parsed = parsePipelineText(text, `builtin:${entry.name}`, entry.name);
  if (!parsed.ok || parsed.diagnostics.length > 0) {
    throw new Error(`built-in pipeline ${entry.name} is invalid: ${parsed.diagnostics.map((d) => `${d.span.line}:${d.span.column} ${d.message}`).join('; ')}`);
  }
  return parsed.value;
}

/**
 * Every built-in pipeline. Each is parsed when its `pipeline` is first read, then kept: a run that
 * converts for one target parses only that target's pipelines.
 */
export function builtinPipelines(): readonly BuiltinPipeline[] {
  if (cache === undefined) {
    cache = REGISTRY.map((entry) => {
      let parsed: ProcessingPipeline | undefined;
      return {
        ...entry,
        get pipeline(): ProcessingPipeline {
          parsed ??= parseBuiltin(entry);
          return parsed;
        },
      };
    });
  }
  return cache;
}

export function findBuiltinPipeline(name: string): BuiltinPipeline | undefined {
  return builtinPipelines().find((b) => b.name === name);
}

/** The pipelines a target applies by default (none for a target without one). */
export function defaultPipelinesFor(target: string): readonly ProcessingPipeline[] {
  return builtinPipelines()
    .filter((b) => b.isDefault && b.targets.includes(target))
    .map((b) => b.pipeline);
}

/**
 * Resolves one `--pipeline` argument: a built-in name, or else a file that `readFile` reads (the caller
 * does the I/O; undefined means no such file). Problems come back as diagnostics.
 */
export function resolvePipelineRef(ref: string, readFile?: (path: string) => string | undefined): Result<ProcessingPipeline> {
  const builtin = findBuiltinPipeline(ref);
  if (builtin !== undefined) return { ok: true, value: builtin.pipeline, diagnostics: [] };
  const text = readFile?.(ref);
  if (text === undefined) {
    return fail([
      error(
        'pipeline-unknown',
        `no built-in pipeline named \`${ref}\` and no such file; built-in pipelines: ${builtinPipelines()
          .map((b) => b.name)
          .join(', ')}`,
        pointSpan(ref),
      ),
    ]);
  }
  return parsePipelineText(text, ref);
}
