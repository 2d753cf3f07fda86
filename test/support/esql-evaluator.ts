import { esqlFunction } from './esql-functions.js';
import { compareValues, EsqlTypeError, isString, likeMatches, single, type Val, type ValType } from './esql-values.js';
import { luceneMatches, LuceneSyntaxError } from './lucene-regex.js';
import { parseEsql, type EsqlExpr, type EsqlQuery } from './esql-parser.js';

/*
 * Evaluates ES|QL expressions (as parsed by esql-parser.ts) on one event, written from Elastic's ES|QL
 * documentation (tests only):
 * - Three-valued logic: AND/OR/NOT follow SQL's truth tables; a WHERE keeps a row only when its condition
 *   is true (https://www.elastic.co/guide/en/elasticsearch/reference/current/esql-commands.html#esql-where).
 * - Typing: ES|QL is statically typed; comparing a keyword with a number, LIKE on a number, CIDR_MATCH on
 *   a keyword, a non-boolean operand of AND/OR/NOT are verification errors, reported here as errors
 *   (never coerced). A string literal compared with an ip is implicitly cast (ES|QL's implicit casting of
 *   string literals, https://www.elastic.co/guide/en/elasticsearch/reference/current/esql-implicit-casting.html).
 * - Multi-valued fields (https://www.elastic.co/guide/en/elasticsearch/reference/current/esql-multivalued-fields.html):
 *   "functions return null when applied to a multivalued field" unless documented otherwise, with a
 *   warning ("single-value function encountered multi-value", elastic/elasticsearch PR #102417). Implemented: comparisons, IN, LIKE, RLIKE, arithmetic, STARTS_WITH, ENDS_WITH, LENGTH,
 *   CIDR_MATCH's first argument and AND/OR/NOT operands give null (and a warning) for a multi-valued
 *   input; IS NULL is false for one (it has values); TO_LOWER, TO_UPPER, TO_STRING, TO_IP, TO_LONG,
 *   TO_DOUBLE map each value (their docs allow multi-valued input); CIDR_MATCH's blocks may be
 *   multi-valued; COALESCE returns the first non-null argument as it is.
 * - LIKE: `*` any run, `?` one character, `\` escapes `*`, `?` or `\` (any other escape is an error), the
 *   whole value, case-sensitive (esql LIKE docs; WildcardPattern/StringUtils.wildcardToJavaPattern).
 * - RLIKE: Lucene regular expression syntax over the whole value (lucene-regex.ts).
 * - The optimizer's case rewrite (elastic/elasticsearch, x-pack/plugin/esql/.../optimizer/rules/logical/
 *   ReplaceStringCasingWithInsensitiveEquivalent.java, formerly ReplaceStringCasingWithInsensitiveEquals
 *   and ...RegexMatch): `TO_LOWER(f) == "lit"` becomes `f =~ "lit"` and `TO_LOWER(f) LIKE "p"` a
 *   case-insensitive LIKE on `f` when the literal has no uppercase letter (Character.getType ==
 *   UPPERCASE_LETTER; TO_UPPER: no lowercase letter), else FALSE (a negated `==`: `f IS NOT NULL`). Both
 *   fold ASCII letters only: InsensitiveEquals uses AutomatonQueries.toCaseInsensitiveString, which
 *   leaves every code point above 128 as it is, and the LIKE automaton is built with Lucene's
 *   RegExp.ASCII_CASE_INSENSITIVE (WildcardPattern.doCreateAutomaton). So `TO_LOWER(f) == "ж"` does not
 *   match `Ж`. `=~` is evaluated the same way.
 *
 * Fields absent from the event are null. Their type comes from `types` when given, else from the value
 * (string: keyword, integer: long, other number: double, boolean: boolean), else unknown (null type,
 * compatible with everything).
 */

export type EsqlEventValue = string | number | boolean | null | readonly (string | number | boolean)[];
export type EsqlEvent = Readonly<Record<string, EsqlEventValue>>;
export type EsqlFieldType = 'keyword' | 'text' | 'long' | 'integer' | 'double' | 'boolean' | 'ip';

