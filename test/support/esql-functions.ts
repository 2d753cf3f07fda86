import type { EvalContext } from './esql-evaluator.js';
import type { EsqlExpr } from './esql-parser.js';
import { EsqlTypeError, ipInCidr, isString, parseIp, single, type Scalar, type Val, type ValType } from './esql-values.js';

/*
 * The ES|QL functions the test evaluator knows, from Elastic's function reference
 * (https://www.elastic.co/guide/en/elasticsearch/reference/current/esql-functions-operators.html):
 * TO_LOWER, TO_UPPER, TO_STRING, TO_IP, TO_LONG, TO_INTEGER, TO_DOUBLE, TO_BOOLEAN, STARTS_WITH,
 * ENDS_WITH, CIDR_MATCH, LENGTH, COALESCE, CONCAT, CASE, SPLIT, BUCKET, DATE_TRUNC. Function names are
 * case-insensitive. Any other function is an error ("Unknown function").
 * - CASE(cond, value, ..., [else]): the value of the first condition that is true (null is not), else the
 *   last argument when their count is odd, else null
 *   (https://www.elastic.co/docs/reference/query-languages/esql/functions-operators/conditional-functions-and-expressions#esql-case).
 * - SPLIT(str, delim): the pieces as a multi-valued keyword (string-functions#esql-split).
 * - BUCKET(date, span) rounds down to a multiple of a fixed span (grouping-functions#esql-bucket). The
 *   test fixtures have no date type: a date is a long of epoch milliseconds here, and the span a time-span
 *   literal in seconds, minutes or hours (the units the correlation renderer writes). BUCKET is a grouping
 *   function: esql-table.ts refuses it outside STATS, as Elasticsearch does.
 * - DATE_TRUNC(span, date) rounds a date down to a multiple of the span, a scalar function usable in EVAL
 *   (https://www.elastic.co/docs/reference/query-languages/esql/functions-operators/date-time-functions/date_trunc;
 *   BUCKET with a span delegates to it). Here as BUCKET, with the arguments the other way round.
 */

type Call = Extract<EsqlExpr, { kind: 'call' }>;

const values = (v: Val): readonly Scalar[] => (v.value === null ? [] : Array.isArray(v.value) ? (v.value as readonly Scalar[]) : [v.value as Scalar]);

/** Applies `f` to each value (the conversion functions accept multi-valued input). */
function mapValues(v: Val, type: ValType, f: (s: Scalar) => Scalar | null, ctx: EvalContext, name: string): Val {
  if (v.value === null) return { type, value: null };
  const out: Scalar[] = [];
  for (const x of values(v)) {
    const y = f(x);
    if (y === null) ctx.warnings.push(`${name}: cannot convert ${JSON.stringify(x)}`);
    else out.push(y);
  }
  return { type, value: out.length === 0 ? null : out.length === 1 ? (out[0] ?? null) : out };
}

function requireString(v: Val, name: string, position: string): void {
  if (!isString(v.type, true)) throw new EsqlTypeError(`${position} argument of [${name}] must be [string], found value type [${v.type}]`);
}

function arity(call: Call, min: number, max: number): void {
  if (call.args.length < min || call.args.length > max) throw new EsqlTypeError(`function [${call.name}] takes ${min === max ? min : `${min} to ${max}`} arguments, got ${call.args.length}`);
}

/** Java's Double.toString for the values tests use: integral doubles keep `.0`. */
function doubleText(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e7) return `${n}.0`;
  return String(n);
}

