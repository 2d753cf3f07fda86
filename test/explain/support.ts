/**
 * Builds SigmaRule objects by hand for the explain tests, so they do not depend on the YAML loader.
 * It understands only what the tests use: detection maps, lists of maps, keyword lists, the common
 * modifiers, and the condition grammar. It is not a loader: it does no validation.
 */
import type { ConditionNode } from '../../src/ast/condition.js';
import { and, match, not, or, type Expr } from '../../src/ast/expr.js';
import type { SigmaValue, StringPart } from '../../src/ast/value.js';
import type { SourceSpan } from '../../src/diagnostics/span.js';
import type { LogSource, SigmaRule } from '../../src/rule/model.js';

export const SPAN: SourceSpan = { file: 'test.yml', line: 1, column: 1, endLine: 1, endColumn: 1, offset: 0, endOffset: 0 };

/** Sigma string text into parts (SPEC-DIGEST §4): `\` escapes only `*`, `?` and `\`. */
export function sigmaString(text: string): StringPart[] {
  const parts: StringPart[] = [];
  let lit = '';
  const flush = (): void => {
    if (lit !== '') parts.push({ kind: 'literal', text: lit });
    lit = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    const n = text.charAt(i + 1);
    if (c === '\\' && (n === '*' || n === '?' || n === '\\')) {
      lit += n;
      i++;
    } else if (c === '*') {
      flush();
      if (parts.at(-1)?.kind !== 'wildcard-multi') parts.push({ kind: 'wildcard-multi' });
    } else if (c === '?') {
      flush();
      parts.push({ kind: 'wildcard-single' });
    } else lit += c;
  }
  flush();
  return parts;
}

type Scalar = string | number | boolean | null;

function valueOf(v: Scalar, mods: readonly string[]): SigmaValue {
  if (v === null) return { kind: 'null' };
  if (mods.includes('re')) {
    return { kind: 'regex', pattern: String(v), flags: { ignoreCase: mods.includes('i'), multiline: mods.includes('m'), dotAll: mods.includes('s') } };
  }
  if (mods.includes('cidr')) {
    const [network = '', len = '0'] = String(v).split('/');
    return { kind: 'cidr', network: String(v), version: network.includes(':') ? 6 : 4, prefixLength: Number(len) };
  }
  if (mods.includes('exists')) return { kind: 'exists', exists: v === true };
  for (const op of ['lt', 'lte', 'gt', 'gte'] as const) if (mods.includes(op)) return { kind: 'compare', op, value: Number(v) };
  if (mods.includes('fieldref')) {
    const m = mods.includes('contains') ? 'contains' : mods.includes('startswith') ? 'startswith' : mods.includes('endswith') ? 'endswith' : 'equals';
    return { kind: 'fieldref', field: String(v), match: m, cased: mods.includes('cased') };
  }
  if (typeof v === 'number' && !mods.some((m) => ['contains', 'startswith', 'endswith'].includes(m))) return { kind: 'number', value: v };
  if (typeof v === 'boolean') return { kind: 'boolean', value: v };
  let parts = sigmaString(String(v));
  const star: StringPart = { kind: 'wildcard-multi' };
  if (mods.includes('contains') || mods.includes('endswith')) if (parts[0]?.kind !== 'wildcard-multi') parts = [star, ...parts];
  if (mods.includes('contains') || mods.includes('startswith')) if (parts.at(-1)?.kind !== 'wildcard-multi') parts = [...parts, star];
  return { kind: 'string', parts, cased: mods.includes('cased') };
}

/** `-x` / `/x` variants of a flag, as windash makes them (only `-` and `/` here). */
function windash(v: Scalar): Scalar[] {
  if (typeof v !== 'string') return [v];
  const variants = ['-', '/', '\u2013', '\u2014', '\u2015'];
  return variants.map((d) => v.replace(/(^|[^\w])[-/](?=\w)/g, `$1${d}`));
}

function item(key: string, raw: unknown): Expr {
  const [field = '', ...mods] = key.split('|');
  const list = (Array.isArray(raw) ? raw : [raw]) as Scalar[];
  const one = (v: Scalar): Expr => {
    const variants = mods.includes('windash') ? windash(v) : [v];
    return or(
      variants.map((w) => match(field === '' ? null : field, valueOf(w, mods), SPAN)),
      SPAN,
    );
  };
  const e = mods.includes('all') ? and(list.map(one), SPAN) : or(list.map(one), SPAN);
  return mods.includes('neq') ? not(e, SPAN) : e;
}

function mapExpr(m: Record<string, unknown>): Expr {
  return and(
    Object.entries(m).map(([k, v]) => item(k, v)),
    SPAN,
  );
}

function searchExpr(v: unknown): Expr {
  if (Array.isArray(v)) {
    if (v.every((x) => x !== null && typeof x === 'object')) return or((v as Record<string, unknown>[]).map(mapExpr), SPAN);
    return or((v as Scalar[]).map((x) => match(null, valueOf(x, []), SPAN)), SPAN);
  }
  if (v !== null && typeof v === 'object') return mapExpr(v as Record<string, unknown>);
  return match(null, valueOf(v as Scalar, []), SPAN);
}

