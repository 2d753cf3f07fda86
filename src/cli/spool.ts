import { closeSync, mkdtempSync, openSync, readSync, rmdirSync, rmSync, unlinkSync, writeSync } from 'node:fs';
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
 * created at the first push and removed from its folder at once (it lives on through its descriptor,
 * which `drain` and `dispose` close). When the file cannot be created or
 * written (TMPDIR missing or read-only, a full disk), the pieces from there on are kept in memory, as
 * before there was a file: the run still prints everything. Only pieces written whole are read back.
 */
export function fileSpool<T>(): Spool<T> {
  let dir: string | undefined;
  let fd: number | undefined;
  /** Bytes of the pieces written whole. */
  let size = 0;
  /** The file failed: this piece and every later one are kept here, after the file's. */
  let memory: T[] | undefined;
  const open = (): number => {
    if (fd !== undefined) return fd;
    dir = mkdtempSync(join(tmpdir(), 'sigma-transpiler-'));
    const file = join(dir, 'spool.jsonl');
    fd = openSync(file, 'w+');
    // Only the descriptor is needed: the file and its folder are removed at once (an open file's data stays
    // until it is closed, unlink(2)), so a run that is killed (Ctrl-C) leaves nothing behind. Where the
    // system refuses to remove an open file, `dispose` removes them.
    // https://pubs.opengroup.org/onlinepubs/9799919799/functions/unlink.html
    try {
      unlinkSync(file);
      rmdirSync(dir);
      dir = undefined;
    } catch {
      // removed by dispose
    }
    return fd;
  };
  const dispose = (): void => {
    const [handle, folder] = [fd, dir];
    fd = undefined;
    dir = undefined;
    size = 0;
    memory = undefined;
    try {
      if (handle !== undefined) closeSync(handle);
    } finally {
      if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
    }
  };
  return {
    push(piece) {
      if (memory !== undefined) return void memory.push(piece);
      try {
        const handle = open();
        const bytes = Buffer.from(JSON.stringify(piece) + '\n', 'utf8');
        // writeSync may write less than asked (a disk filling up): the rest is written from where it stopped.
        for (let done = 0; done < bytes.length; ) done += writeSync(handle, bytes, done, bytes.length - done, size + done);
        size += bytes.length;
      } catch {
        memory = [piece];
      }
    },
    drain(each) {
      const tail = memory ?? [];
      try {
        if (fd !== undefined) readLines(fd, size, (line) => each(JSON.parse(line) as T));
        for (const piece of tail) each(piece);
      } finally {
        dispose();
      }
    },
    dispose,
  };
}

/**
 * Hands each line of the first `size` bytes of the file to `each` (without its line break). A line longer
 * than a block is gathered block by block and joined once (joining at every block would be quadratic:
 * a declared format's pack is one piece of many megabytes).
 */
function readLines(fd: number, size: number, each: (line: string) => void): void {
  const buffer = Buffer.alloc(READ_BLOCK);
  // A multi-byte character cut by a block's end is completed by the next block.
  const decoder = new StringDecoder('utf8');
  let partial: string[] = [];
  const text = (block: string): void => {
    let from = 0;
    for (let end = block.indexOf('\n'); end !== -1; end = block.indexOf('\n', from)) {
      partial.push(block.slice(from, end));
      each(partial.join(''));
      partial = [];
      from = end + 1;
    }
    if (from < block.length) partial.push(block.slice(from));
  };
  for (let position = 0; position < size; ) {
    const n = readSync(fd, buffer, 0, Math.min(READ_BLOCK, size - position), position);
    if (n === 0) break;
    position += n;
    text(decoder.write(buffer.subarray(0, n)));
  }
  text(decoder.end());
  if (partial.length > 0) each(partial.join(''));
}
