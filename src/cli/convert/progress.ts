import { performance } from 'node:perf_hooks';
import type { CliIo } from '../io.js';

/**
 * The progress bar (stderr, only when it is a terminal) and per-rule timings. Times are not deterministic,
 * so they never reach stdout or the manifest: the slowest rules are shown only on a terminal or with
 * `--timings`.
 */
export class Progress {
  private readonly bar: boolean;
  private done = 0;
  private total = 0;
  private label = '';
  private shown = -1;
  private readonly timer = new DocumentTimer();

  constructor(
    private readonly io: CliIo,
    private readonly timedRun: boolean,
  ) {
    this.bar = io.stderrIsTTY === true;
  }

  /** Starts a phase of `total` steps (parsing files, converting for one target). */
  phase(label: string, total: number): void {
    this.stopTimer();
    this.label = label;
    this.total = total;
    this.done = 0;
    this.shown = -1;
    this.draw();
  }

  step(): void {
    this.done++;
    this.draw();
  }

  /** A document starts converting: the previous one's time ends (see ConvertOptions.onDocumentStart). */
  documentStart(file: string, index: number): void {
    if (this.timed) this.timer.start(file, index);
  }

  /** Whether documents are timed (--timings, or a terminal): worker threads then measure their times. */
  get timed(): boolean {
    return this.timedRun || this.bar;
  }

  /** Times measured elsewhere (a worker thread), per document, in ms. */
  addTimes(times: readonly (readonly [string, number])[]): void {
    for (const [key, ms] of times) this.timer.add(key, ms);
  }

  /** Ends the current document's time (when its target's conversion returned). */
  stopTimer(): void {
    this.timer.stop();
  }

  /** Removes the bar, so the summary lines start on a clean line. */
  clear(): void {
    this.stopTimer();
    if (this.bar && this.shown >= 0) this.io.stderr('\r\u001b[2K');
    this.shown = -1;
  }

  /** The slowest rules (conversion time summed over the targets), on a terminal or with --timings. */
  printSlowest(count = 5): void {
    if (!this.timed) return;
    const slowest = [...this.timer.times.entries()].sort((a, b) => b[1] - a[1]).slice(0, count);
    if (slowest.length === 0) return;
    this.io.stderr(`slowest rules (conversion time, all targets):\n`);
    for (const [name, ms] of slowest) this.io.stderr(`  ${ms.toFixed(1).padStart(8)} ms  ${name}\n`);
  }

  private draw(): void {
    if (!this.bar || this.total === 0) return;
    const percent = Math.min(100, Math.floor((this.done * 100) / this.total));
    if (percent === this.shown) return;
    this.shown = percent;
    const width = 30;
    const filled = Math.round((percent * width) / 100);
    this.io.stderr(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(percent).padStart(3)}% ${this.label} ${this.done}/${this.total}`);
  }
}

/**
 * How messages name document `index` (0-based) of `file`: the file alone for its first document, else
 * `file [document N]` (the slowest rules' list, the warning about two outputs of one name).
 */
export function documentLabel(file: string, index: number): string {
  return index > 0 ? `${file} [document ${index}]` : file;
}

/**
 * Each document's conversion time in ms, summed over the targets, keyed by documentLabel:
 * measured by Progress on the main thread and by FileConverter (also on the worker threads).
 */
export class DocumentTimer {
  readonly times = new Map<string, number>();
  /** The document being timed and when it started. */
  private current: { key: string; start: number } | null = null;

  /** Document `index` of `file` starts converting: the previous one's time ends (see ConvertOptions.onDocumentStart). */
  readonly start = (file: string, index: number): void => {
    const now = performance.now();
    this.stop(now);
    this.current = { key: documentLabel(file, index), start: now };
  };

  /** Ends the current document's time (when its target's conversion returned). */
  stop(now = performance.now()): void {
    if (this.current === null) return;
    this.add(this.current.key, now - this.current.start);
    this.current = null;
  }

  add(key: string, ms: number): void {
    this.times.set(key, (this.times.get(key) ?? 0) + ms);
  }
}
