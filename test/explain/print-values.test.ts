import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StringPart } from '../../src/ast/value.js';
import { describeMatch } from '../../src/explain/describe-match.js';
import { printSigmaString as printSigmaStringStyle } from '../../src/value/sigma-string.js';
import { sigmaString } from './support.js';

const lit = (text: string): StringPart => ({ kind: 'literal', text });
const STAR: StringPart = { kind: 'wildcard-multi' };
const QM: StringPart = { kind: 'wildcard-single' };

describe('printSigmaString spells values as rules do', () => {
  it('prints the PsExec share so that Sigma reads it back as \\\\*\\IPC$', () => {
    const parts = sigmaString('\\\\\\\\\\*\\\\IPC$'); // the rule's text: \\\\\*\\IPC$
    expect(parts).toEqual([lit('\\\\*\\IPC$')]);
    expect(printSigmaStringStyle(parts)).toBe('\\\\\\\\\\*\\IPC$'); // \\\\\*\IPC$
  });

  it('leaves Windows paths as rules write them', () => {
    expect(printSigmaStringStyle([lit('C:\\Windows\\System32\\')])).toBe('C:\\Windows\\System32\\');
    expect(printSigmaStringStyle([lit('\\\\server\\share')])).toBe('\\\\\\\\server\\share');
  });

  it('escapes literal wildcards and a backslash before a wildcard', () => {
    expect(printSigmaStringStyle([lit('*.bak')])).toBe('\\*.bak');
    expect(printSigmaStringStyle([lit('a?b')])).toBe('a\\?b');
    expect(printSigmaStringStyle([lit('C:\\'), STAR])).toBe('C:\\\\*');
    expect(printSigmaStringStyle([lit('prog'), QM, lit('.exe')])).toBe('prog?.exe');
  });

  it('prints placeholders and escapes % beside them', () => {
    expect(printSigmaStringStyle([{ kind: 'placeholder', name: 'Admins' }, lit('%x')])).toBe('%Admins%\\%x');
    expect(printSigmaStringStyle([lit('%APPDATA%')])).toBe('%APPDATA%');
  });

  it('round-trips any parts through the Sigma string syntax', () => {
    const part = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', 'B', '\\', '*', '?', ' ', '$'), minLength: 1, maxLength: 6 }).map(lit),
      fc.constant(STAR),
      fc.constant(QM),
    );
    // Normal form of the AST: adjacent literals merged, never two adjacent `*`.
    const normal = (parts: StringPart[]): StringPart[] => {
      const out: StringPart[] = [];
      for (const p of parts) {
        const last = out.at(-1);
        if (p.kind === 'literal' && last?.kind === 'literal') out[out.length - 1] = lit(last.text + p.text);
        else if (!(p.kind === 'wildcard-multi' && last?.kind === 'wildcard-multi')) out.push(p);
      }
      return out;
    };
    fc.assert(
      fc.property(fc.array(part, { maxLength: 6 }).map(normal), (parts) => {
        expect(sigmaString(printSigmaStringStyle(parts))).toEqual(parts);
      }),
    );
  });
});

describe('describeMatch', () => {
  const str = (text: string, cased = false) => describeMatch({ kind: 'string', parts: sigmaString(text), cased });
  it('names string shapes', () => {
    expect(str('PSEXESVC')).toMatchObject({ kind: 'eq', value: 'PSEXESVC', normalized: 'psexesvc' });
    expect(str('PSEXESVC*')).toMatchObject({ kind: 'starts_with', value: 'PSEXESVC' });
    expect(str('*-stdin')).toMatchObject({ kind: 'ends_with', value: '-stdin' });
    expect(str('*\\AppData\\\\*')).toMatchObject({ kind: 'contains', value: '\\AppData\\' });
    expect(str('*a*b*')).toMatchObject({ kind: 'wildcard', value: '*a*b*' });
    expect(str('a?c')).toMatchObject({ kind: 'wildcard', value: 'a?c' });
    expect(str('*')).toMatchObject({ kind: 'wildcard', value: '*' });
    expect(str('')).toMatchObject({ kind: 'eq', value: '' });
    // `\*` is an escaped star (the Ryuk pitfall of SPEC-DIGEST §4): a literal, so this is equality.
    expect(str('C:\\Windows\\*')).toMatchObject({ kind: 'eq', value: 'C:\\Windows\\*' });
    expect(str('C:\\Windows\\\\*')).toMatchObject({ kind: 'starts_with', value: 'C:\\Windows\\' });
  });

  it('keeps case for cased strings and regexes', () => {
    expect(str('Abc*', true)).toEqual({ kind: 'starts_with', options: ['cased'], value: 'Abc', normalized: 'Abc' });
    expect(
      describeMatch({ kind: 'regex', pattern: '\\D+x', flags: { ignoreCase: true, multiline: false, dotAll: true } }),
    ).toEqual({ kind: 're', options: ['i', 's'], value: '\\D+x', normalized: '\\D+x' });
  });

  it('names the other value kinds', () => {
    expect(describeMatch({ kind: 'number', value: 5145 })).toMatchObject({ kind: 'eq', value: '5145' });
    expect(describeMatch({ kind: 'boolean', value: false })).toMatchObject({ kind: 'eq', value: 'false' });
    expect(describeMatch({ kind: 'null' })).toMatchObject({ kind: 'null', value: '' });
    expect(describeMatch({ kind: 'cidr', network: '10.0.0.0/8', version: 4, prefixLength: 8 })).toMatchObject({ kind: 'cidr', value: '10.0.0.0/8' });
    expect(describeMatch({ kind: 'compare', op: 'gte', value: 3 })).toMatchObject({ kind: 'gte', value: '3' });
    expect(describeMatch({ kind: 'exists', exists: false })).toMatchObject({ kind: 'exists', value: 'false' });
    expect(describeMatch({ kind: 'fieldref', field: 'TargetUser', match: 'endswith', cased: false })).toMatchObject({
      kind: 'fieldref_ends_with',
      value: 'TargetUser',
    });
    expect(describeMatch({ kind: 'timepart', part: 'hour', value: 3 })).toMatchObject({ kind: 'hour', value: '3' });
  });

  it('gives a number and the same number as text one key', () => {
    expect(describeMatch({ kind: 'number', value: 4688 }).normalized).toBe(str('4688').normalized);
  });
});
