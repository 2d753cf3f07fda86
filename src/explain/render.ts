import { techniqueUrl } from './attack.js';
import { assertNever } from '../diagnostics/assert-never.js';
import type { Exclusion, MatchRow, Outline, RuleExplanation, Stage } from './explanation.js';
import { sortKeys } from '../render/escape.js';

export type ExplainFormat = 'text' | 'markdown' | 'json';

export const EXPLAIN_FORMATS: readonly ExplainFormat[] = ['text', 'markdown', 'json'];

/**
 * Renders one explanation. Output is deterministic: same explanation, same bytes. JSON has its keys
 * sorted at every level so tools and diffs see a stable order.
 */
export function renderExplanation(expl: RuleExplanation, format: ExplainFormat): string {
  switch (format) {
    case 'text':
      return renderText(expl);
    case 'markdown':
      return renderMarkdown(expl);
    case 'json':
      return stableJson(expl) + '\n';
    default:
      return assertNever(format, 'format');
  }
}

/** Several explanations: text and markdown pages one after another, JSON as one array. */
export function renderExplanations(expls: readonly RuleExplanation[], format: ExplainFormat): string {
  if (format === 'json') return stableJson(expls) + '\n';
  return expls.map((e) => renderExplanation(e, format)).join(format === 'markdown' ? '\n---\n\n' : '\n' + '='.repeat(72) + '\n\n');
}

// ---------------------------------------------------------------------------------------------- shared

const KEYWORD = '(keyword)';

function fieldName(field: string | null): string {
  return field ?? KEYWORD;
}

function kindText(row: { kind: string; options: readonly string[] }): string {
  return [row.kind, ...row.options].join('|');
}

/**
 * A value in plain text. Values are Sigma text and shown bare, except where bare text would mislead:
 * empty, leading or trailing blanks, a `,` (the list separator here) or a leading quote. Those are
 * single-quoted as in YAML (a `'` doubled).
 */
