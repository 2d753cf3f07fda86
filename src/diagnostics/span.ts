/**
 * A place in a source file. Lines and columns are 1-based; columns count UTF-16 code units,
 * as editors and JavaScript strings do. `end*` is exclusive.
 */
export interface SourceSpan {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  /** Character offsets in the file's text (end exclusive). */
  readonly offset: number;
  readonly endOffset: number;
}

/** Offsets where the lines of `text` start: 0 and after each LF. */
export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) starts.push(nl + 1);
  return starts;
}

/** Maps character offsets of one text to line/column spans. */
export class LineIndex {
  /** Offsets where lines start, found on first use (the fast YAML reader asks first, and shares them). */
  private lineStarts: readonly number[] | undefined;
  constructor(
    readonly file: string,
    readonly text: string,
  ) {}

  /** `lineStartsOf(text)`, found once. */
  get starts(): readonly number[] {
    this.lineStarts ??= lineStartsOf(this.text);
    return this.lineStarts;
  }

  position(offset: number): { line: number; column: number } {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= clamped) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: clamped - (starts[lo] ?? 0) + 1 };
  }

  span(start: number, end: number): SourceSpan {
    const a = this.position(start);
    const b = this.position(Math.max(start, end));
    return {
      file: this.file,
      line: a.line,
      column: a.column,
      endLine: b.line,
      endColumn: b.column,
      offset: start,
      endOffset: Math.max(start, end),
    };
  }

  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string {
    const start = this.starts[line - 1];
    if (start === undefined) return '';
    const next = this.starts[line];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, end).replace(/\r$/, '');
  }
}

/** A span for diagnostics about a whole file or a place without text (offsets 0). */
export function pointSpan(file: string, line = 1, column = 1): SourceSpan {
  return { file, line, column, endLine: line, endColumn: column, offset: 0, endOffset: 0 };
}
