import type { CliIo, StagedFiles } from '../../src/cli/io.js';
import { listYamlFiles, nodeIo } from '../../src/cli/io.js';
import { existsSync, readFileSync, statSync } from 'node:fs';

export interface MemoryIoOptions {
  /** Pretend stderr is a terminal (progress bar, timings). */
  readonly stderrIsTTY?: boolean;
  /** Injected failure: the Nth write (a file staged or a piece appended, 1-based) of each pack fails. */
  readonly failStagedWriteAt?: number;
}

/** A CliIo that reads real files (or given texts) and captures what the CLI prints and writes. */
export function memoryIo(
  files: Record<string, string | Uint8Array> = {},
  options: MemoryIoOptions = {},
): CliIo & { out: string; err: string; written: Map<string, Map<string, string>>; staging: Map<string, Map<string, string>> } {
  const io = {
    stderrIsTTY: options.stderrIsTTY === true,
    /** Packs being staged (removed on commit or abort): what a crash would leave behind. */
    staging: new Map<string, Map<string, string>>(),
    out: '',
    err: '',
    written: new Map<string, Map<string, string>>(),
    stdout(t: string) {
      io.out += t;
    },
    stderr(t: string) {
      io.err += t;
    },
    readFile(p: string): Uint8Array {
      const f = files[p];
      if (f !== undefined) return typeof f === 'string' ? new TextEncoder().encode(f) : f;
      return readFileSync(p);
    },
    exists(p: string) {
      return p in files || Object.keys(files).some((k) => k.startsWith(p.replace(/\/?$/, '/'))) || existsSync(p);
    },
    isDirectory(p: string) {
      if (p in files) return false;
      if (Object.keys(files).some((k) => k.startsWith(p.replace(/\/?$/, '/')))) return true;
      return existsSync(p) && statSync(p).isDirectory();
    },
    listYamlFiles(p: string) {
      if (p in files) return [p];
      const inMemory = Object.keys(files).filter((k) => k.startsWith(p.replace(/\/?$/, '/'))).sort();
      return inMemory.length > 0 ? inMemory : listYamlFiles(p);
    },
    writeFiles(dir: string, out: ReadonlyMap<string, string>) {
      io.written.set(dir, new Map(out));
    },
    stageFiles(dir: string): StagedFiles {
      const pending = new Map<string, string>();
      let staged = 0;
      io.staging.set(dir, pending);
      return {
        add(name: string, content: string) {
          staged++;
          if (staged === options.failStagedWriteAt) throw new Error(`injected failure writing ${name}`);
          pending.set(name, content);
        },
        append(name: string, text: string) {
          staged++;
          if (staged === options.failStagedWriteAt) throw new Error(`injected failure writing ${name}`);
          pending.set(name, (pending.get(name) ?? '') + text);
        },
        commit() {
          io.staging.delete(dir);
          io.written.set(dir, new Map(pending));
        },
        abort() {
          io.staging.delete(dir);
        },
      };
    },
  };
  void nodeIo;
  return io;
}
