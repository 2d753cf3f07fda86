import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { SourceSpan } from '../diagnostics/span.js';
import type { CorrelationRef, SigmaCorrelation, SigmaRule } from '../rule/model.js';
import type { ParsedFile } from '../rule/parse-documents.js';

/**
 * Resolution of correlation references (`correlation.rules`) across every document of a run, by id or by
 * name (README, Correlation rules, "Inputs"). Linear in the number of documents and references: one index, one
 * memoised walk per correlation; chains are walked with an explicit depth limit, never unbounded recursion.
 */

/** A document a correlation may reference. */
export type Referable = SigmaRule | SigmaCorrelation;

/** One input of a resolved correlation, in `rules` order. */
export type ResolvedInput =
  | { readonly kind: 'rule'; readonly ref: CorrelationRef; readonly rule: SigmaRule }
  | { readonly kind: 'correlation'; readonly ref: CorrelationRef; readonly resolved: ResolvedCorrelation };

export interface ResolvedCorrelation {
  readonly correlation: SigmaCorrelation;
  readonly inputs: readonly ResolvedInput[];
}

/** Chains deeper than this are refused (a correlation of a correlation of ... 32 levels has no use). */
const MAX_CHAIN_DEPTH = 32;

interface Entry {
  /** Documents (valid or failed) that carry this id or name. */
  readonly docs: { readonly doc: Referable | null; readonly file: string; readonly span: SourceSpan | null; readonly title: string }[];
}

export class CorrelationIndex {
  private readonly byId = new Map<string, Entry>();
  private readonly byName = new Map<string, Entry>();
  private readonly memo = new Map<SigmaCorrelation, { value: ResolvedCorrelation | null; diagnostics: readonly Diagnostic[] }>();
  /** Correlations being resolved (for cycles). */
  private readonly active = new Set<SigmaCorrelation>();

  constructor(files: readonly ParsedFile[]) {
    for (const f of files) {
      for (const d of f.documents) {
        const doc = d.document;
        if (doc !== null && doc.kind === 'filter') continue;
        const referable = doc === null ? null : doc;
        const entry = { doc: referable, file: f.file, span: doc?.span ?? null, title: d.title ?? doc?.title ?? '' };
        const id = doc?.id ?? d.id?.toLowerCase();
        if (id !== undefined) add(this.byId, id.toLowerCase(), entry);
        if (doc?.name !== undefined) add(this.byName, doc.name, entry);
      }
    }
  }

  /** The document a reference names: by id (case-insensitive, as ids are UUIDs), else by name. */
  lookup(ref: CorrelationRef): { doc: Referable } | { problem: Diagnostic } {
    const entry = this.byName.get(ref.value) ?? this.byId.get(ref.value.toLowerCase());
    if (entry === undefined || entry.docs.length === 0) {
      return {
        problem: error(
          'correlation-unresolved',
          `no rule or correlation of this run has the id or name ${JSON.stringify(ref.value)}; give the file that holds it on the command line, or fix the reference`,
          ref.span,
        ),
      };
    }
    const first = entry.docs[0];
    if (entry.docs.length > 1 || first === undefined) {
      const where = entry.docs.map((d) => `${d.file}${d.span === null ? '' : `:${d.span.line}`}`).join(', ');
      return {
        problem: error('correlation-ambiguous', `${JSON.stringify(ref.value)} names ${entry.docs.length} documents of this run (${where}); ids and names must be unique: rename one`, ref.span),
      };
    }
    if (first.doc === null) {
      return {
        problem: error('correlation-input', `${JSON.stringify(ref.value)} names a document with errors (${first.file}, "${first.title}"); fix it first`, ref.span),
      };
    }
    return { doc: first.doc };
  }

  /** The correlation with its references resolved, recursively; null with diagnostics when one fails. */
  resolve(correlation: SigmaCorrelation): { value: ResolvedCorrelation | null; diagnostics: readonly Diagnostic[] } {
    return this.resolveAt(correlation, 0);
  }

