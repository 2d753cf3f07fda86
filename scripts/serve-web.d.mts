// Types of serve-web.mjs for the TypeScript tests that import it (test/web/*.test.ts).

/** Serves `dir` on http://host:port/ (port 0 picks a free one); resolves once it listens. */
export function serveWeb(dir: string, port?: number, host?: string): Promise<{ url: string; close: () => Promise<void> }>;
