/**
 * Joins the operands of one and/or chain, grouping a chain longer than `maxChain` into parenthesised
 * chunks: `a or b or c or d` with maxChain 2 is `(a or b) or (c or d)`, the same meaning (and/or are
 * associative) with a shallower parse. Parsers that build a left-deep tree refuse long chains (SQLite:
 * "Expression tree is too large (maximum depth 1000)", limits.html; Microsoft's Kusto parser: KS245
 * "Query syntax depth exceeds maximum safe limit" at about 450 chained `or`s).
 */

/** One operand as it will be written, and how many operands of the chain its text holds unparenthesised. */
export interface ChainOperand {
  readonly text: string;
  readonly operands: number;
}

export interface ChainGroup {
  readonly open: string;
  readonly close: string;
}

/**
 * The joined text and the number of operands at its top level. `maxChain` undefined: no limit.
 * An operand holding more than `maxChain` operands itself is never split (it is its own chunk).
 */
export function joinChain(
  items: readonly ChainOperand[],
  joiner: string,
  group: ChainGroup,
  maxChain: number | undefined,
): ChainOperand {
  // Loops, not reduce/map/join: every list fold's chain is written here (no closure or array per call).
  let total = 0;
  for (const item of items) total += item.operands;
  if (maxChain === undefined || total <= maxChain || items.length <= 1) {
    let text = '';
    let first = true;
    for (const item of items) {
      text += first ? item.text : joiner + item.text;
      first = false;
    }
    return { text, operands: total };
  }
  const limit = Math.max(2, maxChain);
  const chunks: ChainOperand[][] = [];
  let current: ChainOperand[] = [];
  let size = 0;
  for (const item of items) {
    if (current.length > 0 && size + item.operands > limit) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += item.operands;
  }
  chunks.push(current);
  const grouped = chunks.map((chunk) => ({
    text: `${group.open}${chunk.map((item) => item.text).join(joiner)}${group.close}`,
    operands: 1,
  }));
  return joinChain(grouped, joiner, group, maxChain);
}

/** joinChain over plain operands (each one comparison), for list folds that write a chain themselves. */
export function joinTexts(texts: readonly string[], joiner: string, group: ChainGroup, maxChain: number | undefined): string {
  if (maxChain === undefined || texts.length <= maxChain) return texts.join(joiner);
  return joinChain(texts.map((text) => ({ text, operands: 1 })), joiner, group, maxChain).text;
}
