import { assertNever } from '../diagnostics/assert-never.js';
import type { Expr } from './expr.js';
import type { SigmaValue, StringPart } from './value.js';

/** An indented, one-node-per-line text of an expression tree, for `--target ast` and debugging. */
export function printExpr(expr: Expr, indent = ''): string {
  switch (expr.kind) {
    case 'and':
    case 'or':
      return [`${indent}${expr.kind}`, ...expr.operands.map((o) => printExpr(o, indent + '  '))].join('\n');
    case 'not':
      return `${indent}not\n${printExpr(expr.operand, indent + '  ')}`;
    case 'match':
      return `${indent}${expr.field === null ? '(keyword)' : expr.field} ${describeValue(expr.value)}`;
    default:
      return assertNever(expr, 'expression');
  }
}

function describeValue(value: SigmaValue): string {
  switch (value.kind) {
    case 'string':
      return `${value.cased ? 'matches-cased' : value.canonical ? 'matches-exact-spelling' : 'matches'} ${describeParts(value.parts)}`;
    case 'number':
      return `== ${value.value}`;
    case 'boolean':
      return `== ${value.value}`;
    case 'null':
      return 'is null';
    case 'regex': {
      const f = value.flags;
      const flags = `${f.ignoreCase ? 'i' : ''}${f.multiline ? 'm' : ''}${f.dotAll ? 's' : ''}`;
      return `re /${value.pattern}/${flags}`;
    }
    case 'cidr':
      return `cidr ${value.network}`;
    case 'compare':
      return `${value.op} ${value.value}`;
    case 'exists':
      return value.exists ? 'exists' : 'absent';
    case 'fieldref':
      return `${value.match} field ${value.field}${value.cased ? ' (cased)' : ''}`;
    case 'timepart':
      return `${value.part} == ${value.value}`;
    default:
      return assertNever(value, 'value');
  }
}

/** Parts as a quoted pattern: literals JSON-quoted, wildcards as * and ?, placeholders as %name%. */
export function describeParts(parts: readonly StringPart[]): string {
  if (parts.length === 0) return '""';
  return parts
    .map((p) => {
      switch (p.kind) {
        case 'literal':
          return JSON.stringify(p.text);
        case 'wildcard-multi':
          return '*';
        case 'wildcard-single':
          return '?';
        case 'placeholder':
          return `%${p.name}%`;
        default:
          return assertNever(p, 'string part');
      }
    })
    .join(' ');
}
