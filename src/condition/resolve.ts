import type { CondOf, ConditionNode } from '../ast/condition.js';
import { and, not, or, type Expr } from '../ast/expr.js';
import { quoteName, quotePattern } from '../ast/print-condition.js';
import { assertNever } from '../diagnostics/assert-never.js';
import { error, fail, hasErrors, ok, type Diagnostic, type Result } from '../diagnostics/diagnostic.js';
import { closestName } from '../diagnostics/suggest.js';
import type { SearchIdentifier } from '../rule/model.js';

/**
 * Replaces every search identifier and `x of` selector of a condition with the expressions they stand
 * for (SPEC-DIGEST §6). `1 of`/`any of` become an or, `all of` an and, over the matching identifiers in
 * file order. Reports every unknown name (`condition-unknown-identifier`) and every selector that matches
 * nothing (`condition-pattern-no-match`; pySigma silently drops such a term, which changes the meaning).
 */
export function resolveCondition(
  node: ConditionNode,
  identifiers: readonly SearchIdentifier[],
  failed: readonly NamedIdentifier[] = [],
): Result<Expr> {
  const diagnostics: Diagnostic[] = [];
  const all = failed.length === 0 ? identifiers : [...identifiers, ...failed];
  const expr = resolveNode(node, { identifiers, failed, all }, diagnostics);
  return hasErrors(diagnostics) || expr === null ? fail(diagnostics) : ok(expr, diagnostics);
}

/**
 * A search identifier known only by name: one whose definition failed to build (and was reported). The
 * condition may still name it, so resolving against it reports the condition's own problems too.
 */
export interface NamedIdentifier {
  readonly name: string;
}

/** Search identifiers that no condition names or selects, in file order (for `unused-identifier`). */
export function unusedIdentifiers<T extends NamedIdentifier>(nodes: readonly ConditionNode[], identifiers: readonly T[]): T[] {
  const used = new Set<string>();
  for (let i = 0; i < nodes.length; i++) collectUsed(nodes[i]!, identifiers, used);
  return identifiers.filter((id) => !used.has(id.name));
}

/** Adds the names `node` names or selects to `used` (a module function: this runs for every rule). */
function collectUsed(node: ConditionNode, identifiers: readonly NamedIdentifier[], used: Set<string>): void {
  switch (node.kind) {
    case 'and':
    case 'or':
      for (let i = 0; i < node.operands.length; i++) collectUsed(node.operands[i]!, identifiers, used);
      return;
    case 'not':
      collectUsed(node.operand, identifiers, used);
      return;
    case 'ref':
      used.add(node.name);
      return;
    case 'of': {
      const selected = selectIdentifiers(node, identifiers);
      for (let i = 0; i < selected.length; i++) used.add(selected[i]!.name);
      return;
    }
    default:
      assertNever(node, 'condition node');
  }
}

/** The identifiers an `x of` selects, in file order. */
export function selectIdentifiers<T extends NamedIdentifier>(node: CondOf, identifiers: readonly T[]): T[] {
  const target = node.target;
  const selected: T[] = [];
  if (target.kind === 'them') {
    for (let i = 0; i < identifiers.length; i++) if (!identifiers[i]!.name.startsWith('_')) selected.push(identifiers[i]!);
    return selected;
  }
  const pattern = target.pattern;
  // pySigma skips `_`-prefixed names unless the pattern itself asks for them.
  const includeHidden = pattern.startsWith('_');
  const parts = pattern.split('*');
  for (let i = 0; i < identifiers.length; i++) {
    const name = identifiers[i]!.name;
    if ((includeHidden || !name.startsWith('_')) && globMatches(parts, name)) selected.push(identifiers[i]!);
  }
  return selected;
}

/**
 * Whether `name` matches the pattern split at its `*`s: each `*` matches any run of characters (newlines
 * too), everything else literally, and the whole name must match. A direct match rather than a compiled
 * RegExp: compiling one per distinct pattern was the largest single cost of resolving a cold corpus.
 * Taking each middle part at its first place after the previous one is exact, since a `*` follows it.
 */
