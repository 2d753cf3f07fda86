/**
 * Cloud, identity and Linux audit log sources through the default pipelines: one real corpus rule per
 * source family and target, as `convert -t <target>` prints it (goldens in test/golden/sources/<target>/,
 * read by hand; UPDATE_GOLDENS=1 rewrites), and every elastic-kql output of the corpus parsed with the
 * KQL parser written from Kibana's grammar.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { memoryIo } from '../support/memory-io.js';
import { convertCorpus, summarize } from '../support/convert-corpus.js';
import { HAVE_CORPUS, noteMissingCorpus, REPO_ROOT, SIGMA_DIR } from '../support/paths.js';
import { parseKql } from '../targets/elastic-kql/kql-evaluator.js';

noteMissingCorpus('cloud, identity and Linux source goldens');

/** One rule per source family (paths under the corpus's rules/). */
const SOURCE_RULES: Readonly<Record<string, string>> = {
  'aws-cloudtrail': 'cloud/aws/cloudtrail/aws_cloudtrail_console_login_success_without_mfa.yml',
  'azure-signinlogs': 'cloud/azure/signin_logs/azure_account_lockout.yml',
  'azure-auditlogs': 'cloud/azure/audit_logs/azure_ad_bitlocker_key_retrieval.yml',
  'azure-activitylogs': 'cloud/azure/activity_logs/azure_application_gateway_modified_or_deleted.yml',
  'azure-riskdetection': 'cloud/azure/identity_protection/azure_identity_protection_anomalous_token.yml',
  'gcp-audit': 'cloud/gcp/audit/gcp_bucket_enumeration.yml',
  'github-audit': 'application/github/audit/github_delete_action_invoked.yml',
  okta: 'identity/okta/okta_admin_activity_from_proxy_query.yml',
  'm365-audit': 'cloud/m365/audit/microsoft365_suspicious_email_delivered.yml',
  'linux-auditd': 'linux/auditd/lnx_auditd_keylogging_with_pam_d.yml',
};

const OPTIONS: Record<string, string[]> = { 'elastic-kql': ['-O', 'case-insensitive-fields'] };
const GOLDEN_TARGETS = ['splunk', 'elastic-kql', 'sql'];

describe.skipIf(!HAVE_CORPUS)('cloud, identity and Linux sources with the default pipelines (golden)', () => {
  for (const target of GOLDEN_TARGETS) {
    for (const [family, rule] of Object.entries(SOURCE_RULES)) {
      it(`${target}: ${family}`, async () => {
        const io = memoryIo();
        const status = await runCli(['convert', '-t', target, ...(OPTIONS[target] ?? []), join(SIGMA_DIR, 'rules', rule)], io);
        expect(status, io.err).toBe(0);
        const golden = join(REPO_ROOT, 'test/golden/sources', target, `${family}.txt`);
        if (process.env.UPDATE_GOLDENS === '1') {
          mkdirSync(dirname(golden), { recursive: true });
          writeFileSync(golden, io.out);
        }
        expect(existsSync(golden), `missing golden ${golden}`).toBe(true);
        expect(io.out).toBe(readFileSync(golden, 'utf8'));
        if (target === 'elastic-kql') parseKql(io.out.trim());
      });
    }
  }
});