/** The condition grammar of SPEC-DIGEST §6 (or < and < not < x of < parentheses). */
export function parseCondition(text: string): ConditionNode {
  const tokens = text.match(/\(|\)|[^\s()]+/g) ?? [];
  let i = 0;
  const peek = (): string | undefined => tokens[i];
  const primary = (): ConditionNode => {
    const t = tokens[i++];
    if (t === '(') {
      const e = orExpr();
      if (tokens[i++] !== ')') throw new Error(`missing ) in ${text}`);
      return e;
    }
    if ((t === '1' || t === 'any' || t === 'all') && peek() === 'of') {
      i++;
      const target = tokens[i++] ?? '';
      return { kind: 'of', quantifier: t, target: target === 'them' ? { kind: 'them' } : { kind: 'pattern', pattern: target }, span: SPAN };
    }
    if (t === undefined) throw new Error(`unexpected end of ${text}`);
    return { kind: 'ref', name: t, span: SPAN };
  };
  const notExpr = (): ConditionNode => {
    if (peek() === 'not') {
      i++;
      return { kind: 'not', operand: notExpr(), span: SPAN };
    }
    return primary();
  };
  const chain = (kind: 'and' | 'or', next: () => ConditionNode): ConditionNode => {
    const operands = [next()];
    while (peek() === kind) {
      i++;
      operands.push(next());
    }
    const only = operands[0];
    return operands.length === 1 && only ? only : { kind, operands, span: SPAN };
  };
  const andExpr = (): ConditionNode => chain('and', notExpr);
  const orExpr = (): ConditionNode => chain('or', andExpr);
  const node = orExpr();
  if (i !== tokens.length) throw new Error(`trailing tokens in ${text}`);
  return node;
}

export interface RuleSpec {
  title?: string;
  id?: string;
  file?: string;
  status?: SigmaRule['status'];
  level?: SigmaRule['level'];
  author?: string;
  date?: string;
  modified?: string;
  description?: string;
  tags?: string[];
  references?: string[];
  falsepositives?: string[];
  logsource?: LogSource;
  detection: Record<string, unknown>;
  condition: string | string[];
}

/** Resolves the condition against the identifiers, as the loader does, into `detection`. */
function resolve(node: ConditionNode, ids: ReadonlyMap<string, Expr>): Expr {
  switch (node.kind) {
    case 'ref': {
      const e = ids.get(node.name);
      if (e === undefined) throw new Error(`unknown identifier ${node.name}`);
      return e;
    }
    case 'not':
      return not(resolve(node.operand, ids), SPAN);
    case 'and':
      return and(node.operands.map((o) => resolve(o, ids)), SPAN);
    case 'or':
      return or(node.operands.map((o) => resolve(o, ids)), SPAN);
    case 'of': {
      const names = [...ids.keys()].filter((n) => {
        if (node.target.kind === 'them') return !n.startsWith('_');
        const p = node.target.pattern;
        const re = new RegExp('^' + p.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
        return re.test(n) && (p.startsWith('_') || !n.startsWith('_'));
      });
      const es = names.map((n) => ids.get(n)).filter((e): e is Expr => e !== undefined);
      return node.quantifier === 'all' ? and(es, SPAN) : or(es, SPAN);
    }
  }
}

export function buildRule(spec: RuleSpec): SigmaRule {
  const identifiers = Object.entries(spec.detection).map(([name, v]) => ({ name, expr: searchExpr(v), span: SPAN }));
  const byName = new Map(identifiers.map((i) => [i.name, i.expr]));
  const texts = Array.isArray(spec.condition) ? spec.condition : [spec.condition];
  const conditions = texts.map((text) => ({ text, node: parseCondition(text), span: SPAN }));
  const file = spec.file ?? 'test.yml';
  return {
    kind: 'rule',
    file,
    documentIndex: 0,
    span: SPAN,
    title: spec.title ?? 'Test rule',
    ...(spec.id === undefined ? {} : { id: spec.id }),
    ...(spec.status === undefined ? {} : { status: spec.status }),
    ...(spec.level === undefined ? {} : { level: spec.level }),
    ...(spec.author === undefined ? {} : { author: spec.author }),
    ...(spec.date === undefined ? {} : { date: spec.date }),
    ...(spec.modified === undefined ? {} : { modified: spec.modified }),
    ...(spec.description === undefined ? {} : { description: spec.description }),
    references: spec.references ?? [],
    tags: spec.tags ?? [],
    falsepositives: spec.falsepositives ?? [],
    fields: [],
    related: [],
    logsource: spec.logsource ?? { product: 'windows' },
    identifiers,
    conditions,
    detection: or(conditions.map((c) => resolve(c.node, byName)), SPAN),
    source: { kind: 'map', entries: [], span: SPAN },
  };
}

/** The PsExec rule of the issue (rules/windows/builtin/security/win_security_susp_psexec.yml), by hand. */
export function psexecRule(): SigmaRule {
  return buildRule({
    title: 'Suspicious PsExec Execution',
    id: 'c462f537-a1e3-41a6-b5fc-b2c2cef9bf82',
    file: 'rules/windows/builtin/security/win_security_susp_psexec.yml',
    status: 'test',
    level: 'high',
    author: 'Samir Bousseaden',
    date: '2019-04-03',
    modified: '2022-08-11',
    tags: ['attack.lateral-movement', 'attack.t1021.002'],
    logsource: { product: 'windows', service: 'security' },
    detection: {
      selection1: {
        EventID: 5145,
        ShareName: '\\\\\\\\\\*\\\\IPC$',
        'RelativeTargetName|endswith': ['-stdin', '-stdout', '-stderr'],
      },
      filter: { 'RelativeTargetName|startswith': 'PSEXESVC' },
    },
    condition: 'selection1 and not filter',
  });
}
