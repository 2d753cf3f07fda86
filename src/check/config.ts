import type { DiagnosticCode } from '../diagnostics/codes.js';
import { error, type Diagnostic, type Severity } from '../diagnostics/diagnostic.js';
import { loadYaml } from '../yaml/load.js';
import { isDiagnosticCode } from './registry.js';

/** What a check does in this run: off, or on with a severity. */
export type CheckSetting = 'off' | Severity;

/** `.sigma-transpiler.yml`: which checks run and how severe each one is. */
export interface CheckConfig {
  readonly settings: ReadonlyMap<DiagnosticCode, CheckSetting>;
  /** Per check, the ids of the rules it does not apply to (SigmaHQ keeps such lists for intended cases). */
  readonly exclude: ReadonlyMap<DiagnosticCode, ReadonlySet<string>>;
}

export const DEFAULT_CONFIG: CheckConfig = { settings: new Map(), exclude: new Map() };

const SETTINGS: readonly CheckSetting[] = ['off', 'error', 'warning', 'info'];

/**
 * Reads a config file:
 *
 *     checks:
 *       escaped-wildcard: off       # off | error | warning | info
 *       duplicate-title: error
 *     disable: [number-as-string]   # the same as `code: off`
 *     exclude:                      # a check does not apply to these rule ids
 *       escaped-wildcard: [d75ac3b1-2d74-4e4f-9a6b-4c8b0c4e8f10]
 *
 * Every problem is reported with its line and column (the caller treats them as a usage error).
 */
export function parseCheckConfig(text: string, file: string): { config: CheckConfig; diagnostics: Diagnostic[] } {
  const loaded = loadYaml(text, file);
  const diagnostics: Diagnostic[] = [...loaded.fileDiagnostics, ...loaded.documents.flatMap((d) => d.diagnostics)];
  const settings = new Map<DiagnosticCode, CheckSetting>();
  const exclude = new Map<DiagnosticCode, Set<string>>();
  const config: CheckConfig = { settings, exclude };
  const docs = loaded.documents.filter((d) => d.node !== null);
  if (docs.length > 1) diagnostics.push(error('config-invalid', 'the config file must hold one YAML document', docs[1]?.node?.span ?? loaded.index.span(0, 0)));
  const root = docs[0]?.node;
  if (root === undefined || root === null) return { config, diagnostics };
  if (root.kind !== 'map') {
    diagnostics.push(error('config-invalid', 'the config must be a mapping with `checks:`, `disable:` and/or `exclude:`', root.span));
    return { config, diagnostics };
  }
  const code = (name: string, span: Diagnostic['span']): DiagnosticCode | undefined => {
    if (isDiagnosticCode(name)) return name;
    diagnostics.push(error('config-invalid', `unknown check ${JSON.stringify(name)}; \`sigma-transpiler check --list\` shows the codes`, span));
    return undefined;
  };
  for (const entry of root.entries) {
    const v = entry.value;
    if (entry.key === 'checks') {
      if (v.kind !== 'map') {
        diagnostics.push(error('config-invalid', '`checks` must map check codes to off, error, warning or info', v.span));
        continue;
      }
      for (const c of v.entries) {
        const setting = c.value.kind === 'scalar' ? settingOf(c.value.value) : undefined;
        if (setting === undefined) {
          diagnostics.push(error('config-invalid', `\`checks.${c.key}\` must be one of ${SETTINGS.join(', ')}`, c.value.span));
          continue;
        }
        const known = code(c.key, c.keySpan);
        if (known !== undefined) settings.set(known, setting);
      }
    } else if (entry.key === 'disable') {
      const items = v.kind === 'seq' ? v.items : [v];
      for (const item of items) {
        if (item.kind !== 'scalar' || typeof item.value !== 'string') {
          diagnostics.push(error('config-invalid', '`disable` must be a list of check codes', item.span));
          continue;
        }
        const known = code(item.value, item.span);
        if (known !== undefined) settings.set(known, 'off');
      }
    } else if (entry.key === 'exclude') {
      if (v.kind !== 'map') {
        diagnostics.push(error('config-invalid', '`exclude` must map check codes to lists of rule ids', v.span));
        continue;
      }
      for (const c of v.entries) {
        const known = code(c.key, c.keySpan);
        const ids = new Set<string>(known !== undefined ? (exclude.get(known) ?? []) : []);
        for (const item of c.value.kind === 'seq' ? c.value.items : [c.value]) {
          if (item.kind === 'scalar' && typeof item.value === 'string') ids.add(item.value);
          else diagnostics.push(error('config-invalid', `\`exclude.${c.key}\` must be a list of rule ids`, item.span));
        }
        if (known !== undefined) exclude.set(known, ids);
      }
    } else {
      diagnostics.push(error('config-invalid', `unknown key \`${entry.key}\`; the config takes \`checks\`, \`disable\` and \`exclude\``, entry.keySpan));
    }
  }
  return { config, diagnostics };
}

/** YAML 1.2 reads `off` as the string "off" (the loader uses the core schema), `false` as a boolean. */
function settingOf(value: string | number | boolean | null): CheckSetting | undefined {
  if (value === false) return 'off';
  return typeof value === 'string' && (SETTINGS as readonly string[]).includes(value) ? (value as CheckSetting) : undefined;
}

/** The config with `--disable` codes turned off (unknown codes are returned for a usage error). */
export function withDisabled(config: CheckConfig, codes: readonly string[]): { config: CheckConfig; unknown: string[] } {
  const settings = new Map(config.settings);
  const unknown: string[] = [];
  for (const c of codes.flatMap((x) => x.split(',')).map((x) => x.trim()).filter((x) => x !== '')) {
    if (isDiagnosticCode(c)) settings.set(c, 'off');
    else unknown.push(c);
  }
  return { config: { settings, exclude: config.exclude }, unknown };
}