  private resolveAt(correlation: SigmaCorrelation, depth: number): { value: ResolvedCorrelation | null; diagnostics: readonly Diagnostic[] } {
    const known = this.memo.get(correlation);
    if (known !== undefined) return known;
    const diagnostics: Diagnostic[] = [];
    const inputs: ResolvedInput[] = [];
    this.active.add(correlation);
    for (const ref of correlation.ruleRefs) {
      const found = this.lookup(ref);
      if ('problem' in found) {
        diagnostics.push(found.problem);
        continue;
      }
      const doc = found.doc;
      if (doc.kind === 'rule') {
        inputs.push({ kind: 'rule', ref, rule: doc });
        continue;
      }
      if (this.active.has(doc)) {
        diagnostics.push(
          error('correlation-cycle', `${JSON.stringify(ref.value)} is a correlation that (directly or through others) references this one; a correlation cannot combine itself`, ref.span),
        );
        continue;
      }
      if (depth + 1 >= MAX_CHAIN_DEPTH) {
        diagnostics.push(error('invalid-value', `correlations are chained more than ${MAX_CHAIN_DEPTH} levels deep here; flatten the chain`, ref.span));
        continue;
      }
      const inner = this.resolveAt(doc, depth + 1);
      if (inner.value === null) {
        const cycle = inner.diagnostics.some((d) => d.code === 'correlation-cycle');
        diagnostics.push(
          cycle
            ? error('correlation-cycle', `the correlation ${JSON.stringify(ref.value)} (${doc.file}:${doc.span.line}) is part of a cycle of correlations (one references another back); a correlation cannot combine itself`, ref.span)
            : error('correlation-input', `the correlation ${JSON.stringify(ref.value)} (${doc.file}:${doc.span.line}) cannot be resolved; see its own diagnostics`, ref.span),
        );
        continue;
      }
      inputs.push({ kind: 'correlation', ref, resolved: inner.value });
    }
    this.active.delete(correlation);
    diagnostics.push(...aliasProblems(correlation, inputs));
    const result = { value: diagnostics.length > 0 ? null : { correlation, inputs }, diagnostics };
    // Failures are remembered too: a correlation named many times (or a failing chain) is walked once, so
    // resolution stays linear whatever the shape of the references.
    this.memo.set(correlation, result);
    return result;
  }
}

function add(map: Map<string, Entry>, key: string, doc: Entry['docs'][number]): void {
  const entry = map.get(key);
  if (entry === undefined) map.set(key, { docs: [doc] });
  else if (!entry.docs.some((d) => d.doc !== null && d.doc === doc.doc)) entry.docs.push(doc);
}

/** The keys an alias may use for an input: how the correlation referenced it, its name, its id. */
function inputKeys(input: ResolvedInput): readonly string[] {
  const doc = input.kind === 'rule' ? input.rule : input.resolved.correlation;
  return [input.ref.value, ...(doc.name !== undefined ? [doc.name] : []), ...(doc.id !== undefined ? [doc.id] : [])];
}

/** An alias must give a field for every input, and name no rule the correlation lacks (linear: sets). */
function aliasProblems(correlation: SigmaCorrelation, inputs: readonly ResolvedInput[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (correlation.aliases.length === 0) return out;
  const allKeys = new Set(inputs.flatMap((i) => inputKeys(i).map((k) => k.toLowerCase())));
  for (const alias of correlation.aliases) {
    const given = new Set(alias.fields.map((f) => f.rule.toLowerCase()));
    for (const input of inputs) {
      if (!inputKeys(input).some((k) => given.has(k.toLowerCase()))) {
        out.push(
          error('correlation-alias', `alias \`${alias.name}\` gives no field for rule ${JSON.stringify(input.ref.value)}; add \`${input.ref.value}: <field>\` under it`, alias.span),
        );
      }
    }
    for (const f of alias.fields) {
      if (!allKeys.has(f.rule.toLowerCase())) {
        out.push(error('correlation-alias', `alias \`${alias.name}\` names ${JSON.stringify(f.rule)}, which is not among the correlation's rules; remove it or add the rule`, f.span));
      }
    }
  }
  return out;
}

/** The field alias `name` gives for an input, or undefined when `name` is no alias. */
export function aliasField(correlation: SigmaCorrelation, name: string, input: ResolvedInput): string | undefined {
  const alias = correlation.aliases.find((a) => a.name === name);
  if (alias === undefined) return undefined;
  const keys = new Set(inputKeys(input).map((k) => k.toLowerCase()));
  return alias.fields.find((f) => keys.has(f.rule.toLowerCase()))?.field;
}
