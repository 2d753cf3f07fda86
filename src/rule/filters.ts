import { and } from '../ast/expr.js';
import type { LogSource, SigmaFilter, SigmaRule } from './model.js';

/**
 * Applies Sigma filters (meta-filters, SPEC-DIGEST §9) to a rule: a filter applies when it lists the
 * rule's id or name (or `any`) and each of category/product/service it sets equals the rule's. The rule's
 * detection becomes `(rule) and (filter)`, so a filter's condition says what to keep (`not selection`).
 */
export function applyFilters(rule: SigmaRule, filters: readonly SigmaFilter[]): { rule: SigmaRule; applied: readonly SigmaFilter[] } {
  const applied = filters.filter((f) => filterApplies(f, rule));
  if (applied.length === 0) return { rule, applied };
  const detection = and([rule.detection, ...applied.map((f) => f.detection)], rule.detection.span);
  return { rule: { ...rule, detection }, applied };
}

function filterApplies(filter: SigmaFilter, rule: SigmaRule): boolean {
  const named =
    filter.rules === 'any' ||
    filter.rules.some((r) => r.toLowerCase() === rule.id || (rule.name !== undefined && r === rule.name));
  return named && logsourceContains(filter.logsource, rule.logsource);
}

function logsourceContains(outer: LogSource, inner: LogSource): boolean {
  return (['category', 'product', 'service'] as const).every((k) => outer[k] === undefined || outer[k] === inner[k]);
}