describe.skipIf(!HAVE_CORPUS)('a field the source does not keep is refused, naming the field and the source', () => {
  const cases: [string, string, string, RegExp][] = [
    ['splunk', 'cloud/azure/audit_logs/azure_aad_secops_ca_policy_removedby_bad_actor.yml', 'properties.message', /Azure audit logs \(azure:monitor:aad, AuditLogs\)/],
    ['elastic-kql', 'cloud/azure/audit_logs/azure_aad_secops_ca_policy_removedby_bad_actor.yml', 'properties.message', /Azure audit logs \(event\.dataset azure\.auditlogs\)/],
    ['elastic-kql', 'linux/auditd/lnx_auditd_audio_capture.yml', 'a0', /EXECVE arguments/],
    ['elastic-kql', 'cloud/gcp/gworkspace/admin/gcp_gworkspace_application_access_levels_modified.yml', '', /no Elastic integration/],
    ['elastic-kql', 'cloud/m365/audit/microsoft365_disabling_mfa.yml', 'Operation', /moves Operation to event\.action/],
    // Splunk's JSON extraction has no field for a whole object, so NOT responseElements="*Failure*" would
    // always be true; authorizationInfo is a list whose members two tests could take from different entries.
    ['splunk', 'cloud/aws/cloudtrail/aws_disable_bucket_versioning.yml', 'requestParameters', /never the whole object/],
    ['splunk', 'cloud/aws/cloudtrail/aws_ec2_vm_export_failure.yml', 'responseElements', /never the whole object/],
    ['splunk', 'cloud/gcp/audit/gcp_access_policy_deleted.yml', 'data.protoPayload.authorizationInfo.permission', /authorizationInfo of a GCP audit log entry is a list/],
  ];
  for (const [target, rule, field, source] of cases) {
    it(`${target}: ${rule}`, async () => {
      const io = memoryIo();
      const status = await runCli(['convert', '-t', target, ...(OPTIONS[target] ?? []), join(SIGMA_DIR, 'rules', rule)], io);
      expect(status).toBe(1);
      expect(io.err).toMatch(source);
      if (field !== '') expect(io.err).toContain(`\`${field}\``);
    });
  }
});

describe.skipIf(!HAVE_CORPUS)('elastic-kql over the corpus with its default pipelines', () => {
  it('every output parses (Kibana grammar); a mapped cloud source carries its event.dataset', () => {
    const records = convertCorpus('elastic-kql', { 'case-insensitive-fields': true });
    console.log(summarize('elastic-kql -O case-insensitive-fields (ecs-windows + ecs-cloud)', records));
    const failures: string[] = [];
    for (const r of records) {
      if (!r.ok || r.output === null) continue;
      try {
        parseKql(r.output.trim());
      } catch (e) {
        failures.push(`${r.file}: ${String(e)}`);
      }
      if (/[/\\]cloud[/\\]aws[/\\]cloudtrail[/\\]/.test(r.file)) expect(r.output, r.file).toMatch(/^event\.dataset:"aws\.cloudtrail" and /);
    }
    expect(failures.slice(0, 10)).toEqual([]);
  }, 120_000);
});

/** A rule given inline (no corpus needed), converted by `convert -t <target>` with its default pipelines. */
async function convertText(target: string, text: string): Promise<{ status: number; out: string; err: string }> {
  const io = memoryIo({ '/r.yml': text });
  const status = await runCli(['convert', '-t', target, ...(OPTIONS[target] ?? []), '/r.yml'], io);
  return { status, out: io.out, err: io.err };
}

/** A Microsoft 365 rule given inline, converted with the default elastic-kql pipelines. */
const m365Kql = (detection: string) => convertText('elastic-kql', `title: t\nlogsource:\n  product: m365\n  service: audit\ndetection:\n${detection}\n  condition: sel\n`);

describe('ecs-cloud: Microsoft 365 Operation and Workload are where the o365 integration puts them', () => {
  // The integration's ingest pipeline renames o365audit.Operation -> event.action and Workload ->
  // event.provider; o365.audit.Operation never exists in a document.
  it('a whole operation name is event.action, the workload event.provider', async () => {
    const r = await m365Kql("  sel:\n    Operation: UserLoggedIn\n    Workload: AzureActiveDirectory");
    expect(r.status, r.err).toBe(0);
    expect(r.out.trim()).toBe('event.dataset:"o365.audit" and event.action:"UserLoggedIn" and event.provider:"AzureActiveDirectory"');
  });
  // It then rewrites event.action for a few operations, so those names (and wildcards that could match
  // them) cannot be searched there.
  for (const value of ["'Add user.'", 'memberadded', 'added-user-account', "'*user*'", "'Add*'"]) {
    it(`Operation ${value} is refused`, async () => {
      const r = await m365Kql(`  sel:\n    Operation: ${value}`);
      expect(r.status).toBe(1);
      expect(r.err).toContain('moves Operation to event.action');
    });
  }
  it('Operation|re is refused', async () => {
    const r = await m365Kql("  sel:\n    Operation|re: '^Set-'");
    expect(r.status).toBe(1);
    expect(r.err).toContain('moves Operation to event.action');
  });
});

