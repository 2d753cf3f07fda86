import { matchesEmptyEvent } from '../ast/empty-event.js';
import { assertNever } from '../diagnostics/assert-never.js';
import type { Expr } from '../ast/expr.js';
import type { SigmaRule } from '../rule/model.js';
import type { EventCoverage } from './explanation.js';

/**
 * The events a generic Windows category stands for, from the Sigma taxonomy appendix
 * (SPEC-DIGEST §10). Only categories the appendix maps are listed; others show no note.
 */
const WINDOWS_CATEGORY_EVENTS: Readonly<Record<string, string>> = {
  process_creation: 'Sysmon 1 or Security 4688',
  file_change: 'Sysmon 2',
  network_connection: 'Sysmon 3',
  sysmon_status: 'Sysmon 4 / 16',
  process_termination: 'Sysmon 5',
  driver_load: 'Sysmon 6',
  image_load: 'Sysmon 7',
  create_remote_thread: 'Sysmon 8',
  raw_access_thread: 'Sysmon 9',
  process_access: 'Sysmon 10',
  file_event: 'Sysmon 11',
  registry_event: 'Sysmon 12 / 13 / 14',
  registry_add: 'Sysmon 12',
  registry_delete: 'Sysmon 12',
  registry_set: 'Sysmon 13',
  registry_rename: 'Sysmon 14',
  create_stream_hash: 'Sysmon 15',
  pipe_created: 'Sysmon 17 / 18',
  wmi_event: 'Sysmon 19 / 20 / 21',
  dns_query: 'Sysmon 22',
  file_delete: 'Sysmon 23',
  clipboard_capture: 'Sysmon 24',
  process_tampering: 'Sysmon 25',
  file_delete_detected: 'Sysmon 26',
  file_block_executable: 'Sysmon 27',
  file_block_shredding: 'Sysmon 28',
  file_executable_detected: 'Sysmon 29',
  sysmon_error: 'Sysmon 255',
  ps_classic_start: 'PowerShell 400',
  ps_classic_provider_start: 'PowerShell 600',
  ps_classic_script: 'PowerShell 800',
  ps_module: 'PowerShell 4103',
  ps_script: 'PowerShell 4104',
};

export function eventCoverage(rule: SigmaRule): EventCoverage {
  const ls = rule.logsource;
  const ids = eventIds(rule.detection);
  const note = ls.product === 'windows' && ls.category !== undefined ? WINDOWS_CATEGORY_EVENTS[ls.category] : undefined;
  return {
    ...(ls.product === undefined ? {} : { product: ls.product }),
    ...(ls.category === undefined ? {} : { category: ls.category }),
    ...(ls.service === undefined ? {} : { service: ls.service }),
    ...(ls.definition === undefined ? {} : { definition: ls.definition }),
    eventIds: ids === null ? [] : [...ids].sort(compareIds),
    ...(note === undefined ? {} : { categoryEvents: note }),
    ...(matchesEmptyEvent(rule.detection) ? { matchesEventWithoutFields: true as const } : {}),
  };
}

function compareIds(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isFinite(na) && Number.isFinite(nb) && na !== nb) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The EventID values every match of `expr` must have, or null when it does not restrict EventID.
 * `and` intersects what its operands restrict, `or` restricts only if every branch does, and `not`
 * restricts nothing (an event id that is excluded says nothing about which ids remain).
 */
export function eventIds(expr: Expr): ReadonlySet<string> | null {
  switch (expr.kind) {
    case 'match': {
      if (expr.field !== 'EventID') return null;
      const v = expr.value;
      if (v.kind === 'number') return new Set([String(v.value)]);
      if (v.kind === 'string' && v.parts.every((p) => p.kind === 'literal')) {
        return new Set([v.parts.map((p) => (p.kind === 'literal' ? p.text : '')).join('')]);
      }
      return null;
    }
    case 'not':
      return null;
    case 'and': {
      let acc = null as Set<string> | null;
      for (const o of expr.operands) {
        const s = eventIds(o);
        if (s === null) continue;
        acc = acc === null ? new Set(s) : new Set([...acc].filter((x) => s.has(x)));
      }
      return acc;
    }
    case 'or': {
      const acc = new Set<string>();
      for (const o of expr.operands) {
        const s = eventIds(o);
        if (s === null) return null;
        for (const x of s) acc.add(x);
      }
      return acc;
    }
    default:
      return assertNever(expr, 'expression');
  }
}
