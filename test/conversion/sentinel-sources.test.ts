/**
 * sentinel-kql with its default pipelines (sentinel-windows + sentinel-cloud) beyond Windows: one real
 * corpus rule per log source family (test/fixtures/sentinel-sources), as `convert -t sentinel-kql` prints
 * it. Goldens: test/golden/pipelines/sentinel-sources/<rule>.txt, read by hand (UPDATE_GOLDENS=1 rewrites).
 * Every output is analysed by Microsoft's Kusto parser against the real columns of the tables; the
 * refusals name the field and the table, or the reason a source has no table.
 */
import yaml from 'js-yaml';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { SENTINEL_TABLES } from '../../src/pipeline/schemas/sentinel-tables.js';
import { convertPack, schemaValidator } from '../formats/support.js';
import { kustoDiagnostics } from '../support/kusto.js';
import { memoryIo } from '../support/memory-io.js';
import { REPO_ROOT } from '../support/paths.js';

const FIXTURES = join(REPO_ROOT, 'test/fixtures/sentinel-sources');
const GOLDENS = join(REPO_ROOT, 'test/golden/pipelines/sentinel-sources');

async function convert(file: string, text?: string): Promise<{ status: number; out: string; err: string }> {
  const io = memoryIo(text === undefined ? {} : { [file]: text });
  const status = await runCli(['convert', '-t', 'sentinel-kql', file], io);
  return { status, out: io.out, err: io.err };
}

/** The table a rule's query starts from (its first line). */
const tableOf = (out: string): string => out.split('\n').find((l) => l !== '' && !l.startsWith('#')) ?? '';

describe('sentinel-kql default pipelines: one rule per cloud, identity, web and Linux source (golden)', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.yml')).sort();
  for (const file of files) {
    it(file, async () => {
      const { status, out, err } = await convert(join(FIXTURES, file));
      expect(status, err).toBe(0);
      const golden = join(GOLDENS, file.replace(/\.yml$/, '.txt'));
      if (process.env.UPDATE_GOLDENS === '1') {
        mkdirSync(dirname(golden), { recursive: true });
        writeFileSync(golden, out);
      }
      expect(existsSync(golden), `missing golden ${golden}`).toBe(true);
      expect(out).toBe(readFileSync(golden, 'utf8'));
      expect(Object.keys(SENTINEL_TABLES)).toContain(tableOf(out));
      expect(kustoDiagnostics(out.trim(), { tables: SENTINEL_TABLES })).toEqual([]);
    });
  }

  it('has no orphaned golden', () => {
    const goldens = readdirSync(GOLDENS).map((f) => f.replace(/\.txt$/, '.yml'));
    expect(goldens.sort()).toEqual(files);
  });

  it('the analysis fails a column the table does not have, so it proves something', async () => {
    const { out } = await convert(join(FIXTURES, 'aws_cloudtrail_bucket_deleted.yml'));
    expect(out).toContain('EventName');
    expect(kustoDiagnostics(out.trim().replace('EventName', 'eventName'), { tables: SENTINEL_TABLES }).length).toBeGreaterThan(0);
  });
});

/** A rule with the given log source and detection (YAML lines under `detection:`). */
function ruleText(logsource: string, detection: string): string {
  return `title: t\nid: 5f4a8b2e-6f0a-4a51-9d7e-0b6d2b7c1a11\nlogsource:\n${logsource}\ndetection:\n${detection}\n    condition: sel\n`;
}

describe('sentinel-cloud refusals name the field and the table, or the reason', () => {
  const cases: [string, string, string, RegExp][] = [
    ['a sign-in `Status` (a dynamic object, not the text Success)', '    product: azure\n    service: signinlogs', "    sel:\n        Status: 'Success'", /unmapped-field.*`Status`.*SigninLogs has no column/],
    ['an audit `properties.message`', '    product: azure\n    service: auditlogs', '    sel:\n        properties.message: Add user', /unmapped-field.*`properties\.message`.*AuditLogs has no column/],
    ['a path into CloudTrail JSON text', '    product: aws\n    service: cloudtrail', "    sel:\n        requestParameters.attribute: 'userData'", /unmapped-field.*`requestParameters\.attribute`.*AWSCloudTrail/],
    ['an Okta bool column', '    product: okta\n    service: okta', "    sel:\n        securityContext.isProxy: 'true'", /unmapped-field.*`securityContext\.isProxy`.*OktaV2_CL/],
    ['an IIS header field logged with its spaces replaced', '    category: webserver', "    sel:\n        cs-user-agent|contains: 'Mozilla/5.0 (Windows'", /unmapped-field.*`cs-user-agent`.*W3CIISLog/],
    ['a PIM alert', '    product: azure\n    service: pim', "    sel:\n        riskEventType: 'staleSignInAlertIncident'", /unsupported-construct.*Privileged Identity Management alerts are not stored/],
    ['a Microsoft 365 alert', '    product: m365\n    service: threat_management', "    sel:\n        eventSource: SecurityComplianceCenter", /unsupported-construct.*Microsoft 365 alert rules/],
    ['auditd (no Microsoft table)', '    product: linux\n    service: auditd', "    sel:\n        type: 'EXECVE'", /unsupported-construct.*sentinel-windows has no table for this log source/],
  ];
  for (const [what, logsource, detection, expected] of cases) {
    it(what, async () => {
      const { status, err } = await convert('rule.yml', ruleText(logsource, detection));
      expect(status).toBe(1);
      expect(err).toMatch(expected);
      // One refusal per rule: the cloud pipeline's reason, not also sentinel-windows' "no table".
      expect(err.match(/error\[/g)?.length, err).toBe(1);
    });
  }
});

describe('sentinel-kql analytics rules for the cloud tables', () => {
  it('a SigninLogs rule names the Entra ID connector and maps the account and address; the rule validates', () => {
    const file = join(FIXTURES, 'azure_mfa_interrupted.yml');
    const { pack } = convertPack('sentinel-kql', 'analytics-rule', [{ text: readFileSync(file, 'utf8'), file }]);
    const doc = yaml.load(pack.text) as Record<string, unknown>;
    expect(schemaValidator('sentinel-analytics-rule')(doc)).toEqual([]);
    expect(doc['requiredDataConnectors']).toEqual([{ connectorId: 'AzureActiveDirectory', dataTypes: ['SigninLogs'] }]);
    expect(doc['entityMappings']).toEqual([
      { entityType: 'Account', fieldMappings: [{ identifier: 'FullName', columnName: 'UserPrincipalName' }] },
      { entityType: 'IP', fieldMappings: [{ identifier: 'Address', columnName: 'IPAddress' }] },
    ]);
  });

  it('a table without an agreed connector lists none rather than a guess', () => {
    const file = join(FIXTURES, 'okta_fastpass_phishing_detection.yml');
    const { pack } = convertPack('sentinel-kql', 'analytics-rule', [{ text: readFileSync(file, 'utf8'), file }]);
    expect(pack.text).toMatch(/^requiredDataConnectors: \[\]$/m);
  });
});
