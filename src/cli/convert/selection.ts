import { CONVERTERS, findConverter } from '../../converters.js';
import type { RuleConverter } from '../../convert.js';
import type { FormatDeclaration, FormatOptionValues } from '../../render/format.js';
import { findFormat } from '../../render/formats.js';
import { resolveFormatOptions } from '../../render/render-format.js';
import { findTarget, TARGET_IDS } from '../../targets/registry.js';
import { UsageError } from '../usage-error.js';

/**
 * What `convert` does for one selected target: its format, its options and format options. Chosen from
 * the command line before any rule is read; every mistake is a usage error (exit 2).
 */
export interface TargetRun {
  readonly converter: RuleConverter;
  readonly format: string;
  /** The declared output format, or undefined for the plain query. */
  readonly pack: FormatDeclaration | undefined;
  readonly targetOptions: Record<string, boolean | string>;
  /** The format options given (as written) and resolved (with defaults). */
  readonly formatOptions: { readonly given: Record<string, string>; readonly values: FormatOptionValues };
}

/** `all`: every query target (not `ast`, a debugging view). */
export const ALL_TARGETS = 'all';

/**
 * `--target`, repeatable and comma-separated (`-t splunk,sql -t sentinel-kql`), or `all`: the converters in
 * the order given, each once.
 */
export function selectConverters(written: readonly string[]): RuleConverter[] {
  const ids = written.flatMap((w) => w.split(',')).map((w) => w.trim());
  if (ids.length === 0) throw new UsageError('choose a target with --target (see `sigma-transpiler list targets`), or --target all');
  const out: RuleConverter[] = [];
  for (const id of ids) {
    const chosen = id === ALL_TARGETS ? TARGET_IDS.map((t) => findConverter(t)) : [findConverter(id)];
    for (const c of chosen) {
      if (c === undefined) {
        throw new UsageError(`unknown target ${JSON.stringify(id)}; choose one of: ${CONVERTERS.map((x) => x.id).join(', ')}, or ${ALL_TARGETS} (every target but ast)`);
      }
      if (!out.includes(c)) out.push(c);
    }
  }
  return out;
}

/**
 * `--format`, repeatable: `NAME` applies to every selected target that has a format NAME; `TARGET:NAME`
 * to that target only (it wins over a plain NAME). With one target, `NAME` must be one of its formats.
 */
export function chooseFormats(converters: readonly RuleConverter[], written: readonly string[]): Map<RuleConverter, string> {
  const chosen = new Map<RuleConverter, string>();
  const perTarget = new Map<RuleConverter, string>();
  const plain: string[] = [];
  for (const w of written) {
    const colon = w.indexOf(':');
    if (colon < 0) {
      plain.push(w);
      continue;
    }
    const id = w.slice(0, colon);
    const c = converters.find((x) => x.id === id);
    if (c === undefined) throw new UsageError(`--format ${w}: target ${JSON.stringify(id)} is not selected (selected: ${converters.map((x) => x.id).join(', ')})`);
    perTarget.set(c, checkedFormat(c, w.slice(colon + 1)));
  }
  for (const format of plain) {
    const having = converters.filter((c) => c.formats.includes(format));
    if (having.length === 0) {
      const only = converters.length === 1 ? converters[0] : undefined;
      if (only !== undefined) checkedFormat(only, format);
      throw new UsageError(`no selected target has a format ${JSON.stringify(format)}; see \`sigma-transpiler list formats\``);
    }
    for (const c of having) {
      const earlier = chosen.get(c);
      if (earlier !== undefined && earlier !== format) {
        throw new UsageError(`target ${c.id} has both formats ${earlier} and ${format}; choose one with --format ${c.id}:NAME`);
      }
      chosen.set(c, format);
    }
  }
  for (const [c, format] of perTarget) chosen.set(c, format);
  for (const c of converters) if (!chosen.has(c)) chosen.set(c, c.defaultFormat);
  return chosen;
}

function checkedFormat(c: RuleConverter, format: string): string {
  if (!c.formats.includes(format)) {
    throw new UsageError(`target ${c.id} has no format ${JSON.stringify(format)}; choose one of: ${c.formats.join(', ')}`);
  }
  return format;
}

/**
 * `--target-option name[=true|false]` or `name=value` (a named value such as sql's timestamp column): set
 * on every selected target that declares the option, checked against the option's kind. An option no
 * selected target declares is a usage error (it would silently do nothing).
 */
