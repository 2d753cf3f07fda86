import { assertNever } from '../diagnostics/assert-never.js';
import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { renderTemplate } from './environment.js';
import type { FormatDeclaration, FormatItem, FormatOptionValues, Naming, PackSyntax } from './format.js';
import { describedWithAttribution, DRL, guessOrigin, ruleMetadata, type RuleOrigin } from './rule-metadata.js';
import { UUID_PATTERN, uuidV5 } from './uuid.js';

/** Option values with defaults applied, or why the given ones cannot be used. */
export type ResolvedOptions = { readonly ok: true; readonly values: FormatOptionValues } | { readonly ok: false; readonly message: string };

/** Applies defaults and checks every given option: an unknown name or a bad value is refused. */
export function resolveFormatOptions(format: FormatDeclaration, given: Readonly<Record<string, string>>): ResolvedOptions {
  const values: Record<string, string> = {};
  for (const o of format.options) values[o.name] = o.default;
  for (const [name, value] of Object.entries(given)) {
    const option = format.options.find((o) => o.name === name);
    if (option === undefined) {
      const names = format.options.map((o) => o.name).join(', ');
      return { ok: false, message: `format ${format.target}/${format.format} has no option ${JSON.stringify(name)}; its options: ${names}` };
    }
    const problem = option.check(value);
    if (problem !== null) return { ok: false, message: `format option ${name}=${JSON.stringify(value)} ${problem}` };
    values[name] = value;
  }
  return { ok: true, values };
}

/** One rule's piece of the pack, or why the format cannot hold it. */
export interface RenderedPiece {
  readonly piece: string | null;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Renders every rule's piece with `templates/<target>/<format>.hbs`. Pieces are rendered together
 * because names must be unique across the pack (a stanza, a view, a rule id). Output is deterministic:
 * the same rules in the same order give the same text.
 */
export function renderPieces(format: FormatDeclaration, items: readonly FormatItem[], options: FormatOptionValues): RenderedPiece[] {
  const usedNames = new Set(format.naming?.reserved ?? []);
  const usedIds = new Set<string>();
  return items.map(({ rule, input }) => {
    const diagnostics: Diagnostic[] = [];
    const refusal = format.refuse?.(input, rule, options) ?? null;
    if (refusal !== null) return { piece: null, diagnostics: [error('unsupported-construct', refusal, rule.span)] };

    const origin: RuleOrigin = options['origin'] === 'sigmahq' || options['origin'] === 'other' ? options['origin'] : guessOrigin(rule);
    const meta = ruleMetadata(rule, origin);

    const name = format.naming === null ? '' : takeName(format.naming.make(rule.title), usedNames, format.naming);

    const ownId = rule.id !== undefined && UUID_PATTERN.test(rule.id) ? rule.id.toLowerCase() : null;
    let uid = ownId ?? uuidV5(`rule:${rule.title}`);
    for (let n = 2; usedIds.has(uid); n++) uid = uuidV5(`rule:${ownId ?? rule.title}#${n}`);
    usedIds.add(uid);
    if (ownId !== null && uid !== ownId) {
      diagnostics.push(
        warning('duplicate-value', `an earlier rule of this pack has the id ${ownId}; this rule is written with the id ${uid} so importing it does not replace that rule`, rule.span),
      );
    }

    const variables = {
      rule: meta,
      description: describedWithAttribution(meta),
      attribution: meta.attribution.lines,
      query: input.query,
      expression: input.expression,
      postFilter: input.postFilter,
      source: input.source,
      state: input.state,
      name,
      uid,
      options,
      vendor: format.vendor({ meta, input, options, uid, document: rule }),
    };
    const text = renderTemplate(format.target, format.format, variables);
    if (text === null) {
      return { piece: null, diagnostics: [error('unknown-format', `target ${format.target} has no template templates/${format.target}/${format.format}.hbs`, rule.span)] };
    }
    return { piece: normalise(text, format.layout.syntax), diagnostics };
  });
}

/** How names of one name space compare and how a taken one is made unique. */
export type NameSpace = Pick<Naming, 'key' | 'suffix'>;

/** `base`, or the first of suffix(base, 2), suffix(base, 3), ... whose key is not taken yet, with that key. */
function freeName(base: string, taken: { has(key: string): boolean }, space: NameSpace): { readonly name: string; readonly key: string } {
  let name = base;
  let key = space.key(base);
  for (let n = 2; taken.has(key); n++) {
    name = space.suffix(base, n);
    key = space.key(name);
  }
  return { name, key };
}

/** freeName, its key marked used. */
function takeName(base: string, used: Set<string>, space: NameSpace): string {
  const { name, key } = freeName(base, used, space);
  used.add(key);
  return name;
}

/**
 * Names of files written side by side (without extension). Compared case-insensitively: on Windows and
 * macOS `X` and `x` are the same file, and the second would replace the first.
 */
const FILE_NAMES: NameSpace = {
  // The name itself when it has no upper case (most do): a pack's namer keeps its keys for the whole run,
  // and a key that is the name adds no string of its own.
  key: (name) => {
    const lower = name.toLowerCase();
    return lower === name ? name : lower;
  },
  suffix: (name, n) => `${name}-${n}`,
};

/** One name that `uniqueFileNames` had to change: the entry at `index` met the name of the one at `earlier`. */
export interface RenamedFile {
  readonly index: number;
  readonly earlier: number;
  readonly name: string;
}

/**
 * File names made unique one at a time, in order (the first keeps its name): what uniqueFileNames does for
 * a list, for callers that name outputs as rules finish.
 */
export class FileNamer {
  /** Each name taken (its key) -> the index of the entry that took it. Held for the whole run: one entry per file. */
  private readonly owner = new Map<string, number>();
  private count = 0;

