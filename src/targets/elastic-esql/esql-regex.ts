import type { RegexValue } from '../../ast/value.js';
import { type LeafRenderer, type Unsupported, unsupported } from '../../lower/target.js';

/**
 * `re` through RLIKE needs an exact PCRE-to-Lucene translation (Lucene regular expressions are anchored
 * to the whole value and lack PCRE's shorthands, lookaround and lazy quantifiers); until that
 * translation exists, regular expressions are refused.
 */
export const esqlRegex: LeafRenderer<RegexValue> | Unsupported = unsupported(
  'a regular expression (re)',
  'RLIKE takes Lucene regular expressions, and this version cannot yet translate PCRE into one exactly',
);
