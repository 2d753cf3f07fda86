/**
 * A template that only prints variables and tests them with `{{#if}}` (a query skeleton such as
 * `FROM {{source}} | WHERE {{expression}}`), as data: scripts/generate-templates.mjs writes it from
 * handlebars' own parse of the template (whitespace control included), next to the precompiled form.
 * environment.ts renders it without the handlebars runtime, whose per-call setup (every helper copied
 * and wrapped on each call) costs more than the query skeleton itself, once for every converted rule.
 *
 * It renders what handlebars renders (noEscape, strict) whenever `plainRender` gives a string; for
 * anything else (a variable the caller did not pass, a value that is not a plain primitive) it gives
 * null and the caller renders with handlebars, which reports or converts it its own way.
 * test/formats/plain-template.test.ts compares both on every template that has a plain form.
 */
export type PlainSegment =
  | string
  | { readonly variable: string }
  | { readonly if: string; readonly then: readonly PlainSegment[]; readonly else: readonly PlainSegment[] };

export type PlainTemplate = readonly PlainSegment[];

/** The variable names a plain template reads (to check them once per call). */
export function plainNames(template: PlainTemplate): readonly string[] {
  const names = new Set<string>();
  const visit = (segments: readonly PlainSegment[]): void => {
    for (const s of segments) {
      if (typeof s === 'string') continue;
      if ('variable' in s) {
        names.add(s.variable);
      } else {
        names.add(s.if);
        visit(s.then);
        visit(s.else);
      }
    }
  };
  visit(template);
  return [...names];
}

/**
 * The template rendered with `variables`, or null when handlebars must render it: a name that is not
 * the caller's own property (handlebars' strict mode reports a missing one; an inherited one it reads
 * its own way), or a value other than a string, number, boolean, null or undefined.
 */
export function plainRender(template: PlainTemplate, names: readonly string[], variables: Readonly<Record<string, unknown>>): string | null {
  for (const name of names) {
    if (!Object.hasOwn(variables, name)) return null;
    const value = variables[name];
    if (value !== null && value !== undefined && typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return null;
  }
  return renderSegments(template, variables);
}

function renderSegments(segments: readonly PlainSegment[], variables: Readonly<Record<string, unknown>>): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'string') {
      out += s;
    } else if ('variable' in s) {
      // handlebars prints null and undefined as nothing, anything else as its string (checked primitives).
      const value = variables[s.variable];
      if (value !== null && value !== undefined) out += String(value);
    } else {
      // handlebars' `if`: false, '', 0, null and undefined take the else branch (no arrays reach here).
      out += renderSegments(variables[s.if] ? s.then : s.else, variables);
    }
  }
  return out;
}
