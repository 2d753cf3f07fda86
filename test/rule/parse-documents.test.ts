import { describe, expect, it } from 'vitest';
import { parseSigmaText } from '../../src/rule/parse-documents.js';
import type { SigmaRule } from '../../src/rule/model.js';
import { printExpr } from '../../src/ast/print-expr.js';

const RULE = `title: Test Rule
id: 0e95725d-7320-415d-80f7-004da920fc11
status: test
date: 2024-01-31
logsource:
    product: windows
    category: process_creation
detection:
    selection:
        Image|endswith: '\\cmd.exe'
    filter:
        User: null
    condition: selection and not filter
level: high
tags:
    - attack.execution
`;

function codes(text: string): string[] {
  const parsed = parseSigmaText(text, 'x.yml');
  return [...parsed.diagnostics, ...parsed.documents.flatMap((d) => d.diagnostics)].map((d) => d.code);
}

describe('parseSigmaText', () => {
  it('reads a rule with metadata, unquoted date as text, and a resolved detection', () => {
    const parsed = parseSigmaText(RULE, 'x.yml');
    expect(parsed.diagnostics).toEqual([]);
    const doc = parsed.documents[0];
    expect(doc?.diagnostics).toEqual([]);
    const rule = doc?.document as SigmaRule;
    expect(rule.kind).toBe('rule');
    expect(rule.date).toBe('2024-01-31');
    expect(rule.level).toBe('high');
    expect(rule.logsource).toEqual({ product: 'windows', category: 'process_creation' });
    expect(rule.identifiers.map((i) => i.name)).toEqual(['selection', 'filter']);
    expect(printExpr(rule.detection)).toBe(['and', '  Image matches * "\\\\cmd.exe"', '  not', '    User is null'].join('\n'));
  });

  it('reports every schema problem of a rule with its position', () => {
    const text = `title: 42
id: not-a-uuid
status: great
level: severe
date: 2024/01/31
modified: yesterday
tags:
    - Attack T1
logsource: windows
detection:
    selection:
        Image: x
    condition: selection
`;
    const parsed = parseSigmaText(text, 'bad.yml');
    const diags = parsed.documents[0]?.diagnostics ?? [];
    const byCode = diags.map((d) => `${d.code}@${d.span.line}:${d.span.column}`);
    expect(byCode).toEqual(
      expect.arrayContaining([
        'invalid-type@1:8',
        'invalid-uuid@2:5',
        'invalid-value@3:9',
        'invalid-value@4:8',
        'invalid-date@5:7',
        'invalid-date@6:11',
        'invalid-tag@8:7',
        'invalid-type@9:12',
      ]),
    );
    expect(diags.find((d) => d.code === 'invalid-date' && d.span.line === 5)?.severity).toBe('warning');
    expect(parsed.documents[0]?.document).toBeNull();
  });

  it('requires title, logsource and detection with a condition', () => {
    expect(codes('id: 0e95725d-7320-415d-80f7-004da920fc11\n')).toEqual(['missing-field', 'missing-field', 'missing-field']);
    expect(codes('title: t\nlogsource: {product: x}\ndetection:\n    sel:\n        a: 1\n')).toEqual(['missing-field']);
  });

  it('classifies correlation and filter documents', () => {
    const text = `title: base
name: base_rule
logsource: {product: windows}
detection:
    sel:
        EventID: 4625
    condition: sel
---
title: many
correlation:
    type: event_count
    rules: [base_rule]
    group-by: [User]
    timespan: 1h
    condition: {gte: 10}
---
title: tune
logsource: {product: windows}
filter:
    rules: any
    sel:
        User: admin
    condition: not sel
`;
    const kinds = parseSigmaText(text, 'x.yml').documents.map((d) => d.document?.kind);
    expect(kinds).toEqual(['rule', 'correlation', 'filter']);
  });

  it("a filter's `rules` must be given and well formed, or it would silently apply to every rule", () => {
    const filter = (rules: string) => `title: tune\nlogsource: {product: windows}\nfilter:\n${rules}    sel:\n        User: admin\n    condition: not sel\n`;
    const first = (text: string) => parseSigmaText(text, 'f.yml').documents[0];
    const missing = first(filter(''));
    expect(missing?.document).toBeNull();
    expect(missing?.diagnostics.map((d) => d.code)).toEqual(['missing-field']);
    expect(missing?.diagnostics[0]?.message).toMatch(/filter has no `rules`/);
    for (const bad of ['    rules: [123]\n', '    rules: {a: b}\n']) {
      const r = first(filter(bad));
      expect(r?.document, bad).toBeNull();
      expect(r?.diagnostics.some((d) => d.severity === 'error'), bad).toBe(true);
    }
    const named = first(filter('    rules: [base_rule]\n'))?.document;
    expect(named?.kind === 'filter' && named.rules).toEqual(['base_rule']);
    const empty = first(filter('    rules: []\n'))?.document;
    expect(empty?.kind === 'filter' && empty.rules).toBe('any');
  });

  it('applies collection actions: global merges into each rule, repeat extends the previous one, reset clears', () => {
    const text = `action: global
title: Shared
logsource: {product: windows}
level: high
---
detection:
    sel:
        EventID: 1
    condition: sel
level: low
---
action: repeat
detection:
    sel:
        EventID: 2
---
action: reset
---
title: Alone
logsource: {product: linux}
detection:
    sel:
        a: b
    condition: sel
`;
    const parsed = parseSigmaText(text, 'c.yml');
    expect(parsed.diagnostics).toEqual([]);
    const rules = parsed.documents.map((d) => d.document as SigmaRule);
    expect(rules.map((r) => [r.title, r.level, r.logsource.product])).toEqual([
      ['Shared', 'high', 'windows'],
      ['Shared', 'high', 'windows'],
      ['Alone', undefined, 'linux'],
    ]);
    expect(printExpr(rules[1]!.detection)).toBe('EventID == 2');
  });

  it('rejects old aggregations and timeframe with a pointer to correlation rules', () => {
    const text = `title: old
logsource: {product: windows}
detection:
    sel:
        EventID: 4625
    timeframe: 5m
    condition: sel | count() by User > 10
`;
    const diags = parseSigmaText(text, 'old.yml').documents[0]?.diagnostics ?? [];
    expect(diags.map((d) => d.code)).toEqual(expect.arrayContaining(['unsupported-legacy', 'condition-legacy-aggregation']));
    expect(diags.every((d) => /correlation/.test(d.message))).toBe(true);
  });

  it('keeps going after a broken document and reports it', () => {
    const text = `title: one
logsource: {product: windows}
detection:
    sel:
        a|nosuchmod: b
    condition: sel
---
title: two
logsource: {product: windows}
detection:
    sel:
        a: b
    condition: sel
`;
    const docs = parseSigmaText(text, 'x.yml').documents;
    expect(docs[0]?.document).toBeNull();
    expect(docs[0]?.diagnostics.map((d) => d.code)).toContain('unknown-modifier');
    expect(docs[1]?.document?.title).toBe('two');
  });
});

