import type { RegexValue } from '../../ast/value.js';
import { nullGuardedMatch } from '../../lower/null-guard.js';
import { type LeafContext, type LeafRendering, unsupported } from '../../lower/target.js';
import { toLuceneRegex } from '../../value/regex/lucene.js';
import { asString } from './ecs-types.js';
import { esqlString, unwritableText } from './esql-text.js';

/**
 * `re` through RLIKE, which matches a Lucene regular expression against the WHOLE value, case-sensitively
 * (docs/reference/query-languages/esql/_snippets/operators/detailedDescription/rlike.md,
 * https://www.elastic.co/docs/reference/query-languages/esql/functions-operators/operators#esql-rlike).
 * src/value/regex/lucene.ts translates Sigma's unanchored PCRE into an exact Lucene expression (adding
 * `.*` where the PCRE is unanchored, ASCII case classes for the i flag) or refuses by construct. The
 * result goes into a double-quoted string literal, which doubles its backslashes (esql-text.ts).
 */
export function esqlRegex(ctx: LeafContext<RegexValue>): LeafRendering {
  const bad = unwritableText(ctx.value.pattern);
  if (bad !== null) return unsupported('this regular expression', bad);
  const lucene = toLuceneRegex(ctx.value.pattern, ctx.value.flags);
  if (!lucene.ok) return unsupported(lucene.construct, lucene.reason);
  return nullGuardedMatch(ctx.negated, ctx.fieldText, 'RLIKE', 'NOT RLIKE', esqlString(lucene.text), asString(ctx.fieldText));
}
