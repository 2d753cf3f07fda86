#!/usr/bin/env node
import { nodeIo } from './io.js';
import { runCli } from './program.js';

// A reader that stops early (`convert ... | head`) closes the pipe: what is left to print has no reader.
// Node reports it as an 'error' event on stdout (EPIPE: it ignores SIGPIPE), which would end the run with
// a stack trace; the run instead ends as it would have (its summary on stderr, its exit status).
// https://nodejs.org/api/process.html#signal-events ("'SIGPIPE' is ignored by default")
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
});

process.exitCode = await runCli(process.argv.slice(2), nodeIo());
