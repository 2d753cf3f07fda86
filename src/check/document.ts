import type { ConditionNode } from '../ast/condition.js';
import { assertNever } from '../diagnostics/assert-never.js';
import { warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { SigmaDocument } from '../rule/model.js';
import { TAG } from '../rule/schema.js';
import type { YamlMap } from '../yaml/node.js';
import { mapGet } from '../yaml/node.js';

/**
 * ATT&CK tactics by their short names as tags use them (`attack.<shortname>`), from the tactic pages
 * of https://attack.mitre.org/tactics/enterprise/ and https://attack.mitre.org/tactics/ics/ (v18 split
 * Defense Evasion into Stealth and Defense Impairment; the old name stays valid for older rules).
 */
const TACTICS: ReadonlySet<string> = new Set([
  'reconnaissance', 'resource-development', 'initial-access', 'execution', 'persistence', 'privilege-escalation',
  'defense-evasion', 'stealth', 'defense-impairment', 'credential-access', 'discovery', 'lateral-movement',
  'collection', 'command-and-control', 'exfiltration', 'impact',
  // ICS
  'evasion', 'inhibit-response-function', 'impair-process-control',
]);
/** Techniques T1234 and sub-techniques T1234.001, groups G1234, software S1234, mitigations M1234 and data sources DS1234 (https://attack.mitre.org/). */
const ATTACK_ID = /^(?:t\d{4}(?:\.\d{3})?|g\d{4}|s\d{4}|m\d{4}|ds\d{4})$/;

/** Lints of one document's metadata and condition. */
export function lintDocument(node: YamlMap, document: SigmaDocument | null): Diagnostic[] {
  const out: Diagnostic[] = [];
  lintAttackTags(node, out);
  lintDates(node, out);
  if (document !== null && document.kind !== 'correlation') lintThem(document, out);
  return out;
}

function lintAttackTags(node: YamlMap, out: Diagnostic[]): void {
  const tags = mapGet(node, 'tags')?.value;
  if (tags?.kind !== 'seq') return;
  for (const item of tags.items) {
    if (item.kind !== 'scalar' || typeof item.value !== 'string') continue;
    const tag = item.value;
    // A tag that is not lowercase namespace.value is the schema's finding (invalid-tag) already.
    if (!tag.startsWith('attack.') || !TAG.test(tag)) continue;
    const value = tag.slice('attack.'.length);
    if (ATTACK_ID.test(value) || TACTICS.has(value)) continue;
    out.push(warning('invalid-attack-tag', `${JSON.stringify(tag)} is not an ATT&CK tag: ${attackHint(value)}`, item.span));
  }
}

function attackHint(value: string): string {
  const hyphenated = value.replace(/_/g, '-');
  if (TACTICS.has(hyphenated)) return `tactics are written with hyphens, as in attack.${hyphenated}`;
  if (/^[tgs]\d/i.test(value)) {
    return 'write a technique as attack.t1234 or attack.t1234.001, a group as attack.g1234, software as attack.s1234 (lower case)';
  }
  return `use a tactic (${[...TACTICS].slice(0, 4).join(', ')}, ...), a technique (attack.t1234, attack.t1234.001), a group (attack.g1234) or software (attack.s1234)`;
}

const DATE = /^(\d{4})[-/](\d{2})[-/](\d{2})$/;

function lintDates(node: YamlMap, out: Diagnostic[]): void {
  const date = mapGet(node, 'date')?.value;
  const modified = mapGet(node, 'modified')?.value;
  if (date?.kind !== 'scalar' || modified?.kind !== 'scalar') return;
  const d = DATE.exec(String(date.value));
  const m = DATE.exec(String(modified.value));
  if (d === null || m === null) return;
  const key = (x: RegExpExecArray): string => `${x[1] ?? ''}${x[2] ?? ''}${x[3] ?? ''}`;
  if (key(m) < key(d)) {
    out.push(
      warning('modified-before-date', `\`modified: ${String(modified.value)}\` is earlier than \`date: ${String(date.value)}\`; modified is the date of the last change`, modified.span),
    );
  }
}

/** `1 of them` or `all of them` when the detection has a single (visible) search identifier. */
function lintThem(document: Exclude<SigmaDocument, { kind: 'correlation' }>, out: Diagnostic[]): void {
  const visible = document.identifiers.filter((id) => !id.name.startsWith('_'));
  if (visible.length !== 1) return;
  const only = visible[0]?.name ?? '';
  for (const condition of document.conditions) {
    const them = findThem(condition.node);
    if (them === undefined) continue;
    out.push(
      warning(
        'them-single-identifier',
        `\`${them.quantifier} of them\` selects the single search identifier \`${only}\`; write \`${only}\``,
        them.span,
      ),
    );
  }
}

function findThem(node: ConditionNode): Extract<ConditionNode, { kind: 'of' }> | undefined {
  switch (node.kind) {
    case 'and':
    case 'or':
      for (const o of node.operands) {
        const found = findThem(o);
        if (found !== undefined) return found;
      }
      return undefined;
    case 'not':
      return findThem(node.operand);
    case 'ref':
      return undefined;
    case 'of':
      return node.target.kind === 'them' ? node : undefined;
    default:
      return assertNever(node, 'condition node');
  }
}
