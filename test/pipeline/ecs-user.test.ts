import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Expr } from '../../src/ast/expr.js';
import { applyPipelines } from '../../src/pipeline/apply.js';
import { findBuiltinPipeline } from '../../src/pipeline/builtins.js';
import { evaluateExpr, type TestEvent } from '../support/evaluate-expr.js';
import { all, any, errors, m, neg, rule } from './helpers.js';

/*
 * ecs-windows and Sysmon's User: Winlogbeat's Sysmon module (addUser in
 * x-pack/winlogbeat/module/sysmon/config/winlogbeat-sysmon.js, events 1 and 3) splits "DOMAIN\name" into
 * user.domain and user.name and deletes the field when it has exactly two parts, and leaves it in
 * winlog.event_data.User otherwise. `User|contains` of text without a backslash is searched in all three;
 * anything else is refused.
 */
const ecs = findBuiltinPipeline('ecs-windows')?.pipeline;
if (ecs === undefined) throw new Error('no ecs-windows');
const PROCESS = { product: 'windows', category: 'process_creation' } as const;
const apply = (d: Expr, logsource: { product: string; category: string } = PROCESS) => applyPipelines(rule(d, logsource), [ecs]);

/** The event as Winlogbeat's module leaves it (the Sysmon channel and event 1 too, which the rule's added condition tests). */
function winlogbeat(user: string | undefined): TestEvent {
  const base = { 'winlog.channel': 'Microsoft-Windows-Sysmon/Operational', 'event.code': '1' };
  if (user === undefined) return base;
  const parts = user.split('\\');
  return parts.length === 2 ? { ...base, 'user.domain': parts[0] ?? '', 'user.name': parts[1] ?? '' } : { ...base, 'winlog.event_data.User': user };
}

describe('ecs-windows: Sysmon User', () => {
  it('contains text without a backslash becomes a test on user.domain, user.name or winlog.event_data.User', () => {
    const r = apply(m('User', '*AUTHORI*'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const fields = JSON.stringify(r.value.rule.detection);
    for (const f of ['user.domain', 'user.name', 'winlog.event_data.User']) expect(fields).toContain(`"field":"${f}"`);
    expect(evaluateExpr(r.value.rule.detection, winlogbeat('NT AUTHORITY\\SYSTEM'))).toBe(true);
    expect(evaluateExpr(r.value.rule.detection, winlogbeat('CORP\\alice'))).toBe(false);
  });

  it.each([
    ['a whole value', 'NT AUTHORITY\\SYSTEM'],
    ['a suffix', '*\\SYSTEM'],
    ['a prefix', 'NT AUTH*'],
    ['contains with a backslash', '*AUTHORITY\\SYS*'],
  ])('refuses %s (%s)', (_, value) => {
    const r = apply(m('User', value));
    expect(r.ok).toBe(false);
    expect(errors(r).join('\n')).toMatch(/Winlogbeat's Sysmon module splits/);
  });

  it('stays refused in categories whose events the module does not split (file_delete)', () => {
    expect(apply(m('User', '*AUTHORI*'), { product: 'windows', category: 'file_delete' }).ok).toBe(false);
  });

  it('means what the rule means on every event, under not, and/or too (fast-check)', () => {
    const chars = fc.constantFrom('a', 'A', 'u', 'T', 'h', ' ', '\\', 'x');
    const text = fc.array(chars, { minLength: 0, maxLength: 8 }).map((a) => a.join(''));
    const needle = fc.array(fc.constantFrom('a', 'A', 'u', 'T', 'h', ' ', 'x'), { minLength: 1, maxLength: 3 }).map((a) => a.join(''));
    const leaf = needle.chain((n) => fc.constantFrom(m('User', `*${n}*`), neg(m('User', `*${n}*`))));
    const detection = fc.oneof(leaf, fc.array(leaf, { minLength: 2, maxLength: 3 }).map((xs) => any(...xs)), fc.array(leaf, { minLength: 2, maxLength: 3 }).map((xs) => all(...xs)));
    fc.assert(
      fc.property(detection, fc.option(text, { nil: undefined }), (d, user) => {
        const r = apply(d);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        const original = evaluateExpr(d, user === undefined ? {} : { User: user });
        expect(evaluateExpr(r.value.rule.detection, winlogbeat(user))).toBe(original);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('sentinel-windows: Sysmon User in the Defender XDR tables (AccountDomain, AccountName)', () => {
  const sentinel = findBuiltinPipeline('sentinel-windows')?.pipeline;
  if (sentinel === undefined) throw new Error('no sentinel-windows');
  const piped = (d: Expr, category: string) => applyPipelines(rule(d, { product: 'windows', category }), [sentinel]);

  it.each([
    ['process_creation', 'AccountDomain', 'AccountName'],
    ['network_connection', 'InitiatingProcessAccountDomain', 'InitiatingProcessAccountName'],
  ])('%s: contains without a backslash searches %s and %s', (category, domain, name) => {
    const r = piped(m('User', '*AUTHORI*'), category);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(evaluateExpr(r.value.rule.detection, { [domain]: 'nt authority', [name]: 'system' })).toBe(true);
    expect(evaluateExpr(r.value.rule.detection, { [domain]: 'corp', [name]: 'alice' })).toBe(false);
    expect(evaluateExpr(neg(m('User', '*AUTHORI*')), { User: 'NT AUTHORITY\\SYSTEM' })).toBe(false);
  });

  it('refuses any other User test (unmapped-field)', () => {
    for (const value of ['NT AUTHORITY\\SYSTEM', '*\\SYSTEM', 'NT AUTH*']) {
      const r = piped(m('User', value), 'process_creation');
      expect(r.ok, value).toBe(false);
      expect(r.diagnostics.map((d) => d.code), value).toContain('unmapped-field');
    }
  });
});
