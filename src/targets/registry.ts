import type { TargetDeclaration } from '../lower/target.js';
import { elasticEsql } from './elastic-esql/elastic-esql.js';
import { elasticKql } from './elastic-kql/elastic-kql.js';
import { sentinelKql } from './sentinel-kql/sentinel-kql.js';
import { splunk } from './splunk/splunk.js';
import { sql } from './sql/sql.js';

/**
 * Every target, in the order `list targets` shows them. The `TargetId` type is derived from this list,
 * so a target id is spelled in exactly one place (its declaration) and checked everywhere else.
 */
export const TARGETS = [
  splunk,
  elasticKql,
  elasticEsql,
  sentinelKql,
  sql,
] as const satisfies readonly TargetDeclaration[];

export type TargetId = (typeof TARGETS)[number]['id'];

export const TARGET_IDS: readonly TargetId[] = TARGETS.map((t) => t.id);

export function findTarget(id: string): TargetDeclaration | undefined {
  for (const t of TARGETS) if (t.id === id) return t; // a loop: once per converted rule, no closure
  return undefined;
}

export function isTargetId(id: string): id is TargetId {
  return TARGETS.some((t) => t.id === id);
}
