import Handlebars from 'handlebars';
import { TEMPLATES } from './templates.generated.js';

/**
 * The one handlebars instance that renders every output format. Templates only wrap an already built
 * query with rule metadata (STYLE principle 7); they never build query text themselves.
 *
 * - `noEscape: true`: handlebars' default HTML escaping would corrupt queries (`"` -> `&quot;`).
 *   Escaping for a file format is explicit, through the helpers below.
 * - `strict: true`: a variable the caller did not pass is an error, not silently empty output.
 *   (Use `{{#if x}}` only on variables that are always passed, possibly as null.)
 */
export type TemplateVariables = Readonly<Record<string, unknown>>;

const env = Handlebars.create();

/** `{{json value}}`: the value as a JSON literal (strings quoted and escaped per RFC 8259). */
env.registerHelper('json', (value: unknown) => JSON.stringify(value ?? null));

const compiled = new Map<string, Handlebars.TemplateDelegate<TemplateVariables>>();

export function hasTemplate(target: string, format: string): boolean {
  return TEMPLATES[target]?.[format] !== undefined;
}

export function templateFormats(target: string): readonly string[] {
  return Object.keys(TEMPLATES[target] ?? {}).sort();
}

/**
 * Renders `templates/<target>/<format>.hbs`. Returns null when there is no such template (the caller
 * reports `unknown-format`). A template bug (a missing variable under strict mode) is a programming
 * error and throws.
 */
export function renderTemplate(target: string, format: string, variables: TemplateVariables): string | null {
  const source = TEMPLATES[target]?.[format];
  if (source === undefined) return null;
  const key = `${target}/${format}`;
  let template = compiled.get(key);
  if (template === undefined) {
    template = env.compile<TemplateVariables>(source, { noEscape: true, strict: true });
    compiled.set(key, template);
  }
  return template(variables);
}
