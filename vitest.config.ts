import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Generated sources (parser, templates, built-in pipelines) are made before any test file loads,
    // so `npx vitest` works on a fresh clone too; `npm test` also builds first.
    globalSetup: ['test/support/generate.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
