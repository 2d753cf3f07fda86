import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';

/**
 * Pieces of plain data (JSON values: strings, numbers, plain objects and arrays) kept in order until the
 * run ends and then read back once: what `convert` prints to stdout, which cannot be printed as it comes
 * (a correlation or filter met later makes the run start over). See CliIo.spool.
 */
export interface Spool<T> {
  /** Adds one piece (strings may hold any characters, line breaks included). */
  push(piece: T): void;
  /** Hands every piece back in the order pushed, then empties the spool. */
  drain(each: (piece: T) => void): void;
  /** Frees what the spool holds (a drained or abandoned spool); pushing afterwards is a mistake. */
  dispose(): void;
}

/** A spool in memory: what a CliIo without its own spool gets (tests, embedders). */
export function memorySpool<T>(): Spool<T> {
  let pieces: T[] = [];
  return {
    push: (piece) => void pieces.push(piece),
    drain(each) {
      const all = pieces;
      pieces = [];
      for (const piece of all) each(piece);
    },
    dispose: () => void (pieces = []),
  };
}

/** Bytes read back at a time: memory stays this size however large the spool grows. */
const READ_BLOCK = 64 * 1024;

/**
 * A spool in a temporary file, so memory stays flat however large the pack (the texts of thousands of
 * queries are held on disk, not in the heap). Each piece is one line of JSON: JSON escapes line breaks,
 * so a line break always ends a piece, and reading back needs only one block at a time. The file is
 * created at the first push and removed by `drain` and `dispose`.
 */
export function fileSpool<T>(): Spool<T> {
  let dir: string | undefined;
  let fd: number | undefined;
  const open = (): number => {
    if (fd !== undefined) return fd;
    dir = mkdtempSync(join(tmpdir(), 'sigma-transpiler-'));
    fd = openSync(join(dir, 'spool.jsonl'), 'w+');
    return fd;
  };
  const dispose = (): void => {
    if (fd !== undefined) closeSync(fd);
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    fd = undefined;
    dir = undefined;
  };
  return {
    push(piece) {
      writeSync(open(), JSON.stringify(piece) + '\n');
    },
    drain(each) {
      if (fd === undefined) return;
      try {
        const buffer = Buffer.alloc(READ_BLOCK);
        // A multi-byte character cut by a block's end is completed by the next block.
        const decoder = new StringDecoder('utf8');
        let rest = '';
        for (let position = 0; ; ) {
          const n = readSync(fd, buffer, 0, READ_BLOCK, position);
          if (n === 0) break;
          position += n;
          const lines = (rest + decoder.write(buffer.subarray(0, n))).split('\n');
          rest = lines.pop() ?? '';
          for (const line of lines) each(JSON.parse(line) as T);
        }
        rest += decoder.end();
        if (rest !== '') each(JSON.parse(rest) as T);
      } finally {
        dispose();
      }
    },
    dispose,
  };
}
