/**
 * `runExplain` in-process. It needs the YAML loader (src/rule/parse-documents.ts); until that is on this
 * branch the suite is skipped and says so.
 */
import { describe, expect, it } from 'vitest';

type RunExplain = typeof import('../../src/cli/commands/explain.js').runExplain;
// TODO(loader merge): a plain static import once src/rule/parse-documents.ts is on this branch.
const cli = (await import('../../src/cli/commands/explain.js').catch(() => null)) as { runExplain: RunExplain } | null;
if (cli === null) console.log('[skip] explain CLI: src/rule/parse-documents.ts is not there yet');

const PSEXEC = `title: Suspicious PsExec Execution
id: c462f537-a1e3-41a6-b5fc-b2c2cef9bf82
status: test
tags:
    - attack.lateral-movement
    - attack.t1021.002
logsource:
    product: windows
    service: security
detection:
    selection1:
        EventID: 5145
        ShareName: '\\\\\\\\\\*\\\\IPC$'
        RelativeTargetName|endswith:
            - '-stdin'
            - '-stdout'
            - '-stderr'
    filter:
        RelativeTargetName|startswith: 'PSEXESVC'
    condition: selection1 and not filter
level: high
`;

const OTHER = `title: Other share rule
id: 5d3b5c8e-4a55-4a1e-9a57-0d5f8b8f9a01
status: test
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID: 5145
        ShareName: '\\\\\\\\\\*\\\\IPC$'
    condition: selection
level: medium
`;

const BROKEN = `title: Broken
logsource:
    product: windows
detection:
    selection:
        Image|contans: x
    condition: selection
`;

function memoryIo(files: Record<string, string>) {
  const io = {
    out: '',
    err: '',
    stdout: (s: string) => void (io.out += s),
    stderr: (s: string) => void (io.err += s),
    readFile: (p: string) => {
      const f = files[p];
      if (f === undefined) throw new Error(`ENOENT: no such file: ${p}`);
      return f;
    },
    listYamlFiles: (p: string) => {
      if (p in files) return [p];
      const below = Object.keys(files).filter((k) => k.startsWith(p.replace(/\/?$/, '/'))).sort();
      if (below.length === 0) throw new Error(`ENOENT: no such file or folder: ${p}`);
      return below;
    },
  };
  return io;
}

const files = { 'rules/psexec.yml': PSEXEC, 'corpus/a/psexec.yml': PSEXEC, 'corpus/b/other.yml': OTHER, 'bad/broken.yml': BROKEN };

describe.skipIf(cli === null)('runExplain', () => {
  const run = (paths: string[], options: Parameters<RunExplain>[1]) => {
    const io = memoryIo(files);
    const status = cli?.runExplain(paths, options, io);
    return { status, out: io.out, err: io.err };
  };

  it('explains a rule as text with corpus counts', () => {
    const r = run(['rules/psexec.yml'], { format: 'text', corpus: 'corpus' });
    expect(r.status).toBe(0);
    expect(r.err).toBe('corpus: indexed 2 rules from 2 files under corpus\n');
    expect(r.out).toContain('Stage 2: `not filter`');
    // Shown as the rule writes it: \\\\\*\\IPC$ (the same Sigma string as its canonical text).
    expect(r.out).toMatch(/selection1 +ShareName +eq +2 +\\\\\\\\\\\*\\\\IPC\$/);
    expect(r.out).toMatch(/RelativeTargetName +ends_with +specific to this rule +-stdin, -stdout, -stderr/);
  });

  it('prints one JSON array for several rules, and markdown pages', () => {
    const json = run(['rules/psexec.yml', 'corpus/b/other.yml'], { format: 'json' });
    expect(json.status).toBe(0);
    const parsed = JSON.parse(json.out) as { meta: { title: string } }[];
    expect(parsed.map((e) => e.meta.title)).toEqual(['Suspicious PsExec Execution', 'Other share rule']);
    const md = run(['corpus'], { format: 'markdown' });
    expect(md.out.match(/^# /gm)).toHaveLength(2);
  });

  it('reports a rule with errors, still explains the others, and exits 1', () => {
    const r = run(['bad/broken.yml', 'rules/psexec.yml'], { format: 'text' });
    expect(r.status).toBe(1);
    expect(r.err).toMatch(/^bad\/broken\.yml:\d+:\d+: error\[/m);
    expect(r.out).toContain('Suspicious PsExec Execution');
  });

  it('reports a missing file as io-error and exits 1', () => {
    const r = run(['rules/none.yml'], { format: 'text' });
    expect(r.status).toBe(1);
    expect(r.err).toContain('error[io-error]');
    expect(r.out).toBe('');
  });

  it('exits 2 on an unknown format or a missing corpus folder', () => {
    expect(run(['rules/psexec.yml'], { format: 'yaml' as 'text' }).status).toBe(2);
    const r = run(['rules/psexec.yml'], { format: 'text', corpus: 'nowhere' });
    expect(r.status).toBe(2);
    expect(r.err).toContain('error[io-error]');
  });
});
