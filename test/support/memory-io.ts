import type { CliIo } from '../../src/cli/io.js';
import { listYamlFiles, nodeIo } from '../../src/cli/io.js';
import { existsSync, readFileSync, statSync } from 'node:fs';

/** A CliIo that reads real files (or given texts) and captures what the CLI prints and writes. */
export function memoryIo(files: Record<string, string | Uint8Array> = {}): CliIo & { out: string; err: string; written: Map<string, Map<string, string>> } {
  const io = {
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
  };
  void nodeIo;
  return io;
}
