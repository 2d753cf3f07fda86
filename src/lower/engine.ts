import { and, type Expr, type ExprMatch } from '../ast/expr.js';
import type { NumberValue, SigmaValue } from '../ast/value.js';
import { assertNever } from '../diagnostics/assert-never.js';
import { type Diagnostic, error, fail, ok, type Result } from '../diagnostics/diagnostic.js';
import { FALSE, group, join, needsParens, negate, TRUE, type Piece } from './boolean-assembly.js';
import { dedupe, describeMatch, placeholderErrors, unsupportedDiagnostic, type LeafErrorListener } from './engine-diagnostics.js';
import { type BoundedCache, CachePerOwner } from '../base/bounded-cache.js';
import { isPatternParts } from './string-shape.js';
import type { LeafRendering, ListFoldSpec, PatternStringValue, QueryLanguage, RenderValue, TargetDeclaration, TargetOptionValues, Unsupported } from './target.js';
import { unsupported } from './target.js';
import { resolveOptions } from './target-options.js';

/**
 * The one lowering engine. It turns an `Expr` into query text for any `TargetDeclaration`:
 *
 * 1. Render the whole tree in the target's main language. Leaves that language cannot express
 *    exactly either refuse (a diagnostic) or ask for the post-filter stage.
 * 2. If a leaf asked for the post-filter, render the WHOLE tree again in the post-filter language
 *    (exact; so a regex inside an `or` stays inside the `or`), and render a pre-filter in the main
 *    language in which each such leaf is replaced by a superset where it stands in positive position
 *    and by "no event" where it stands under NOT. The pre-filter therefore matches a superset of the
 *    rule, and pre-filter then post-filter matches exactly the rule.
 *
 * Parentheses come from each language's declared precedence; the engine never guesses.
 */

export interface LowerOptions {
  /** Target options by name (see TargetDeclaration.options); unknown names are an error. */
  readonly targetOptions?: Readonly<Record<string, boolean | string>>;
  /**
   * Told of each error at a leaf (a refusal, an unresolved placeholder) with the leaf it is about, for a
   * caller that must tell errors at some leaves from the others (src/converters.ts). Each is in the
   * result's diagnostics all the same (once, when several leaves give the same error at one place).
   * Calls come as the run meets the leaves, in tree order (an unresolved placeholder at its leaf among
   * the others); the result's diagnostics keep their own order (placeholders first).
   */
  readonly onLeafError?: LeafErrorListener;
}

export type { LeafErrorListener };

export interface LoweredQuery {
  readonly target: string;
  /** The expression in the main language. With a post-filter, a pre-filter matching a superset. */
  readonly expression: string;
  /** The exact expression of the post-filter stage, or null when the main expression is exact. */
  readonly postFilter: string | null;
  /** Why a post-filter was needed, one line per reason, in order of first appearance. */
  readonly notes: readonly string[];
}

interface Run {
  readonly target: TargetDeclaration;
  readonly lang: QueryLanguage;
  /** exact: every leaf exact in `lang`. relaxed: post-filter leaves become supersets (pre-filter). */
  readonly mode: 'exact' | 'relaxed';
  /** Post-filter leaves are an error in this run (the post-filter language itself). */
  readonly isPostFilterLanguage: boolean;
  readonly options: TargetOptionValues;
  readonly diagnostics: Diagnostic[];
  readonly postFilterReasons: string[];
  readonly onLeafError: LeafErrorListener | undefined;
  /** `lang`'s written field names (fieldNames). */
  readonly fieldNames: BoundedCache<string, string | Unsupported>;
  /** Where this run reports unresolved placeholders (the main run), in tree order; null: it does not. */
  readonly placeholders: Diagnostic[] | null;
}