describe('loader problems inside a document', () => {
  const doc = (title: string, extra = ''): string =>
    `title: ${title}\nlogsource: {product: windows}\ndetection:\n    sel:\n        Image: a.exe\n${extra}    condition: sel\n`;

  it('fail exactly the document whose tree they are in, not the first one of the file', () => {
    const text = `${doc('Fine')}---\n${doc('Broken', '    1: foo\n')}---\n${doc('Also fine', '')}`;
    const parsed = parseSigmaText(text, 'm.yml');
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.documents.map((d) => [d.index, d.document !== null, d.diagnostics.map((x) => x.code)])).toEqual([
      [0, true, []],
      [1, false, ['yaml-non-string-key']],
      [2, true, []],
    ]);
    expect(parsed.documents[1]?.diagnostics[0]?.span.line).toBe(13);
  });

  it('a null key in a detection fails the rule instead of being dropped', () => {
    const parsed = parseSigmaText(`${doc('First')}---\n${doc('Second', '    ~: x\n')}`, 'n.yml');
    expect(parsed.documents.map((d) => d.document !== null)).toEqual([true, false]);
  });

  it('an issue inside an `action: global` document reaches every document it is merged into', () => {
    const text = `action: global\nlogsource: {product: windows}\ndetection:\n    1: foo\n---\n${doc('One')}---\n${doc('Two')}---\naction: reset\n---\n${doc('Three')}`;
    const parsed = parseSigmaText(text, 'g.yml');
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.documents.map((d) => [d.title, d.document !== null, d.diagnostics.map((x) => x.code)])).toEqual([
      ['One', false, ['yaml-non-string-key']],
      ['Two', false, ['yaml-non-string-key']],
      ['Three', true, []],
    ]);
  });

  it('unused identifiers of a template and of the rule it is merged into are reported in file order', () => {
    // The merge appends the template's identifiers after the rule's own, so entry order is not file order.
    const text = 'action: global\ndetection:\n    sel_t: {a: b}\n    condition: sel_x\n---\ntitle: t\nlogsource: {product: x}\ndetection:\n    sel_d: {a: b}\n    sel_x: {a: b}\n';
    const [doc] = parseSigmaText(text, 'o.yml').documents;
    expect(doc?.diagnostics.map((d) => [d.code, d.message.match(/`(\w+)`/)?.[1], d.span.line])).toEqual([
      ['unused-identifier', 'sel_t', 3],
      ['unused-identifier', 'sel_d', 9],
    ]);
  });

  it('an issue in a template merged into nothing stays a file problem; syntax errors stay file problems', () => {
    const unused = parseSigmaText(`action: global\n1: x\n`, 'u.yml');
    expect(unused.diagnostics.map((d) => d.code)).toEqual(['yaml-non-string-key']);
    const syntax = parseSigmaText(`${doc('Fine')}---\ntitle: [broken\n`, 's.yml');
    expect(syntax.diagnostics.map((d) => d.code)).toEqual(['yaml-syntax']);
    expect(syntax.documents.map((d) => d.document !== null)).toEqual([true]);
  });
});

