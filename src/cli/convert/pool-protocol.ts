import type { ConversionRecord } from '../../convert.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';

/**
 * What the main thread and the conversion worker threads (see pool.ts, pool-worker.ts) say to each other.
 * Everything here is structured-cloneable: plain objects, strings, numbers, byte arrays.
 */

/** Given to each worker once: enough to build the same converters and pipelines as the main thread. */
export interface WorkerSetup {
  /** The command line's --target, --format, --target-option and --format-option, as written. */
  readonly targets: readonly string[];
  readonly formats: readonly string[];
  readonly targetOptions: readonly string[];
  readonly formatOptions: readonly string[];
  readonly withoutPipeline: boolean;
  /** Each --pipeline: its reference and, for a file, the text the main thread read (never read again). */
  readonly pipelines: readonly { readonly ref: string; readonly source: string | undefined }[];
  /** Each --filter file: its path and the bytes the main thread read. */
  readonly filters: readonly { readonly path: string; readonly bytes: Uint8Array }[];
  readonly skipUnsupported: boolean;
  /** Record each input's SHA-256 (for the manifest). */
  readonly hashes: boolean;
  /** Measure each document's conversion time (--timings, or a terminal). */
  readonly timed: boolean;
}

/** One input file to parse and convert: its bytes, or the diagnostics of why it could not be read. */
export type FileTask =
  | { readonly seq: number; readonly path: string; readonly bytes: Uint8Array }
  | { readonly seq: number; readonly path: string; readonly unreadable: readonly Diagnostic[] };

/** What a worker sends back for one file. */
export type FileResult =
  | {
      readonly kind: 'converted';
      readonly seq: number;
      /** The SHA-256 of the bytes (when asked for and the file was read). */
      readonly hash: string | null;
      /** The file's text as the loader decoded it: diagnostics are rendered with its lines. */
      readonly text: string;
      /** convertFiles' records, one list per selected target in the order of the run. */
      readonly records: readonly (readonly ConversionRecord[])[];
      /** Each document's conversion time in ms (summed over the targets), when timed. */
      readonly times: readonly (readonly [string, number])[];
    }
  /** The file holds a filter or a correlation: the run starts over in batch mode. */
  | { readonly kind: 'batch'; readonly seq: number };
