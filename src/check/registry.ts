import { DIAGNOSTIC_CODES, type DiagnosticCode } from '../diagnostics/codes.js';
import type { Severity } from '../diagnostics/diagnostic.js';

/**
 * The checks of `sigma-transpiler check` (SPEC-DIGEST §11): each a stable diagnostic code, a default
 * severity, and where it comes from. `parser` checks are the rule parser's own diagnostics (schema,
 * detection, condition), named here because they are part of what the linter promises; every other
 * diagnostic of the parser is reported too, with the severity the parser gives it.
 */
export interface CheckInfo {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly source: 'parser' | 'lint';
  readonly summary: string;
}

const CHECK_LIST: readonly (readonly [DiagnosticCode, Severity, CheckInfo['source']])[] = [
  ['condition-unknown-identifier', 'error', 'parser'],
  ['unused-identifier', 'warning', 'parser'],
  ['all-single-value', 'warning', 'parser'],
  ['duplicate-id', 'error', 'lint'],
  ['duplicate-title', 'warning', 'lint'],
  ['escaped-wildcard', 'warning', 'lint'],
  ['wildcard-instead-of-modifier', 'warning', 'lint'],
  ['double-wildcard', 'warning', 'lint'],
  ['number-as-string', 'warning', 'lint'],
  ['control-character', 'warning', 'lint'],
  ['invalid-attack-tag', 'warning', 'lint'],
  ['dangling-correlation-reference', 'error', 'lint'],
  ['temporal-single-rule', 'warning', 'lint'],
  ['modified-before-date', 'warning', 'lint'],
  ['them-single-identifier', 'warning', 'lint'],
];

export const CHECKS: readonly CheckInfo[] = CHECK_LIST.map(([code, severity, source]) => ({
  code,
  severity,
  source,
  summary: DIAGNOSTIC_CODES[code],
}));

export function isDiagnosticCode(code: string): code is DiagnosticCode {
  return Object.prototype.hasOwnProperty.call(DIAGNOSTIC_CODES, code);
}

/** The README's table of checks (test/check/readme.test.ts keeps it in sync). */
export function checksTable(): string {
  const rows = CHECKS.map((c) => `| \`${c.code}\` | ${c.severity} | ${c.source === 'parser' ? 'rule parser' : 'linter'} | ${c.summary.replace(/\|/g, '\\|')} |`);
  return ['| code | default severity | from | what it finds |', '|---|---|---|---|', ...rows].join('\n');
}
