/**
 * Every Windows `service` the active SigmaHQ corpus uses gets the channel of its log in each Windows
 * pipeline (splunk-windows, ecs-windows, sentinel-windows); a service none of them knows is still
 * refused (a query without the channel would match the same event ids in every log).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listYamlFiles } from '../../src/cli/io.js';
import { applyPipelines } from '../../src/pipeline/apply.js';
import { findBuiltinPipeline } from '../../src/pipeline/builtins.js';
import { parseSigmaText } from '../../src/rule/parse-documents.js';
import { ACTIVE_FOLDERS, HAVE_CORPUS, SIGMA_DIR, noteMissingCorpus } from '../support/paths.js';
import { errors, m, okValue, rule, tree } from './helpers.js';

const builtin = (name: string) => {
  const b = findBuiltinPipeline(name);
  if (!b) throw new Error(`no built-in ${name}`);
  return b.pipeline;
};

/** The Windows services of the active corpus (SigmaHQ, December 2026), so the test runs without it too. */
const CORPUS_SERVICES = [
  'application', 'applocker', 'appmodel-runtime', 'appxdeployment-server', 'appxpackaging-om', 'bits-client', 'capi2',
  'certificateservicesclient-lifecycle-system', 'codeintegrity-operational', 'diagnosis-scripted', 'dns-client', 'dns-server',
  'dns-server-analytic', 'driver-framework', 'firewall-as', 'iis-configuration', 'ldap', 'lsa-server',
  'microsoft-servicebus-client', 'msexchange-management', 'ntlm', 'openssh', 'powershell', 'powershell-classic',
  'printservice-admin', 'printservice-operational', 'security', 'security-mitigations', 'shell-core', 'smbclient-connectivity',
  'smbclient-security', 'smbserver-connectivity', 'sysmon', 'system', 'taskscheduler', 'terminalservices-localsessionmanager',
  'windefend', 'wmi',
];

/**
 * Services a pipeline deliberately leaves without a channel, with the reason; each must be refused
 * with the pipeline's unknown-channel message.
 */
const LEFT_OUT: Record<string, Record<string, string>> = {
  'splunk-windows': {},
  'ecs-windows': {},
  // WindowsEvent keeps named <EventData> only: these logs write <UserData> (WMI-Activity) or unnamed
  // data (MSExchange Management), see sentinel-windows.yml.
  'sentinel-windows': { wmi: 'UserData events', 'msexchange-management': 'unnamed event data' },
};

const REFUSAL: Record<string, RegExp> = {
  'splunk-windows': /splunk-windows does not know the event log channel of this Windows service/,
  'ecs-windows': /ecs-windows does not know the event log channel of this Windows service/,
  'sentinel-windows': /sentinel-windows has no table for this log source/,
};

/** How each pipeline's channel condition reads in the pipeline-applied tree. */
const CHANNEL: Record<string, RegExp> = {
  'splunk-windows': /source matches(-exact-spelling)? "(Xml)?WinEventLog:/,
  'ecs-windows': /winlog\.channel matches(-exact-spelling)? "/,
  'sentinel-windows': /Channel matches(-exact-spelling)? "/,
};

function corpusServices(): string[] {
  const found = new Set<string>();
  for (const folder of ACTIVE_FOLDERS) {
    for (const file of listYamlFiles(join(SIGMA_DIR, folder))) {
      for (const d of parseSigmaText(readFileSync(file), file).documents) {
        const doc = d.document;
        if (doc?.kind === 'rule' && doc.logsource.product === 'windows' && doc.logsource.service !== undefined) found.add(doc.logsource.service);
      }
    }
  }
  return [...found].sort();
}

noteMissingCorpus('Windows service channels of the corpus');

