#!/usr/bin/env node
// Bundles the compiled CLI (dist/src/cli) into dist/cli: main.js (the `sigma-transpiler` command),
// pool-worker.js (the --jobs threads), and program.js / io.js (runCli and nodeIo, for scripts/bench.mjs),
// sharing their code in chunk-*.js. Node then resolves and compiles a few files instead of ~150 modules:
// `sigma-transpiler --version` takes about 80 ms instead of 130 ms (README, "How it works").
// The library (dist/src/index.js) and most tests keep the module tree; test/cli/bundle.test.ts checks that
// the bundle gives the same bytes as the module tree.
import { resolve, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = resolve(fileURLToPath(import.meta.url), '../..');

export async function buildCli(outDir = join(root, 'dist', 'cli')) {
  await build({
    configFile: false,
    root,
    logLevel: 'warn',
    build: {
      ssr: true,
      outDir,
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      reportCompressedSize: false,
      rollupOptions: {
        input: {
          main: join(root, 'dist/src/cli/main.js'),
          'pool-worker': join(root, 'dist/src/cli/convert/pool-worker.js'),
          program: join(root, 'dist/src/cli/program.js'),
          io: join(root, 'dist/src/cli/io.js'),
        },
        output: { format: 'esm', entryFileNames: '[name].js', chunkFileNames: 'chunk-[name].js' },
      },
    },
    ssr: { noExternal: true, target: 'node' },
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildCli();