export function esqlFunction(call: Call, ctx: EvalContext): Val {
  const name = call.name.toUpperCase();
  const arg = (i: number): Val => ctx.eval(call.args[i] as EsqlExpr);
  switch (name) {
    case 'TO_LOWER':
    case 'TO_UPPER': {
      arity(call, 1, 1);
      const v = arg(0);
      requireString(v, name, 'first');
      return mapValues(v, 'keyword', (s) => (name === 'TO_LOWER' ? String(s).toLowerCase() : String(s).toUpperCase()), ctx, name);
    }
    case 'TO_STRING': {
      arity(call, 1, 1);
      const v = arg(0);
      return mapValues(v, 'keyword', (s) => (typeof s === 'number' ? (v.type === 'double' ? doubleText(s) : String(s)) : String(s)), ctx, name);
    }
    case 'TO_IP': {
      arity(call, 1, 1);
      const v = arg(0);
      if (!isString(v.type, true) && v.type !== 'ip') throw new EsqlTypeError(`argument of [TO_IP] must be [ip or string], found [${v.type}]`);
      return mapValues(v, 'ip', (s) => (parseIp(String(s)) === null ? null : String(s)), ctx, name);
    }
    case 'TO_LONG':
    case 'TO_INTEGER':
    case 'TO_DOUBLE': {
      arity(call, 1, 1);
      const v = arg(0);
      const type: ValType = name === 'TO_DOUBLE' ? 'double' : name === 'TO_LONG' ? 'long' : 'integer';
      return mapValues(
        v,
        type,
        (s) => {
          if (typeof s === 'boolean') return s ? 1 : 0;
          const n = typeof s === 'number' ? s : /^\s*[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)\s*$/.test(s) ? Number(s) : NaN;
          if (Number.isNaN(n)) return null;
          return type === 'double' ? n : Math.trunc(n);
        },
        ctx,
        name,
      );
    }
    case 'TO_BOOLEAN': {
      arity(call, 1, 1);
      const v = arg(0);
      return mapValues(v, 'boolean', (s) => (typeof s === 'boolean' ? s : typeof s === 'number' ? s !== 0 : String(s).toLowerCase() === 'true'), ctx, name);
    }
    case 'STARTS_WITH':
    case 'ENDS_WITH': {
      arity(call, 2, 2);
      const v = single(arg(0), name, ctx);
      const affix = single(arg(1), name, ctx);
      requireString(v, name, 'first');
      requireString(affix, name, 'second');
      if (v.value === null || affix.value === null) return { type: 'boolean', value: null };
      const s = String(v.value);
      const a = String(affix.value);
      return { type: 'boolean', value: name === 'STARTS_WITH' ? s.startsWith(a) : s.endsWith(a) };
    }
    case 'CIDR_MATCH': {
      if (call.args.length < 2) throw new EsqlTypeError('function [CIDR_MATCH] takes at least 2 arguments');
      const ip = single(arg(0), name, ctx);
      if (ip.type !== 'ip' && ip.type !== 'null') throw new EsqlTypeError(`first argument of [CIDR_MATCH] must be [ip], found value type [${ip.type}]`);
      const blocks = call.args.slice(1).map((_, i) => arg(i + 1));
      for (const b of blocks) requireString(b, name, 'block');
      if (ip.value === null) return { type: 'boolean', value: null };
      const address = parseIp(String(ip.value));
      if (address === null) throw new EsqlTypeError(`not an ip: ${String(ip.value)}`);
      let hit = false;
      for (const b of blocks) {
        for (const text of values(b)) {
          const r = ipInCidr(address, String(text));
          if (r === null) throw new EsqlTypeError(`invalid CIDR block [${String(text)}]`);
          hit ||= r;
        }
      }
      return { type: 'boolean', value: hit };
    }
    case 'LENGTH': {
      arity(call, 1, 1);
      const v = single(arg(0), name, ctx);
      requireString(v, name, 'first');
      return { type: 'integer', value: v.value === null ? null : [...String(v.value)].length };
    }
    case 'COALESCE': {
      if (call.args.length < 1) throw new EsqlTypeError('function [COALESCE] takes at least 1 argument');
      const all = call.args.map((_, i) => arg(i));
      const type = all.find((v) => v.type !== 'null')?.type ?? 'null';
      for (const v of all) if (v.type !== 'null' && v.type !== type && !(isString(v.type) && isString(type))) throw new EsqlTypeError(`COALESCE arguments must have one type, found [${type}] and [${v.type}]`);
      return all.find((v) => v.value !== null) ?? { type, value: null };
    }
    case 'CONCAT': {
      if (call.args.length < 2) throw new EsqlTypeError('function [CONCAT] takes at least 2 arguments');
      const all = call.args.map((_, i) => single(arg(i), name, ctx));
      for (const v of all) requireString(v, name, 'every');
      if (all.some((v) => v.value === null)) return { type: 'keyword', value: null };
      return { type: 'keyword', value: all.map((v) => String(v.value)).join('') };
    }
    case 'CASE': {
      if (call.args.length < 2) throw new EsqlTypeError('function [CASE] takes at least 2 arguments');
      const pairs = Math.floor(call.args.length / 2);
      const results = call.args.map((_, i) => i);
      const type = results.filter((i) => i % 2 === 1 || i === call.args.length - 1).map((i) => arg(i).type).find((t) => t !== 'null') ?? 'null';
      for (let p = 0; p < pairs; p++) {
        const cond = single(arg(2 * p), name, ctx);
        if (cond.type !== 'boolean' && cond.type !== 'null') throw new EsqlTypeError(`CASE condition must be [boolean], found [${cond.type}]`);
        if (cond.value === true) return { ...arg(2 * p + 1), type };
      }
      return call.args.length % 2 === 1 ? { ...arg(call.args.length - 1), type } : { type, value: null };
    }
    case 'SPLIT': {
      arity(call, 2, 2);
      const str = single(arg(0), name, ctx);
      const delim = single(arg(1), name, ctx);
      requireString(str, name, 'first');
      requireString(delim, name, 'second');
      if (str.value === null || delim.value === null) return { type: 'keyword', value: null };
      const pieces = String(str.value).split(String(delim.value));
      return { type: 'keyword', value: pieces.length === 1 ? (pieces[0] ?? null) : pieces };
    }
    case 'BUCKET':
    case 'DATE_TRUNC': {
      arity(call, 2, 2);
      const [dateAt, spanAt] = name === 'BUCKET' ? [0, 1] : [1, 0];
      const span = call.args[spanAt];
      if (span?.kind !== 'literal' || span.type !== 'qualified') throw new EsqlTypeError(`${name}: the test evaluator takes a time-span literal as the span`);
      const unit = span.unit.toLowerCase().replace(/s$/, '');
      const ms = { second: 1000, minute: 60_000, hour: 3_600_000 }[unit];
      if (ms === undefined) throw new EsqlTypeError(`${name}: unit [${span.unit}] is not supported by the test evaluator`);
      const t = single(arg(dateAt), name, ctx);
      if (t.type !== 'long' && t.type !== 'null') throw new EsqlTypeError(`${name}: the test evaluator takes a date as a long of epoch milliseconds, found [${t.type}]`);
      const size = ms * span.value;
      return { type: 'long', value: t.value === null ? null : Math.floor(Number(t.value) / size) * size };
    }
    default:
      throw new EsqlTypeError(`Unknown function [${call.name}]`);
  }
}
