import { and, match, matchesOf } from '../ast/expr.js';
import { fail, ok, type Result } from '../diagnostics/diagnostic.js';
import type { SourceSpan } from '../diagnostics/span.js';
import type { SigmaRule } from '../rule/model.js';
import { applyPipelines } from './apply.js';
import type { ProcessingPipeline } from './types.js';

/** What a bare field name of a rule becomes under its pipelines. */
export type MappedField =
  | { readonly kind: 'field'; readonly name: string }
  /** A one-to-many mapping (the pipeline means "any of these fields"), or a transformation removed it. */
  | { readonly kind: 'ambiguous'; readonly names: readonly string[] };

/**
 * Maps a field name that is not in the rule's detection (a correlation's group-by or value field) through
 * the rule's pipelines, with exactly the machinery that maps detection fields: the name rides along as one
 * more detection item (`field: null`, ANDed to the rule's detection so rule conditions still see the rule),
 * and whatever the field transformations made of that item is the answer. Errors the pipelines raise on
 * it (an unmapped field under strict mapping, a failure transformation) are returned as diagnostics.
 */
export function mapFieldName(rule: SigmaRule, field: string, pipelines: readonly ProcessingPipeline[], span: SourceSpan): Result<MappedField> {
  if (pipelines.length === 0) return ok({ kind: 'field', name: field });
  // A span object of its own: matches derived from the probe keep it, so they can be told apart from
  // the rule's own items and from items a pipeline adds.
  const probeSpan: SourceSpan = { ...span };
  const probe = match(field, { kind: 'null' }, probeSpan);
  const piped = applyPipelines({ ...rule, detection: and([rule.detection, probe], rule.span) }, pipelines);
  if (!piped.ok) return fail(piped.diagnostics);
  const names = [...new Set(matchesOf(piped.value.rule.detection).flatMap((m) => (m.span === probeSpan && m.field !== null ? [m.field] : [])))];
  const only = names[0];
  return ok(names.length === 1 && only !== undefined ? { kind: 'field', name: only } : { kind: 'ambiguous', names });
}
