import { assertNever } from '../diagnostics/assert-never.js';
import type { ConditionNode } from './condition.js';

/**
 * Prints a condition in canonical form: lowercase operators, single spaces, and the fewest parentheses
 * that keep the tree. An and/or directly inside another and/or is always parenthesised (even where
 * precedence would not need it) because the parser keeps a parenthesised group as its own node; so is an
 * and/or under `not`. Parsing the output gives back the same tree (spans aside) for every tree the parser
 * can produce. An and/or with a single operand prints as that operand.
 */
export function printCondition(node: ConditionNode): string {
  switch (node.kind) {
    case 'and':
    case 'or': {
      if (node.operands.length === 1 && node.operands[0]) return printCondition(node.operands[0]);
      return node.operands.map(printOperand).join(` ${node.kind} `);
    }
    case 'not':
      return `not ${printOperand(node.operand)}`;
    case 'ref':
      return quoteName(node.name);
    case 'of': {
      const target = node.target.kind === 'them' ? 'them' : quotePattern(node.target.pattern);
      return `${node.quantifier} of ${target}`;
    }
    default:
      return assertNever(node, 'condition node');
  }
}

function printOperand(node: ConditionNode): string {
  const text = printCondition(node);
  const grouped = (node.kind === 'and' || node.kind === 'or') && node.operands.length !== 1;
  return grouped ? `(${text})` : text;
}

/** Characters of a bare search-identifier name (condition.peggy `Name`). */
const BARE_NAME = /^[A-Za-z0-9_.-]+$/;
/** Characters of a bare pattern (condition.peggy `Pattern`); `*` matches any run of characters. */
const BARE_PATTERN = /^[A-Za-z0-9_.*-]+$/;
/** Words that cannot be bare names: the keywords, and any spelling of the operators (they are lowercase). */
const RESERVED = /^(?:and|or|not|of)$/i;

function needsQuotes(text: string, bare: RegExp): boolean {
  return !bare.test(text) || RESERVED.test(text) || text === 'them';
}

function quote(text: string): string {
  return '`' + text.replaceAll('`', '``') + '`';
}

/** A search-identifier name as the condition grammar spells it: bare if it can be, else in backticks. */
export function quoteName(name: string): string {
  return needsQuotes(name, BARE_NAME) ? quote(name) : name;
}

/** An `x of` pattern as the grammar spells it; `*` is a wildcard in both forms. */
export function quotePattern(pattern: string): string {
  return needsQuotes(pattern, BARE_PATTERN) ? quote(pattern) : pattern;
}
