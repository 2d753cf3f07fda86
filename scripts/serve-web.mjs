#!/usr/bin/env node
// Serves the built page (dist/web, or the folder given) on http://127.0.0.1:PORT (default 8173), only
// on the loopback interface. A plain static file server: the page itself needs no server at run time.
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
};

/** Starts the server; resolves to { url, close } once it listens. Port 0 picks a free port. */
export function serveWeb(dir, port = 8173, host = '127.0.0.1') {
  const base = resolve(dir);
  const server = createServer((req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      // A malformed escape (`GET /%`) is the client's mistake: answer it, never crash the server.
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('bad request\n');
      return;
    }
    const file = normalize(join(base, path === '/' ? 'index.html' : path));
    if ((file !== base && !file.startsWith(base + sep)) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
    res.end(readFileSync(file));
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      const url = `http://${host}:${typeof address === 'object' && address ? address.port : port}/`;
      resolvePromise({ url, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(fileURLToPath(import.meta.url), '../..');
  const dir = process.argv[2] ? resolve(process.argv[2]) : join(root, 'dist', 'web');
  if (!existsSync(join(dir, 'index.html'))) {
    console.error(`no page in ${dir}: run npm run build:web first`);
    process.exit(2);
  }
  const { url } = await serveWeb(dir, Number(process.env.PORT ?? 8173));
  console.log(`serving ${dir} at ${url} (Ctrl-C stops)`);
}
