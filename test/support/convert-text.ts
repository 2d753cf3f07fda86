import { runCli } from '../../src/cli/program.js';
import { memoryIo } from './memory-io.js';

/** A diagnostic as `convert --json` prints it. */
export interface JsonDiagnostic {
  readonly severity: string;
  readonly code: string;
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

/** A record as `convert --json` prints it (one line per document; the fields tests read). */
export interface JsonRecord {
  readonly ok: boolean;
  readonly skipped: boolean;
  readonly output: string | null;
  readonly diagnostics: JsonDiagnostic[];
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
  const records = io.out
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as JsonRecord);
  const rec = records[0];
  if (rec === undefined) throw new Error(`convert printed no record (status ${status}): ${io.err}`);
  return { status, rec, records, err: io.err };
}
