import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Expr } from '../../src/ast/expr.js';
import { type ConvertOptions, convertExpr } from '../../src/lower/convert-expr.js';
import type { TargetId } from '../../src/targets/registry.js';
import { psexecExpr } from '../support/psexec-expr.js';

/**
 * Golden files: test/golden/<target>/<name>.txt, plain text, compared exactly. They are rewritten only
 * with UPDATE_GOLDENS=1 (read the diff before committing). A missing golden fails, and so does an
 * orphan (a .txt under test/golden with no case here). Other targets add their rows to CASES.
 *
 * What each golden says and why it is right (checked by hand):
 *
 * splunk/psexec.txt
 *   EventID=5145                     number: Splunk matches 5145 and the text "5145"
 *   ShareName="\\\\*\\IPC$"          PRE-FILTER only: the rule's value is the text \\*\IPC$ with a
 *                                    LITERAL *, which search cannot escape; the SPL string unescapes to
 *                                    \\*\IPC$ where * is a wildcard, a superset of the exact value
 *   RelativeTargetName IN ("*-stdin", "*-stdout", "*-stderr")   endswith list, folded (IN takes *)
 *   NOT RelativeTargetName="PSEXESVC*"   `not filter`: NOT also keeps events without the field
 *   | where match(ShareName, "(?i)^\\\\\\\\\\*\\\\IPC\\$\\z")
 *                                    the exact test for the one conjunct search could not say: the eval
 *                                    string unescapes to the PCRE (?i)^\\\\\*\\IPC\$\z, i.e. start,
 *                                    two backslashes, a literal *, a backslash, IPC$, end of value;
 *                                    case-insensitive like Sigma. Search is implicit AND, so the other
 *                                    conjuncts are already exact and are not repeated.
 *
 * elastic-kql/psexec.txt (option case-insensitive-fields: the user states the mapping)
 *   EventID:5145 and ShareName:"\\\\*\\IPC$"   quoted phrase: \\ is one backslash, * is literal inside
 *                                              quotes, so the value is exactly \\*\IPC$ (term query)
 *   RelativeTargetName:(*-stdin or *-stdout or *-stderr)   folded endswith list (wildcard queries)
 *   not RelativeTargetName:PSEXESVC*                       not = must_not: true without the field
 *   `not` binds tighter than `and`, so no parentheses are needed.
 *
 * elastic-kql/psexec-default.txt: without the option every value with letters is refused (KQL on
 *   keyword fields is case-sensitive); EventID alone would pass. Each refusal names its line.
 *
 * elastic-esql/psexec.txt (no pipeline, so no field has a known type; the default source logs-*)
 *   FROM logs-* / | WHERE ...          ES|QL: the index pattern, then the filter
 *   TO_STRING(EventID) == "5145"       number: equal as text; TO_STRING accepts a field of any type
 *                                     (a keyword compared with 5145 would fail the whole query)
 *   TO_LOWER(TO_STRING(ShareName)) == "\\\\*\\ipc$"   whole value, case-insensitive: both sides
 *                                     lowercased; == has no wildcards, so the * is literal; the string
 *                                     literal doubles each backslash (the text is \\*\ipc$)
 *   TO_LOWER(...) LIKE "*-stdin" OR ...   endswith: LIKE's leading *; parenthesised inside the AND
 *   (RelativeTargetName IS NULL OR TO_LOWER(...) NOT LIKE "psexesvc*")   `not filter`, pushed to the
 *                                     leaf: true when the field is null (absent), where NOT LIKE alone
 *                                     would be null and drop the row (as in sql)
 *
 * sentinel-kql/psexec.txt (source SecurityEvent)
 *   SecurityEvent, then | where ...  Kusto: the table, then the filter
 *   tostring(EventID) == "5145"       number: equal as text, so an int column (SecurityEvent's EventID)
 *                                     and a string column both match, and never null under not()
 *   ShareName =~ @"\\*\IPC$"          verbatim literal: backslashes are plain, so the value is exactly
 *                                     \\*\IPC$ with a literal * (=~ compares the whole value, no wildcards),
 *                                     case-insensitively like Sigma
 *   (RelativeTargetName endswith "-stdin" or ... "-stderr")   endswith is case-insensitive; the or
 *                                     is parenthesised inside the and (groupMixed)
 *   not(RelativeTargetName startswith "PSEXESVC")   startswith is false for "" (an absent string
 *                                     column), so not() is true without the field, as Sigma says
 * sql/psexec.txt (SQLite)
 *   "EventID" IN (5145, '5145')          the number, or the same number stored as text (a column
 *                                        without affinity keeps '5145' as text, and 5145 = '5145' is false)
 *   "ShareName" LIKE '\\\\*\\IPC$' ESCAPE '\'
 *                                        with ESCAPE '\', each `\\` is one literal backslash, so the pattern
 *                                        is \\*\IPC$ exactly; `*` is not a LIKE wildcard (only % and _ are),
 *                                        so it is the literal star; no % or _ in the value. LIKE folds
 *                                        ASCII case: ipc$ matches, like Sigma.
 *   "RelativeTargetName" LIKE '%-stdin' ESCAPE '\' OR ...   endswith: % is the leading *; the three
 *                                        alternatives are parenthesised inside the AND
 *   ("RelativeTargetName" IS NULL OR "RelativeTargetName" NOT LIKE 'PSEXESVC%' ESCAPE '\')
 *                                        `not filter`, pushed to the leaf: true when the field is NULL
 *                                        (absent), where NOT LIKE alone would be NULL and drop the row
 *
 * sql/psexec-postgres.txt: the same with ILIKE (case-insensitive LIKE; `\` is also PostgreSQL's
 *   default escape, and standard strings keep backslashes literal), and "EventID" = '5145' because
 *   the PostgreSQL event table has text columns.
 */