export interface EsqlEvalOptions {
  /** Mapped field types, by dotted field name. */
  readonly types?: Readonly<Record<string, EsqlFieldType>>;
}

/** A value: a type, and null, one value or several (a multi-valued field). */
export type EsqlValue = Val;

export type EsqlEvalResult = { readonly ok: true; readonly value: EsqlValue; readonly warnings: readonly string[] } | { readonly ok: false; readonly error: string };

/** Every evaluation error (type errors, invalid patterns, unknown functions). */
export const EsqlEvalError = EsqlTypeError;

export interface EvalContext {
  readonly event: EsqlEvent;
  readonly types: Readonly<Record<string, EsqlFieldType>>;
  readonly warnings: string[];
  readonly eval: (e: EsqlExpr) => Val;
}

export function evaluateEsql(expr: EsqlExpr, event: EsqlEvent, options: EsqlEvalOptions = {}): EsqlEvalResult {
  const warnings: string[] = [];
  const ctx: EvalContext = { event, types: options.types ?? {}, warnings, eval: (e) => evaluate(e, ctx) };
  try {
    return { ok: true, value: evaluate(rewriteCaseChanges(expr), ctx), warnings };
  } catch (e) {
    if (e instanceof EsqlEvalError) return { ok: false, error: e.message };
    throw e;
  }
}

/**
 * Runs a query's row-level commands on one event: every WHERE must be true (null drops the row), EVAL
 * adds fields; FROM, KEEP, DROP, SORT and LIMIT do not change whether one row passes. STATS is an error
 * (it aggregates rows).
 */
export function esqlWhere(query: string | EsqlQuery, event: EsqlEvent, options: EsqlEvalOptions = {}): { readonly ok: true; readonly matches: boolean; readonly warnings: readonly string[] } | { readonly ok: false; readonly error: string } {
  let ast: EsqlQuery;
  if (typeof query === 'string') {
    const parsed = parseEsql(query);
    if (!parsed.ok) return { ok: false, error: `syntax error at ${parsed.offset}: ${parsed.message}` };
    ast = parsed.ast;
  } else ast = query;
  let row: Record<string, EsqlEventValue> = { ...event };
  const types: Record<string, EsqlFieldType> = { ...(options.types ?? {}) };
  const warnings: string[] = [];
  for (const c of ast.commands) {
    switch (c.kind) {
      case 'from':
      case 'keep':
      case 'drop':
      case 'sort':
      case 'limit':
        break;
      case 'row':
      case 'stats':
      case 'mv-expand':
        return { ok: false, error: `${c.kind.toUpperCase()} is not supported by the test evaluator` };
      case 'where': {
        const r = evaluateEsql(c.condition, row, { types });
        if (!r.ok) return r;
        warnings.push(...r.warnings);
        if (r.value.type !== 'boolean' && r.value.type !== 'null') return { ok: false, error: `WHERE condition must be [boolean], found [${r.value.type}]` };
        if (r.value.value !== true) return { ok: true, matches: false, warnings };
        break;
      }
      case 'eval':
        for (const f of c.fields) {
          const r = evaluateEsql(f.expr, row, { types });
          if (!r.ok) return r;
          const name = f.name ?? 'expr';
          const v = r.value.value;
          row = { ...row, [name]: v };
          const t = r.value.type;
          if (t === 'keyword' || t === 'text' || t === 'long' || t === 'integer' || t === 'double' || t === 'boolean' || t === 'ip') types[name] = t;
        }
        break;
    }
  }
  return { ok: true, matches: true, warnings };
}

const NULL: Val = { type: 'null', value: null };
const bool = (b: boolean | null): Val => (b === null ? { type: 'boolean', value: null } : { type: 'boolean', value: b });

