import { and, type Expr, match, not, or } from '../ast/expr.js';
import type { SigmaValue, StringPart } from '../ast/value.js';
import { pointSpan } from '../diagnostics/span.js';
import { lowerExpr } from './engine.js';
import type { TargetDeclaration } from './target.js';

/**
 * The support matrix of a target, derived by running the engine on one small canonical expression
 * per construct (so the README table cannot drift from the code).
 *
 * - exact: the main query language says it exactly.
 * - exact (post-filter): exact through the target's post-filter stage (note says so).
 * - option: exact only under a named target option (the note names it).
 * - no: refused; the note is the refusal's reason.
 */
export type SupportLevel = 'exact' | 'option' | 'no';

export interface SupportEntry {
  readonly construct: Construct;
  readonly description: string;
  readonly level: SupportLevel;
  readonly note: string;
}

const span = pointSpan('<support-matrix>');
const lit = (text: string): StringPart => ({ kind: 'literal', text });
const star: StringPart = { kind: 'wildcard-multi' };
const str = (parts: StringPart[], cased = false): SigmaValue => ({ kind: 'string', parts, cased });
const m = (value: SigmaValue, field: string | null = 'Field'): Expr => match(field, value, span);

/** Canonical probes. Letters are lower-case-free where case is not the point (digits, punctuation). */
const CONSTRUCTS = {
  'string-exact': ['whole value, case-insensitive (`Field: abc`)', m(str([lit('abc')]))],
  'string-caseless': ['whole value without letters (`Field: 12-34`)', m(str([lit('12-34')]))],
  'string-wildcard': ['`*` wildcard (contains/startswith/endswith)', m(str([star, lit('1-2'), star]))],
  'string-single-wildcard': ['`?` wildcard', m(str([lit('1'), { kind: 'wildcard-single' }, lit('2')]))],
  'string-literal-star': ['literal `*` (`\\*`)', m(str([lit('1*2')]))],
  'string-backslash-quote': ['backslash and quote in a value', m(str([lit('1\\"2\\')]))],
  'string-empty': ["empty string (`''`)", m(str([]))],
  cased: ['`cased` (case-sensitive)', m(str([lit('Abc')], true))],
  number: ['number (also as text)', m({ kind: 'number', value: 5145 })],
  boolean: ['boolean', m({ kind: 'boolean', value: true })],
  null: ['`null` (absent or null)', m({ kind: 'null' })],
  exists: ['`exists`', m({ kind: 'exists', exists: true })],
  'not-absent': ['`not` on an absent field is true', not(m(str([lit('12')])), span)],
  regex: ['`re` (unanchored)', m({ kind: 'regex', pattern: 'a.c', flags: { ignoreCase: false, multiline: false, dotAll: false } })],
  'regex-in-or': ['`re` inside an `or`', or([m({ kind: 'regex', pattern: 'a.c', flags: { ignoreCase: true, multiline: false, dotAll: false } }), m({ kind: 'number', value: 1 }, 'Other')], span)],
  'cidr-v4': ['`cidr` IPv4', m({ kind: 'cidr', network: '10.0.0.0/8', version: 4, prefixLength: 8 })],
  'cidr-v6': ['`cidr` IPv6', m({ kind: 'cidr', network: '2001:db8::/32', version: 6, prefixLength: 32 })],
  compare: ['`gt`/`gte`/`lt`/`lte`', m({ kind: 'compare', op: 'gt', value: 5 })],
  fieldref: ['`fieldref` (equals)', m({ kind: 'fieldref', field: 'Other', match: 'equals', cased: false })],
  'fieldref-contains': ['`fieldref|contains`', m({ kind: 'fieldref', field: 'Other', match: 'contains', cased: false })],
  timepart: ['`hour` (and other time parts)', m({ kind: 'timepart', part: 'hour', value: 3 })],
  keyword: ['keyword (full-text)', m(str([lit('12-34')]), null)],
  'list-fold': ['value lists folded', or([m(str([lit('12')])), m(str([lit('34')]))], span)],
  'and-or-not': ['nested and/or/not', and([or([m(str([lit('1')])), not(m(str([lit('2')])), span)], span), m(str([lit('3')]))], span)],
} as const satisfies Record<string, readonly [string, Expr]>;

export type Construct = keyof typeof CONSTRUCTS;

export function supportMatrix(target: TargetDeclaration): readonly SupportEntry[] {
  return (Object.keys(CONSTRUCTS) as Construct[]).map((construct) => {
    const [description, expr] = CONSTRUCTS[construct];
    const plain = lowerExpr(expr, target);
    const extra = target.supportNotes[construct] ?? '';
    if (plain.ok) {
      const via = plain.value.postFilter === null ? '' : 'via post-filter';
      return { construct, description, level: 'exact', note: [via, extra].filter((t) => t !== '').join('; ') };
    }
    for (const option of target.options) {
      if (typeof option.default !== 'boolean') continue;
      const withOption = lowerExpr(expr, target, { targetOptions: { [option.name]: !option.default } });
      if (withOption.ok) {
        const note = [`with ${option.name}`, extra].filter((t) => t !== '').join('; ');
        return { construct, description, level: 'option', note };
      }
    }
    const reason = plain.diagnostics[0]?.message ?? '';
    const after = reason.indexOf(' exactly: ');
    const short = after >= 0 ? reason.slice(after + ' exactly: '.length).split(';')[0] ?? reason : reason;
    return { construct, description, level: 'no', note: short };
  });
}

/** The matrix as a Markdown table (for READMEs and `list targets --verbose`). */
export function supportTable(target: TargetDeclaration): string {
  const rows = supportMatrix(target).map(
    (e) => `| ${cell(e.description)} | ${e.level} | ${cell(e.note)} |`,
  );
  return ['| construct | support | note |', '|---|---|---|', ...rows].join('\n');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/**
 * One table for all targets (the top-level README): a row per construct, a column per target. Cells
 * are short; each target's README has the notes.
 */
export function supportOverview(targets: readonly TargetDeclaration[]): string {
  const matrices = targets.map((t) => supportMatrix(t));
  const constructs = Object.keys(CONSTRUCTS) as Construct[];
  const header = `| construct | ${targets.map((t) => `[${t.id}](src/targets/${t.id}/README.md)`).join(' | ')} |`;
  const rule = `|---|${targets.map(() => '---').join('|')}|`;
  const rows = constructs.map((construct, i) => {
    const cells = matrices.map((m) => {
      const e = m[i];
      if (e === undefined) return '';
      // † marks a caveat: a fact about the data or engine the target's README states.
      const caveat = e.note.replace(/^via post-filter;? ?/, '') === '' ? '' : ' †';
      if (e.level === 'exact') return (e.note.startsWith('via post-filter') ? 'exact (post-filter)' : 'exact') + caveat;
      if (e.level === 'option') return `with \`-O ${e.note.replace(/^with /, '').split(';')[0]}\``;
      return 'no';
    });
    return `| ${cell(CONSTRUCTS[construct][0])} | ${cells.join(' | ')} |`;
  });
  return [header, rule, ...rows].join('\n');
}
