import type { AttackCoverage, AttackTactic, AttackTechnique } from './explanation.js';

/** ATT&CK object ids in tags: techniques `t1234(.001)`, and groups, software, mitigations, ... (SPEC-DIGEST §2). */
const TECHNIQUE = /^t(\d{4})(?:\.(\d{3}))?$/;
const OTHER_ID = /^(?:g|s|m|ds|a|ta|c)\d{4}$/;
/** Tactic slugs: words joined by `-` (v2) or `_` (older rules). */
const TACTIC = /^[a-z]+(?:[-_][a-z]+)*$/;

/**
 * The technique's page on the ATT&CK site: a sub-technique T1021.002 lives at
 * https://attack.mitre.org/techniques/T1021/002/ (the site's URL form).
 */
export function techniqueUrl(id: string): string {
  return `https://attack.mitre.org/techniques/${id.replace('.', '/')}/`;
}

/**
 * ATT&CK coverage from `attack.*` tags. Tactic names are the slug title-cased; technique ids are
 * upper-cased. No names are looked up: there is no local copy of ATT&CK to take them from.
 */
export function attackCoverage(tags: readonly string[]): AttackCoverage {
  const tactics: AttackTactic[] = [];
  const techniques: AttackTechnique[] = [];
  const other: string[] = [];
  for (const tag of tags) {
    const lower = tag.toLowerCase();
    if (!lower.startsWith('attack.')) continue;
    const value = lower.slice('attack.'.length);
    const technique = TECHNIQUE.exec(value);
    if (technique) {
      const id = value.toUpperCase();
      if (techniques.some((t) => t.id === id)) continue;
      techniques.push(technique[2] === undefined ? { id } : { id, parent: `T${technique[1] ?? ''}` });
    } else if (OTHER_ID.test(value)) {
      const id = value.toUpperCase();
      if (!other.includes(id)) other.push(id);
    } else if (TACTIC.test(value)) {
      const id = value.replace(/_/g, '-');
      if (!tactics.some((t) => t.id === id)) tactics.push({ id, name: tacticName(id) });
    } else if (!other.includes(value)) {
      other.push(value);
    }
  }
  return { tactics, techniques, other };
}

const LOWER_WORDS = new Set(['and', 'or', 'of', 'the']);

function tacticName(slug: string): string {
  return slug
    .split('-')
    .map((w, i) => (i > 0 && LOWER_WORDS.has(w) ? w : w.charAt(0).toUpperCase() + w.slice(1)))
    .join(' ');
}

/** Tags the catalog lists apart from ATT&CK (cve, car, detection, tlp, ...). */
export function nonAttackTags(tags: readonly string[]): string[] {
  return tags.filter((t) => !t.toLowerCase().startsWith('attack.'));
}
