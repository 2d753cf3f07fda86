import type { Expr } from '../ast/expr.js';
import { type Diagnostic, error, fail, ok, type Result } from '../diagnostics/diagnostic.js';
import type { TargetDeclaration, TargetOptionValues } from './target.js';

/* Target options for the lowering engine (engine.ts): the caller's values checked against the declaration. */

/** The target's option values: its defaults with the given ones (LowerOptions.targetOptions) checked and applied. */
export function resolveOptions(
  target: TargetDeclaration,
  targetOptions: Readonly<Record<string, boolean | string>> | undefined,
  expr: Expr,
): Result<TargetOptionValues> {
  const given = Object.entries(targetOptions ?? {});
  if (given.length === 0) return ok(defaultOptions(target));
  const values: Record<string, boolean | string> = { ...defaultOptions(target) };
  const diagnostics: Diagnostic[] = [];
  for (const [name, value] of given) {
    if (!Object.hasOwn(values, name)) {
      const known = target.options.map((o) => o.name).join(', ') || 'none';
      diagnostics.push(
        error('invalid-value', `target ${target.id} has no option '${name}' (its options: ${known})`, expr.span),
      );
      continue;
    }
    const expected = typeof values[name];
    if (typeof value !== expected) {
      diagnostics.push(error('invalid-value', `target ${target.id}'s option '${name}' takes a ${expected === 'boolean' ? 'switch (true or false)' : 'name'}, not ${JSON.stringify(value)}`, expr.span));
      continue;
    }
    values[name] = value;
  }
  return diagnostics.length > 0 ? fail(diagnostics) : ok(values);
}

/** Each target's option defaults (what a rule converted without target options gets), made once. */
const defaults = new WeakMap<TargetDeclaration, TargetOptionValues>();

function defaultOptions(target: TargetDeclaration): TargetOptionValues {
  let values = defaults.get(target);
  if (values === undefined) {
    const made: Record<string, boolean | string> = {};
    for (const option of target.options) made[option.name] = option.default;
    values = Object.freeze(made);
    defaults.set(target, values);
  }
  return values;
}
