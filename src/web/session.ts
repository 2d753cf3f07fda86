/**
 * What the page computes, without the page: a rule's text in, every panel's output and the diagnostics
 * out. It calls the library exactly as the command line does (src/cli/commands/convert.ts), so a panel
 * shows what `sigma-transpiler convert` prints for the same rule, target, pipelines, options and format.
 * No DOM here, so the tests run it in Node too.
 */
import {
  builtinPipelines,
  CONVERTERS,
  convertFiles,
  explainRule,
  outputHeader,
  findFormat,
  parseSigmaText,
  correlationIndex,
  explainCorrelation,
  renderAll,
  type Explained,
  renderPack,
  resolveFormatOptions,
  TARGETS,
  type ConversionRecord,
  type Diagnostic,
  type ParsedFile,
} from '../index.js';

/** The file name diagnostics and outputs show for the editor's text (the CLI shows the path given). */
export const EDITOR_FILE = 'rule.yml';

/** One target's panel settings: what `convert -t <target> -f <format> -p ... -O ...` would be given. */
export interface PanelSettings {
  readonly target: string;
  readonly format: string;
  /** Built-in pipeline names, in the order shown (the target's defaults are checked at first). */
  readonly pipelines: readonly string[];
  /** Options as `-O name` / `-O name=value` set them; an option left out has its default. */
  readonly targetOptions: Readonly<Record<string, boolean | string>>;
}

/** What a panel shows. */
export interface PanelResult {
  readonly target: string;
  /** The text `convert` prints on standard output ('' when nothing converted). */
  readonly output: string;
  /** Diagnostics of this target's conversion that the rule's own parsing did not already report. */
  readonly diagnostics: readonly Diagnostic[];
  readonly converted: number;
  readonly failed: number;
}

/** A target as the page offers it: its formats, pipelines and options. */
export interface TargetChoice {
  readonly id: string;
  readonly title: string;
  readonly defaultFormat: string;
  readonly formats: readonly string[];
  readonly pipelines: readonly { readonly name: string; readonly isDefault: boolean; readonly description: string }[];
  readonly options: readonly { readonly name: string; readonly description: string; readonly default: boolean | string }[];
}

/** Every query target (not `ast`), with what its panel can choose. */
export function targetChoices(): readonly TargetChoice[] {
  return TARGETS.map((t) => {
    const converter = CONVERTERS.find((c) => c.id === t.id);
    return {
      id: t.id,
      title: t.title,
      defaultFormat: converter?.defaultFormat ?? 'query',
      formats: converter?.formats ?? ['query'],
      pipelines: builtinPipelines()
        .filter((p) => p.targets.includes(t.id))
        .map((p) => ({ name: p.name, isDefault: p.isDefault, description: p.description })),
      options: t.options.map((o) => ({ name: o.name, description: o.description, default: o.default })),
    };
  });
}

/** A panel's settings as the target's defaults give them. */
export function defaultSettings(choice: TargetChoice): PanelSettings {
  return {
    target: choice.id,
    format: choice.defaultFormat,
    pipelines: choice.pipelines.filter((p) => p.isDefault).map((p) => p.name),
    targetOptions: {},
  };
}

export function parseEditorText(text: string): ParsedFile {
  return parseSigmaText(text, EDITOR_FILE);
}

/** The diagnostics of loading and validating the rule: the same for every target. */
export function parseDiagnostics(parsed: ParsedFile): readonly Diagnostic[] {
  return [...parsed.diagnostics, ...parsed.documents.flatMap((d) => d.diagnostics)];
}

function diagnosticKey(d: Diagnostic): string {
  return [d.severity, d.code, d.span.line, d.span.column, d.message].join('\u0000');
}

/** Converts the parsed text for one panel, as `convert` would with the same arguments. */
export function convertPanel(parsed: ParsedFile, settings: PanelSettings): PanelResult {
  const converter = CONVERTERS.find((c) => c.id === settings.target);
  if (converter === undefined) throw new Error(`no target ${settings.target}`);
  const pipelines = builtinPipelines()
    .filter((p) => settings.pipelines.includes(p.name))
    .map((p) => p.pipeline);
  const records = convertFiles([parsed], converter, { format: settings.format, pipelines, targetOptions: settings.targetOptions });
  const shared = new Set(parseDiagnostics(parsed).map(diagnosticKey));
  const diagnostics = records.flatMap((r) => r.diagnostics).filter((d) => !shared.has(diagnosticKey(d)));
  const failed = records.filter((r) => !r.ok).length;
  return { target: settings.target, output: standardOutput(records, settings), diagnostics, converted: records.length - failed, failed };
}

/** What `convert` prints on standard output for these records (printHuman, or the format's pack). */
function standardOutput(records: readonly ConversionRecord[], settings: PanelSettings): string {
  const pack = findFormat(settings.target, settings.format);
  const withOutput = records.filter((r) => r.output !== null && r.output !== '');
  if (pack !== undefined) {
    const resolved = resolveFormatOptions(pack, {});
    if (!resolved.ok) return '';
    const entries = withOutput.map((r) => ({ name: outputName(r), piece: r.output ?? '' }));
    return entries.length === 0 ? '' : renderPack(pack, entries, resolved.values).text;
  }
  const many = withOutput.length > 1;
  return withOutput
    .map((r) => {
      const text = (r.output ?? '').endsWith('\n') ? (r.output ?? '') : `${r.output ?? ''}\n`;
      return many ? `${outputHeader(r)}${text}\n` : text;
    })
    .join('');
}

/** The CLI names a rule's output after its file, with the document index for later documents. */
function outputName(r: ConversionRecord): string {
  return r.file.replace(/\.ya?ml$/i, '') + (r.documentIndex > 0 ? `.${r.documentIndex}` : '');
}

/** The catalog view of every detection and correlation rule in the text (`explain --format text`). */
export function explainText(parsed: ParsedFile): string {
  const index = correlationIndex([parsed]);
  const explained: Explained[] = parsed.documents.flatMap((d): Explained[] => {
    const doc = d.document;
    if (doc?.kind === 'rule') return [explainRule(doc)];
    if (doc?.kind === 'correlation') return [explainCorrelation(doc, index)];
    return [];
  });
  return explained.length === 0 ? '' : renderAll(explained, 'text');
}

// ---------------------------------------------------------------------------------------------------
// The rule in the URL fragment: `#rule=<base64url of the UTF-8 text>`, so a link carries the rule and no
// server ever sees it (a fragment is not sent with the request).

const FRAGMENT_KEY = 'rule=';

export function encodeFragment(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return FRAGMENT_KEY + btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The rule text of a fragment (with or without its `#`), or null when it holds none or is damaged. */
export function decodeFragment(fragment: string): string | null {
  const body = fragment.replace(/^#/, '');
  if (!body.startsWith(FRAGMENT_KEY)) return null;
  const b64 = body.slice(FRAGMENT_KEY.length).replace(/-/g, '+').replace(/_/g, '/');
  try {
    const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
