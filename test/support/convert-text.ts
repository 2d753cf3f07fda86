import { runCli } from '../../src/cli/program.js';
import type { AppliedTransformation } from '../../src/pipeline/types.js';
import { memoryIo } from './memory-io.js';

/** A diagnostic as `convert --json` prints it. */
export interface JsonDiagnostic {
  readonly severity: string;
  readonly code: string;
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly file: string;
}

/** A record as `convert --json` prints it, one line per document (src/cli/convert/target-sink.ts jsonRecord). */
export interface JsonRecord {
  readonly file: string;
  readonly id: string | null;
  readonly title: string | null;
  readonly target: string;
  readonly format: string;
  readonly ok: boolean;
  readonly output: string | null;
  readonly diagnostics: JsonDiagnostic[];
  readonly document: number;
  readonly skipped: boolean;
  /** The pipeline transformations applied. */
  readonly pipeline: readonly AppliedTransformation[];
}

/**
 * The records of `convert --json` output, one per line, each line ended by a line break (cast: the CLI
 * writes each line from a ConversionRecord). A blank line anywhere is not JSON, and fails the parse.
 */
export function jsonRecords(out: string): JsonRecord[] {
  if (out === '') return [];
  return out
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => JSON.parse(line) as JsonRecord);
}

/**
 * Runs `convert ARGS --json r.yml` in-process on one rule file's text (`files`: more files beside it, such
 * as a pipeline): the exit status, every record printed, the first of them (`rec`), and stderr.
 */
export async function convertText(
  text: string,
  args: readonly string[],
  files: Record<string, string> = {},
): Promise<{ status: number; rec: JsonRecord; records: JsonRecord[]; err: string }> {
  const io = memoryIo({ 'r.yml': text, ...files });
  const status = await runCli(['convert', ...args, '--json', 'r.yml'], io);
  const records = jsonRecords(io.out);
  const rec = records[0];
  if (rec === undefined) throw new Error(`convert printed no record (status ${status}): ${io.err}`);
  return { status, rec, records, err: io.err };
}