export function lowerExpr(
  expr: Expr,
  target: TargetDeclaration,
  options: LowerOptions = {},
): Result<LoweredQuery> {
  const optionResult = resolveOptions(target, options.targetOptions, expr);
  if (!optionResult.ok) return fail(optionResult.diagnostics);
  const targetOptions = optionResult.value;

  // The main run reports unresolved placeholders, at the leaves where it meets them (the other runs
  // render the same leaves again).
  const placeholderDiagnostics: Diagnostic[] = [];
  const main = newRun(target, target.language, 'exact', false, targetOptions, options.onLeafError, placeholderDiagnostics);
  const exact = renderTop(expr, main, target.embedAs, placeholderDiagnostics);
  const diagnostics: Diagnostic[] = [...placeholderDiagnostics, ...main.diagnostics];

  if (main.postFilterReasons.length === 0) {
    if (diagnostics.length > 0 || exact === null) return fail(dedupe(diagnostics));
    return ok({ target: target.id, expression: exact, postFilter: null, notes: [] });
  }

  const stage = target.postFilter;
  if (stage.kind === 'off') {
    // A renderer asked for a stage its target does not declare: report it rather than approximate.
    for (const reason of main.postFilterReasons) {
      diagnostics.push(
        error(
          'unsupported-construct',
          `${target.id} cannot express this rule exactly: ${reason}, and it has no post-filter stage`,
          expr.span,
        ),
      );
    }
    return fail(dedupe(diagnostics));
  }

  // Only the top-level conjuncts that need the post-filter go to it: E = C1 AND C2 with C1 exact
  // in the main language is `C1 AND relaxed(C2) | post-filter C2`. Everything else stays in the
  // (cheaper, indexed) main expression.
  const conjuncts = flattenAnd(expr);
  const needsPost = conjuncts.filter((c) => {
    // A probe's errors are main's too (told by main).
    const probe = newRun(target, target.language, 'exact', false, targetOptions, undefined);
    renderNode(c, probe, false, true);
    return probe.postFilterReasons.length > 0;
  });
  const postExpr = needsPost.length === 1 && needsPost[0] ? needsPost[0] : and(needsPost, expr.span);

  const post = newRun(target, stage.language, 'exact', true, targetOptions, options.onLeafError);
  const postText = renderTop(postExpr, post, 'whole', placeholderDiagnostics);
  const pre = newRun(target, target.language, 'relaxed', false, targetOptions, options.onLeafError);
  const preText = renderTop(expr, pre, target.embedAs, placeholderDiagnostics);
  diagnostics.push(...post.diagnostics, ...pre.diagnostics);
  if (diagnostics.length > 0 || postText === null || preText === null) return fail(dedupe(diagnostics));
  return ok({
    target: target.id,
    expression: preText,
    postFilter: postText,
    notes: unique(main.postFilterReasons),
  });
}

/** The operands of nested ANDs (`(a and b) and c` -> a, b, c); a non-AND is its own conjunct. */
function flattenAnd(expr: Expr): readonly Expr[] {
  return expr.kind === 'and' ? expr.operands.flatMap(flattenAnd) : [expr];
}

/**
 * Each language's written field names by field name. A pack names few distinct fields many times, and
 * QueryLanguage.fieldName is a pure function of the name (it checks and escapes it), so each name is
 * written once per language (bounded, see BoundedCache).
 */
const fieldNames = new CachePerOwner<QueryLanguage, string, string | Unsupported>(8192);

function newRun(
  target: TargetDeclaration,
  lang: QueryLanguage,
  mode: 'exact' | 'relaxed',
  isPostFilterLanguage: boolean,
  options: TargetOptionValues,
  onLeafError: LeafErrorListener | undefined,
  placeholders: Diagnostic[] | null = null,
): Run {
  return { target, lang, mode, isPostFilterLanguage, options, diagnostics: [], postFilterReasons: [], onLeafError, fieldNames: fieldNames.of(lang), placeholders };
}

/**
 * Renders the whole tree as the skeleton embeds it; null when a leaf failed (diagnostics in run).
 * `placeholders`: the tree's unresolved placeholders (the main run's, read after the render), whose leaves
 * stand in as false; a constant tree is then that stand-in's, not the rule's, so the target's "always" or
 * "never" is not asked for (a refusal of it would be noise beside the placeholder's error).
 */
function renderTop(expr: Expr, run: Run, embed: 'and' | 'whole', placeholders: readonly Diagnostic[]): string | null {
  const piece = renderNode(expr, run, false, true);
  if (run.diagnostics.length > 0) return null;
  // An exact run of the main language whose leaves asked for a post-filter is only a probe.
  if (run.mode === 'exact' && !run.isPostFilterLanguage && run.postFilterReasons.length > 0) return null;
  if (piece.kind === 'const') {
    if (placeholders.length > 0) return null;
    const text = piece.value ? run.lang.boolean.always : run.lang.boolean.never;
    if (typeof text !== 'string') {
      run.diagnostics.push(unsupportedDiagnostic(run.target, text, expr));
      return null;
    }
    return text;
  }
  if (embed === 'whole') return piece.text;
  return needsParens(piece.binds, embed, run.lang) ? group(piece.text, run.lang) : piece.text;
}

/**
 * `negated`: only in push-to-leaves languages, this node stands under an odd number of NOTs.
 * `positive`: the node stands under an even number of NOTs (decides supersets in relaxed runs).
 */
