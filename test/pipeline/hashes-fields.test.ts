/**
 * `hashes_fields`: Sysmon's `Hashes` list rewritten to one field per algorithm (src/pipeline/hashes-fields.ts).
 * Unit tests of each accepted and refused shape, the loader's checks, and a property test that the
 * rewritten rule on the split event (Winlogbeat's addHashes, reimplemented below from its description)
 * agrees with the original rule on the Sysmon list, wherever the rewrite is not refused.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Expr } from '../../src/ast/expr.js';
import type { SigmaValue } from '../../src/ast/value.js';
import { applyPipelines } from '../../src/pipeline/apply.js';
import { findBuiltinPipeline } from '../../src/pipeline/builtins.js';
import { parsePipelineText } from '../../src/pipeline/load-pipeline.js';
import { evaluateExpr, type TestEvent } from '../support/evaluate-expr.js';
import { esqlWhere, type EsqlEvent, type EsqlFieldType } from '../support/esql-evaluator.js';
import { convertExpr } from '../../src/lower/convert-expr.js';
import { all, any, errors, m, neg, okValue, pipeline, rule, str, tree } from './helpers.js';

const ECS = `transformations:
  - id: hashes
    type: hashes_fields
    fields: [Hashes, Hash]
    mapping: { MD5: process.hash.md5, sha1: process.hash.sha1, Sha256: process.hash.sha256, IMPHASH: process.pe.imphash }
    lowercase: true
`;
const DEFENDER = `transformations:
  - id: hashes
    type: hashes_fields
    fields: [Hashes]
    mapping: { MD5: MD5, SHA1: SHA1, SHA256: SHA256 }
`;

const apply = (detection: Expr, yaml = ECS) => applyPipelines(rule(detection), [pipeline(yaml)]);
const cased = (text: string): SigmaValue => ({ ...(str(text) as Extract<SigmaValue, { kind: 'string' }>), cased: true });
const SHA256 = 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855';

describe('hashes_fields: accepted shapes', () => {
  it('contains ALGO=HEX (a prefix) becomes startswith on the algorithm field, lowercased and marked as the exact spelling', () => {
    const out = okValue(apply(m('Hashes', '*SHA256=ABCDEF*')));
    expect(tree(out.rule.detection)).toBe('process.hash.sha256 matches-exact-spelling "abcdef" *');
    expect(out.applied).toEqual([{ pipeline: 'test.yml', transformation: 'hashes', type: 'hashes_fields', detail: 'Hashes "*SHA256=ABCDEF*" -> process.hash.sha256 startswith abcdef' }]);
  });

  it('a full-length HEX becomes equality; IMPHASH goes to its own field', () => {
    expect(tree(okValue(apply(m('Hashes', `*sha256=${SHA256}*`))).rule.detection)).toBe(`process.hash.sha256 matches-exact-spelling "${SHA256.toLowerCase()}"`);
    expect(tree(okValue(apply(m('Hash', '*IMPHASH=32F5095C9BBDCACF28FD4060EB4DFC42*'))).rule.detection)).toBe(
      'process.pe.imphash matches-exact-spelling "32f5095c9bbdcacf28fd4060eb4dfc42"',
    );
  });

  it('without `lowercase` the value keeps its case and is compared without case as usual', () => {
    expect(tree(okValue(apply(m('Hashes', '*MD5=09D278F9*'), DEFENDER)).rule.detection)).toBe('MD5 matches "09D278F9" *');
  });

  it('a list mixing algorithms stays an OR of the per-algorithm tests, and `not` stays around its item', () => {
    const d = all(any(m('Hashes', '*MD5=AA*'), m('Hashes', '*SHA1=BB*'), m('Hashes', '*IMPHASH=CC*')), neg(m('Hashes', '*SHA256=DD*')), m('Image', '*\\x.exe'));
    expect(tree(okValue(apply(d)).rule.detection)).toBe(
      [
        'and',
        '  or',
        '    process.hash.md5 matches-exact-spelling "aa" *',
        '    process.hash.sha1 matches-exact-spelling "bb" *',
        '    process.pe.imphash matches-exact-spelling "cc" *',
        '  not',
        '    process.hash.sha256 matches-exact-spelling "dd" *',
        '  Image matches * "\\\\x.exe"',
      ].join('\n'),
    );
  });

  it('leaves other fields, and fields not listed in `fields`, alone', () => {
    const out = okValue(apply(all(m('Image', '*SHA1=AA*'), m('Hashes', '*SHA1=AA*')), DEFENDER));
    expect(tree(out.rule.detection)).toBe('and\n  Image matches * "SHA1=AA" *\n  SHA1 matches "AA" *');
    expect(okValue(apply(m('Hash', 'x'), DEFENDER)).rule.detection).toEqual(m('Hash', 'x'));
  });
});

describe('hashes_fields: refused shapes name the field, the value and why', () => {
  const refused: [string, Expr, RegExp][] = [
    ['whole-list equality', m('Hashes', `SHA256=${SHA256}`), /"SHA256=E3B0.*only `contains` of `ALGO=HEX`/],
    ['startswith', m('Hashes', 'SHA1=AB*'), /only `contains`/],
    ['endswith', m('Hashes', '*SHA1=AB'), /only `contains`/],
    ['a wildcard inside', m('Hashes', '*SHA1=A*B*'), /only `contains`/],
    ['a single-character wildcard', m('Hashes', '*SHA1=A?B*'), /only `contains`/],
    ['text that is not hex', m('Hashes', '*SHA1=XYZ*'), /only `contains`/],
    ['two segments', m('Hashes', '*MD5=AA,SHA1=BB*'), /only `contains`/],
    ['an algorithm Sysmon does not write', m('Hashes', '*HASH=AB*'), /`HASH` is not an algorithm Sysmon writes/],
    ['an algorithm the mapping lacks', m('Hashes', '*IMPHASH=AB*'), /no field for IMPHASH \(the pipeline maps MD5, SHA1, SHA256\)/],
    ['no hex digits', m('Hashes', '*SHA1=*'), /without hex digits/],
    ['an all-zero hash', m('Hashes', '*MD5=0000*'), /all-zero hash/],
    ['more digits than the hash has', m('Hashes', `*MD5=${'A'.repeat(33)}*`), /33 hex digits are more than a MD5 hash has \(32\)/],
    ['cased', m('Hashes', cased('*SHA1=AB*')), /case-sensitive test \(`cased`\)/],
    ['a regex', m('Hashes', { kind: 'regex', pattern: 'SHA1=AB', flags: { ignoreCase: false, multiline: false, dotAll: false } }), /\(regex\).*a regex test on the whole list/],
    ['null', m('Hashes', { kind: 'null' }), /a null test/],
    ['exists', m('Hashes', { kind: 'exists', exists: true }), /an exists test/],
  ];
  for (const [name, expr, message] of refused) {
    it(name, () => {
      const r = apply(expr, DEFENDER);
      expect(r.ok).toBe(false);
      const e = errors(r);
      expect(e).toHaveLength(1);
      expect(e[0]).toMatch(/error\[unsupported-construct\] field `Hashes` holds every hash as one list, which pipeline `test.yml` maps to one field per algorithm \(transformation `hashes`\)/);
      expect(e[0]).toMatch(message);
    });
  }

  it('never drops a refused value from an OR: the rule is refused, each bad value reported', () => {
    const r = apply(any(m('Hashes', '*MD5=AA*'), m('Hashes', '*IMPHASH=BB*'), m('Hashes', '*IMPHASH=CC*')), DEFENDER);
    expect(r.ok).toBe(false);
    expect(errors(r)).toHaveLength(2);
  });
});

describe('hashes_fields: loading', () => {
  const load = (body: string) => parsePipelineText(`transformations:\n  - type: hashes_fields\n${body}`, 'p.yml');
  it('needs fields and mapping, takes known algorithms in any case once, and a boolean lowercase', () => {
    expect(errors(load('    mapping: { MD5: md5 }\n')).join('\n')).toMatch(/`hashes_fields` needs `fields`/);
    expect(errors(load('    fields: Hashes\n')).join('\n')).toMatch(/needs `mapping`/);
    expect(errors(load('    fields: Hashes\n    mapping: { SHA512: x }\n')).join('\n')).toMatch(/`SHA512` is not an algorithm Sysmon writes; `mapping` takes md5, sha1, sha256, imphash/);
    expect(errors(load('    fields: Hashes\n    mapping: { MD5: x, md5: y }\n')).join('\n')).toMatch(/`md5` is mapped twice/);
    expect(errors(load('    fields: Hashes\n    mapping: { MD5: x }\n    lowercase: yes please\n')).join('\n')).toMatch(/`lowercase` must be true or false/);
    // pySigma's own parameters are not read differently: they are an error.
    expect(errors(load('    valid_hash_algos: [MD5]\n    field_prefix: File\n')).join('\n')).toMatch(/`hashes_fields` has no parameter `valid_hash_algos`/);
    expect(errors(load('    fields: []\n    mapping: { MD5: x }\n')).join('\n')).toMatch(/`fields` must name at least one field/);
    // One field per algorithm: a field holding two algorithms' hashes would let `SHA1=CD` match an MD5 starting with cd.
    expect(errors(load('    fields: Hashes\n    mapping: { MD5: h, SHA1: h }\n')).join('\n')).toMatch(/`SHA1` is mapped to `h`, the field of `MD5`/);
    expect(load('    fields: Hashes\n    mapping: { MD5: x }\n').ok).toBe(true);
  });
});

/** Winlogbeat's addHashes (winlogbeat-sysmon.js, elastic/beats), as the ecs-windows pipeline describes it. */
function winlogbeatSplit(list: string | undefined, ns: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!list) return out;
  for (const segment of list.split(',')) {
    const parts = segment.split('=');
    if (parts.length !== 2) continue;
    const key = (parts[0] ?? '').toLowerCase();
    const value = (parts[1] ?? '').toLowerCase();
    if (/^0*$/.test(value)) continue;
    out[key === 'imphash' ? `${ns}.pe.imphash` : `${ns}.hash.${key}`] = value;
  }
  return out;
}

