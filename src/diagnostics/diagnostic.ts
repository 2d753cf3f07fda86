import { isSkippableCode, type DiagnosticCode } from './codes.js';
import type { SourceSpan } from './span.js';

export type Severity = 'error' | 'warning' | 'info';

/** A problem found in a user's input. Diagnostics are values: they are collected, never thrown. */
export interface Diagnostic {
  readonly severity: Severity;
  readonly code: DiagnosticCode;
  /** What is wrong and what to do about it. */
  readonly message: string;
  readonly span: SourceSpan;
}

export function error(code: DiagnosticCode, message: string, span: SourceSpan): Diagnostic {
  return { severity: 'error', code, message, span };
}

export function warning(code: DiagnosticCode, message: string, span: SourceSpan): Diagnostic {
  return { severity: 'warning', code, message, span };
}

export function info(code: DiagnosticCode, message: string, span: SourceSpan): Diagnostic {
  return { severity: 'info', code, message, span };
}

/** Equal for two diagnostics that say the same thing (code and words) at the same place. */
export function diagnosticKey(d: Diagnostic): string {
  const { file, line, column, offset, endOffset } = d.span;
  return [d.code, file, line, column, offset, endOffset, d.message].join('\u0000');
}

/** True when every error among the diagnostics (if any) is a refusal `--skip-unsupported` may skip. */
export function errorsAreSkippable(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.every((d) => d.severity !== 'error' || isSkippableCode(d.code));
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** A computation that produced a value, or did not, plus what it had to say either way. */
export type Result<T> =
  | { readonly ok: true; readonly value: T; readonly diagnostics: readonly Diagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** No diagnostics: shared by every result that has none (frozen, so no holder can add to it). */
const NONE: readonly Diagnostic[] = Object.freeze([]);

export function ok<T>(value: T, diagnostics: readonly Diagnostic[] = NONE): Result<T> {
  return { ok: true, value, diagnostics };
}

export function fail<T>(diagnostics: readonly Diagnostic[]): Result<T> {
  return { ok: false, diagnostics };
}
