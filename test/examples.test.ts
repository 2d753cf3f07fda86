import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { convertForEveryTarget } from '../examples/convert-rule.js';
import { printAst } from '../examples/print-ast.js';
import { PSEXEC_RULE } from './support/paths.js';

describe('examples/', () => {
  it('print-ast prints the PsExec rule as the README shows', () => {
    const out = printAst(PSEXEC_RULE, readFileSync(PSEXEC_RULE, 'utf8'));
    expect(out.split('\n').slice(0, 3)).toEqual([
      'Suspicious PsExec Execution (c462f537-a1e3-41a6-b5fc-b2c2cef9bf82)',
      'condition: selection1 and not filter',
      'and',
    ]);
    expect(out).toContain('ShareName matches "\\\\\\\\*\\\\IPC$"');
  });

  it('convert-rule gives a query for every target', () => {
    const out = convertForEveryTarget(PSEXEC_RULE, readFileSync(PSEXEC_RULE, 'utf8'));
    expect([...out.keys()]).toContain('splunk');
    expect(out.get('splunk')).toContain('EventCode=5145');
  });
});
