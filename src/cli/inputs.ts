import { basename } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { LineIndex } from '../diagnostics/span.js';
import { parseSigmaText, type ParsedFile } from '../rule/parse-documents.js';
import { sha256 } from './convert/manifest.js';
import { readInput, type CliIo, type ReadResult } from './io.js';
import { UsageError } from './usage-error.js';

/**
 * One rule file named on the command line or found below a folder named there. `root`: the folder its
 * output name is taken relative to. `unreadable`: a folder that could not be listed, as a failed file.
 */
export interface InputFile {
  readonly path: string;
  readonly root: string;
  readonly unreadable?: ParsedFile;
}

/** The YAML files of every path; a folder that cannot be listed becomes one unreadable entry (an io-error). */
export function collectFiles(paths: readonly string[], io: CliIo): InputFile[] {
  const out: InputFile[] = [];
  for (const p of paths) {
    if (!io.exists(p)) throw new UsageError(`no such file or folder: ${p}`);
    const listed = readInput(p, (path) => io.listYamlFiles(path), p);
    if (!listed.ok) {
      out.push({ path: p, root: '', unreadable: unreadableFile(p, listed.diagnostic) });
      continue;
    }
    const list = listed.value;
    const root = list.length === 1 && list[0] === p ? '' : p;
    for (const f of list) out.push({ path: f, root: root === '' ? f.slice(0, f.length - basename(f).length) : root });
  }
  return out;
}

/**
 * A rule file: parsed, or (unreadable) one io-error diagnostic, so it fails like any broken rule.
 * `hashes`: records the SHA-256 of the bytes read (for the manifest).
 */
export function parseFile(path: string, io: CliIo, hashes?: Map<string, string>): ParsedFile {
  return parseRead(path, readInput(path, (p) => io.readFile(p)), hashes);
}

/** parseFile for bytes already read (or the reason they could not be). */
export function parseRead(path: string, read: ReadResult<Uint8Array>, hashes?: Map<string, string>): ParsedFile {
  if (!read.ok) return unreadableFile(path, read.diagnostic);
  hashes?.set(path, sha256(read.value));
  return parseSigmaText(read.value, path);
}

function unreadableFile(path: string, diagnostic: Diagnostic): ParsedFile {
  return { file: path, documents: [], diagnostics: [diagnostic], index: new LineIndex(path, '') };
}