  /** The next entry's name, and (when it had to change) the index of the earlier entry it met. */
  take(base: string): { readonly name: string; readonly earlier?: number } {
    const index = this.count++;
    const earlier = this.owner.get(FILE_NAMES.key(base));
    const { name, key } = freeName(base, this.owner, FILE_NAMES); // the owners' keys are the names used
    this.owner.set(key, index);
    return name !== base && earlier !== undefined ? { name, earlier } : { name };
  }
}

/** The names made unique in order (the first keeps its name), and every one that was changed. */
export function uniqueFileNames(names: readonly string[]): { readonly names: readonly string[]; readonly renamed: readonly RenamedFile[] } {
  const namer = new FileNamer();
  const renamed: RenamedFile[] = [];
  const out = names.map((base, index) => {
    const { name, earlier } = namer.take(base);
    if (earlier !== undefined) renamed.push({ index, earlier, name });
    return name;
  });
  return { names: out, renamed };
}

/** A rendered rule and the file name it gets when each rule has its own file (without extension). */
export interface PackEntry {
  readonly name: string;
  readonly piece: string;
}

export interface RenderedPack {
  /** File name -> content, as `--output-dir` writes them. */
  readonly files: ReadonlyMap<string, string>;
  /** What standard output shows: the one file, or every rule's file one after the other. */
  readonly text: string;
}

/** The lines every pack template may put at its top (as comments in its own syntax). */
const PACK_NOTICE: readonly string[] = [
  'Generated by sigma-transpiler from Sigma rules (https://github.com/SigmaHQ/sigma-specification).',
  'Each rule keeps its title, id, author and license. Rules from the SigmaHQ rule set are licensed under the',
  `${DRL.name} (${DRL.url}); keep this attribution when you share them.`,
];

/** Puts the pieces together: the pack template when there is one, else the pieces joined. */
export function renderPack(format: FormatDeclaration, entries: readonly PackEntry[], options: FormatOptionValues): RenderedPack {
  const layout = format.layout;
  if (layout.kind === 'file-per-rule') {
    // Names made unique here too, so no entry can replace another (the CLI warns about the renames).
    const names = uniqueFileNames(entries.map((e) => e.name)).names;
    const files = new Map<string, string>();
    entries.forEach((e, i) => files.set(`${names[i] ?? e.name}.${layout.extension}`, withNewline(e.piece)));
    return { files, text: entries.map((e) => withNewline(e.piece)).join(layout.separator) };
  }
  const pieces = entries.map((e) => e.piece.replace(/\n$/, ''));
  const wrapped = renderTemplate(format.target, `${format.format}.pack`, { pieces, options, notice: PACK_NOTICE, noticeText: PACK_NOTICE.join(' '), count: pieces.length });
  const text = wrapped === null ? pieces.join(layout.separator) : normalise(wrapped, layout.syntax);
  const content = text === '' ? '' : withNewline(text);
  return { files: new Map([[layout.file, content]]), text: content };
}

/**
 * JSON pieces are parsed and printed again: the template is written for people, the output is canonical
 * (NDJSON: one line). A template that does not produce JSON is a bug of the template, and throws.
 */
function normalise(text: string, syntax: PackSyntax): string {
  switch (syntax) {
    case 'text':
      return text.replace(/\n$/, '');
    case 'json':
      return JSON.stringify(JSON.parse(text), null, 2);
    case 'ndjson':
      return JSON.stringify(JSON.parse(text));
    default:
      return assertNever(syntax, 'pack syntax');
  }
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