interface GoldenCase {
  readonly target: TargetId;
  readonly name: string;
  readonly expr: Expr;
  readonly options?: ConvertOptions;
}

export const CASES: readonly GoldenCase[] = [
  { target: 'splunk', name: 'psexec', expr: psexecExpr },
  { target: 'elastic-kql', name: 'psexec', expr: psexecExpr, options: { targetOptions: { 'case-insensitive-fields': true } } },
  { target: 'elastic-kql', name: 'psexec-default', expr: psexecExpr },
  { target: 'elastic-esql', name: 'psexec', expr: psexecExpr },
  { target: 'sentinel-kql', name: 'psexec', expr: psexecExpr, options: { source: 'SecurityEvent' } },
  { target: 'sql', name: 'psexec', expr: psexecExpr },
  { target: 'sql', name: 'psexec-postgres', expr: psexecExpr, options: { targetOptions: { postgres: true } } },
];

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'golden');

function render(c: GoldenCase): string {
  const r = convertExpr(c.expr, c.target, c.options ?? {});
  if (r.ok) return `${r.value.query}\n`;
  return r.diagnostics.map((d) => `${d.span.line}:${d.span.column}: ${d.severity}[${d.code}] ${d.message}\n`).join('');
}

function allGoldens(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? allGoldens(join(dir, e.name)) : e.name.endsWith('.txt') ? [join(dir, e.name)] : [],
  );
}

describe('golden files', () => {
  for (const c of CASES) {
    it(`${c.target}/${c.name}`, () => {
      const file = join(root, c.target, `${c.name}.txt`);
      const actual = render(c);
      if (process.env.UPDATE_GOLDENS === '1') {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, actual);
      }
      expect(existsSync(file), `missing golden ${relative(root, file)} (run with UPDATE_GOLDENS=1)`).toBe(true);
      expect(actual).toBe(readFileSync(file, 'utf8'));
    });
  }

  it('has no orphaned golden files', () => {
    const expected = new Set(CASES.map((c) => join(root, c.target, `${c.name}.txt`)));
    const targetDirs = new Set<string>(CASES.map((c) => c.target));
    const orphans = allGoldens(root)
      .filter((f) => targetDirs.has(relative(root, f).split(/[\\/]/)[0] ?? ''))
      .filter((f) => !expected.has(f))
      .map((f) => relative(root, f));
    expect(orphans).toEqual([]);
  });
});