function renderNode(node: Expr, run: Run, negated: boolean, positive: boolean): Piece {
  switch (node.kind) {
    case 'and':
    case 'or': {
      // De Morgan when NOT is pushed to the leaves: NOT (a AND b) = NOT a OR NOT b.
      const op: 'and' | 'or' = negated ? (node.kind === 'and' ? 'or' : 'and') : node.kind;
      const pieces = node.kind === 'or' ? renderOrOperands(node.operands, run, negated, positive) : [];
      if (node.kind === 'and') {
        for (const operand of node.operands) pieces.push(renderNode(operand, run, negated, positive));
      }
      return join(op, pieces, run.lang);
    }
    case 'not': {
      // not not X = X: Sigma's logic is two-valued (an absent field makes a match false, not unknown).
      if (node.operand.kind === 'not') return renderNode(node.operand.operand, run, negated, positive);
      if (run.lang.boolean.negation === 'push-to-leaves') {
        return renderNode(node.operand, run, !negated, !positive);
      }
      return negate(renderNode(node.operand, run, false, !positive), run.lang);
    }
    case 'match':
      return renderLeaf(node, run, negated, positive);
    default:
      return assertNever(node, 'expression');
  }
}

/** Renders the operands of an `or`, folding same-field values into list tests where declared. */
function renderOrOperands(operands: readonly Expr[], run: Run, negated: boolean, positive: boolean): Piece[] {
  const fold = run.lang.listFold;
  if (fold.kind === 'off') return renderEach(operands, run, negated, positive);
  return fold.use((spec) => foldOperands(spec, operands, run, negated, positive));
}

/** renderOrOperands with the target's fold, its items of the target's own type `I`. */
function foldOperands<I>(spec: ListFoldSpec<I>, operands: readonly Expr[], run: Run, negated: boolean, positive: boolean): Piece[] {
  // This runs for every OR of every rule, and most fold nothing: first only a count of the operands
  // that could fold (no target hook called, no per-field bookkeeping).
  let count = 0;
  for (const operand of operands) if (isFoldCandidate(operand)) count++;
  if (count < spec.minItems) return renderEach(operands, run, negated, positive);

  // The candidates per field; items are made only for fields with enough candidates.
  const candidates: (FoldCandidate | null)[] = [];
  const perField = new Map<string, number>();
  for (const operand of operands) {
    const candidate = isFoldCandidate(operand) ? operand : null;
    candidates.push(candidate);
    if (candidate !== null) perField.set(candidate.field, (perField.get(candidate.field) ?? 0) + 1);
  }
  // Each operand's item where it can fold (null where it stands alone), and the folded items per field.
  const items: (FoldItem<I> | null)[] = [];
  const counts = new Map<string, number>();
  for (const candidate of candidates) {
    const item = candidate !== null && (perField.get(candidate.field) ?? 0) >= spec.minItems ? foldItem(spec, candidate, run) : null;
    items.push(item);
    if (item !== null) counts.set(item.field, (counts.get(item.field) ?? 0) + 1);
  }

  // A group is rendered where its first member stands.
  const pieces: Piece[] = [];
  const done = new Set<string>();
  let index = 0;
  for (const operand of operands) {
    const item = items[index++] ?? null;
    if (item === null || (counts.get(item.field) ?? 0) < spec.minItems) {
      pieces.push(renderNode(operand, run, negated, positive));
      continue;
    }
    if (done.has(item.field)) continue;
    done.add(item.field);
    const group: I[] = [];
    for (const i of items) if (i !== null && i.field === item.field) group.push(i.item);
    pieces.push(spec.render(item.fieldText, group, negated));
  }
  return pieces;
}

interface FoldItem<I> {
  readonly field: string;
  readonly fieldText: string;
  readonly item: I;
}

function renderEach(operands: readonly Expr[], run: Run, negated: boolean, positive: boolean): Piece[] {
  const pieces: Piece[] = [];
  for (const operand of operands) pieces.push(renderNode(operand, run, negated, positive));
  return pieces;
}

/** A match a list fold may take: on a field, its value a string or a number written plainly. */
type FoldCandidate = ExprMatch & { readonly field: string; readonly value: PatternStringValue | NumberValue };

function isFoldCandidate(operand: Expr): operand is FoldCandidate {
  if (operand.kind !== 'match' || operand.field === null) return false;
  const value = operand.value;
  if (value.kind === 'number') return exponentNumber(value) === undefined; // else refused where it stands
  return value.kind === 'string' && isRenderValue(value);
}

/** The candidate as the target's list item, or null when it stands alone. */
function foldItem<I>(spec: ListFoldSpec<I>, operand: FoldCandidate, run: Run): FoldItem<I> | null {
  const fieldText = run.fieldNames.get(operand.field, run.lang.fieldName);
  if (typeof fieldText !== 'string') return null;
  const item = spec.item(operand.value, run.options);
  return item === null ? null : { field: operand.field, fieldText, item };
}

