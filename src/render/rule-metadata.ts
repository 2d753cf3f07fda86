import { attackCoverage, techniqueUrl } from '../explain/attack.js';
import type { Level, LogSource, SigmaCorrelation, SigmaRule, Status } from '../rule/model.js';
import { ATTACK_TACTICS, DEFAULT_LEVEL } from './vendor-maps.js';

/**
 * A rule's metadata as output formats use it: plain values (never pre-escaped; templates escape them for
 * their file format), ATT&CK ids parsed from the tags (src/explain/attack.ts), and the attribution that
 * the Detection Rule License asks for.
 */
export interface RuleMetadata {
  readonly title: string;
  readonly id: string | null;
  readonly author: string | null;
  readonly license: string | null;
  readonly description: string | null;
  readonly references: readonly string[];
  readonly tags: readonly string[];
  readonly level: Level | null;
  /** `level`, or medium when the rule has none (vendor-maps.ts). */
  readonly severityLevel: Level;
  readonly status: Status | null;
  readonly date: string | null;
  readonly modified: string | null;
  readonly falsepositives: readonly string[];
  readonly logsource: LogSource;
  readonly attack: AttackIds;
  readonly attribution: Attribution;
}

export interface AttackIds {
  /** Tactics named by tags, in tag order; `id` (TA0008) and `sentinel` are null for an unknown slug. */
  readonly tactics: readonly { readonly slug: string; readonly name: string; readonly id: string | null; readonly sentinel: string | null; readonly reference: string | null }[];
  /** Techniques and sub-techniques in tag order (`T1021.002` has parent `T1021`). */
  readonly techniques: readonly { readonly id: string; readonly parent: string | null; readonly reference: string }[];
}

/** Where a rule came from, for its licence notice. */
export type RuleOrigin = 'sigmahq' | 'other';

export interface Attribution {
  readonly origin: RuleOrigin;
  /** The licence as stated by the rule, or the DRL for SigmaHQ's rules; null when neither says. */
  readonly license: string | null;
  readonly licenseUrl: string | null;
  readonly ruleSet: string | null;
  /** One line each: title, id, author, licence, rule set. Every format writes them. */
  readonly lines: readonly string[];
}

export const DRL = {
  name: 'Detection Rule License (DRL) 1.1',
  url: 'https://github.com/SigmaHQ/Detection-Rule-License',
  ruleSet: 'https://github.com/SigmaHQ/sigma',
} as const;

/**
 * The top-level folders of the SigmaHQ repository that hold rules, and the folders directly below them
 * (https://github.com/SigmaHQ/sigma: rules/windows/..., rules-emerging-threats/2024/..., deprecated/other/...).
 * With `origin=auto`, a rule without a `license` is taken to be SigmaHQ's (its notice is the DRL) only when
 * its path has this layout: a top folder followed by a second-level folder. Any folder named `rules` alone
 * is too common to say so. `--format-option origin=sigmahq|other` decides explicitly.
 */
const SIGMAHQ_FOLDERS = new Set(['rules', 'rules-emerging-threats', 'rules-threat-hunting', 'rules-placeholder', 'rules-compliance', 'rules-dfir', 'deprecated', 'unsupported']);
const SIGMAHQ_SECOND_LEVEL = new Set(['windows', 'linux', 'macos', 'cloud', 'network', 'web', 'application', 'category', 'identity', 'compliance', 'product', 'other', 'zeek']);

export function guessOrigin(rule: SigmaRule | SigmaCorrelation): RuleOrigin {
  if (rule.license !== undefined) return 'other';
  const folders = rule.file.split(/[\\/]/).slice(0, -1);
  const sigmahq = folders.some((f, i) => {
    const next = folders[i + 1];
    // rules-emerging-threats is sorted by year (rules-emerging-threats/2024/Exploits/...).
    return SIGMAHQ_FOLDERS.has(f) && next !== undefined && (SIGMAHQ_SECOND_LEVEL.has(next) || (f === 'rules-emerging-threats' && /^\d{4}$/.test(next)));
  });
  return sigmahq ? 'sigmahq' : 'other';
}

export function ruleMetadata(rule: SigmaRule | SigmaCorrelation, origin: RuleOrigin = guessOrigin(rule)): RuleMetadata {
  const coverage = attackCoverage(rule.tags);
  const license = rule.license ?? (origin === 'sigmahq' ? DRL.name : null);
  const attributionLines = [
    `Sigma rule: ${rule.title}`,
    ...(rule.id !== undefined ? [`Sigma rule id: ${rule.id}`] : []),
    ...(rule.author !== undefined ? [`Author: ${rule.author}`] : []),
    `License: ${license ?? 'not stated by the rule'}${license === DRL.name ? ` (${DRL.url})` : ''}`,
    ...(origin === 'sigmahq' ? [`Rule set: SigmaHQ (${DRL.ruleSet})`] : []),
  ];
  return {
    title: rule.title,
    id: rule.id ?? null,
    author: rule.author ?? null,
    license: rule.license ?? null,
    description: rule.description ?? null,
    references: rule.references,
    tags: rule.tags,
    level: rule.level ?? null,
    severityLevel: rule.level ?? DEFAULT_LEVEL,
    status: rule.status ?? null,
    date: rule.date ?? null,
    modified: rule.modified ?? null,
    falsepositives: rule.falsepositives,
    // A correlation has no log source of its own.
    logsource: rule.kind === 'rule' ? rule.logsource : {},
    attack: {
      tactics: coverage.tactics.map((t) => {
        const known = ATTACK_TACTICS[t.id];
        return {
          slug: t.id,
          name: known?.name ?? t.name,
          id: known?.id ?? null,
          sentinel: known?.sentinel ?? null,
          reference: known ? `https://attack.mitre.org/tactics/${known.id}/` : null,
        };
      }),
      techniques: coverage.techniques.map((t) => ({
        id: t.id,
        parent: t.parent ?? null,
        reference: techniqueUrl(t.id),
      })),
    },
    attribution: {
      origin,
      license,
      licenseUrl: license === DRL.name ? DRL.url : null,
      ruleSet: origin === 'sigmahq' ? DRL.ruleSet : null,
      lines: attributionLines,
    },
  };
}

/** The rule's description (or its title when it has none) followed by the attribution lines. */
export function describedWithAttribution(meta: RuleMetadata): string {
  const text = (meta.description ?? '').trim();
  return `${text === '' ? meta.title : text}\n\n${meta.attribution.lines.join('\n')}`;
}
