import fc from 'fast-check';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { alignedOrigin, conditionOrigin, textOrigin } from '../../src/condition/condition-origin.js';
import { parseCondition } from '../../src/condition/parse.js';
import { LineIndex } from '../../src/diagnostics/span.js';
import type { ScalarStyle, YamlScalar } from '../../src/yaml/node.js';

/** A Sigma rule whose condition line is `condition` (one or more lines, already indented after the key). */
function rule(condition: string): string {
  return [
    'title: Condition positions',
    'logsource:',
    '    product: windows',
    'detection:',
    '    selection:',
    "        Image|endswith: '\\x.exe'",
    '    filter:',
    "        User: 'SYSTEM'",
    `    condition: ${condition}`,
    'level: high',
    '',
  ].join('\n');
}

/**
 * The condition scalar as the YAML loader reports it: the value js-yaml reads, and a span from the
 * scalar's first character (the quote or block indicator) to the end of its text.
 */
function conditionScalar(text: string, style: ScalarStyle): { index: LineIndex; scalar: YamlScalar } {
  const doc = yaml.load(text, { schema: yaml.CORE_SCHEMA }) as { detection: { condition: string } };
  const index = new LineIndex('rules/test.yml', text);
  const start = text.indexOf('condition: ') + 'condition: '.length;
  const end = text.indexOf('\nlevel:');
  return { index, scalar: { kind: 'scalar', value: doc.detection.condition, style, span: index.span(start, end) } };
}

function parseIn(text: string, style: ScalarStyle) {
  const { index, scalar } = conditionScalar(text, style);
  return parseCondition(String(scalar.value), conditionOrigin(index, scalar));
}

/** Line (1-based) and column (1-based) of the first `needle` in `text` at or after `from`. */
function lineColumn(text: string, needle: string, from = 0): { line: number; column: number } {
  const at = text.indexOf(needle, from);
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  return { line, column: at - before.lastIndexOf('\n') };
}

function firstError(text: string, style: ScalarStyle) {
  const r = parseIn(text, style);
  expect(r.ok).toBe(false);
  const d = r.diagnostics[0];
  if (!d) throw new Error('no diagnostic');
  return d;
}

