import { createRequire } from 'node:module';

/**
 * Microsoft's Kusto parser and semantic analyser (Kusto.Language, the library behind Kusto Explorer
 * and the Monaco editor), compiled to JavaScript in @kusto/language-service-next. It analyses, it does
 * not execute: it reports syntax errors, unknown tables/columns/functions and operator/type errors
 * (but not `int == "text"`). Loaded once per process (~0.6 s).
 */

/** Column types by column name, by table name: `{ tables: { SecurityEvent: { EventID: 'int' } } }`. */
export interface KustoSchema {
  readonly tables: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

// The library's own .d.ts describes a .NET-style API; only the few members used here are typed.
interface NetList<T> {
  readonly Count: number;
  getItem(index: number): T;
}
interface KDiagnostic {
  readonly Code: string;
  readonly Message: string;
  readonly Start: number;
  readonly Length: number;
}
interface KCode {
  GetDiagnostics(): NetList<KDiagnostic>;
  readonly Syntax: { GetDescendants(type: unknown): NetList<{ readonly LiteralValue: unknown; readonly Kind: number }> };
}
interface KGlobalState {
  WithDatabase(db: unknown): KGlobalState;
}
interface KLanguage {
  KustoCode: { Parse(text: string): KCode; ParseAndAnalyze(text: string, globals: KGlobalState): KCode };
  GlobalState: { Default: KGlobalState };
  KustoFacts: { GetStringLiteralValue(literal: string): string };
  Syntax: {
    LiteralExpression: unknown;
    SyntaxFacts: { Keywords: { GetEnumerator(): { moveNext(): boolean; readonly Current: string } } };
  };
  Symbols: {
    ScalarTypes: { GetSymbol(name: string): unknown };
    ColumnSymbol: new (name: string, type: unknown, description: null, original: null, source: null, examples: null) => unknown;
    TableSymbol: {
      $ctor4: new (name: string, columns: unknown[]) => unknown;
      /** From a schema text `(Col:type, ...)`, as Kusto writes one. */
      $ctor7: new (name: string, schema: string, description: null) => unknown;
    };
    DatabaseSymbol: { $ctor2: new (name: string, alternateName: null, members: unknown[]) => unknown };
  };
}

let loaded: KLanguage | undefined;

/** The Kusto.Language namespace (loads the library on first use). */
export function kusto(): KLanguage {
  if (loaded === undefined) {
    const require = createRequire(import.meta.url);
    require('@kusto/language-service-next/bridge.js');
    require('@kusto/language-service-next/Kusto.Language.Bridge.js');
    loaded = (globalThis as unknown as { Kusto: { Language: KLanguage } }).Kusto.Language;
  }
  return loaded;
}

function toArray<T>(list: NetList<T>): T[] {
  return Array.from({ length: list.Count }, (_, i) => list.getItem(i));
}

const stateCache = new Map<string, KGlobalState>();

/** A global state with one database holding the schema's tables (cached by schema). */
function globalsFor(schema: KustoSchema): KGlobalState {
  const key = JSON.stringify(schema);
  const cached = stateCache.get(key);
  if (cached !== undefined) return cached;
  const K = kusto();
  // Columns are built as symbols (not from a schema string), so any name works without our escaping.
  const tables = Object.entries(schema.tables).map(([name, columns]) => {
    const symbols = Object.entries(columns).map(([column, type]) => {
      const scalar = K.Symbols.ScalarTypes.GetSymbol(type);
      if (scalar === null) throw new Error(`unknown Kusto type ${type}`);
      return new K.Symbols.ColumnSymbol(column, scalar, null, null, null, null);
    });
    return new K.Symbols.TableSymbol.$ctor4(name, symbols);
  });
  const db = new K.Symbols.DatabaseSymbol.$ctor2('db', null, tables);
  const state = K.GlobalState.Default.WithDatabase(db);
  if (stateCache.size > 100) stateCache.clear();
  stateCache.set(key, state);
  return state;
}

/**
 * The parser's diagnostics for a query, as `CODE message @offset`. Without a schema only syntax is
 * checked (every table and column would be unknown); with one, names, functions and operand types too.
 */
export function kustoDiagnostics(query: string, schema?: KustoSchema): string[] {
  const K = kusto();
  const code = schema === undefined ? K.KustoCode.Parse(query) : K.KustoCode.ParseAndAnalyze(query, globalsFor(schema));
  return toArray(code.GetDiagnostics()).map((d) => `${d.Code} ${d.Message} @${d.Start}`);
}

/**
 * What a literal means to the parser: `print x = <literal>` parsed, and the value of its one literal
 * expression (with the parser's diagnostics, so a broken literal is never mistaken for a value).
 */
export function kustoLiteralValue(literal: string): { readonly value: unknown; readonly diagnostics: string[] } {
  const K = kusto();
  const code = K.KustoCode.Parse(`print x = ${literal}`);
  const literals = toArray(code.Syntax.GetDescendants(K.Syntax.LiteralExpression));
  const diagnostics = toArray(code.GetDiagnostics()).map((d) => `${d.Code} ${d.Message} @${d.Start}`);
  if (literals.length !== 1) diagnostics.push(`expected one literal, found ${literals.length}`);
  return { value: literals[0]?.LiteralValue, diagnostics };
}

/** The values of every literal in a query, in text order (e.g. to read back what a string literal says). */
export function kustoLiteralValues(query: string): unknown[] {
  const K = kusto();
  return toArray(K.KustoCode.Parse(query).Syntax.GetDescendants(K.Syntax.LiteralExpression)).map((l) => l.LiteralValue);
}

/** Every keyword of the language (for name-quoting tests). */
export function kustoKeywords(): string[] {
  const e = kusto().Syntax.SyntaxFacts.Keywords.GetEnumerator();
  const out: string[] = [];
  while (e.moveNext()) out.push(e.Current);
  return out;
}

/**
 * A table with every field collected from a rule: a plain name is a string column; a dotted name
 * (`a.b.c`, which the target reads as a path) makes its first part a dynamic column.
 */
export function stringSchema(table: string, columns: Iterable<string>): KustoSchema {
  const out: Record<string, string> = {};
  for (const c of columns) {
    const dot = c.indexOf('.');
    if (dot > 0) out[c.slice(0, dot)] = 'dynamic';
    else if (out[c] === undefined) out[c] = 'string';
  }
  return { tables: { [table]: out } };
}