describe('splunk-cloud: a CloudTrail request member that is a JSON array is addressed with {}', () => {
  it('requestParameters.layers and containerDefinitions[].command[]', async () => {
    const text =
      "title: t\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n  sel:\n    requestParameters.layers|contains: 'x'\n    requestParameters.containerDefinitions.command|contains: 'y'\n  condition: sel\n";
    const r = await convertText('splunk', text);
    expect(r.status, r.err).toBe(0);
    expect(r.out.trim()).toBe('sourcetype="aws:cloudtrail" requestParameters.layers{}="*x*" requestParameters.containerDefinitions{}.command{}="*y*"');
  });
});

describe('ecs-cloud: an Entra ID audit rule\'s category is the activity category, not the diagnostic one', () => {
  // azure.auditlogs.category is always "AuditLogs" (the diagnostic settings category); the activity's
  // category (Device, UserManagement, ...) is azure.auditlogs.properties.category, whatever case the rule
  // writes the field name in.
  for (const field of ['category', 'Category']) {
    it(field, async () => {
      const text = `title: t\nlogsource:\n  product: azure\n  service: auditlogs\ndetection:\n  sel:\n    ${field}: Device\n  condition: sel\n`;
      const r = await convertText('elastic-kql', text);
      expect(r.status, r.err).toBe(0);
      expect(r.out.trim()).toBe('event.dataset:"azure.auditlogs" and azure.auditlogs.properties.category:"Device"');
    });
  }
});

describe('sentinel-cloud: the cron log is the cron facility of Syslog', () => {
  // /var/log/cron holds crontab's "(root) REPLACE (root)", anacron and run-parts lines besides the
  // daemon's: a ProcessName test for cron/crond would miss what the rules look for.
  it('service: cron', async () => {
    const text = "title: t\nlogsource:\n  product: linux\n  service: cron\ndetection:\n  keywords:\n    - 'REPLACE'\n  condition: keywords\n";
    const r = await convertText('sentinel-kql', text);
    expect(r.status, r.err).toBe(0);
    expect(r.out.trim()).toBe('Syslog\n| where Facility =~ "cron" and * contains "REPLACE"');
  });
});

describe('sentinel-cloud: the sshd log is every program OpenSSH logs under', () => {
  // Since OpenSSH 9.8 "Accepted"/"Failed password" lines come from sshd-session (10.0: sshd-auth).
  it('service: sshd', async () => {
    const text = "title: t\nlogsource:\n  product: linux\n  service: sshd\ndetection:\n  keywords:\n    - 'Failed password'\n  condition: keywords\n";
    const r = await convertText('sentinel-kql', text);
    expect(r.status, r.err).toBe(0);
    expect(r.out.trim()).toBe('Syslog\n| where ProcessName in~ ("sshd", "sshd-session", "sshd-auth") and * contains "Failed password"');
  });
});

describe('ecs-cloud: auditd uid/euid are refused (user.id is the auid on USER_* records)', () => {
  for (const field of ['uid', 'euid']) {
    it(field, async () => {
      const text = `title: t\nlogsource:\n  product: linux\n  service: auditd\ndetection:\n  sel:\n    type: USER_LOGIN\n    ${field}: 0\n  condition: sel\n`;
      const r = await convertText('elastic-kql', text);
      expect(r.status).toBe(1);
      expect(r.err).toContain('stores uid in user.id on some record types');
    });
  }
});
