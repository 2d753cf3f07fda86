#!/usr/bin/env node
// Builds the analyst's page (src/web) into dist/web: one HTML file, one script, one stylesheet, all
// static. Run `npm run build:web` (which generates the templates and pipelines first); serve the folder
// with `npm run serve:web` or any static host. Prints what the page weighs.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = resolve(fileURLToPath(import.meta.url), '../..');

/** Builds the page into `outDir` (default dist/web) and returns the files written with their sizes. */
export async function buildWeb(outDir = join(root, 'dist', 'web'), { quiet = false } = {}) {
  await build({
    configFile: false,
    root: join(root, 'src', 'web'),
    base: './',
    logLevel: quiet ? 'silent' : 'warn',
    build: { outDir, emptyOutDir: true, assetsDir: 'assets', reportCompressedSize: false, target: 'es2022' },
  });
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else {
        const bytes = readFileSync(full);
        files.push({ file: full.slice(outDir.length + 1), bytes: bytes.length, gzip: gzipSync(bytes).length });
      }
    }
  };
  walk(outDir);
  return files;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ? resolve(process.argv[2]) : join(root, 'dist', 'web');
  const files = await buildWeb(out);
  let total = 0;
  let gz = 0;
  for (const f of files) {
    total += f.bytes;
    gz += f.gzip;
    console.log(`${f.file.padEnd(40)} ${(f.bytes / 1024).toFixed(1).padStart(8)} KiB  ${(f.gzip / 1024).toFixed(1).padStart(7)} KiB gzip`);
  }
  console.log(`${'total'.padEnd(40)} ${(total / 1024).toFixed(1).padStart(8)} KiB  ${(gz / 1024).toFixed(1).padStart(7)} KiB gzip  -> ${out}`);
}
