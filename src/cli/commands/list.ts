import { CONVERTERS } from '../../converters.js';
import { listModifiers } from '../../value/modifiers.js';
import type { CliIo } from '../io.js';
import { UsageError } from '../usage-error.js';

export const LISTABLE = ['targets', 'formats', 'pipelines', 'modifiers'] as const;

/** `sigma-transpiler list targets|formats|pipelines|modifiers`. */
export function runList(what: string, target: string | undefined, io: CliIo): number {
  switch (what) {
    case 'targets':
      for (const c of CONVERTERS) io.stdout(`${c.id}\n`);
      return 0;
    case 'formats':
      for (const c of CONVERTERS) {
        if (target !== undefined && c.id !== target) continue;
        io.stdout(`${c.id}: ${c.defaultFormat} (default)\n`);
      }
      return 0;
    case 'pipelines':
      io.stdout('(no pipelines yet: field names are used as written)\n');
      return 0;
    case 'modifiers':
      for (const m of listModifiers()) io.stdout(`${m.name.padEnd(14)} ${m.summary}\n`);
      return 0;
    default:
      throw new UsageError(`cannot list ${JSON.stringify(what)}; choose one of: ${LISTABLE.join(', ')}`);
  }
}
