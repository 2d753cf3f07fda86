import { isAbsolute, relative, resolve, sep } from 'node:path';
import { checkParsed, countFindings, type CheckReport } from '../../check/check.js';
import { DEFAULT_CONFIG, parseCheckConfig, withDisabled, type CheckConfig } from '../../check/config.js';
import { CHECKS } from '../../check/registry.js';
import { toSarif } from '../../check/sarif.js';
import { renderDiagnostic } from '../../diagnostics/render.js';
import { LineIndex } from '../../diagnostics/span.js';
import { collectFiles, parseFile } from '../inputs.js';
import { readInput, type CliIo } from '../io.js';
import { UsageError } from '../usage-error.js';
import { packageVersion } from '../version.js';

export const CHECK_FORMATS = ['text', 'json', 'sarif'] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];

export interface CheckOptions {
  readonly config?: string;
  readonly disable: readonly string[];
  readonly format: string;
  readonly failOn: string;
  readonly list: boolean;
}

/** The config file looked for in the working directory when `--config` is not given. */
export const CONFIG_FILE = '.sigma-transpiler.yml';

/**
 * `sigma-transpiler check PATH...`: lints a pack (src/check). Exit 0 when nothing fails, 1 when a finding
 * of failing severity (error; warning too with `--fail-on warning`) exists, 2 for a usage error (a
 * malformed config included: its problems are printed with line and column).
 */
export function runCheck(paths: readonly string[], options: CheckOptions, io: CliIo): number {
  if (options.list) {
    for (const c of CHECKS) io.stdout(`${c.code.padEnd(32)} ${c.severity.padEnd(8)} ${c.summary}\n`);
    return 0;
  }
  if (paths.length === 0) throw new UsageError('name the rule files or folders to check');
  const format = options.format as CheckFormat;
  if (!(CHECK_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`unknown format ${JSON.stringify(options.format)}; choose one of: ${CHECK_FORMATS.join(', ')}`);
  }
  if (options.failOn !== 'error' && options.failOn !== 'warning') {
    throw new UsageError(`--fail-on takes error or warning, not ${JSON.stringify(options.failOn)}`);
  }
  const loaded = loadConfig(options.config, io);
  if (loaded === null) return 2;
  const { config, unknown } = withDisabled(loaded, options.disable);
  if (unknown.length > 0) throw new UsageError(`--disable: unknown check ${unknown.map((u) => JSON.stringify(u)).join(', ')}; \`check --list\` shows the codes`);

  const parsed = collectFiles(paths, io).map((f) => f.unreadable ?? parseFile(f.path, io));
  const report = checkParsed(parsed, config);
  print(report, format, io);
  const counts = countFindings(report.findings);
  io.stderr(
    `checked ${report.files} file${report.files === 1 ? '' : 's'} (${report.documents} document${report.documents === 1 ? '' : 's'}): ` +
      `${counts.error} error${counts.error === 1 ? '' : 's'}, ${counts.warning} warning${counts.warning === 1 ? '' : 's'}, ${counts.info} note${counts.info === 1 ? '' : 's'}\n`,
  );
  return counts.error > 0 || (options.failOn === 'warning' && counts.warning > 0) ? 1 : 0;
}

function print(report: CheckReport, format: CheckFormat, io: CliIo): void {
  switch (format) {
    case 'text':
      for (const f of report.findings) io.stdout(`${renderDiagnostic(f, report.sources.get(f.span.file))}\n`);
      return;
    case 'json':
      for (const f of report.findings) {
        const s = f.span;
        io.stdout(
          `${JSON.stringify({ file: s.file, line: s.line, column: s.column, endLine: s.endLine, endColumn: s.endColumn, severity: f.severity, code: f.code, message: f.message })}\n`,
        );
      }
      return;
    case 'sarif':
      io.stdout(toSarif(report.findings, { name: 'sigma-transpiler', version: packageVersion(), uri: artifactUri }));
      return;
  }
}

/** The config: `--config FILE`, else `.sigma-transpiler.yml` in the working directory, else none. */
function loadConfig(path: string | undefined, io: CliIo): CheckConfig | null {
  const file = path ?? (io.exists(CONFIG_FILE) ? CONFIG_FILE : undefined);
  if (file === undefined) return DEFAULT_CONFIG;
  if (!io.exists(file) || io.isDirectory(file)) throw new UsageError(`--config: no such file: ${file}`);
  const read = readInput(file, (p) => new TextDecoder().decode(io.readFile(p)), 'the config file');
  if (!read.ok) throw new UsageError(read.diagnostic.message);
  const { config, diagnostics } = parseCheckConfig(read.value, file);
  if (diagnostics.length === 0) return config;
  const index = new LineIndex(file, read.value);
  for (const d of diagnostics) io.stderr(`${renderDiagnostic(d, index)}\n`);
  io.stderr(`error: the config file ${file} is not valid (see above)\n`);
  return null;
}

/** A finding's file as a URI relative to the working directory (`/`-separated, each segment encoded). */
export function artifactUri(file: string): string {
  const abs = isAbsolute(file) ? file : resolve(file);
  const rel = relative(process.cwd(), abs);
  return rel
    .split(sep)
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}
