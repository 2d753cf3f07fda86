import { existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { pointSpan } from '../diagnostics/span.js';
import { BackgroundWriter } from './background-writer.js';
import { watchProcessSignals, type InterruptWatch } from './interrupt.js';
import { fileSpool, type Spool } from './spool.js';

/** Everything the CLI touches outside itself, injected so tests run commands in-process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readFile(path: string): Uint8Array;
  /** The YAML files of a path: the file itself, or every `*.yml`/`*.yaml` below a folder, sorted. */
  listYamlFiles(path: string): string[];
  exists(path: string): boolean;
  /** True for an existing folder (false for a missing path or any other kind of file). */
  isDirectory(path: string): boolean;
  /** Writes a set of files all together: into a fresh folder first, then moved into place. */
  writeFiles(dir: string, files: ReadonlyMap<string, string>): void;
  /**
   * Starts writing a pack into `dir` file by file (a staging folder beside it), so the files need not be
   * held in memory until the end; nothing appears in `dir` before `commit`, and `abort` leaves no trace.
   * Absent: the files are collected and given to `writeFiles` on commit.
   */
  stageFiles?(dir: string): StagedFiles;
  /**
   * Somewhere to keep what is printed at the end of a run (a temporary file for the real CLI, so memory
   * stays flat however large the pack). Absent: kept in memory.
   */
  spool?<T>(): Spool<T>;
  /**
   * The module each conversion worker thread runs (`--jobs`, see ConvertPool). Absent: the build's
   * pool-worker.js. Tests give one that fails, to see a failing thread end the run.
   */
  readonly convertWorker?: URL;
  /** True when standard error is a terminal: a progress bar and timings are shown there. */
  readonly stderrIsTTY?: boolean;
  /**
   * Starts watching for Ctrl-C (SIGINT) and SIGTERM, so a run that staged files can remove them before it
   * ends (see InterruptWatch). Absent: nothing is watched (an embedder stops a run its own way).
   */
  watchInterrupts?(): InterruptWatch;
}

/** A pack being written: see CliIo.stageFiles. */
export interface StagedFiles {
  /** Stages one file (a relative path with `/`); throws when it cannot be written. */
  add(name: string, content: string): void;
  /** Adds text to the end of a staged file (creating it): a file written piece by piece (the manifest). */
  append(name: string, text: string): void;
  /** Moves every staged file into place. */
  commit(): void;
  /** Removes what was staged; nothing is written. */
  abort(): void;
}

/** The io's own staging, or files collected in memory and handed to writeFiles on commit. */
export function stageFiles(io: CliIo, dir: string): StagedFiles {
  const own = io.stageFiles?.(dir);
  if (own !== undefined) return own;
  const files = new Map<string, string>();
  return {
    add: (name, content) => void files.set(name, content),
    append: (name, text) => void files.set(name, (files.get(name) ?? '') + text),
    commit: () => io.writeFiles(dir, files),
    abort: () => files.clear(),
  };
}

export function nodeIo(): CliIo {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    readFile: (p) => readFileSync(p),
    exists: (p) => existsSync(p),
    isDirectory: (p) => {
      try {
        return statSync(p).isDirectory();
      } catch {
        return false;
      }
    },
    listYamlFiles,
    writeFiles,
    stageFiles: stageOnDisk,
    spool: fileSpool,
    stderrIsTTY: process.stderr.isTTY === true,
    watchInterrupts: watchProcessSignals,
  };
}

/** What reading a path gave: its content, or an `io-error` diagnostic saying why it could not be read. */
export type ReadResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly diagnostic: Diagnostic };

/**
 * Reads `path` with `read` (a file's bytes, a folder's YAML files) and turns a failure of the file system
 * (EIO, EISDIR, EACCES, ...) into an `io-error` diagnostic: an unreadable input is the user's problem to
 * fix, never a crash.
 */
export function readInput<T>(path: string, read: (path: string) => T, what = 'the file'): ReadResult<T> {
  try {
    return { ok: true, value: read(path) };
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return { ok: false, diagnostic: error('io-error', `cannot read ${what}: ${reason}`, pointSpan(path)) };
  }
}

/** Folder entries in code unit order (the same on every system, whatever its locale). */
function byName(a: { readonly name: string }, b: { readonly name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export function listYamlFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort(byName)) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && /\.ya?ml$/i.test(entry.name)) out.push(full);
    }
  };
  walk(path);
  return out;
}

