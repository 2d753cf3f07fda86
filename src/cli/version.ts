import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const NAME = 'sigma-transpiler';

/**
 * The version in package.json: the nearest package.json above this module named sigma-transpiler
 * (src/cli in a checkout; dist/src/cli, or the bundle in dist/cli, once built or installed). 'unknown' when
 * none is found.
 */
export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
        if (pkg.name === NAME && typeof pkg.version === 'string') return pkg.version;
      } catch {
        // not this one: keep looking above
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}
