import { error, fail, hasErrors, ok, warning, type Diagnostic, type Result } from '../diagnostics/diagnostic.js';
import { pointSpan } from '../diagnostics/span.js';
import { loadYaml } from '../yaml/load.js';
import { mapGet, type YamlEntry, type YamlMap, type YamlNode } from '../yaml/node.js';
import { isEmpty } from './yaml-reader.js';
import { HASH_ALGORITHMS } from './hashes-fields.js';
import { SCOPES } from './load-conditions.js';
import { MappingReader } from './load-mappings.js';
import { compilePythonRegex, convertPythonReplacement } from './python-regex.js';
import {
  type ProcessingPipeline,
  type Transformation,
  type TransformationBase,
  type TransformationType,
} from './types.js';

/**
 * Reads a pySigma processing-pipeline file. Every problem becomes a `pipeline-invalid` diagnostic that
 * points at the key or value at fault; nothing the file says is silently ignored.
 */
export function parsePipelineText(text: string, file: string, id: string = file): Result<ProcessingPipeline> {
  const loaded = loadYaml(text, file);
  const diagnostics: Diagnostic[] = [...loaded.diagnostics];
  const docs = loaded.documents.filter((d) => d.node !== null);
  if (hasErrors(diagnostics)) return fail(diagnostics);
  const first = docs[0];
  if (first === undefined || first.node === null) {
    return fail([...diagnostics, error('pipeline-invalid', 'the pipeline file is empty; write a mapping with `name`, `priority` and `transformations`', pointSpan(file))]);
  }
  if (docs.length > 1) {
    const extra = docs[1]?.node;
    if (extra) diagnostics.push(error('pipeline-invalid', 'a pipeline file holds one YAML document; split the others into their own files', extra.span));
  }
  const parsed = parsePipeline(first.node, id);
  const all = [...diagnostics, ...parsed.diagnostics];
  return parsed.ok && !hasErrors(all) ? ok(parsed.value, all) : fail(all);
}

const TOP_LEVEL_KEYS = ['name', 'priority', 'vars', 'transformations', 'postprocessing', 'finalizers', 'allowed_backends'];

/** Builds a pipeline from a loaded YAML document. */
function parsePipeline(node: YamlNode, id: string): Result<ProcessingPipeline> {
  const r = new Reader();
  const root = r.map(node, 'a pipeline file');
  if (root === undefined) return fail(r.diagnostics);
  let name = id;
  let priority = 0;
  let vars: Record<string, readonly string[]> = {};
  const transformations: Transformation[] = [];
  for (const entry of root.entries) {
    switch (entry.key) {
      case 'name':
        name = r.string(entry.value, '`name`') ?? name;
        break;
      case 'priority': {
        const p = r.number(entry.value, '`priority`');
        if (p !== undefined) priority = p;
        break;
      }
      case 'vars':
        vars = r.vars(entry.value);
        break;
      case 'transformations': {
        const list = r.seq(entry.value, '`transformations`');
        if (list === undefined) break;
        list.items.forEach((item, index) => {
          const t = r.transformation(item, index);
          if (t !== undefined) transformations.push(t);
        });
        break;
      }
      case 'postprocessing':
      case 'finalizers':
        if (!isEmpty(entry.value)) {
          r.diagnostics.push(
            error(
              'pipeline-invalid',
              `\`${entry.key}\` rewrites query text, which this tool never does (pipelines transform the rule, not the query); remove it or express the change as a transformation`,
              entry.keySpan,
            ),
          );
        }
        break;
      case 'allowed_backends':
        // pySigma's hint for front ends; it does not change what the pipeline does.
        break;
      default:
        r.diagnostics.push(warning('pipeline-invalid', `unknown top-level key \`${entry.key}\` is ignored; a pipeline file has ${TOP_LEVEL_KEYS.join(', ')}`, entry.keySpan));
    }
  }
  // Ids may repeat: pySigma pipelines give one id to several items (e.g. one mapping per log source),
  // and `processing_item_applied` then asks whether any of them applied.
  if (hasErrors(r.diagnostics)) return fail(r.diagnostics);
  return ok({ id, name, priority, transformations, vars, span: node.span }, r.diagnostics);
}

const COMMON_KEYS = new Set<string>(['id', 'type', ...Object.values(SCOPES).flatMap((s) => [s.key, `${s.prefix}_op`, `${s.prefix}_not`, `${s.prefix}_expr`])]);

/** The parameters each transformation type takes (besides id, type and conditions). */
const PARAMS: Record<TransformationType, readonly string[]> = {
  field_name_mapping: ['mapping'],
  field_name_prefix_mapping: ['mapping'],
  field_name_prefix: ['prefix'],
  field_name_suffix: ['suffix'],
  add_condition: ['conditions', 'name', 'template', 'negated'],
  change_logsource: ['category', 'product', 'service'],
  replace_string: ['regex', 'replacement', 'skip_special', 'interpret_special'],
  convert_type: ['target_type'],
  value_placeholders: ['include', 'exclude'],
  wildcard_placeholders: ['include', 'exclude'],
  drop_detection_item: [],
  detection_item_failure: ['message'],
  rule_failure: ['message'],
  rule_warning: ['message'],
  strict_field_mapping_failure: ['message'],
  set_state: ['key', 'val', 'template'],
  value_to_condition: ['field', 'mapping'],
  hashes_fields: ['fields', 'mapping', 'lowercase'],
};