function writeFiles(dir: string, files: ReadonlyMap<string, string>): void {
  const staging = stagingFolder(dir);
  rmSync(staging, { recursive: true, force: true });
  // A failed write (a full disk, a file where a folder should be) must not leave the staging folder behind.
  try {
    for (const [name, content] of files) {
      const target = stagedPath(staging, name);
      makeFolders(dirname(target));
      writeFileSync(target, content);
    }
    makeFolders(staging);
    moveInto(staging, dir, [...files.keys()], asideFolder(dir));
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * mkdir -p: makes `dir` and the folders above it that are missing, one at a time, and returns the folders
 * it made (outermost first). Not mkdirSync's `recursive`: where mkdir fails with ENOENT although the
 * folder above exists (below /proc), Node 20's recursive mkdir retries forever (100 % CPU; the run never
 * ends, and on the writer thread the process cannot even exit). Here that mkdir's error is thrown. The
 * writer thread has its own copy (background-writer.ts, WORKER_SOURCE).
 */
export function makeFolders(dir: string): string[] {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) {
    missing.push(d);
    if (dirname(d) === d) break;
  }
  const made: string[] = [];
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
      made.push(d);
    } catch (e) {
      // Made meanwhile by someone else: fine when it is a folder.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(d).isDirectory()) throw e;
    }
  }
  return made;
}

/** The file operations moveInto uses (tests inject failures). */
export interface MoveOps {
  rename(from: string, to: string): void;
  /** A hard link `to` of the file `from`. */
  link(from: string, to: string): void;
}

const NODE_MOVES: MoveOps = { rename: renameSync, link: linkSync };

/**
 * Moves the staged files into an existing `dir`, file by file (files in `dir` that are not in the pack
 * stay), all or nothing:
 * - every place is checked first: a pack file whose name is a folder in `dir`, or below a file there,
 *   fails before anything moves;
 * - a file the pack replaces is first kept in `aside` (a folder beside `dir`, on the same file system) as
 *   a hard link, and the pack's file then renamed over it: the name is never missing from `dir`, as with
 *   a plain rename (a symbolic link is moved aside instead: link() may follow it). So a rename that fails
 *   halfway for a reason no check can foresee (a permission changed mid-run) is undone: each replaced
 *   file renamed back over the pack's (again in one step), the pack's other files removed and the folders
 *   made removed. Only if undoing fails too does `dir` keep part of the pack; the error then says
 *   so and where the replaced files are. `aside` is removed otherwise. An `aside` that exists already (a
 *   failed run's) is refused before anything moves, never removed.
 */
export function moveInto(staging: string, dir: string, names: readonly string[], aside: string, ops: MoveOps = NODE_MOVES): void {
  const checked = new Set<string>();
  const root = join(dir);
  for (const name of names) {
    const to = join(dir, name);
    if (existsSync(to) && statSync(to).isDirectory()) throw new Error(`${to} is a folder, and the pack has a file of that name: nothing was written to ${dir}; move the folder away`);
    for (let above = dirname(to); above !== root && !checked.has(above); above = dirname(above)) {
      checked.add(above);
      if (existsSync(above) && !statSync(above).isDirectory()) throw new Error(`${above} is a file, and the pack has a folder of that name: nothing was written to ${dir}; move the file away`);
      if (dirname(above) === above) break;
    }
  }
  // Never removed here: it may hold the files a run whose undo failed took out of `dir` (its error named
  // it, and a rerun in a container often has the same pid, so the same name).
  if (lstatSync(aside, { throwIfNoEntry: false }) !== undefined) throw new Error(`${aside} exists (files a failed run took out of ${dir}?): nothing was written to ${dir}; move it away`);
  const done: MoveStep[] = [];
  try {
    for (const name of names) {
      const to = join(dir, name);
      for (const made of makeFolders(dirname(to))) done.push({ made });
      const old = lstatSync(to, { throwIfNoEntry: false });
      if (old !== undefined) {
        const kept = join(aside, name);
        makeFolders(dirname(kept));
        if (old.isSymbolicLink()) ops.rename(to, kept);
        else ops.link(to, kept);
        done.push({ kept, at: to });
      }
      ops.rename(join(staging, name), to);
      done.push({ movedIn: to, replaced: old !== undefined });
    }
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    const undoFailure = undo(done, ops);
    if (undoFailure === null) {
      rmSync(aside, { recursive: true, force: true });
      throw new Error(`${reason}: nothing was written to ${dir} (the files moved so far were taken back)`);
    }
    throw new Error(`${reason}; taking the files moved so far back failed too (${undoFailure}): ${dir} holds part of the pack, and the files it replaced are in ${aside}`);
  }
  rmSync(aside, { recursive: true, force: true });
}

