import type HandlebarsTypes from 'handlebars';
import HandlebarsRuntime from 'handlebars/runtime.js';
import { armLiteral, confComment, confValue, jsonValue, sqlComment, sqlIdentifier, yamlField } from './escape.js';
import { type PlainTemplate, plainNames, plainRender } from './plain-template.js';
import { PLAIN_TEMPLATES, TEMPLATES } from './templates.generated.js';

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

/**
 * The handlebars runtime alone: templates are precompiled (scripts/generate-templates.mjs), so the
 * compiler never ships (the web page is 86 KiB lighter). The runtime package declares no types of its
 * own; it is the full package's API without `compile`.
 */
const Handlebars = HandlebarsRuntime as unknown as typeof HandlebarsTypes;

const env = Handlebars.create();

/** `{{json value}}`: the value as a JSON literal (strings quoted and escaped per RFC 8259). */
env.registerHelper('json', (value: unknown) => jsonValue(value));
/** `{{arm value}}`: a JSON literal for an ARM template, literal strings kept out of expression syntax. */
env.registerHelper('arm', (value: unknown) => jsonValue(armLiteral(value)));
/** `{{yamlField "key" value indent=N}}`: a whole `key: value` entry (collections on the lines below). */
env.registerHelper('yamlField', (key: unknown, value: unknown, options: Handlebars.HelperOptions) => {
  const indent: unknown = options.hash['indent'];
  return yamlField(String(key), value, typeof indent === 'number' ? indent : 0);
});
/** `{{conf value}}`: a Splunk .conf setting value (newlines as line continuations). */
env.registerHelper('conf', (value: unknown) => confValue(String(value ?? '')));
/** `{{confComment text}}`: one `# ` comment line that cannot end in a continuation or break the line. */
env.registerHelper('confComment', (value: unknown) => confComment(String(value ?? '')));
/** `{{sqlIdent name}}`: a double-quoted SQL identifier. */
env.registerHelper('sqlIdent', (value: unknown) => sqlIdentifier(String(value ?? '')));
/** `{{sqlComment text}}`: `-- ` comment lines, one per line of the text. */
env.registerHelper('sqlComment', (value: unknown) => sqlComment(String(value ?? '')));
/** `{{concat a b ...}}`: the arguments as one string (for labelled comment lines). */
env.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).map((a) => String(a ?? '')).join(''));

const compiled = new Map<string, Handlebars.TemplateDelegate<TemplateVariables>>();

interface PlainForm {
  readonly template: PlainTemplate;
  readonly names: readonly string[];
}

/** Each template's plain form (plain-template.ts) with the names it reads, by `target/format`; null: none. */
const plainForms = new Map<string, PlainForm | null>();

function plainForm(key: string, template: PlainTemplate | undefined): PlainForm | null {
  let form = plainForms.get(key);
  if (form === undefined) {
    const names = template === undefined ? [] : plainNames(template);
    // `{{json}}` with no arguments would call the helper: a name that is a helper is handlebars' to render.
    const plain = template !== undefined && !names.some((name) => Object.hasOwn(env.helpers, name));
    form = plain ? { template, names } : null;
    plainForms.set(key, form);
  }
  return form;
}

/**
 * `record[key]` when the record has it as its own property: a target or format name is not looked up
 * among what every object inherits (`constructor`, `toString`, `__proto__`).
 */
function own<V>(record: Readonly<Record<string, V>> | undefined, key: string): V | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** The formats of a target: its templates, except pack templates (`<format>.pack.hbs`). */
export function templateFormats(target: string): readonly string[] {
  return Object.keys(own(TEMPLATES, target) ?? {})
    .filter((name) => !name.includes('.'))
    .sort();
}

/**
 * Renders `templates/<target>/<format>.hbs`. Returns null when there is no such template (the caller
 * reports `unknown-format`). A template bug (a missing variable under strict mode) is a programming
 * error and throws.
 */
export function renderTemplate(target: string, format: string, variables: TemplateVariables): string | null {
  const spec = own(own(TEMPLATES, target), format);
  if (spec === undefined) return null;
  const key = `${target}/${format}`;
  const plain = plainForm(key, own(own(PLAIN_TEMPLATES, target), format));
  if (plain !== null) {
    const text = plainRender(plain.template, plain.names, variables);
    if (text !== null) return text;
  }
  let template = compiled.get(key);
  if (template === undefined) {
    // Precompiled by scripts/generate-templates.mjs with { noEscape: true, strict: true }.
    template = env.template<TemplateVariables>(spec);
    compiled.set(key, template);
  }
  return template(variables);
}
