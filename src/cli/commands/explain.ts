import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { buildCorpusIndex, type CorpusIndex } from '../../explain/corpus-index.js';
import { explainRule } from '../../explain/explain.js';
import { correlationIndex, explainCorrelation, renderAll, type Explained } from '../../explain/correlation.js';
import { EXPLAIN_FORMATS, type ExplainFormat } from '../../explain/render.js';
import type { SigmaRule } from '../../rule/model.js';
import { parseSigmaText, type ParsedFile } from '../../rule/parse-documents.js';
import { renderDiagnostic } from '../../diagnostics/render.js';
import { readInput } from '../io.js';

type LoadedFile = ParsedFile;

export interface ExplainIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readFile(path: string): string | Uint8Array;
  /** The YAML files of a path: the file itself, or every `*.yml`/`*.yaml` below a folder, sorted. */
  listYamlFiles(path: string): string[];
}

/**
 * `sigma-transpiler explain RULE... [--corpus DIR] [--format text|markdown|json]`.
 *
 * Explains every detection rule in the given files or folders; with `--corpus`, indexes every rule
 * below DIR once and shows, per indicator, how many of them look for the same thing. Exit status: 0 all
 * rules explained, 1 a rule file had errors (the others are still explained), 2 a usage error.
 */
export function runExplain(
  paths: string[],
  options: { corpus?: string; format: ExplainFormat },
  io: ExplainIo,
): number {
  if (!EXPLAIN_FORMATS.includes(options.format)) {
    io.stderr(`error: unknown format \`${String(options.format)}\`; use one of ${EXPLAIN_FORMATS.join(', ')}\n`);
    return 2;
  }
  let status = 0;
  const report = (d: Diagnostic): void => {
    io.stderr(`${renderDiagnostic(d)}\n`);
  };
  const load = (file: string): LoadedFile | null => {
    const text = readInput(file, (p) => io.readFile(p));
    if (!text.ok) {
      report(text.diagnostic);
      return null;
    }
    return parseSigmaText(text.value, file);
  };
  const listFiles = (path: string): string[] | null => {
    const files = readInput(path, (p) => io.listYamlFiles(p), path);
    if (!files.ok) {
      report(files.diagnostic);
      return null;
    }
    return files.value;
  };

  let corpus: CorpusIndex | undefined;
  if (options.corpus !== undefined) {
    const files = listFiles(options.corpus);
    if (files === null) return 2;
    const rules: SigmaRule[] = [];
    let failed = 0;
    for (const file of files) {
      const parsed = load(file);
      if (parsed === null) {
        failed++;
        continue;
      }
      let ok = true;
      for (const d of parsed.documents) {
        if (d.document?.kind === 'rule') rules.push(d.document);
        else if (d.document === null) ok = false;
      }
      if (!ok) failed++;
    }
    corpus = buildCorpusIndex(rules);
    const skipped = failed === 0 ? '' : `; ${failed} file${failed === 1 ? '' : 's'} with documents that did not load were skipped in part or whole`;
    io.stderr(`corpus: indexed ${corpus.rules} rules from ${files.length} files under ${options.corpus}${skipped}\n`);
  }

  const loaded: LoadedFile[] = [];
  for (const path of paths) {
    const files = listFiles(path);
    if (files === null) {
      status = 1;
      continue;
    }
    for (const file of files) {
      const parsed = load(file);
      if (parsed === null) {
        status = 1;
        continue;
      }
      const diagnostics = [...parsed.diagnostics, ...parsed.documents.flatMap((d) => d.diagnostics)];
      for (const d of diagnostics) io.stderr(`${renderDiagnostic(d, parsed.index)}\n`);
      if (diagnostics.some((d) => d.severity === 'error')) status = 1;
      loaded.push(parsed);
    }
  }
  // Correlations resolve their rules among every file given.
  const index = correlationIndex(loaded);
  const explained: Explained[] = [];
  for (const parsed of loaded) {
    for (const d of parsed.documents) {
      const doc = d.document;
      if (doc === null) continue;
      if (doc.kind === 'rule') explained.push(explainRule(doc, corpus));
      else if (doc.kind === 'correlation') explained.push(explainCorrelation(doc, index, corpus));
      else io.stderr(`${parsed.file}: skipped the filter \`${doc.title}\`: explain covers detection and correlation rules\n`);
    }
  }
  if (explained.length === 0) {
    io.stderr('error: no detection rule to explain\n');
    return status === 0 ? 1 : status;
  }
  io.stdout(renderAll(explained, options.format));
  return status;
}