describe('messages name nested keys by their path', () => {
  const messages = (text: string): string[] => {
    const parsed = parseSigmaText(text, 'p.yml');
    return parsed.documents.flatMap((d) => d.diagnostics.map((x) => x.message));
  };
  const correlation = (body: string): string => `title: c\ncorrelation:\n    type: event_count\n    rules: [a]\n${body}`;

  it('a correlation without timespan is told to add it under `correlation:`, not at the top level', () => {
    const m = messages(correlation(''));
    expect(m).toContain('the rule has no `correlation.timespan`: add `timespan:` under `correlation:`');
    expect(m.join('\n')).not.toMatch(/top level/);
  });

  it('a top-level field still says where to add it', () => {
    expect(messages('logsource: {product: x}\ndetection: {sel: {a: b}, condition: sel}\n')).toContain('the rule has no `title`: add `title:` at the top level');
  });

  it('logsource and correlation type errors carry the path', () => {
    expect(messages(`title: t\nlogsource: {product: 1}\ndetection: {sel: {a: b}, condition: sel}\n`)).toContain('`logsource.product` must be a string; found number 1');
    expect(messages(correlation('    timespan: 1h\n    group-by: {a: b}\n'))).toContain('`correlation.group-by` must be a list of strings; found a mapping');
    expect(messages('title: c\ncorrelation:\n    type: nope\n    rules: [a]\n    timespan: 1h\n')[0]).toMatch(/^`correlation\.type: nope` is not allowed/);
  });

  it('a bad timespan lists every unit the check accepts', () => {
    const [m] = messages(correlation('    timespan: 5x\n'));
    expect(m).toMatch(/s seconds, m minutes, h hours, d days, w weeks\)/);
    expect(messages(correlation('    timespan: 2w\n    condition: {gte: 2}\n'))).toEqual([]);
  });

  it('months and years are refused: they have no fixed length (README, Correlation rules, "Window")', () => {
    expect(messages(correlation('    timespan: 1M\n    condition: {gte: 2}\n'))[0]).toMatch(/months and years have no fixed length/);
    expect(messages(correlation('    timespan: 2y\n    condition: {gte: 2}\n'))[0]).toMatch(/months and years have no fixed length/);
  });
});

describe('a search identifier that fails to build', () => {
  it('is reported once, even when it is named `rules` in a rule (no follow-up unknown-identifier noise)', () => {
    const text = 'title: t\nlogsource: {product: x}\ndetection:\n    rules: {}\n    sel: {a: b}\n    condition: rules and sel\n';
    expect(codes(text)).toEqual(['detection-invalid']);
  });
});

describe('warnings do not fail a rule', () => {
  it("a rule with `field|contains: ''` still parses, with the warning attached", () => {
    const parsed = parseSigmaText("title: t\nlogsource: {product: x}\ndetection:\n    sel:\n        CommandLine|contains: ''\n    condition: sel\n", 'w.yml');
    const [doc] = parsed.documents;
    expect(doc?.document?.kind).toBe('rule');
    expect(doc?.diagnostics.map((d) => [d.severity, d.code])).toEqual([['warning', 'invalid-modifier-value']]);
  });
});

describe('every problem of a rule in one run', () => {
  const rule = (detection: string): string => `title: T\nlogsource: {product: windows}\ndetection:\n${detection}`;
  it('a misspelled modifier does not hide an undefined identifier', () => {
    expect(codes(rule(`    sel:\n        Image|contans: x\n    condition: sel and missing\n`))).toEqual(['unknown-modifier', 'condition-unknown-identifier']);
  });
  it('nor an unused identifier, nor an x-of selector that matches nothing', () => {
    expect(codes(rule(`    sel:\n        Image|contans: x\n    other: y\n    condition: sel or 1 of nope*\n`))).toEqual([
      'unknown-modifier',
      'condition-pattern-no-match',
      'unused-identifier',
    ]);
  });
  it('naming or selecting the failed identifier itself adds nothing', () => {
    expect(codes(rule(`    sel:\n        Image|contans: x\n    condition: 1 of sel* and sel\n`))).toEqual(['unknown-modifier']);
  });
});