/** Every transformation type this tool implements, in the order errors list them. */
export const TRANSFORMATION_TYPES = Object.keys(PARAMS) as TransformationType[];

/** Reads a pipeline file: its variables and transformations (conditions: ConditionReader). */
class Reader extends MappingReader {
  vars(node: YamlNode): Record<string, readonly string[]> {
    const out: Record<string, readonly string[]> = Object.create(null) as Record<string, readonly string[]>;
    const m = this.map(node, '`vars`');
    if (m === undefined) return out;
    for (const e of m.entries) {
      const items = e.value.kind === 'seq' ? e.value.items : [e.value];
      const values: string[] = [];
      for (const item of items) {
        if (item.kind === 'scalar' && (typeof item.value === 'string' || typeof item.value === 'number')) values.push(String(item.value));
        else this.bad(`the values of variable \`${e.key}\` must be strings or numbers`, item.span);
      }
      out[e.key] = values;
    }
    return out;
  }

  transformation(node: YamlNode, index: number): Transformation | undefined {
    const m = this.map(node, 'each transformation');
    if (m === undefined) return undefined;
    const typeEntry = mapGet(m, 'type');
    if (typeEntry === undefined) return this.bad(`transformation ${index + 1} has no \`type\`; known types: ${TRANSFORMATION_TYPES.join(', ')}`, m.span);
    const typeName = this.string(typeEntry.value, '`type`');
    if (typeName === undefined) return undefined;
    if (!isTransformationType(typeName)) {
      return this.bad(`unknown transformation type \`${typeName}\`; known types: ${TRANSFORMATION_TYPES.join(', ')}`, typeEntry.value.span);
    }
    const idEntry = mapGet(m, 'id');
    const id = idEntry === undefined ? `${typeName}#${index + 1}` : this.string(idEntry.value, '`id`');
    if (id === undefined) return undefined;
    const allowed = new Set([...COMMON_KEYS, ...PARAMS[typeName]]);
    for (const e of m.entries) {
      if (!allowed.has(e.key)) {
        const takes = PARAMS[typeName].length === 0 ? 'takes no parameters' : `takes ${PARAMS[typeName].map((p) => `\`${p}\``).join(', ')}`;
        this.bad(`\`${typeName}\` has no parameter \`${e.key}\`; it ${takes} (plus id, type and conditions)`, e.keySpan);
      }
    }
    const before = this.diagnostics.length;
    const base: TransformationBase = {
      id,
      span: m.span,
      ruleConditions: this.conditionSet(m, 'rule', (c, t) => this.ruleCondition(c, t)),
      fieldNameConditions: this.conditionSet(m, 'field', (c, t) => this.fieldNameCondition(c, t)),
      detectionItemConditions: this.conditionSet(m, 'item', (c, t) => this.detectionItemCondition(c, t)),
    };
    const t = this.params(typeName, base, m);
    return t === undefined || hasErrors(this.diagnostics.slice(before)) ? undefined : t;
  }

  private required(m: YamlMap, key: string, typeName: string): YamlEntry | undefined {
    const e = mapGet(m, key);
    if (e === undefined) this.bad(`\`${typeName}\` needs \`${key}\``, m.span);
    return e;
  }

  private params(typeName: TransformationType, base: TransformationBase, m: YamlMap): Transformation | undefined {
    const opt = (key: string): YamlNode | undefined => mapGet(m, key)?.value;
    const flag = (key: string): boolean => {
      const v = opt(key);
      return v === undefined ? false : (this.boolean(v, `\`${key}\``) ?? false);
    };
    switch (typeName) {
      case 'field_name_mapping':
      case 'field_name_prefix_mapping': {
        const e = this.required(m, 'mapping', typeName);
        if (e === undefined) return undefined;
        const mapping = this.mapping(e.value, typeName === 'field_name_mapping');
        return mapping === undefined ? undefined : { ...base, type: typeName, mapping };
      }
      case 'field_name_prefix': {
        const e = this.required(m, 'prefix', typeName);
        const prefix = e && this.string(e.value, '`prefix`');
        return prefix === undefined ? undefined : { ...base, type: typeName, prefix };
      }
      case 'field_name_suffix': {
        const e = this.required(m, 'suffix', typeName);
        const suffix = e && this.string(e.value, '`suffix`');
        return suffix === undefined ? undefined : { ...base, type: typeName, suffix };
      }
      case 'add_condition': {
        const e = this.required(m, 'conditions', typeName);
        if (e === undefined) return undefined;
        const conditions = this.addedConditions(e.value, '`add_condition`');
        if (conditions === undefined) return undefined;
        return { ...base, type: typeName, conditions, negated: flag('negated'), template: flag('template') };
      }
      case 'change_logsource':
        return { ...base, type: typeName, ...this.logsourceParts(m) };
      case 'replace_string': {
        const re = this.required(m, 'regex', typeName);
        const rep = this.required(m, 'replacement', typeName);
        const regexText = re && this.string(re.value, '`regex`');
        const replacement = rep && this.string(rep.value, '`replacement`');
        if (regexText === undefined || replacement === undefined || re === undefined) return undefined;
        const compiled = compilePythonRegex(regexText, 'g');
        if (typeof compiled === 'string') return this.bad(`\`regex\` does not compile: ${compiled}`, re.value.span);
        return {
          ...base,
          type: typeName,
          regex: compiled,
          replacement: convertPythonReplacement(replacement),
          skipSpecial: flag('skip_special'),
          interpretSpecial: flag('interpret_special'),
        };
      }
      case 'convert_type': {
        const tt = this.required(m, 'target_type', typeName);
        const text = tt && this.string(tt.value, '`target_type`');
        if (text === undefined || tt === undefined) return undefined;
        if (text !== 'str' && text !== 'num') return this.bad('`target_type` must be `str` or `num`', tt.value.span);
        return { ...base, type: typeName, targetType: text };
      }
      case 'value_placeholders':
      case 'wildcard_placeholders': {
        const inc = opt('include');
        const exc = opt('exclude');
        if (inc !== undefined && exc !== undefined) return this.bad('`include` and `exclude` cannot be used together', m.span);
        const include = inc === undefined ? undefined : this.strings(inc, '`include`');
        const exclude = exc === undefined ? undefined : this.strings(exc, '`exclude`');
        return { ...base, type: typeName, ...(include ? { include } : {}), ...(exclude ? { exclude } : {}) };
      }
      case 'drop_detection_item':
        return { ...base, type: typeName };
      case 'detection_item_failure':
      case 'rule_failure':
      case 'rule_warning': {
        const e = this.required(m, 'message', typeName);
        const message = e && this.string(e.value, '`message`');
        return message === undefined ? undefined : { ...base, type: typeName, message };
      }
      case 'strict_field_mapping_failure': {
        const v = opt('message');
        const message = v === undefined ? undefined : this.string(v, '`message`');
        return { ...base, type: typeName, ...(message !== undefined ? { message } : {}) };
      }
      case 'hashes_fields': {
        const f = this.required(m, 'fields', typeName);
        const mp = this.required(m, 'mapping', typeName);
        const fields = f && this.strings(f.value, '`fields`');
        const mm = mp && this.map(mp.value, '`mapping`');
        if (fields === undefined || mm === undefined) return undefined;
        if (fields.length === 0 && f !== undefined) return this.bad('`fields` must name at least one field (e.g. Hashes)', f.value.span);
        const mapping: Record<string, string> = Object.create(null) as Record<string, string>;
        // The field of each algorithm, to refuse a field shared by two: `SHA1=CD` rewritten to a field
        // that also holds MD5 hashes would match an MD5 starting with cd.
        const algoOfField = new Map<string, string>();
        for (const e of mm.entries) {
          const algo = e.key.toLowerCase();
          const to = this.string(e.value, `the field of \`${e.key}\``);
          const shared = to === undefined ? undefined : algoOfField.get(to);
          if (HASH_ALGORITHMS[algo] === undefined) this.bad(`\`${e.key}\` is not an algorithm Sysmon writes; \`mapping\` takes ${Object.keys(HASH_ALGORITHMS).join(', ')} (any case)`, e.keySpan);
          else if (mapping[algo] !== undefined) this.bad(`\`${e.key}\` is mapped twice (algorithm names are compared without case)`, e.keySpan);
          else if (shared !== undefined) this.bad(`\`${e.key}\` is mapped to \`${to ?? ''}\`, the field of \`${shared}\`: each algorithm needs its own field (a test for one would match the other's hashes)`, e.value.span);
          else if (to !== undefined) {
            mapping[algo] = to;
            algoOfField.set(to, e.key);
          }
        }
        if (mm.entries.length === 0) return this.bad('`mapping` must map at least one algorithm to a field', mm.span);
        return { ...base, type: typeName, fields, mapping, lowercase: flag('lowercase') };
      }
      case 'value_to_condition': {
        const f = this.required(m, 'field', typeName);
        const mp = this.required(m, 'mapping', typeName);
        const field = f && this.string(f.value, '`field`');
        const mapping = mp && this.valueConditions(mp.value);
        return field === undefined || mapping === undefined ? undefined : { ...base, type: typeName, field, mapping };
      }
      case 'set_state': {
        const k = this.required(m, 'key', typeName);
        const v = this.required(m, 'val', typeName);
        const key = k && this.string(k.value, '`key`');
        const val = v && (v.value.kind === 'seq' ? this.strings(v.value, '`val`') : this.string(v.value, '`val`'));
        return key === undefined || val === undefined ? undefined : { ...base, type: typeName, key, val, template: flag('template') };
      }
    }
  }

}

function isTransformationType(name: string): name is TransformationType {
  return (TRANSFORMATION_TYPES as readonly string[]).includes(name);
}
