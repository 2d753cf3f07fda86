import { mapGet, type YamlMap, type YamlNode } from '../yaml/node.js';
import { condExprRefs, parseCondExpr } from './cond-expr.js';
import { compilePythonRegex } from './python-regex.js';
import type { AttributeOp, CondExpr, ConditionSet, DetectionItemCondition, FieldNameCondition, RuleCondition } from './types.js';
import { isEmpty, YamlReader } from './yaml-reader.js';

/** Condition scopes: the YAML key prefix, the types each scope knows. */
export const SCOPES = {
  rule: { key: 'rule_conditions', prefix: 'rule_cond', types: ['logsource', 'tag', 'rule_attribute', 'contains_field', 'processing_item_applied', 'processing_state', 'is_sigma_rule'] },
  field: { key: 'field_name_conditions', prefix: 'field_name_cond', types: ['include_fields', 'exclude_fields', 'processing_item_applied'] },
  item: { key: 'detection_item_conditions', prefix: 'detection_item_cond', types: ['match_string', 'is_null', 'contains_wildcard', 'processing_item_applied'] },
} as const;

/**
 * Reads a transformation's conditions (rule, field name and detection item conditions, combined by
 * `*_op`, `*_not` or `*_expr`), collecting diagnostics as YamlReader does.
 */
export class ConditionReader extends YamlReader {
  protected conditionSet<C>(m: YamlMap, scope: keyof typeof SCOPES, parse: (c: YamlMap, type: string) => C | undefined): ConditionSet<C> {
    const { key, prefix, types } = SCOPES[scope];
    const entry = mapGet(m, key);
    const opEntry = mapGet(m, `${prefix}_op`);
    const notEntry = mapGet(m, `${prefix}_not`);
    const exprEntry = mapGet(m, `${prefix}_expr`);
    const conditions: { id: string; condition: C }[] = [];
    if (entry !== undefined && !isEmpty(entry.value)) {
      const items: { id: string; node: YamlNode }[] =
        entry.value.kind === 'map'
          ? entry.value.entries.map((e) => ({ id: e.key, node: e.value }))
          : entry.value.kind === 'seq'
            ? entry.value.items.map((node, i) => ({ id: String(i + 1), node }))
            : [];
      if (entry.value.kind === 'scalar') this.bad(`\`${key}\` must be a list of conditions, or a mapping from ids to conditions`, entry.value.span);
      for (const { id, node } of items) {
        const c = this.map(node, 'each condition');
        if (c === undefined) continue;
        const t = mapGet(c, 'type');
        const typeName = t === undefined ? this.bad(`condition \`${id}\` has no \`type\`; known types: ${types.join(', ')}`, c.span) : this.string(t.value, '`type`');
        if (typeName === undefined || t === undefined) continue;
        if (!(types as readonly string[]).includes(typeName)) {
          this.bad(`unknown condition type \`${typeName}\` in \`${key}\`; known types: ${types.join(', ')}`, t.value.span);
          continue;
        }
        const parsed = parse(c, typeName);
        if (parsed !== undefined) conditions.push({ id, condition: parsed });
      }
    }
    let combine: CondExpr = { kind: 'and', operands: conditions.map((c) => ({ kind: 'ref', id: c.id })) };
    if (exprEntry !== undefined) {
      const text = this.string(exprEntry.value, `\`${prefix}_expr\``);
      if (opEntry !== undefined) this.bad(`\`${prefix}_expr\` and \`${prefix}_op\` cannot be used together`, opEntry.keySpan);
      if (entry !== undefined && entry.value.kind !== 'map') this.bad(`with \`${prefix}_expr\`, \`${key}\` must be a mapping from ids to conditions`, entry.value.span);
      if (text !== undefined) {
        const parsed = parseCondExpr(text);
        if (!parsed.ok) {
          this.bad(`\`${prefix}_expr\` does not parse at character ${parsed.offset + 1}: ${parsed.message}`, exprEntry.value.span);
        } else {
          const refs = condExprRefs(parsed.expr);
          const known = new Set(conditions.map((c) => c.id));
          for (const r of refs) if (!known.has(r)) this.bad(`\`${prefix}_expr\` names \`${r}\`, which is not a condition id in \`${key}\``, exprEntry.value.span);
          for (const k of known) if (!refs.has(k)) this.bad(`condition \`${k}\` is not used in \`${prefix}_expr\``, exprEntry.value.span);
          combine = parsed.expr;
        }
      }
    } else if (opEntry !== undefined) {
      const op = this.string(opEntry.value, `\`${prefix}_op\``);
      if (op === 'or') combine = { kind: 'or', operands: conditions.map((c) => ({ kind: 'ref', id: c.id })) };
      else if (op !== 'and' && op !== undefined) this.bad(`\`${prefix}_op\` must be \`and\` or \`or\``, opEntry.value.span);
    }
    if (notEntry !== undefined && this.boolean(notEntry.value, `\`${prefix}_not\``) === true) combine = { kind: 'not', operand: combine };
    return { conditions, combine };
  }

  private checkKeys(c: YamlMap, type: string, keys: readonly string[]): void {
    for (const e of c.entries) {
      if (e.key !== 'type' && !keys.includes(e.key)) {
        this.bad(`condition \`${type}\` has no parameter \`${e.key}\`${keys.length ? `; it takes ${keys.map((k) => `\`${k}\``).join(', ')}` : ''}`, e.keySpan);
      }
    }
  }

