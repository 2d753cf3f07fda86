import { astConverter, type RuleConverter } from './convert.js';
import { convertExpr } from './lower/convert-expr.js';
import { templateFormats } from './render/environment.js';
import { TARGETS, type TargetId } from './targets/registry.js';

/** A lowering target as a rule converter: the rule's detection through the engine and the target's template. */
function targetConverter(id: TargetId): RuleConverter {
  return {
    id,
    defaultFormat: 'query',
    formats: templateFormats(id),
    convert(rule, context) {
      const result = convertExpr(rule.detection, id, { targetOptions: context.targetOptions });
      return result.ok ? { output: result.value.query, diagnostics: result.diagnostics } : { output: null, diagnostics: result.diagnostics };
    },
  };
}

/** Every `--target` the CLI and library accept: the query targets, then `ast` (the parsed rule, for debugging). */
export const CONVERTERS: readonly RuleConverter[] = [...TARGETS.map((t) => targetConverter(t.id)), astConverter];

export function findConverter(id: string): RuleConverter | undefined {
  return CONVERTERS.find((c) => c.id === id);
}