export function targetOptionsFor(converters: readonly RuleConverter[], written: readonly string[]): Map<RuleConverter, Record<string, boolean | string>> {
  const out = new Map<RuleConverter, Record<string, boolean | string>>(converters.map((c) => [c, {}]));
  for (const w of written) {
    const m = /^([A-Za-z0-9_-]+)(?:=(.*))?$/s.exec(w);
    const name = m?.[1];
    if (m === null || name === undefined) throw new UsageError(`target option ${JSON.stringify(w)} must be written name, name=true|false or name=value`);
    const declaring = converters.flatMap((c) => {
      const option = (findTarget(c.id)?.options ?? []).find((o) => o.name === name);
      return option === undefined ? [] : [{ c, option }];
    });
    if (declaring.length === 0) {
      const lines = converters.map((c) => {
        const list = (findTarget(c.id)?.options ?? []).map((o) => o.name).join(', ');
        return `target ${c.id} has no option ${JSON.stringify(name)}${list ? `; its options: ${list}` : ' (it has none)'}`;
      });
      throw new UsageError(converters.length === 1 ? (lines[0] ?? '') : `no selected target has an option ${JSON.stringify(name)}: ${lines.join('; ')}`);
    }
    const value = m[2];
    for (const { c, option } of declaring) {
      let v: boolean | string;
      if (typeof option.default === 'string') {
        if (value === undefined || value === '') throw new UsageError(`target option ${name} needs a value: write ${name}=<value> (default ${option.default})`);
        v = value;
      } else if (value === undefined || value === 'true' || value === 'false') {
        v = value !== 'false';
      } else {
        throw new UsageError(`target option ${name} is a switch: write ${name} or ${name}=true|false, not ${JSON.stringify(w)}`);
      }
      const values = out.get(c);
      if (values !== undefined) values[name] = v;
    }
  }
  return out;
}

/**
 * `--format-option name=value` (the value may hold `=` and spaces): given to every selected target whose
 * format declares the option, checked before any rule converts. With one target, its format must declare
 * every option given; with several, an option no chosen format declares is a usage error.
 */
export function formatOptionsFor(
  converters: readonly RuleConverter[],
  formats: ReadonlyMap<RuleConverter, string>,
  written: readonly string[],
): Map<RuleConverter, TargetRun['formatOptions']> {
  const given: [string, string][] = [];
  for (const w of written) {
    const eq = w.indexOf('=');
    if (eq <= 0) throw new UsageError(`format option ${JSON.stringify(w)} must be written name=value`);
    given.push([w.slice(0, eq), w.slice(eq + 1)]);
  }
  const out = new Map<RuleConverter, TargetRun['formatOptions']>();
  const used = new Set<string>();
  for (const c of converters) {
    const format = formats.get(c) ?? c.defaultFormat;
    const pack = findFormat(c.id, format);
    const mine = converters.length === 1 ? given : given.filter(([name]) => pack?.options.some((o) => o.name === name) === true);
    const object: Record<string, string> = {};
    for (const [name, value] of mine) {
      object[name] = value;
      used.add(name);
    }
    if (mine.length > 0 && pack === undefined) throw new UsageError(`format ${c.id}/${format} has no options`);
    if (pack === undefined) {
      out.set(c, { given: object, values: {} });
      continue;
    }
    const resolved = resolveFormatOptions(pack, object);
    if (!resolved.ok) throw new UsageError(resolved.message);
    out.set(c, { given: object, values: resolved.values });
  }
  const unused = given.find(([name]) => !used.has(name));
  if (unused !== undefined) {
    const chosen = converters.map((c) => `${c.id}/${formats.get(c) ?? c.defaultFormat}`).join(', ');
    throw new UsageError(`no chosen format has an option ${JSON.stringify(unused[0])} (formats: ${chosen}); see \`sigma-transpiler list formats\``);
  }
  return out;
}

/** Every selected target with its format and options (usage errors thrown before any rule is read). */
export function planTargets(
  targets: readonly string[],
  formats: readonly string[],
  targetOptions: readonly string[],
  formatOptions: readonly string[],
): TargetRun[] {
  const converters = selectConverters(targets);
  const chosen = chooseFormats(converters, formats);
  const options = targetOptionsFor(converters, targetOptions);
  const formatOpts = formatOptionsFor(converters, chosen, formatOptions);
  return converters.map((converter) => {
    const format = chosen.get(converter) ?? converter.defaultFormat;
    return {
      converter,
      format,
      pack: findFormat(converter.id, format),
      targetOptions: options.get(converter) ?? {},
      formatOptions: formatOpts.get(converter) ?? { given: {}, values: {} },
    };
  });
}
