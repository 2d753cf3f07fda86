import type { RegexValue } from '../ast/value.js';

/** A `re` pattern with a leading inline flag group merged into the modifiers' flags. */
export interface LeadingFlags {
  /** The modifiers' flags, plus the letters i, m, s of a leading `(?ims)` group. */
  readonly flags: RegexValue['flags'];
  /** The pattern without that group (unchanged when there is none, or it has other letters). */
  readonly body: string;
  /** The letters of a leading group other than i, m, s ('' when none); the group then stays in body. */
  readonly unknown: string;
}

/**
 * Reads a leading inline flag group `(?letters)` (18 corpus rules start with `(?i)`, the PCRE/RE2 way
 * to ignore case) into flags, so every target and the check below treat it as the modifiers.
 */
export function leadingFlags(pattern: string, flags: RegexValue['flags']): LeadingFlags {
  const inline = /^\(\?([a-zA-Z]+)\)/.exec(pattern);
  if (!inline) return { flags, body: pattern, unknown: '' };
  const letters = inline[1] ?? '';
  const unknown = [...letters].filter((c) => c !== 'i' && c !== 'm' && c !== 's').join('');
  if (unknown !== '') return { flags, body: pattern, unknown };
  return {
    flags: {
      ignoreCase: flags.ignoreCase || letters.includes('i'),
      multiline: flags.multiline || letters.includes('m'),
      dotAll: flags.dotAll || letters.includes('s'),
    },
    body: pattern.slice(inline[0].length),
    unknown: '',
  };
}

/** The rule's pattern with its flags as one leading PCRE flag group, merged with one already there. */
export function pcreWithFlags(value: RegexValue): string {
  const { flags, body } = leadingFlags(value.pattern, value.flags);
  const letters = `${flags.ignoreCase ? 'i' : ''}${flags.multiline ? 'm' : ''}${flags.dotAll ? 's' : ''}`;
  return letters === '' ? body : `(?${letters})${body}`;
}

/**
 * Checks that a `re` value compiles, using the JavaScript RegExp engine as the judge (without the `u`
 * flag, which is closer to PCRE's leniency). The pattern itself is never changed: targets get it as
 * written.
 *
 * JavaScript has no inline flag groups, so a leading group of `i`, `m`, `s` letters is moved into the
 * flags for the check only (leadingFlags). An inline group anywhere else, or with other letters, fails
 * the check.
 *
 * Returns null when the pattern compiles, else the reason.
 */
export function checkRegex(pattern: string, flags: RegexValue['flags']): string | null {
  const lead = leadingFlags(pattern, flags);
  if (lead.unknown !== '') {
    const letters = /^\(\?([a-zA-Z]+)\)/.exec(pattern)?.[1] ?? '';
    return `the inline flag group '(?${letters})' uses ${[...lead.unknown].map((c) => `'${c}'`).join(', ')}, which this tool cannot check or translate; use the re|i, re|m, re|s modifiers`;
  }
  const f = lead.flags;
  try {
    new RegExp(lead.body, `${f.ignoreCase ? 'i' : ''}${f.multiline ? 'm' : ''}${f.dotAll ? 's' : ''}`);
    return null;
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    return `the regular expression does not compile: ${detail}`;
  }
}
