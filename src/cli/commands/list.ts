import { CONVERTERS } from '../../converters.js';
import { findFormat } from '../../render/formats.js';
import { findTarget } from '../../targets/registry.js';
import { builtinPipelines } from '../../pipeline/builtins.js';
import { listModifiers } from '../../value/modifiers.js';
import type { CliIo } from '../io.js';
import { UsageError } from '../usage-error.js';

const LISTABLE = ['targets', 'formats', 'pipelines', 'modifiers'] as const;

/** `sigma-transpiler list targets|formats|pipelines|modifiers`. */
export function runList(what: string, target: string | undefined, io: CliIo): number {
  switch (what) {
    case 'targets':
      for (const c of CONVERTERS) {
        const t = findTarget(c.id);
        io.stdout(`${c.id.padEnd(14)} ${t?.title ?? 'the parsed rule as an indented tree (for debugging)'}\n`);
        for (const o of t?.options ?? []) io.stdout(`${''.padEnd(16)}-O ${typeof o.default === 'string' ? `${o.name}=<value> (default ${o.default})` : `${o.name}${o.default ? ' (on by default)' : ''}`}: ${o.description}\n`);
      }
      return 0;
    case 'formats':
      if (target !== undefined && !CONVERTERS.some((c) => c.id === target)) {
        throw new UsageError(`unknown target ${JSON.stringify(target)}; choose one of: ${CONVERTERS.map((c) => c.id).join(', ')}`);
      }
      for (const c of CONVERTERS) {
        if (target !== undefined && c.id !== target) continue;
        io.stdout(`${c.id.padEnd(14)} ${c.formats.map((f) => (f === c.defaultFormat ? `${f} (default)` : f)).join(', ')}\n`);
        // With a target named: what each output format writes and its options (-F name=value).
        for (const f of target !== undefined ? c.formats : []) {
          const d = findFormat(c.id, f);
          if (d === undefined) continue;
          const writes = d.layout.kind === 'one-file' ? d.layout.file : `one .${d.layout.extension} file per rule`;
          io.stdout(`  ${f}: ${d.description} (writes ${writes})\n`);
          for (const o of d.options) io.stdout(`    -F ${o.name}=${o.default}  ${o.description}\n`);
        }
      }
      return 0;
    case 'pipelines':
      for (const p of builtinPipelines()) {
        io.stdout(`${p.name.padEnd(18)} ${p.target.padEnd(13)} ${p.isDefault ? 'default ' : '        '} ${p.description}\n`);
      }
      return 0;
    case 'modifiers':
      for (const m of listModifiers()) io.stdout(`${m.name.padEnd(14)} ${m.summary}\n`);
      return 0;
    default:
      throw new UsageError(`cannot list ${JSON.stringify(what)}; choose one of: ${LISTABLE.join(', ')}`);
  }
}