function textValue(v: string): string {
  const needsQuotes = v === '' || /^\s|\s$|,|^['"]/.test(v);
  return needsQuotes ? `'${v.replace(/'/g, "''")}'` : v;
}

function rulesText(n: number): string {
  return n === 1 ? '1 rule' : `${n} rules`;
}

function corpusText(row: MatchRow): string {
  if (row.corpus === undefined) return '';
  return row.corpus.specific ? 'specific to this rule' : String(row.corpus.rules);
}

/** Per-value counts are shown only when a row's values differ in how common they are. */
function showPerValue(row: MatchRow): boolean {
  if (row.corpus === undefined || row.values.length < 2) return false;
  const first = row.values[0]?.corpus;
  return row.values.some((v) => v.corpus !== first);
}

function valuesText(row: MatchRow, show: (v: string) => string): string {
  if (row.kind === 'null') return '';
  const perValue = showPerValue(row);
  return row.values.map((v) => show(v.value) + (perValue ? ` (${v.corpus ?? 0})` : '')).join(', ');
}

function stageTitle(stage: Stage, code: (s: string) => string): string {
  if (stage.conditions !== undefined) {
    const conds = stage.conditions.map(code);
    return conds.length === 1 ? `condition ${conds[0] ?? ''}` : `conditions (any of) ${conds.join(', ')}`;
  }
  const name = stage.identifier ?? '';
  const head = stage.polarity === 'negated' ? code(`not ${name}`) : code(name);
  const notes: string[] = [];
  if (stage.polarity === 'both') notes.push('used both plain and negated');
  if (stage.via !== undefined) notes.push(`via ${stage.via.map(code).join(', ')}`);
  return notes.length === 0 ? head : `${head} (${notes.join('; ')})`;
}

function outlineLines(o: Outline, show: (v: string) => string, field: (f: string) => string): { depth: number; text: string }[] {
  const out: { depth: number; text: string }[] = [];
  const walk = (node: Outline, depth: number, prefix: string): void => {
    switch (node.op) {
      case 'all':
      case 'any':
        out.push({ depth, text: `${prefix}${node.op} of:` });
        for (const item of node.items) walk(item, depth + 1, '');
        return;
      case 'not':
        walk(node.item, depth, `${prefix}not `);
        return;
      case 'match': {
        const values = node.kind === 'null' ? '' : ` ${node.values.map(show).join(', ')}`;
        out.push({ depth, text: `${prefix}${field(fieldName(node.field))} ${kindText(node)}${values}` });
        return;
      }
      default:
        assertNever(node, 'outline');
    }
  };
  walk(o, 0, '');
  return out;
}

/** What `matchesEventWithoutFields` means for the reader. */
const WITHOUT_FIELDS =
  "the condition is true for an event that has none of the rule's fields; a query needs a source condition from a pipeline that maps this log source, or it is refused (unscoped-match-all)";

function eventIdsText(expl: RuleExplanation): string | undefined {
  const ids = expl.coverage.eventIds;
  return ids.length === 0 ? undefined : `EventID ${ids.join(', ')}`;
}

function logSourceText(expl: RuleExplanation, code: (s: string) => string): string {
  const c = expl.coverage;
  const parts: string[] = [];
  if (c.product !== undefined) parts.push(`product ${code(c.product)}`);
  if (c.category !== undefined) parts.push(`category ${code(c.category)}`);
  if (c.service !== undefined) parts.push(`service ${code(c.service)}`);
  return parts.length === 0 ? '(none)' : parts.join(', ');
}

// ------------------------------------------------------------------------------------------------ text

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

function renderText(expl: RuleExplanation): string {
  const out: string[] = [];
  const m = expl.meta;
  out.push(m.title, '='.repeat(Math.max(3, m.title.length)));
  const facts: [string, string | undefined][] = [
    ['id', m.id],
    ['file', m.file],
    ['status', m.status],
    ['level', m.level],
    ['author', m.author],
    ['date', m.date],
    ['modified', m.modified],
  ];
  for (const [k, v] of facts) if (v !== undefined) out.push(`${k}: ${v}`);
  if (m.tags.length > 0) out.push(`tags: ${m.tags.join(', ')}`);
  if (m.description !== undefined) out.push('', ...m.description.trim().split('\n'));

  out.push('', 'ATT&CK');
  const a = expl.attack;
  out.push(`  tactics:    ${a.tactics.length === 0 ? '(none)' : a.tactics.map((t) => `${t.name} (${t.id})`).join(', ')}`);
  out.push(`  techniques: ${a.techniques.length === 0 ? '(none)' : a.techniques.map((t) => t.id).join(', ')}`);
  if (a.other.length > 0) out.push(`  other:      ${a.other.join(', ')}`);

  out.push('', 'Event coverage');
  const id = (s: string): string => s;
  out.push(`  log source: ${logSourceText(expl, id)}`);
  const ids = eventIdsText(expl);
  out.push(`  events:     ${ids ?? (expl.coverage.categoryEvents === undefined ? 'not restricted by EventID' : expl.coverage.categoryEvents)}`);
  if (ids !== undefined && expl.coverage.categoryEvents !== undefined) out.push(`  category:   ${expl.coverage.categoryEvents}`);
  if (expl.coverage.definition !== undefined) out.push(`  definition: ${expl.coverage.definition}`);
  if (expl.coverage.matchesEventWithoutFields === true) out.push(`  warning:    ${WITHOUT_FIELDS}`);

  out.push('', 'Stages');
  const tick = (s: string): string => `\`${s}\``;
  for (const stage of expl.stages) {
    out.push(`  Stage ${stage.index}: ${stageTitle(stage, tick)}`);
    if (stage.outline !== undefined) {
      for (const l of outlineLines(stage.outline, textValue, id)) out.push(`    ${'  '.repeat(l.depth)}${l.text}`);
    }
  }

  out.push('', 'Exclusions');
  if (expl.exclusions.length === 0) out.push('  (none: no top-level `not` in the condition)');
  for (const ex of expl.exclusions) {
    out.push(`  ${exclusionTitle(ex, tick)}`);
    const rows = ex.rows.map((r) => [r.negated ? `unless ${fieldName(r.field)}` : fieldName(r.field), kindText(r), valuesText(r, textValue)]);
    for (const l of table(['FIELD', 'KIND', 'EXCLUDED VALUES'], rows)) out.push(`    ${l}`);
  }

  out.push('', expl.corpus === undefined ? 'Indicators' : `Indicators (corpus: ${rulesText(expl.corpus.rules)})`);
  if (expl.indicators.length === 0) out.push('  (none)');
  else {
    const withCorpus = expl.corpus !== undefined;
    const header = withCorpus ? ['IDENTIFIER', 'FIELD', 'KIND', 'CORPUS', 'VALUES'] : ['IDENTIFIER', 'FIELD', 'KIND', 'VALUES'];
    const rows = expl.indicators.map((r) => {
      const cells = [r.identifier, fieldName(r.field), kindText(r)];
      if (withCorpus) cells.push(corpusText(r));
      cells.push(valuesText(r, textValue));
      return cells;
    });
    for (const l of table(header, rows)) out.push(`  ${l}`);
  }

  if (m.falsepositives.length > 0) out.push('', 'False positives', ...m.falsepositives.map((f) => `  - ${f}`));
  if (m.references.length > 0) out.push('', 'References', ...m.references.map((r) => `  - ${r}`));
  return out.join('\n') + '\n';
}

function exclusionTitle(ex: Exclusion, code: (s: string) => string): string {
  const via = ex.via === undefined ? '' : ` (from ${code(ex.via)})`;
  return `not ${code(ex.excludes)}${via}`;
}

// -------------------------------------------------------------------------------------------- markdown

/** Text outside code: escapes what Markdown would read as markup (CommonMark backslash escapes). */
function md(s: string): string {
  return s.replace(/[\\`*_[\]<>|#~]/g, '\\$&');
}

/**
 * A code span that shows `s` exactly: a fence longer than any backtick run inside, padded with a space
 * on both sides when the text starts or ends with a space or backtick (CommonMark strips one such pair).
 * In tables `|` must still be escaped, even inside code (GFM tables).
 */
function code(s: string, inTable = false): string {
  if (s === '') return "''";
  const longest = Math.max(0, ...(s.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = /^[ `]|[ `]$/.test(s) && /[^ ]/.test(s) ? ' ' : '';
  const body = inTable ? s.replace(/\|/g, '\\|') : s;
  return `${fence}${pad}${body}${pad}${fence}`;
}

function renderMarkdown(expl: RuleExplanation): string {
  const out: string[] = [];
  const m = expl.meta;
  out.push(`# ${md(m.title)}`, '');
  if (m.description !== undefined) {
    out.push(...m.description.trim().split('\n').map((l) => `> ${md(l)}`), '');
  }
  out.push('| | |', '|---|---|');
  const facts: [string, string | undefined, boolean][] = [
    ['ID', m.id, true],
    ['Status', m.status, false],
    ['Level', m.level, false],
    ['Author', m.author, false],
    ['Date', m.date, false],
    ['Modified', m.modified, false],
    ['File', m.file, true],
  ];
  for (const [k, v, asCode] of facts) if (v !== undefined) out.push(`| ${k} | ${asCode ? code(v, true) : md(v)} |`);
  if (m.tags.length > 0) out.push(`| Tags | ${m.tags.map((t) => code(t, true)).join(', ')} |`);

  out.push('', '## ATT&CK', '');
  const a = expl.attack;
  out.push(`- **Tactics:** ${a.tactics.length === 0 ? 'none' : a.tactics.map((t) => `${md(t.name)} (${code(`attack.${t.id}`)})`).join(', ')}`);
  out.push(`- **Techniques:** ${a.techniques.length === 0 ? 'none' : a.techniques.map(techniqueLink).join(', ')}`);
  if (a.other.length > 0) out.push(`- **Other:** ${a.other.map((o) => code(o)).join(', ')}`);

  out.push('', '## Event coverage', '');
  out.push(`- **Log source:** ${logSourceText(expl, (s) => code(s))}`);
  const ids = eventIdsText(expl);
  if (ids !== undefined) out.push(`- **Events:** ${md(ids)}`);
  else out.push(`- **Events:** not restricted by EventID`);
  if (expl.coverage.categoryEvents !== undefined) out.push(`- **Category events:** ${md(expl.coverage.categoryEvents)}`);
  if (expl.coverage.definition !== undefined) out.push(`- **Definition:** ${md(expl.coverage.definition)}`);
  if (expl.coverage.matchesEventWithoutFields === true) out.push(`- **Warning:** ${md(WITHOUT_FIELDS)}`);

  out.push('', '## Stages', '');
  for (const stage of expl.stages) {
    out.push(`**Stage ${stage.index}:** ${stageTitle(stage, (s) => code(s))}`, '');
    if (stage.outline !== undefined) {
      for (const l of outlineLines(stage.outline, (v) => code(v), (f) => code(f))) out.push(`${'  '.repeat(l.depth)}- ${l.text}`);
      out.push('');
    }
  }

  out.push('## Exclusions', '');
  if (expl.exclusions.length === 0) out.push('None: the condition has no top-level `not`.', '');
  else {
    out.push('| Excludes | Field | Kind | Excluded values |', '|---|---|---|---|');
    for (const ex of expl.exclusions) {
      for (const r of ex.rows) {
        const f = code(fieldName(r.field), true);
        out.push(`| ${exclusionTitle(ex, (s) => code(s, true))} | ${r.negated ? `unless ${f}` : f} | ${code(kindText(r), true)} | ${valuesText(r, (v) => code(v, true))} |`);
      }
    }
    out.push('');
  }

  out.push('## Indicators', '');
  if (expl.indicators.length === 0) out.push('None.', '');
  else {
    const withCorpus = expl.corpus !== undefined;
    if (withCorpus) {
      out.push(`Corpus: how many of the ${rulesText(expl.corpus?.rules ?? 0)} indexed look for the same field, kind and value (this rule included).`, '');
      out.push('| Identifier | Field | Kind | Values | Corpus |', '|---|---|---|---|---|');
    } else {
      out.push('| Identifier | Field | Kind | Values |', '|---|---|---|---|');
    }
    for (const r of expl.indicators) {
      const cells = [code(r.identifier, true), code(fieldName(r.field), true), code(kindText(r), true), valuesText(r, (v) => code(v, true))];
      if (withCorpus) cells.push(corpusText(r));
      out.push(`| ${cells.join(' | ')} |`);
    }
    out.push('');
  }

  if (m.falsepositives.length > 0) out.push('## False positives', '', ...m.falsepositives.map((f) => `- ${md(f)}`), '');
  if (m.references.length > 0) out.push('## References', '', ...m.references.map((r) => `- ${/^https?:\/\/[^\s<>]+$/.test(r) ? `<${r}>` : md(r)}`), '');
  return out.join('\n').replace(/\n+$/, '\n');
}

/** Links to the technique's page on the ATT&CK site; the id comes from the tag, the URL form from the site. */
function techniqueLink(t: { id: string }): string {
  return `[${t.id}](${techniqueUrl(t.id)})`;
}

// ------------------------------------------------------------------------------------------------ json

/** JSON with object keys sorted at every level, two-space indented. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 2);
}
