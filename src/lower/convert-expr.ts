import type { Expr } from '../ast/expr.js';
import { error, fail, ok, type Result } from '../diagnostics/diagnostic.js';
import { renderTemplate } from '../render/environment.js';
import { findTarget, type TargetId } from '../targets/registry.js';
import { CachePerOwner } from '../base/bounded-cache.js';
import { type LeafErrorListener, type LoweredQuery, lowerExpr } from './engine.js';
import type { SourceDeclaration, Unsupported } from './target.js';

export interface ConvertOptions {
  /**
   * Where events come from: Splunk index, Sentinel table, SQL table. Until pipelines map log sources,
   * the caller names it; without one the target's declared default applies (see each target's
   * `source.note`; Splunk's default names no index, so the role's default indexes are searched).
   */
  readonly source?: string;
  /** Target options by name (e.g. elastic-kql `case-insensitive-fields`). */
  readonly targetOptions?: Readonly<Record<string, boolean | string>>;
  /** Told of each lowering error at a leaf, with the leaf (LowerOptions.onLeafError). */
  readonly onLeafError?: LeafErrorListener;
}

export interface ConvertedQuery {
  /** The query text (the target's `query` template applied), without a trailing newline. */
  readonly query: string;
  /** The pieces the template received, for other formats and `explain`. */
  readonly parts: LoweredQuery & { readonly source: string | null };
}

/**
 * Each target's written sources by source name: a pack names a few sources (the pipelines' tables and
 * indexes) for thousands of rules, and SourceDeclaration.write is a pure function of the name. Kept per
 * write function (not per declaration), so a declaration given another `write` never gets stale results.
 */
const writtenSources = new CachePerOwner<SourceDeclaration['write'], string, string | Unsupported>(1024);

/**
 * Converts one rule's detection expression for one target. Refusals come back as diagnostics
 * (`unsupported-construct`, `unresolved-placeholder`); skipping refused rules is the caller's choice.
 */
export function convertExpr(expr: Expr, targetId: TargetId, options: ConvertOptions = {}): Result<ConvertedQuery> {
  const target = findTarget(targetId);
  if (target === undefined) {
    return fail([error('unknown-target', `there is no target '${String(targetId)}'`, expr.span)]);
  }
  // ConvertOptions holds LowerOptions' fields (targetOptions, onLeafError): given as they are, no copy per rule.
  const lowered = lowerExpr(expr, target, options);
  if (!lowered.ok) return fail(lowered.diagnostics);

  const sourceName = options.source ?? target.source.default;
  let source: string | null = null;
  if (sourceName !== null) {
    const written = writtenSources.of(target.source.write).get(sourceName, target.source.write);
    if (typeof written !== 'string') {
      return fail([
        error('invalid-value', `${target.id} cannot use '${sourceName}' as its source: ${written.reason}`, expr.span),
      ]);
    }
    source = written;
  }

  const { target: id, expression, postFilter, notes } = lowered.value;
  const parts = { target: id, expression, postFilter, notes, source };
  const text = renderTemplate(target.id, 'query', {
    expression: parts.expression,
    postFilter: parts.postFilter,
    source: parts.source,
  });
  if (text === null) {
    return fail([error('unknown-format', `target ${target.id} has no query template (templates/${target.id}/query.hbs)`, expr.span)]);
  }
  // The template's last line break is not part of the query (one `\n` or `\r\n` at the very end).
  const query = text.endsWith('\n') ? text.slice(0, text.endsWith('\r\n') ? -2 : -1) : text;
  return ok({ query, parts }, lowered.diagnostics);
}
