/** The local server of the built page: files under its folder only, and a bad request never crashes it. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serveWeb } from '../../scripts/serve-web.mjs';

function get(url: string, path: string): Promise<number> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serve-web', () => {
  it('serves the folder, 404 outside it, 400 for a malformed escape, and keeps serving', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigma-serve-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html>');
    const server = await serveWeb(dir, 0);
    try {
      expect(await get(server.url, '/')).toBe(200);
      expect(await get(server.url, '/%')).toBe(400);
      expect(await get(server.url, '/../../etc/passwd')).toBe(404);
      expect(await get(server.url, '/%2e%2e/%2e%2e/etc/passwd')).toBe(404);
      expect(await get(server.url, '/index.html')).toBe(200);
    } finally {
      await server.close();
    }
  });
});