function fieldValue(name: string, ctx: EvalContext): Val {
  const raw = ctx.event[name];
  const declared = ctx.types[name];
  const first = Array.isArray(raw) ? raw[0] : raw;
  const inferred: ValType | undefined = typeof first === 'string' ? 'keyword' : typeof first === 'number' ? (Number.isInteger(first) ? 'long' : 'double') : typeof first === 'boolean' ? 'boolean' : undefined;
  const type: ValType = declared ?? inferred ?? 'null';
  if (raw === undefined || raw === null || (Array.isArray(raw) && raw.length === 0)) return { type, value: null };
  const values = (Array.isArray(raw) ? raw : [raw]) as (string | number | boolean)[];
  for (const v of values) {
    const ok = type === 'keyword' || type === 'text' || type === 'ip' ? typeof v === 'string' : type === 'boolean' ? typeof v === 'boolean' : typeof v === 'number';
    if (!ok) throw new Error(`test fixture: field ${name} is mapped as ${type} but holds ${JSON.stringify(v)}`);
  }
  return values.length === 1 ? { type, value: values[0] ?? null } : { type, value: values };
}

function evaluate(e: EsqlExpr, ctx: EvalContext): Val {
  switch (e.kind) {
    case 'literal':
      switch (e.type) {
        case 'null':
          return NULL;
        case 'integer':
          return { type: 'integer', value: e.value };
        case 'decimal':
          return { type: 'double', value: e.value };
        case 'boolean':
          return { type: 'boolean', value: e.value };
        case 'string':
          return { type: 'keyword', value: e.value, literal: true };
        case 'qualified':
          throw new EsqlEvalError(`time span literal [${e.value} ${e.unit}] is not supported in row expressions by the test evaluator`);
      }
      break;
    case 'array': {
      const first = e.elements[0];
      const type: ValType = first?.type === 'string' ? 'keyword' : first?.type === 'boolean' ? 'boolean' : e.elements.some((x) => x.type === 'decimal') ? 'double' : 'integer';
      return { type, value: e.elements.map((x) => x.value as string | number | boolean) };
    }
    case 'param':
      throw new EsqlEvalError(`unbound parameter ${e.name}`);
    case 'field':
      return fieldValue(e.parts.join('.'), ctx);
    case 'call':
      return esqlFunction(e, ctx);
    case 'not': {
      const v = logicalOperand(evaluate(e.operand, ctx), 'NOT', ctx);
      return bool(v === null ? null : !v);
    }
    case 'logical': {
      const l = logicalOperand(evaluate(e.left, ctx), e.op.toUpperCase(), ctx);
      const r = logicalOperand(evaluate(e.right, ctx), e.op.toUpperCase(), ctx);
      if (e.op === 'and') return bool(l === false || r === false ? false : l === null || r === null ? null : true);
      return bool(l === true || r === true ? true : l === null || r === null ? null : false);
    }
    case 'compare': {
      const l = single(evaluate(e.left, ctx), e.op, ctx);
      const r = single(evaluate(e.right, ctx), e.op, ctx);
      if (e.op === '=~') {
        if (!isString(l.type, true) || !isString(r.type, true)) throw new EsqlEvalError(`=~ needs string operands, found [${l.type}] and [${r.type}]`);
        if (l.value === null || r.value === null) return bool(null);
        return bool(asciiLower(String(l.value)) === asciiLower(String(r.value)));
      }
      const c = compareValues(l, r, e.op);
      if (c === null) return bool(null);
      switch (e.op) {
        case '==':
          return bool(c === 0);
        case '!=':
          return bool(c !== 0);
        case '<':
          return bool(c < 0);
        case '<=':
          return bool(c <= 0);
        case '>':
          return bool(c > 0);
        case '>=':
          return bool(c >= 0);
      }
      break;
    }
    case 'arith':
      return arithmetic(e.op, single(evaluate(e.left, ctx), e.op, ctx), single(evaluate(e.right, ctx), e.op, ctx), ctx);
    case 'unary': {
      const v = single(evaluate(e.operand, ctx), e.op, ctx);
      if (!isNumeric(v.type)) throw new EsqlEvalError(`argument of [${e.op}] must be numeric, found [${v.type}]`);
      return e.op === '-' && v.value !== null ? { type: v.type, value: -(v.value as number) } : v;
    }
    case 'like': {
      const v = single(evaluate(e.value, ctx), e.op.toUpperCase(), ctx);
      if (!isString(v.type, true)) throw new EsqlEvalError(`first argument of [${e.op.toUpperCase()}] must be [string], found [${v.type}]`);
      // Patterns are checked even when the value is null (ES|QL validates them while planning).
      if (e.asciiCaseInsensitive === true && e.op === 'rlike') throw new EsqlEvalError('a case-insensitive RLIKE is not modelled by the test evaluator');
      const fold = e.asciiCaseInsensitive === true ? asciiLower : (x: string): string => x;
      const matchers = e.patterns.map((p) => (e.op === 'like' ? (s: string) => likeMatches(fold(p), s) : rlikeMatcher(p)));
      if (e.op === 'like') for (const p of e.patterns) likeMatches(p, '');
      if (v.value === null) return bool(null);
      const s = fold(String(v.value));
      const hit = matchers.some((m) => m(s));
      return bool(e.negated ? !hit : hit);
    }
    case 'in': {
      const v = single(evaluate(e.value, ctx), 'IN', ctx);
      const items = e.list.map((x) => single(evaluate(x, ctx), 'IN', ctx));
      let sawNull = false;
      for (const item of items) {
        const c = compareValues(v, item, 'IN');
        if (c === 0) return bool(!e.negated);
        if (c === null) sawNull = true;
      }
      if (v.value === null || sawNull) return bool(null);
      return bool(e.negated);
    }
    case 'is-null': {
      const v = evaluate(e.value, ctx);
      return bool((v.value === null) !== e.negated);
    }
    case 'cast':
      return esqlFunction({ kind: 'call', name: castFunction(e.type), args: [e.value], star: false }, ctx);
  }
  throw new EsqlEvalError(`unsupported expression ${JSON.stringify(e)}`);
}

