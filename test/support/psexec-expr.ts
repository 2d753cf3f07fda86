import { and, type Expr, match, not, or } from '../../src/ast/expr.js';
import type { StringPart } from '../../src/ast/value.js';
import type { SourceSpan } from '../../src/diagnostics/span.js';

/**
 * The detection of SigmaHQ's win_security_susp_psexec.yml, built by hand (no loader needed):
 *
 *   selection1:
 *       EventID: 5145
 *       ShareName: '\\\\\*\\IPC$'        # the literal text \\*\IPC$ (Sigma: \\ -> \, \* -> *)
 *       RelativeTargetName|endswith: ['-stdin', '-stdout', '-stderr']
 *   filter:
 *       RelativeTargetName|startswith: 'PSEXESVC'
 *   condition: selection1 and not filter
 *
 * Spans point at the real lines of the rule file so diagnostics can be checked too.
 */
export const PSEXEC_FILE = 'rules/windows/builtin/security/win_security_susp_psexec.yml';

export function span(line: number, column = 9, length = 1): SourceSpan {
  return { file: PSEXEC_FILE, line, column, endLine: line, endColumn: column + length, offset: 0, endOffset: 0 };
}

const lit = (text: string): StringPart => ({ kind: 'literal', text });
const star: StringPart = { kind: 'wildcard-multi' };

export const psexecExpr: Expr = and(
  [
    and(
      [
        match('EventID', { kind: 'number', value: 5145 }, span(19)),
        match('ShareName', { kind: 'string', parts: [lit('\\\\*\\IPC$')], cased: false }, span(20)),
        or(
          [
            match('RelativeTargetName', { kind: 'string', parts: [star, lit('-stdin')], cased: false }, span(22, 15)),
            match('RelativeTargetName', { kind: 'string', parts: [star, lit('-stdout')], cased: false }, span(23, 15)),
            match('RelativeTargetName', { kind: 'string', parts: [star, lit('-stderr')], cased: false }, span(24, 15)),
          ],
          span(21),
        ),
      ],
      span(18, 5),
    ),
    not(
      match('RelativeTargetName', { kind: 'string', parts: [lit('PSEXESVC'), star], cased: false }, span(26)),
      span(27, 16),
    ),
  ],
  span(27, 16),
);