describe('Windows services and their channels in every Windows pipeline', () => {
  const services = [...new Set([...CORPUS_SERVICES, 'ldap_debug'])].sort();
  for (const name of Object.keys(CHANNEL)) {
    it.each(services)(`${name}: %s`, (service) => {
      const r = rule(m('EventID', 1), { product: 'windows', service });
      const reason = LEFT_OUT[name]?.[service];
      if (reason !== undefined) {
        expect(errors(applyPipelines(r, [builtin(name)]))[0]).toMatch(REFUSAL[name]!);
        return;
      }
      const out = applyPipelines(r, [builtin(name)]);
      expect(out.ok, JSON.stringify(out.ok ? null : out.diagnostics.map((d) => d.message))).toBe(true);
      // SecurityEvent holds the Security log only: its table is its channel.
      if (name === 'sentinel-windows' && service === 'security') return;
      expect(tree(okValue(out).rule.detection)).toMatch(CHANNEL[name]!);
    });
  }

  it.each(Object.keys(REFUSAL))('%s still refuses a Windows service it does not know', (name) => {
    const r = rule(m('EventID', 1), { product: 'windows', service: 'no-such-service' });
    expect(errors(applyPipelines(r, [builtin(name)]))[0]).toMatch(REFUSAL[name]!);
  });

  // A channel whose letter case is not verified is tested without case; ones Windows writes as known stay exact.
  it('ecs-windows tests the new channels without case and the verified ones with it', () => {
    const channel = (service: string) => tree(okValue(applyPipelines(rule(m('EventID', 1), { product: 'windows', service }), [builtin('ecs-windows')])).rule.detection);
    expect(channel('smbclient-security')).toContain('winlog.channel matches "Microsoft-Windows-SmbClient/Security"');
    expect(channel('security')).toContain('winlog.channel matches-exact-spelling "Security"');
  });

  it('lists every spelling the sources give (an OR of channel names)', () => {
    const splunk = tree(okValue(applyPipelines(rule(m('EventID', 1), { product: 'windows', service: 'security-mitigations' }), [builtin('splunk-windows')])).rule.detection);
    for (const c of ['Kernel Mode', 'KernelMode', 'User Mode', 'UserMode']) {
      expect(splunk).toContain(`"WinEventLog:Microsoft-Windows-Security-Mitigations/${c}"`);
      expect(splunk).toContain(`"XmlWinEventLog:Microsoft-Windows-Security-Mitigations/${c}"`);
    }
  });

  it.skipIf(!HAVE_CORPUS)('covers every Windows service the active corpus uses', () => {
    expect(corpusServices().filter((s) => !CORPUS_SERVICES.includes(s))).toEqual([]);
  });
});

// The three Windows pipelines each carry their own copy of the service -> channel table (see the YAML
// comments): they must name the same channels for every service, so a fix to one is made to all.
describe('the Windows pipelines agree on every service channel', () => {
  const channelsOf = (name: string, service: string): string[] => {
    const out = applyPipelines(rule(m('EventID', 1), { product: 'windows', service }), [builtin(name)]);
    if (!out.ok) return [];
    const pattern = name === 'splunk-windows' ? /source matches(?:-exact-spelling)? "(?:Xml)?WinEventLog:([^"]*)"/g : name === 'ecs-windows' ? /winlog\.channel matches(?:-exact-spelling)? "([^"]*)"/g : /Channel matches(?:-exact-spelling)? "([^"]*)"/g;
    return [...new Set([...tree(okValue(out).rule.detection).matchAll(pattern)].map((x) => x[1] ?? ''))].sort();
  };
  const services = [...new Set([...CORPUS_SERVICES, 'ldap_debug'])].sort().filter((s) => s !== 'security');
  it.each(services)('%s', (service) => {
    const splunk = channelsOf('splunk-windows', service);
    expect(splunk.length).toBeGreaterThan(0);
    expect(channelsOf('ecs-windows', service)).toEqual(splunk);
    if (LEFT_OUT['sentinel-windows']?.[service] === undefined) expect(channelsOf('sentinel-windows', service)).toEqual(splunk);
  });
});