/** Lowercases the ASCII letters only (what Elasticsearch's case-insensitive automata fold). */
function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** ChangeCase.Case.matchesCase: no uppercase letter for TO_LOWER, no lowercase letter for TO_UPPER. */
function matchesCase(fn: string, text: string): boolean {
  return fn === 'TO_LOWER' ? !/\p{Lu}/u.test(text) : !/\p{Ll}/u.test(text);
}

function changeCase(e: EsqlExpr): { readonly fn: string; readonly inner: EsqlExpr } | null {
  if (e.kind !== 'call' || e.args.length !== 1) return null;
  const fn = e.name.toUpperCase();
  if (fn !== 'TO_LOWER' && fn !== 'TO_UPPER') return null;
  let inner = e.args[0] as EsqlExpr;
  for (let c = changeCase(inner); c !== null; c = changeCase(inner)) inner = c.inner;
  return { fn, inner };
}

const FALSE: EsqlExpr = { kind: 'literal', type: 'boolean', value: false };

/**
 * The optimizer's rewrite of a case change compared with a string literal (see the header): applied to
 * the whole condition before it is evaluated, as Elasticsearch plans the query before running it.
 */
function rewriteCaseChanges(e: EsqlExpr): EsqlExpr {
  switch (e.kind) {
    case 'compare': {
      const cc = changeCase(e.left);
      if (cc !== null && (e.op === '==' || e.op === '!=') && e.right.kind === 'literal' && e.right.type === 'string') {
        const fits = matchesCase(cc.fn, e.right.value);
        const eq: EsqlExpr = fits ? { kind: 'compare', op: '=~', left: cc.inner, right: e.right } : FALSE;
        if (e.op === '==') return eq;
        return fits ? { kind: 'not', operand: eq } : { kind: 'is-null', negated: true, value: cc.inner };
      }
      return { ...e, left: rewriteCaseChanges(e.left), right: rewriteCaseChanges(e.right) };
    }
    case 'not': {
      const o = e.operand;
      if (o.kind === 'compare' && o.op === '==' && changeCase(o.left) !== null && o.right.kind === 'literal' && o.right.type === 'string') {
        return rewriteCaseChanges({ ...o, op: '!=' });
      }
      return { kind: 'not', operand: rewriteCaseChanges(o) };
    }
    case 'like': {
      const cc = changeCase(e.value);
      if (cc === null) return { ...e, value: rewriteCaseChanges(e.value) };
      if (e.patterns.every((p) => matchesCase(cc.fn, p))) return { ...e, value: cc.inner, asciiCaseInsensitive: true };
      return e.negated ? { kind: 'not', operand: FALSE } : FALSE;
    }
    case 'logical':
      return { ...e, left: rewriteCaseChanges(e.left), right: rewriteCaseChanges(e.right) };
    case 'in':
      return { ...e, value: rewriteCaseChanges(e.value), list: e.list.map(rewriteCaseChanges) };
    case 'is-null':
      return { ...e, value: rewriteCaseChanges(e.value) };
    case 'call':
      return { ...e, args: e.args.map(rewriteCaseChanges) };
    case 'arith':
      return { ...e, left: rewriteCaseChanges(e.left), right: rewriteCaseChanges(e.right) };
    case 'unary':
      return { ...e, operand: rewriteCaseChanges(e.operand) };
    case 'cast':
      return { ...e, value: rewriteCaseChanges(e.value) };
    case 'literal':
    case 'array':
    case 'param':
    case 'field':
      return e;
  }
}

