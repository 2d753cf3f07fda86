import { DIAGNOSTIC_CODES, type DiagnosticCode } from '../diagnostics/codes.js';
import type { Diagnostic, Severity } from '../diagnostics/diagnostic.js';
import { assertNever } from '../diagnostics/assert-never.js';
import { CHECKS } from './registry.js';

/**
 * SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html), the subset code hosts
 * read to annotate lines: tool.driver (name, version, rules with id, shortDescription, helpUri,
 * defaultConfiguration.level) and results (ruleId, ruleIndex, level, message, locations with an
 * artifactLocation relative to `uriBaseId` and a region). No timestamps or absolute paths, so two runs
 * over the same files give the same bytes.
 */
export interface SarifTool {
  readonly name: string;
  readonly version: string;
  /** The artifact URI of a finding's file: relative to the working directory, `/`-separated, URI-encoded. */
  readonly uri: (file: string) => string;
}

/**
 * The base the artifact URIs are relative to: a relative `uri` should carry a `uriBaseId` (SARIF 2.1.0,
 * the artifactLocation object). GitHub code scanning maps relative URIs to files of the checkout and
 * needs paths that stay the same across runs
 * (https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning).
 */
export const SRCROOT = '%SRCROOT%';

const SPEC = 'https://github.com/SigmaHQ/sigma-specification/blob/main/';
const RULES_SPEC = `${SPEC}specification/sigma-rules-specification.md`;
const HELP: Partial<Record<DiagnosticCode, string>> = {
  'all-single-value': `${SPEC}specification/sigma-appendix-modifiers.md`,
  'wildcard-instead-of-modifier': `${SPEC}specification/sigma-appendix-modifiers.md`,
  'invalid-attack-tag': `${SPEC}specification/sigma-appendix-tags.md`,
  'invalid-tag': `${SPEC}specification/sigma-appendix-tags.md`,
  'dangling-correlation-reference': `${SPEC}specification/sigma-correlation-rules-specification.md`,
  'correlation-unsupported': `${SPEC}specification/sigma-correlation-rules-specification.md`,
  'duplicate-title': `${SPEC}sigmahq/sigmahq-rule-convention.md`,
  'modified-before-date': `${SPEC}sigmahq/sigmahq-rule-convention.md`,
};

/** Where a code is explained: the part of the Sigma specification (or SigmaHQ convention) it enforces. */
export function helpUri(code: DiagnosticCode): string {
  return HELP[code] ?? RULES_SPEC;
}

export function sarifLevel(severity: Severity): 'error' | 'warning' | 'note' {
  switch (severity) {
    case 'error':
      return 'error';
    case 'warning':
      return 'warning';
    case 'info':
      return 'note';
    default:
      return assertNever(severity, 'severity');
  }
}

export function toSarif(findings: readonly Diagnostic[], tool: SarifTool): string {
  const defaults = new Map<DiagnosticCode, Severity>(CHECKS.map((c) => [c.code, c.severity]));
  const codes = [...new Set<DiagnosticCode>([...CHECKS.map((c) => c.code), ...findings.map((f) => f.code)])].sort();
  const index = new Map(codes.map((c, i) => [c, i]));
  const rules = codes.map((code) => ({
    id: code,
    shortDescription: { text: DIAGNOSTIC_CODES[code] },
    helpUri: helpUri(code),
    ...(defaults.has(code) ? { defaultConfiguration: { level: sarifLevel(defaults.get(code) ?? 'warning') } } : {}),
  }));
  const results = findings.map((f) => ({
    ruleId: f.code,
    ruleIndex: index.get(f.code) ?? 0,
    level: sarifLevel(f.severity),
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: tool.uri(f.span.file), uriBaseId: SRCROOT },
          region: {
            startLine: f.span.line,
            startColumn: f.span.column,
            // An empty span (a point) still covers one column, as code hosts expect.
            endLine: f.span.endLine,
            endColumn: f.span.endLine === f.span.line && f.span.endColumn <= f.span.column ? f.span.column + 1 : f.span.endColumn,
          },
        },
      },
    ],
  }));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: tool.name, version: tool.version, rules } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
