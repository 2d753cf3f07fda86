import type { RegexValue } from '../ast/value.js';

/**
 * Checks that a `re` value compiles, using the JavaScript RegExp engine as the judge (without the `u`
 * flag, which is closer to PCRE's leniency). The pattern itself is never changed: targets get it as
 * written.
 *
 * JavaScript has no inline flag groups, but 18 corpus rules start their regex with `(?i)` (the
 * PCRE/RE2 way to ignore case). A leading group of `i`, `m`, `s` letters is therefore moved into the
 * flags for the check only. An inline group anywhere else, or with other letters, fails the check.
 *
 * Returns null when the pattern compiles, else the reason.
 */
export function checkRegex(pattern: string, flags: RegexValue['flags']): string | null {
  let body = pattern;
  const set = new Set<string>();
  if (flags.ignoreCase) set.add('i');
  if (flags.multiline) set.add('m');
  if (flags.dotAll) set.add('s');
  const inline = /^\(\?([a-zA-Z]+)\)/.exec(pattern);
  if (inline) {
    const letters = inline[1] ?? '';
    const unsupported = [...letters].filter((c) => c !== 'i' && c !== 'm' && c !== 's');
    if (unsupported.length > 0) {
      return `the inline flag group '(?${letters})' uses ${unsupported.map((c) => `'${c}'`).join(', ')}, which this tool cannot check or translate; use the re|i, re|m, re|s modifiers`;
    }
    for (const c of letters) set.add(c);
    body = pattern.slice(inline[0].length);
  }
  try {
    new RegExp(body, [...set].join(''));
    return null;
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    return `the regular expression does not compile: ${detail}`;
  }
}
