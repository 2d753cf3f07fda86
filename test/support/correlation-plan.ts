import type { CorrelationCondition, CorrelationInput, CorrelationPlan } from '../../src/correlation/plan.js';
import { convertExpr } from '../../src/lower/convert-expr.js';
import { parseSigmaText } from '../../src/rule/parse-documents.js';
import type { SigmaCorrelation, SigmaDocument } from '../../src/rule/model.js';
import type { TargetId } from '../../src/targets/registry.js';

/**
 * A CorrelationPlan built the plain way for the renderers' tests: no pipelines (fields as written),
 * references by id or name among the given texts, aliases applied, temporal defaults. The real plan
 * builder (src/correlation) does the same plus pipelines and diagnostics; these tests pin the renderers.
 */
export function testPlan(
  target: TargetId,
  texts: Readonly<Record<string, string>>,
  outer: string,
  source: string | undefined = undefined,
): CorrelationPlan {
  const docs: SigmaDocument[] = [];
  for (const [file, text] of Object.entries(texts)) {
    const parsed = parseSigmaText(text, file);
    for (const d of parsed.documents) {
      if (d.document === null) throw new Error(`${file}: ${d.diagnostics.map((x) => x.message).join('; ')}`);
      docs.push(d.document);
    }
  }
  const find = (ref: string): SigmaDocument => {
    const doc = docs.find((d) => d.id === ref || d.name === ref);
    if (doc === undefined) throw new Error(`no document ${ref}`);
    return doc;
  };
  const top = find(outer);
  if (top.kind !== 'correlation') throw new Error(`${outer} is not a correlation`);
  return build(top);

  function build(c: SigmaCorrelation): CorrelationPlan {
    const fieldFor = (ref: string, name: string): string =>
      c.aliases.find((a) => a.name === name)?.fields.find((f) => f.rule === ref)?.field ?? name;
    const inputs: CorrelationInput[] = c.rules.map((ref) => {
      const doc = find(ref);
      const tag = doc.name ?? doc.id ?? ref;
      const groupBy = c.groupBy.map((g) => fieldFor(ref, g));
      const field = c.field?.value ?? null;
      switch (doc.kind) {
        case 'rule': {
          const r = convertExpr(doc.detection, target, source === undefined ? {} : { source });
          if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
          const p = r.value.parts;
          return {
            kind: 'rule',
            tag,
            rule: doc,
            expression: p.expression,
            postFilter: p.postFilter,
            source: p.source,
            query: r.value.query,
            groupBy,
            field,
          };
        }
        case 'correlation':
          return { kind: 'correlation', tag, plan: build(doc), groupBy, field };
        case 'filter':
          throw new Error('a filter is no correlation input');
      }
    });
    const temporal = c.type === 'temporal' || c.type === 'temporal_ordered';
    const condition: CorrelationCondition =
      temporal && Object.keys(c.condition).length === 0 ? { gte: inputs.length } : c.condition;
    return {
      correlation: c,
      type: c.type,
      timespanSeconds: c.timespanSeconds,
      groupBy: c.groupBy,
      condition,
      field: c.field?.value ?? null,
      percentile: null,
      inputs,
    };
  }
}