describe('hashes_fields: an algorithm the Sysmon configuration did not hash with', () => {
  it('is absent from the list and, after the split, has no field: the test is false on both, and `not` true on both', () => {
    const list = 'SHA1=AB00000000000000000000000000000000000000,MD5=CD000000000000000000000000000000';
    const split = winlogbeatSplit(list, 'process');
    expect(split['process.hash.sha256']).toBeUndefined();
    for (const d of [m('Hashes', '*SHA256=AB*'), neg(m('Hashes', '*SHA256=AB*'))]) {
      const rewritten = okValue(apply(d)).rule.detection;
      expect(evaluateExpr(rewritten, split)).toBe(evaluateExpr(d, { Hashes: list }));
    }
    expect(evaluateExpr(okValue(apply(neg(m('Hashes', '*SHA256=AB*')))).rule.detection, split)).toBe(true);
  });
});

describe('hashes_fields: the rewrite means what the rule means (fast-check)', () => {
  const LENGTHS = { MD5: 32, SHA1: 40, SHA256: 64, IMPHASH: 32 } as const;
  type Algo = keyof typeof LENGTHS;
  const ALGOS = Object.keys(LENGTHS) as Algo[];
  // A small alphabet so that prefixes of generated hashes and generated HEX often meet.
  const hexOf = (n: number) => fc.array(fc.constantFrom('0', '0', 'a', 'A', 'f', '9'), { minLength: n, maxLength: n }).map((a) => a.join(''));
  const hashValue = (algo: Algo) => fc.oneof(hexOf(LENGTHS[algo]), fc.constant('0'.repeat(LENGTHS[algo])));
  // Sysmon's list: the configured algorithms (any subset, any order), each with its hash.
  const sysmonList = fc
    .shuffledSubarray(ALGOS)
    .chain((algos) => fc.tuple(...algos.map((a) => hashValue(a).map((v) => `${a}=${v}`))))
    .map((segments) => (segments.length === 0 ? undefined : segments.join(',')));
  const anyCase = (s: string) => fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }).map((up) => [...s].map((c, i) => (up[i] ? c.toUpperCase() : c.toLowerCase())).join(''));
  const ruleValue = fc
    .tuple(fc.constantFrom(...ALGOS), fc.integer({ min: 1, max: 66 }), hexOf(66))
    .chain(([algo, n, hex]) => fc.tuple(anyCase(algo), anyCase(hex.slice(0, n))))
    .map(([algo, hex]) => m('Hashes', `*${algo}=${hex}*`));
  const leaf = fc.oneof(ruleValue, ruleValue.map((e) => neg(e)));
  const detection = fc.oneof(leaf, fc.array(leaf, { minLength: 2, maxLength: 3 }).map((xs) => any(...xs)), fc.array(leaf, { minLength: 2, maxLength: 3 }).map((xs) => all(...xs)));

  // Events whose list shares a prefix with the rule's values: the generator above makes those common.
  it('ECS (Winlogbeat split, lowercase): equal on every event, unless refused for an all-zero or too long HEX', () => {
    const p = pipeline(ECS);
    let compared = 0;
    fc.assert(
      fc.property(detection, sysmonList, (d, list) => {
        const original = evaluateExpr(d, list === undefined ? {} : { Hashes: list });
        const r = applyPipelines(rule(d), [p]);
        if (!r.ok) {
          for (const e of errors(r)) expect(e).toMatch(/all-zero hash|more than a/);
          return;
        }
        compared++;
        const split: TestEvent = winlogbeatSplit(list, 'process');
        expect(evaluateExpr(r.value.rule.detection, split)).toBe(original);
      }),
      { numRuns: 3000 },
    );
    expect(compared).toBeGreaterThan(1000);
  });

  it('ecs-windows through elastic-esql, on the ES|QL evaluator: the query keeps the split event exactly when the rule matches the list (also under `not`)', () => {
    const ecs = findBuiltinPipeline('ecs-windows')?.pipeline;
    if (ecs === undefined) throw new Error('ecs-windows missing');
    const types: Record<string, EsqlFieldType> = {};
    for (const f of ['winlog.channel', 'event.code', 'process.hash.md5', 'process.hash.sha1', 'process.hash.sha256', 'process.pe.imphash']) types[f] = 'keyword';
    let compared = 0;
    fc.assert(
      fc.property(detection, sysmonList, (d, list) => {
        const r = applyPipelines(rule(d, { product: 'windows', category: 'process_creation' }), [ecs]);
        if (!r.ok) return;
        const q = convertExpr(r.value.rule.detection, 'elastic-esql');
        if (!q.ok) throw new Error(q.diagnostics.map((x) => x.message).join('; '));
        const event: EsqlEvent = { 'winlog.channel': 'Microsoft-Windows-Sysmon/Operational', 'event.code': '1', ...winlogbeatSplit(list, 'process') };
        const kept = esqlWhere(q.value.query, event, { types });
        if (!kept.ok) throw new Error(`${kept.error}\n${q.value.query}`);
        compared++;
        expect(kept.matches, q.value.query).toBe(evaluateExpr(d, list === undefined ? {} : { Hashes: list }));
      }),
      { numRuns: 1000 },
    );
    expect(compared).toBeGreaterThan(300);
  });

  it('without lowercase (values kept as written, compared without case): equal too', () => {
    const p = pipeline(`transformations:
  - type: hashes_fields
    fields: [Hashes]
    mapping: { MD5: md5, SHA1: sha1, SHA256: sha256, IMPHASH: imphash }
`);
    fc.assert(
      fc.property(detection, sysmonList, (d, list) => {
        const r = applyPipelines(rule(d), [p]);
        if (!r.ok) return;
        const columns: Record<string, string> = {};
        for (const segment of list?.split(',') ?? []) {
          const [k = '', v = ''] = segment.split('=');
          if (!/^0*$/.test(v)) columns[k.toLowerCase()] = v;
        }
        expect(evaluateExpr(r.value.rule.detection, columns)).toBe(evaluateExpr(d, list === undefined ? {} : { Hashes: list }));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('the built-in pipelines', () => {
  const ecs = findBuiltinPipeline('ecs-windows')?.pipeline;
  const sentinel = findBuiltinPipeline('sentinel-windows')?.pipeline;
  if (ecs === undefined || sentinel === undefined) throw new Error('built-in pipelines missing');
  const run = (category: string, d: Expr, p = ecs) => applyPipelines(rule(d, { product: 'windows', category }), [p]);
  const fieldsOf = (e: Expr): string[] => (e.kind === 'match' ? [e.field ?? ''] : e.kind === 'not' ? fieldsOf(e.operand) : e.operands.flatMap(fieldsOf));

  it('ecs-windows: process.* for events 1, 24, 25; file.* for 6, 7 and for event 15 `Hash`; file_delete stays refused', () => {
    for (const c of ['process_creation', 'clipboard_capture', 'process_tampering']) expect(fieldsOf(okValue(run(c, m('Hashes', '*IMPHASH=AB*'))).rule.detection)).toContain('process.pe.imphash');
    for (const c of ['driver_load', 'image_load']) expect(fieldsOf(okValue(run(c, m('Hashes', '*SHA1=AB*'))).rule.detection)).toContain('file.hash.sha1');
    expect(fieldsOf(okValue(run('create_stream_hash', m('Hash', '*MD5=AB*'))).rule.detection)).toContain('file.hash.md5');
    expect(errors(run('file_delete', m('Hashes', '*MD5=AB*'))).join('\n')).toMatch(/splits, translates or drops this field/);
  });

  it('ecs-windows: SourceIsIpv6 true/false (string or YAML boolean) -> network.type ipv6/ipv4; anything else refused', () => {
    expect(tree(okValue(run('network_connection', m('SourceIsIpv6', 'true'))).rule.detection)).toContain('network.type matches "ipv6"');
    expect(tree(okValue(run('network_connection', neg(m('SourceIsIpv6', { kind: 'boolean', value: false })))).rule.detection)).toContain('network.type matches "ipv4"');
    for (const v of ['tr*', 'True', 'ipv6']) expect(errors(run('network_connection', m('SourceIsIpv6', v))).join('\n')).toMatch(/only the exact values true and false/);
    expect(errors(run('network_connection', m('SourceIsIpv6', { kind: 'null' }))).join('\n')).toMatch(/only the exact values true and false/);
    expect(errors(run('network_connection', m('DestinationIsIpv6', 'true'))).join('\n')).toMatch(/splits, translates or drops this field/);
  });

  it('ecs-windows: Initiated likewise takes only true/false (egress/ingress); a wildcard is refused', () => {
    expect(tree(okValue(run('network_connection', m('Initiated', 'true'))).rule.detection)).toContain('network.direction matches "egress"');
    expect(tree(okValue(run('network_connection', m('Initiated', { kind: 'boolean', value: false }))).rule.detection)).toContain('network.direction matches "ingress"');
    expect(errors(run('network_connection', m('Initiated', 't*'))).join('\n')).toMatch(/only the values true and false/);
  });

  it('ecs-windows: a field reference to SourceIsIpv6 or Initiated is refused, not compared with the translated values', () => {
    // The rule compares Image with the text "true"/"false" Sysmon writes; network.type and
    // network.direction hold ipv6/ipv4 and egress/ingress, so `process.executable == network.type`
    // would match (and, under `not`, miss) other events than the rule.
    for (const ref of ['SourceIsIpv6', 'Initiated']) {
      const d = m('DestinationHostname', { kind: 'fieldref', field: ref, match: 'equals', cased: false });
      for (const e of [d, neg(d)]) expect(errors(run('network_connection', e)).join('\n')).toMatch(new RegExp(`a reference to \`${ref}\`: the comparison reads its values`));
    }
    // The values themselves still convert.
    expect(tree(okValue(run('network_connection', all(m('SourceIsIpv6', 'true'), m('Initiated', 'false')))).rule.detection)).toMatch(/network\.type matches "ipv6"[\s\S]*network\.direction matches "ingress"/);
  });

  it('sentinel-windows: MD5/SHA1/SHA256 columns of DeviceProcessEvents and DeviceImageLoadEvents; IMPHASH refused by name', () => {
    expect(tree(okValue(run('process_creation', m('Hashes', `*SHA256=${SHA256}*`), sentinel)).rule.detection)).toContain(`SHA256 matches "${SHA256}"`);
    expect(tree(okValue(run('image_load', m('Hashes', '*MD5=AB*'), sentinel)).rule.detection)).toContain('MD5 matches "AB" *');
    expect(errors(run('process_creation', m('Hashes', '*IMPHASH=AB*'), sentinel)).join('\n')).toMatch(/no field for IMPHASH/);
  });
});
