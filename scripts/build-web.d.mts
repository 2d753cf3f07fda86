// Types of build-web.mjs for the TypeScript tests that import it (test/web/page.test.ts).

/** Builds the page into `outDir` (default dist/web); resolves to each written file with its size and gzip size. */
export function buildWeb(outDir?: string, options?: { quiet?: boolean }): Promise<{ file: string; bytes: number; gzip: number }[]>;
