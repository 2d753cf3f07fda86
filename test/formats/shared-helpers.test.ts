import { describe, expect, it } from 'vitest';
import { techniqueUrl } from '../../src/explain/attack.js';
import { sqlIdentifier as renderSqlIdentifier, sqlViewName } from '../../src/render/escape.js';
import { PG_MAX_IDENTIFIER_BYTES, sqlIdentifier } from '../../src/targets/sql/sql-text.js';

describe('helpers shared between targets, formats and explain', () => {
  it('techniqueUrl: the ATT&CK site URL form of techniques and sub-techniques', () => {
    expect(techniqueUrl('T1021')).toBe('https://attack.mitre.org/techniques/T1021/');
    expect(techniqueUrl('T1021.002')).toBe('https://attack.mitre.org/techniques/T1021/002/');
  });

  it('formats quote SQL identifiers with the sql target function', () => {
    expect(renderSqlIdentifier).toBe(sqlIdentifier);
  });

  it('view names leave room for the `_<n>` suffix below PostgreSQL identifier limit', () => {
    const name = sqlViewName('x'.repeat(200));
    expect(name.length).toBe(PG_MAX_IDENTIFIER_BYTES - 7);
    expect(`${name}_999999`.length).toBeLessThanOrEqual(PG_MAX_IDENTIFIER_BYTES);
  });
});