  private str(c: YamlMap, key: string, type: string): string | undefined {
    const e = mapGet(c, key);
    if (e === undefined) return this.bad(`condition \`${type}\` needs \`${key}\``, c.span);
    return this.string(e.value, `\`${key}\``);
  }

  private processingItemApplied(c: YamlMap): { type: 'processing_item_applied'; processingItemId: string } | undefined {
    this.checkKeys(c, 'processing_item_applied', ['processing_item_id']);
    const id = this.str(c, 'processing_item_id', 'processing_item_applied');
    return id === undefined ? undefined : { type: 'processing_item_applied', processingItemId: id };
  }

  private negate(c: YamlMap): boolean {
    const e = mapGet(c, 'negate');
    return e === undefined ? false : (this.boolean(e.value, '`negate`') ?? false);
  }

  ruleCondition(c: YamlMap, type: string): RuleCondition | undefined {
    switch (type) {
      case 'logsource': {
        this.checkKeys(c, type, ['category', 'product', 'service']);
        return { type, ...this.logsourceParts(c) };
      }
      case 'tag': {
        this.checkKeys(c, type, ['tag']);
        const tag = this.str(c, 'tag', type);
        return tag === undefined ? undefined : { type, tag };
      }
      case 'rule_attribute': {
        this.checkKeys(c, type, ['attribute', 'value', 'op']);
        const attribute = this.str(c, 'attribute', type);
        const v = mapGet(c, 'value');
        const value = v === undefined ? this.bad('condition `rule_attribute` needs `value`', c.span) : v.value.kind === 'scalar' && typeof v.value.value === 'number' ? v.value.value : this.string(v.value, '`value`');
        const opText = mapGet(c, 'op') === undefined ? 'eq' : this.str(c, 'op', type);
        const ops: readonly AttributeOp[] = ['eq', 'ne', 'gte', 'gt', 'lte', 'lt', 'in', 'not_in'];
        const op = ops.find((o) => o === opText);
        if (opText !== undefined && op === undefined) this.bad(`\`op\` must be one of ${ops.join(', ')}`, mapGet(c, 'op')?.value.span ?? c.span);
        return attribute === undefined || value === undefined || op === undefined ? undefined : { type, attribute, value, op };
      }
      case 'contains_field': {
        this.checkKeys(c, type, ['field']);
        const field = this.str(c, 'field', type);
        return field === undefined ? undefined : { type, field };
      }
      case 'processing_item_applied':
        return this.processingItemApplied(c);
      case 'processing_state': {
        this.checkKeys(c, type, ['key', 'val']);
        const key = this.str(c, 'key', type);
        const val = this.str(c, 'val', type);
        return key === undefined || val === undefined ? undefined : { type, key, val };
      }
      case 'is_sigma_rule':
        this.checkKeys(c, type, []);
        return { type };
      default:
        return undefined;
    }
  }

  fieldNameCondition(c: YamlMap, type: string): FieldNameCondition | undefined {
    switch (type) {
      case 'include_fields':
      case 'exclude_fields': {
        this.checkKeys(c, type, ['fields', 'mode']);
        const f = mapGet(c, 'fields');
        const fields = f === undefined ? this.bad(`condition \`${type}\` needs \`fields\``, c.span) : this.strings(f.value, '`fields`');
        const modeText = mapGet(c, 'mode') === undefined ? 'plain' : this.str(c, 'mode', type);
        if (modeText !== 'plain' && modeText !== 're') {
          return this.bad('`mode` must be `plain` or `re`', mapGet(c, 'mode')?.value.span ?? c.span);
        }
        if (fields === undefined) return undefined;
        const patterns: RegExp[] = [];
        if (modeText === 're') {
          for (const p of fields) {
            // Python's re.match: anchored at the start only.
            const compiled = compilePythonRegex(p, '', true);
            if (typeof compiled === 'string') this.bad(`field pattern \`${p}\` does not compile: ${compiled}`, f?.value.span ?? c.span);
            else patterns.push(compiled);
          }
        }
        return { type, fields, mode: modeText, patterns };
      }
      case 'processing_item_applied':
        return this.processingItemApplied(c);
      default:
        return undefined;
    }
  }

  detectionItemCondition(c: YamlMap, type: string): DetectionItemCondition | undefined {
    switch (type) {
      case 'match_string': {
        this.checkKeys(c, type, ['pattern', 'negate']);
        const p = mapGet(c, 'pattern');
        const text = p === undefined ? this.bad('condition `match_string` needs `pattern`', c.span) : this.string(p.value, '`pattern`');
        if (text === undefined || p === undefined) return undefined;
        const compiled = compilePythonRegex(text, '', true);
        if (typeof compiled === 'string') return this.bad(`\`pattern\` does not compile: ${compiled}`, p.value.span);
        return { type, pattern: compiled, negate: this.negate(c) };
      }
      case 'is_null':
      case 'contains_wildcard':
        this.checkKeys(c, type, ['negate']);
        return { type, negate: this.negate(c) };
      case 'processing_item_applied':
        return this.processingItemApplied(c);
      default:
        return undefined;
    }
  }
}
