import type { ConvertedRule } from '../../src/convert.js';
import { buildPlan } from '../../src/correlation/build-plan.js';
import type { CorrelationPlan } from '../../src/correlation/plan.js';
import { CorrelationIndex } from '../../src/correlation/resolve.js';
import { convertExpr } from '../../src/lower/convert-expr.js';
import { parseSigmaText } from '../../src/rule/parse-documents.js';
import type { SigmaRule } from '../../src/rule/model.js';
import type { TargetId } from '../../src/targets/registry.js';

/**
 * A CorrelationPlan for the renderers' tests, built by the real plan builder (src/correlation) with no
 * pipelines (fields as written): references by id or name among the given texts, aliases applied,
 * temporal defaults. Each referenced rule is lowered with `source` as its table or index.
 */
export function testPlan(
  target: TargetId,
  texts: Readonly<Record<string, string>>,
  outer: string,
  source: string | undefined = undefined,
): CorrelationPlan {
  const files = Object.entries(texts).map(([file, text]) => {
    const parsed = parseSigmaText(text, file);
    for (const d of parsed.documents) {
      if (d.document === null) throw new Error(`${file}: ${d.diagnostics.map((x) => x.message).join('; ')}`);
    }
    return parsed;
  });
  const docs = files.flatMap((f) => f.documents.flatMap((d) => (d.document === null ? [] : [d.document])));
  const top = docs.find((d) => d.id === outer || d.name === outer);
  if (top?.kind !== 'correlation') throw new Error(`${outer} is not a correlation`);
  const convertRule = (rule: SigmaRule): ConvertedRule => {
    const r = convertExpr(rule.detection, target, source === undefined ? {} : { source });
    if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
    const { query, parts } = r.value;
    return {
      output: query,
      diagnostics: r.diagnostics,
      formatInput: { query, expression: parts.expression, postFilter: parts.postFilter, source: parts.source, state: {}, targetOptions: {} },
    };
  };
  const resolved = new CorrelationIndex(files).resolve(top);
  if (resolved.value === null) throw new Error(resolved.diagnostics.map((d) => d.message).join('; '));
  const plan = buildPlan(resolved.value, { convertRule, pipelines: [], target, memo: new Map() });
  if (!plan.ok) throw new Error(plan.diagnostics.map((d) => d.message).join('; '));
  return plan.value;
}
