import { match, type Expr, type ExprMatch } from '../ast/expr.js';
import type { StringValue } from '../ast/value.js';

/**
 * `hashes_fields`: Sysmon writes the hashes of a file into one field (`Hashes`, or `Hash` for event 15)
 * as `ALGO=HEX` segments joined by commas, e.g. `SHA1=AB..,MD5=CD..,SHA256=EF..,IMPHASH=01..`; which
 * algorithms appear depends on the Sysmon configuration. Schemas such as ECS (Winlogbeat) and Defender's
 * tables keep one field per algorithm instead. This rewrites a rule's test on the list field into the
 * test on one algorithm's field, where (and only where) the two agree on every event.
 *
 * The one shape that has an exact equivalent: `contains` of `ALGO=HEX`, ALGO one of the algorithms Sysmon
 * writes (case-insensitively), HEX one or more hexadecimal digits and nothing else. Why it is exact:
 *  - Sysmon's keys are MD5, SHA1, SHA256 and IMPHASH (the values of its HashAlgorithms setting,
 *    https://learn.microsoft.com/sysinternals/downloads/sysmon, "Configuration entries") and its values
 *    hexadecimal digits, so every segment holds exactly one `=` and the list holds no other `=`.
 *  - `ALGO=HEX` holds one `=` and no `,`, so a match of `*ALGO=HEX*` lies inside one segment `KEY=VALUE`
 *    with its `=` on the segment's `=`: ALGO is a suffix of KEY and HEX a prefix of VALUE.
 *  - No key is a suffix of another key (MD5 is not the end of IMPHASH, SHA1 not the end of SHA256, ...),
 *    so ALGO is a suffix of KEY only when it is KEY. The list thus contains `ALGO=HEX` exactly when the
 *    ALGO segment's value starts with HEX (case-insensitively, as Sigma compares): the test
 *    `<ALGO field> startswith HEX`, or `<ALGO field> equals HEX` when HEX has the algorithm's full length
 *    (hash values always have it).
 *  - An event whose configuration did not hash with ALGO has no ALGO segment, and after the split no
 *    ALGO field: the original test is false and so is the rewritten one; under `not` both are true.
 *  - Winlogbeat drops an all-zero value (hashIsEmpty in winlogbeat-sysmon.js, elastic/beats): a test for
 *    an all-zero HEX could be true on the list and false on the missing field, so it is refused.
 *
 * Anything else on the field (equality with the whole list, startswith/endswith, other wildcards, text
 * that is not ALGO=HEX, `cased`, a regex, an algorithm the mapping lacks, ...) is refused by the caller
 * with the reason returned here; a value is never dropped from an OR (that would match less).
 */

/** The algorithms Sysmon writes and the number of hex digits of each (IMPHASH is an MD5 of the import table). */
export const HASH_ALGORITHMS: Readonly<Record<string, number>> = { md5: 32, sha1: 40, sha256: 64, imphash: 32 };

export interface HashesFieldsParams {
  /** Lower-case algorithm -> the field holding that algorithm's hash. */
  readonly mapping: Readonly<Record<string, string>>;
  /** The target stores values lowercased (Winlogbeat): compare with the lowercased HEX, exact in any case. */
  readonly lowercase: boolean;
}

export type HashRewrite = { readonly kind: 'ok'; readonly expr: Expr; readonly detail: string } | { readonly kind: 'refused'; readonly reason: string };

const SHAPE = /^([A-Za-z0-9]+)=([0-9A-Fa-f]*)$/;

/** The one shape with an exact equivalent, as refusals name it. */
const EXPECTED = `only \`contains\` of \`ALGO=HEX\` (ALGO one of ${Object.keys(HASH_ALGORITHMS)
  .map((a) => a.toUpperCase())
  .join(', ')}; HEX one or more hex digits) has an exact equivalent on the per-algorithm fields`;

/** The rewrite of one detection item on a hashes field, or why it has none. */
export function rewriteHashesItem(item: ExprMatch, params: HashesFieldsParams): HashRewrite {
  const v = item.value;
  if (v.kind !== 'string') return { kind: 'refused', reason: `${/^[aeiou]/.test(v.kind) ? 'an' : 'a'} ${v.kind} test on the whole list has no exact equivalent; ${EXPECTED}` };
  const [first, middle, last, ...rest] = v.parts;
  const literal = middle?.kind === 'literal' ? middle.text : undefined;
  const shaped = rest.length === 0 && first?.kind === 'wildcard-multi' && last?.kind === 'wildcard-multi' && literal !== undefined ? SHAPE.exec(literal) : null;
  if (shaped === null) return { kind: 'refused', reason: EXPECTED };
  if (v.cased) return { kind: 'refused', reason: 'a case-sensitive test (`cased`) has no exact equivalent: the per-algorithm fields do not keep the letter case Sysmon wrote' };
  const algo = (shaped[1] ?? '').toLowerCase();
  const hex = shaped[2] ?? '';
  const length = HASH_ALGORITHMS[algo];
  if (length === undefined) return { kind: 'refused', reason: `\`${shaped[1] ?? ''}\` is not an algorithm Sysmon writes; ${EXPECTED}` };
  const field = params.mapping[algo];
  if (field === undefined) {
    const mapped = Object.keys(params.mapping).map((a) => a.toUpperCase()).join(', ');
    return { kind: 'refused', reason: `this schema has no field for ${algo.toUpperCase()} (the pipeline maps ${mapped})` };
  }
  if (hex === '') return { kind: 'refused', reason: `\`${algo.toUpperCase()}=\` without hex digits tests that the list names ${algo.toUpperCase()}, which the per-algorithm field does not tell (an all-zero hash leaves no field)` };
  if (/^0+$/.test(hex)) return { kind: 'refused', reason: 'an all-zero hash may leave no field after the split (Winlogbeat drops it), so a test for one has no exact equivalent' };
  if (hex.length > length) return { kind: 'refused', reason: `${hex.length} hex digits are more than a ${algo.toUpperCase()} hash has (${length}), so the test can never hold; check the rule` };
  const text = params.lowercase ? hex.toLowerCase() : hex;
  const value: StringValue = {
    kind: 'string',
    parts: hex.length === length ? [{ kind: 'literal', text }] : [{ kind: 'literal', text }, { kind: 'wildcard-multi' }],
    cased: false,
    // Lowercased on both sides: the field holds only lower-case hex, so a case-sensitive and a
    // case-insensitive comparison agree (StringValue.canonical).
    ...(params.lowercase ? { canonical: true as const } : {}),
  };
  return {
    kind: 'ok',
    expr: match(field, value, item.span),
    // The value's Sigma text: `*ALGO=HEX*` (SHAPE's characters need no escape in Sigma text).
    detail: `${item.field ?? '(keyword)'} ${JSON.stringify(`*${shaped[0]}*`)} -> ${field} ${hex.length === length ? 'equals' : 'startswith'} ${text}`,
  };
}