describe('conditionOrigin', () => {
  it('maps a plain scalar exactly', () => {
    const text = rule('selection and not filter AND x');
    const d = firstError(text, 'plain');
    expect(d.span.file).toBe('rules/test.yml');
    expect([d.span.line, d.span.column]).toEqual([9, 41]);
    expect(d.span).toMatchObject(lineColumn(text, 'AND'));
    expect(text.slice(d.span.offset, d.span.endOffset)).toBe('AND');
  });

  it('gives nodes file spans', () => {
    const text = rule('selection and not filter # the usual');
    const r = parseIn(text, 'plain');
    if (!r.ok || r.value.kind !== 'and') throw new Error('expected and');
    const [sel, notFilter] = r.value.operands;
    expect(text.slice(sel?.span.offset, sel?.span.endOffset)).toBe('selection');
    expect(text.slice(notFilter?.span.offset, notFilter?.span.endOffset)).toBe('not filter');
    expect(text.slice(r.value.span.offset, r.value.span.endOffset)).toBe('selection and not filter');
    expect(r.value.span).toMatchObject({ line: 9, column: 16, endLine: 9, endColumn: 40 });
  });

  it("maps a single-quoted scalar, counting '' as one character", () => {
    const text = rule("'selection and not ''filter'''");
    const d = firstError(text, 'single');
    // The value is `selection and not 'filter'`; the error is at its quote, which the file writes as ''.
    expect([d.span.line, d.span.column]).toEqual([9, 35]);
    expect(d.span).toMatchObject(lineColumn(text, "''filter"));

    const text2 = rule("'selection and `it''s` AND filter'");
    const d2 = firstError(text2, 'single');
    expect([d2.span.line, d2.span.column]).toEqual([9, 39]);
    expect(d2.span).toMatchObject(lineColumn(text2, 'AND'));
  });

  it('spans a quoted name with an escaped quote as written in the file', () => {
    const text = rule("'selection and `it''s`'");
    const r = parseIn(text, 'single');
    if (!r.ok || r.value.kind !== 'and') throw new Error('expected and');
    const name = r.value.operands[1];
    expect(name).toMatchObject({ kind: 'ref', name: "it's" });
    expect(text.slice(name?.span.offset, name?.span.endOffset)).toBe("`it''s`");
  });

  it('maps a double-quoted scalar through its escapes', () => {
    const text = rule('"selection and not \\x66ilter\\t AND x"');
    const d = firstError(text, 'double');
    expect(d.span).toMatchObject(lineColumn(text, 'AND'));
    const ok = parseIn(rule('"selection and not \\x66ilter"'), 'double');
    if (!ok.ok || ok.value.kind !== 'and') throw new Error('expected and');
    const t = rule('"selection and not \\x66ilter"');
    const notNode = ok.value.operands[1];
    expect(t.slice(notNode?.span.offset, notNode?.span.endOffset)).toBe('not \\x66ilter');
  });

  it('maps literal and folded block scalars line by line', () => {
    const literal = rule('|\n        selection and\n            not filter AND x');
    const d = firstError(literal, 'block');
    expect([d.span.line, d.span.column]).toEqual([11, 24]);
    expect(d.span).toMatchObject(lineColumn(literal, 'AND'));

    const folded = rule('>-\n        selection and\n        not filter\n        or x or');
    const d2 = firstError(folded, 'block');
    expect(d2.message).toMatch(/condition ends here/);
    expect([d2.span.line, d2.span.column]).toEqual([12, 16]);
  });

  it('maps a multi-line plain scalar', () => {
    const text = rule('selection and\n        not filter AND x');
    const d = firstError(text, 'plain');
    expect(d.span).toMatchObject(lineColumn(text, 'AND'));
  });

  it('falls back to the whole scalar when the source does not align', () => {
    const text = rule('| # a comment in the header\n        selection AND x');
    const { index, scalar } = conditionScalar(text, 'block');
    const r = parseCondition(String(scalar.value), conditionOrigin(index, scalar));
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]?.span).toEqual(scalar.span);
    expect(r.diagnostics[0]?.span).toMatchObject({ line: 9, column: 16 });
  });

  it('accepts a quoted scalar whose span starts after the quote', () => {
    const text = rule("'a AND b'");
    const { index, scalar } = conditionScalar(text, 'single');
    const inner = { ...scalar, span: index.span(scalar.span.offset + 1, scalar.span.endOffset - 1) };
    const r = parseCondition(String(inner.value), conditionOrigin(index, inner));
    expect(r.diagnostics[0]?.span).toMatchObject(lineColumn(text, 'AND'));
  });
});

describe('textOrigin', () => {
  it('uses the condition text itself as the file', () => {
    const r = parseCondition('a and\n  b AND c', textOrigin('a and\n  b AND c', 'cond.txt'));
    expect(r.diagnostics[0]?.span).toMatchObject({ file: 'cond.txt', line: 2, column: 5, offset: 10, endOffset: 13 });
  });
});

describe('conditionOrigin short path for conditions written verbatim', () => {
  it('gives every span the character alignment gives', () => {
    const unit = fc.constantFrom('a', 'b', ' ', '\t', '\n', "'", '"', '\\', 'é', '(');
    const styles: ScalarStyle[] = ['plain', 'single', 'double'];
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 12 }), fc.constantFrom(...styles), fc.boolean(), fc.string({ unit, maxLength: 3 }), (value, style, quoted, after) => {
        const quote = style === 'single' ? "'" : style === 'double' ? '"' : '';
        const open = quoted ? quote : '';
        const text = `x:\n  condition: ${open}${value}${open}${after}\n`;
        const start = text.indexOf('condition: ') + 'condition: '.length;
        const index = new LineIndex('t.yml', text);
        const scalar: YamlScalar = { kind: 'scalar', value, style, span: index.span(start, start + open.length * 2 + value.length) };
        const fast = conditionOrigin(index, scalar);
        const slow = alignedOrigin(index, scalar, value);
        for (let s = 0; s <= value.length + 1; s++) {
          for (let e = s; e <= value.length + 1; e++) expect(fast.span(s, e), `${JSON.stringify(value)} ${style} [${s}, ${e})`).toEqual(slow.span(s, e));
        }
      }),
      { numRuns: 3000 },
    );
  });
});