function rlikeMatcher(pattern: string): (s: string) => boolean {
  try {
    luceneMatches(pattern, '');
  } catch (err) {
    if (err instanceof LuceneSyntaxError) throw new EsqlEvalError(`invalid RLIKE pattern: ${err.message}`);
    throw err;
  }
  return (s) => luceneMatches(pattern, s);
}

function logicalOperand(v: Val, op: string, ctx: EvalContext): boolean | null {
  if (v.type !== 'boolean' && v.type !== 'null') throw new EsqlEvalError(`argument of [${op}] must be [boolean], found [${v.type}]`);
  const s = single(v, op, ctx);
  return s.value === null ? null : s.value === true;
}

const isNumeric = (t: ValType): boolean => t === 'integer' || t === 'long' || t === 'double' || t === 'null';

function arithmetic(op: '+' | '-' | '*' | '/' | '%', l: Val, r: Val, ctx: EvalContext): Val {
  if (!isNumeric(l.type) || !isNumeric(r.type)) throw new EsqlEvalError(`arguments of [${op}] must be numeric, found [${l.type}] and [${r.type}]`);
  const type: ValType = l.type === 'double' || r.type === 'double' ? 'double' : l.type === 'long' || r.type === 'long' ? 'long' : l.type === 'null' ? r.type : l.type;
  if (l.value === null || r.value === null) return { type, value: null };
  const a = l.value as number;
  const b = r.value as number;
  const integral = type !== 'double';
  if ((op === '/' || op === '%') && b === 0 && integral) {
    ctx.warnings.push(`${op}: / by zero`);
    return { type, value: null };
  }
  const value = op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : op === '/' ? (integral ? Math.trunc(a / b) : a / b) : a % b;
  return { type, value };
}

function castFunction(type: string): string {
  const table: Readonly<Record<string, string>> = { keyword: 'TO_STRING', string: 'TO_STRING', text: 'TO_STRING', long: 'TO_LONG', integer: 'TO_LONG', int: 'TO_LONG', double: 'TO_DOUBLE', ip: 'TO_IP', boolean: 'TO_BOOLEAN', bool: 'TO_BOOLEAN' };
  const f = table[type];
  if (f === undefined) throw new EsqlEvalError(`unsupported cast ::${type}`);
  return f;
}