/**
 * One step of moveInto, in the order done: a folder made in `dir`, a replaced file kept aside (the old
 * file at `kept`, from `at`), a pack file moved in (over a replaced file, or to a new name).
 */
type MoveStep = { readonly made: string } | { readonly kept: string; readonly at: string } | { readonly movedIn: string; readonly replaced: boolean };

/** Undoes moveInto's steps, last first, each one even when an earlier one failed; the first failure's message, or null. */
function undo(done: readonly MoveStep[], ops: MoveOps): string | null {
  let failure: string | null = null;
  for (let i = done.length - 1; i >= 0; i--) {
    const step = done[i]!;
    try {
      // A replaced file's own step (undone next) renames the old file back over the pack's, in one step.
      if ('movedIn' in step) {
        if (!step.replaced) rmSync(step.movedIn, { force: true });
      } else if ('kept' in step) {
        // Also when the pack's file never came: then `at` is the kept file's other name (a rename between
        // two links of one file does nothing, and the aside folder goes) or, for a symbolic link, missing.
        ops.rename(step.kept, step.at);
      } else rmdirSync(step.made); // empty once its files are undone (a file someone else put there stays)
    } catch (e) {
      failure ??= e instanceof Error ? e.message : String(e);
    }
  }
  return failure;
}

/** The files below `dir`, as paths relative to it with `/`, sorted (a folder's files before its subfolders'). */
function filesBelow(dir: string): string[] {
  const out: string[] = [];
  const walk = (folder: string, prefix: string): void => {
    const entries = readdirSync(folder, { withFileTypes: true }).sort(byName);
    for (const e of entries) if (!e.isDirectory()) out.push(prefix + e.name);
    for (const e of entries) if (e.isDirectory()) walk(join(folder, e.name), `${prefix}${e.name}/`);
  };
  walk(dir, '');
  return out;
}

function stagingFolder(dir: string): string {
  return `${dir.replace(/[\\/]+$/, '')}.partial-${process.pid}`;
}

/** Where moveInto keeps the files a pack replaces until the move is done (beside `dir`, as the staging folder). */
function asideFolder(dir: string): string {
  return `${dir.replace(/[\\/]+$/, '')}.replaced-${process.pid}`;
}

/** Where `name` is staged: inside the staging folder, never outside it (a name with `..` throws). */
function stagedPath(staging: string, name: string): string {
  const target = join(staging, name);
  if (relative(staging, target).startsWith('..')) throw new Error(`refusing to write outside the output folder: ${name}`);
  return target;
}

/**
 * writeFiles, one file at a time: each file goes to the staging folder as soon as it is added (written on
 * a worker thread, see BackgroundWriter; memory stays flat however large the pack), and commit moves them
 * into `dir`: the whole staging folder in one rename when `dir` does not exist yet, else file by file
 * (files already in `dir` and not in the pack stay; all or nothing, see moveInto). A failed write fails
 * the commit.
 */
function stageOnDisk(dir: string): StagedFiles {
  const staging = stagingFolder(dir);
  rmSync(staging, { recursive: true, force: true });
  /**
   * Files staged so far. Their names are not kept: a pack of many thousand files would hold them all until
   * the end; moving into an existing folder lists the staging folder instead.
   */
  let staged = 0;
  /** Files written piece by piece (named once). */
  const appended = new Set<string>();
  let writer: BackgroundWriter | undefined;
  /** Waits for the writes; the first failure's message, or null. */
  const settle = (): string | null => {
    if (writer === undefined) return null;
    const failure = writer.flush();
    writer.close();
    writer = undefined;
    return failure;
  };
  const abort = (): void => {
    settle();
    staged = 0;
    appended.clear();
    rmSync(staging, { recursive: true, force: true });
  };
  /** The staged path of `name` (never outside the staging folder). */
  const place = (name: string): string => {
    const target = stagedPath(staging, name);
    writer ??= new BackgroundWriter();
    return target;
  };
  return {
    add(name, content) {
      const target = place(name);
      writer?.write(target, content);
      staged++;
    },
    append(name, text) {
      const target = place(name);
      writer?.write(target, text, true);
      if (!appended.has(name)) {
        appended.add(name);
        staged++;
      }
    },
    commit() {
      try {
        const failure = settle();
        if (failure !== null) throw new Error(failure);
        if (staged === 0) return;
        if (!existsSync(dir)) {
          makeFolders(dirname(resolve(dir)));
          renameSync(staging, dir);
          return;
        }
        moveInto(staging, dir, filesBelow(staging), asideFolder(dir));
      } finally {
        abort();
      }
    },
    abort,
  };
}