function renderLeaf(node: ExprMatch, run: Run, negated: boolean, positive: boolean): Piece {
  const value = node.value;
  if (!isRenderValue(value)) {
    // Reported once, by the main run; its diagnostics make lowerExpr fail whatever the text is.
    if (run.placeholders !== null) run.placeholders.push(...placeholderErrors(node, run.onLeafError));
    return FALSE;
  }
  const rendering = dispatch(node, value, run, negated);
  switch (rendering.kind) {
    case 'fragment':
      return rendering;
    case 'unsupported':
      leafError(run, node, unsupportedDiagnostic(run.target, rendering, node));
      return FALSE;
    case 'post-filter': {
      if (run.isPostFilterLanguage) {
        leafError(run, node, unsupportedDiagnostic(run.target, { kind: 'unsupported', construct: describeMatch(node), reason: rendering.reason }, node));
        return FALSE;
      }
      run.postFilterReasons.push(rendering.reason);
      if (run.mode === 'exact') return FALSE; // this run's text is discarded
      // Pre-filter: a superset in positive position; under NOT the leaf must shrink, so "no event"
      // (NOT nothing = every event). A negated push-to-leaves leaf is the negation: no superset known.
      if (negated) return TRUE;
      if (!positive) return FALSE;
      return rendering.relaxed ?? TRUE;
    }
    default:
      return assertNever(rendering, 'leaf rendering');
  }
}

/**
 * The text of a value's number when it cannot be written plainly (an exponent, or not finite), else
 * undefined. Every target renders numbers with String(), so `1e-7` or `1e+21` is refused here, once,
 * for all of them.
 */
function exponentNumber(value: SigmaValue): string | undefined {
  if (value.kind !== 'number' && value.kind !== 'compare' && value.kind !== 'timepart') return undefined;
  const text = String(value.value);
  return Number.isFinite(value.value) && !/e/i.test(text) ? undefined : text;
}

/** Every value but a string with a placeholder (which the main run reports) reaches the target. */
function isRenderValue(value: SigmaValue): value is RenderValue {
  return value.kind !== 'string' || isPatternParts(value.parts);
}

function dispatch(node: ExprMatch, value: RenderValue, run: Run, negated: boolean): LeafRendering {
  const lang = run.lang;
  if (node.field === null) {
    const keyword = lang.keyword;
    if (typeof keyword !== 'function') return keyword;
    return keyword({ value, negated, options: run.options });
  }
  const fieldText = run.fieldNames.get(node.field, lang.fieldName);
  if (typeof fieldText !== 'string') return fieldText;
  const odd = exponentNumber(value);
  if (odd !== undefined) {
    return unsupported(`the number ${odd}`, 'its text form needs an exponent, which logs do not write one way; write the value as a string');
  }
  const field = node.field;
  const options = run.options;
  // One case per kind so each renderer gets its own value type; a new kind does not compile. Each
  // context is built whole (no shared base object spread into it: this runs for every leaf).
  const r = lang.values;
  switch (value.kind) {
    case 'string':
      return typeof r.string === 'function' ? r.string({ field, fieldText, negated, options, value }) : r.string;
    case 'number':
      return typeof r.number === 'function' ? r.number({ field, fieldText, negated, options, value }) : r.number;
    case 'boolean':
      return typeof r.boolean === 'function' ? r.boolean({ field, fieldText, negated, options, value }) : r.boolean;
    case 'null':
      return typeof r.null === 'function' ? r.null({ field, fieldText, negated, options, value }) : r.null;
    case 'regex':
      return typeof r.regex === 'function' ? r.regex({ field, fieldText, negated, options, value }) : r.regex;
    case 'cidr':
      return typeof r.cidr === 'function' ? r.cidr({ field, fieldText, negated, options, value }) : r.cidr;
    case 'compare':
      return typeof r.compare === 'function' ? r.compare({ field, fieldText, negated, options, value }) : r.compare;
    case 'exists':
      return typeof r.exists === 'function' ? r.exists({ field, fieldText, negated, options, value }) : r.exists;
    case 'fieldref':
      return typeof r.fieldref === 'function' ? r.fieldref({ field, fieldText, negated, options, value }) : r.fieldref;
    case 'timepart':
      return typeof r.timepart === 'function' ? r.timepart({ field, fieldText, negated, options, value }) : r.timepart;
    default:
      return assertNever(value, 'value');
  }
}

// ---------------------------------------------------------------------------------------------------
// Diagnostics (see engine-diagnostics.ts).

/** An error at a leaf: the run's, and told to the run's LowerOptions.onLeafError. */
function leafError(run: Run, leaf: ExprMatch, diagnostic: Diagnostic): void {
  run.diagnostics.push(diagnostic);
  run.onLeafError?.(leaf, diagnostic);
}

function unique(texts: readonly string[]): string[] {
  return [...new Set(texts)];
}