export function globMatches(parts: readonly string[], name: string): boolean {
  const first = parts[0]!;
  if (parts.length === 1) return name === first;
  const last = parts[parts.length - 1]!;
  if (name.length < first.length + last.length || !name.startsWith(first) || !name.endsWith(last)) return false;
  let from = first.length;
  const end = name.length - last.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const at = name.indexOf(parts[i]!, from);
    if (at === -1 || at + parts[i]!.length > end) return false;
    from = at + parts[i]!.length;
  }
  return true;
}

interface Scope {
  readonly identifiers: readonly SearchIdentifier[];
  /** Identifiers that failed to build: naming one is no error of the condition, but yields no expression. */
  readonly failed: readonly NamedIdentifier[];
  /** The built identifiers, then the failed ones (for selectors and messages). */
  readonly all: readonly NamedIdentifier[];
}

function resolveNode(node: ConditionNode, scope: Scope, diagnostics: Diagnostic[]): Expr | null {
  const { identifiers } = scope;
  switch (node.kind) {
    case 'and':
    case 'or': {
      // Resolve every operand (no short-circuit) so all errors are reported at once.
      const present: Expr[] = [];
      let missing = false;
      for (let i = 0; i < node.operands.length; i++) {
        const resolved = resolveNode(node.operands[i]!, scope, diagnostics);
        if (resolved === null) missing = true;
        else present.push(resolved);
      }
      if (missing || present.length === 0) return null;
      return node.kind === 'and' ? and(present, node.span) : or(present, node.span);
    }
    case 'not': {
      const operand = resolveNode(node.operand, scope, diagnostics);
      return operand === null ? null : not(operand, node.span);
    }
    case 'ref': {
      for (let i = 0; i < identifiers.length; i++) if (identifiers[i]!.name === node.name) return identifiers[i]!.expr;
      for (let i = 0; i < scope.failed.length; i++) if (scope.failed[i]!.name === node.name) return null;
      diagnostics.push(error('condition-unknown-identifier', unknownMessage(node.name, scope.all), node.span));
      return null;
    }
    case 'of': {
      const built = selectIdentifiers(node, identifiers);
      // Without failed identifiers `all` is `identifiers`: select once.
      const selected = scope.failed.length === 0 ? built : selectIdentifiers(node, scope.all);
      if (selected.length === 0) {
        diagnostics.push(error('condition-pattern-no-match', noMatchMessage(node, scope.all), node.span));
        return null;
      }
      if (built.length !== selected.length) return null;
      const exprs = built.map((id) => id.expr);
      return node.quantifier === 'all' ? and(exprs, node.span) : or(exprs, node.span);
    }
    default:
      return assertNever(node, 'condition node');
  }
}

function unknownMessage(name: string, identifiers: readonly NamedIdentifier[]): string {
  const base = `the condition names ${show(quoteName(name))} but the detection has no search identifier of that name`;
  // Near enough to be a likely typo: a third of the name's length, at least 2 edits.
  const closest = closestName(name, identifiers.map((id) => id.name), Math.max(2, Math.floor(name.length / 3)));
  if (closest !== undefined) return `${base}; did you mean ${show(quoteName(closest))}?`;
  if (identifiers.length === 0) return `${base}; the detection defines no search identifiers`;
  return `${base}; it defines ${listNames(identifiers)}`;
}

function noMatchMessage(node: CondOf, identifiers: readonly NamedIdentifier[]): string {
  const target = node.target;
  const written = `${node.quantifier} of ${target.kind === 'them' ? 'them' : quotePattern(target.pattern)}`;
  const defined = identifiers.length === 0 ? 'the detection defines none' : `the detection defines ${listNames(identifiers)}`;
  const hidden =
    target.kind === 'them'
      ? ' (`them` skips names starting with `_`)'
      : target.pattern.startsWith('_')
        ? ''
        : ' (a pattern that does not start with `_` skips names starting with `_`)';
  return `${show(written)} matches no search identifier${hidden}; ${defined}. A selector that matches nothing would change the rule's meaning, so fix the pattern or the names`;
}

/** Code-quotes condition text unless it is already a backtick-quoted name. */
function show(text: string): string {
  return text.startsWith('`') ? text : `\`${text}\``;
}

function listNames(identifiers: readonly NamedIdentifier[]): string {
  const names = identifiers.slice(0, 8).map((id) => show(quoteName(id.name)));
  return identifiers.length > 8 ? `${names.join(', ')}, ...` : names.join(', ');
}
