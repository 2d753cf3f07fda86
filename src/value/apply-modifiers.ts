import type { FieldRefValue, RegexValue, SigmaValue, StringPart, TimePartValue } from '../ast/value.js';
import { error, fail, ok, warning, type Diagnostic, type Result } from '../diagnostics/diagnostic.js';
import type { SourceSpan } from '../diagnostics/span.js';
import { assertNever } from '../diagnostics/assert-never.js';
import { checkRegex } from './check-regex.js';
import { parseCidr } from './cidr.js';
import {
  base64,
  base64Offsets,
  hasLoneSurrogate,
  utf16beBytes,
  utf16Bytes,
  utf16leBytes,
  utf8Bytes,
  windashFlagCount,
  windashVariants,
} from './encodings.js';
import type { ModifierChain, ModifierStep } from './modifiers.js';
import { canonicalString, literalText, parseSigmaString, printSigmaString } from './sigma-string.js';

/** A scalar as YAML typed it. */
export type ScalarInput = string | number | boolean | null;

/** Expansions (windash, base64offset) multiply; past this many alternatives for one value we refuse. */
export const MAX_ALTERNATIVES = 4096;

const TIME_RANGES: Readonly<Record<TimePartValue['part'], readonly [number, number]>> = {
  minute: [0, 59],
  hour: [0, 23],
  day: [1, 31],
  week: [1, 53],
  month: [1, 12],
  year: [1, 9999],
};

type Work =
  | { readonly kind: 'scalar' }
  | { readonly kind: 'string'; readonly alts: readonly (readonly StringPart[])[] }
  | { readonly kind: 'bytes'; readonly alts: readonly Uint8Array[] }
  | { readonly kind: 'regex'; readonly pattern: string; readonly flags: RegexValue['flags'] }
  | { readonly kind: 'fieldref'; readonly field: string; readonly starts: boolean; readonly ends: boolean }
  | { readonly kind: 'done'; readonly value: SigmaValue };

/**
 * Applies a checked modifier chain to one value, left to right. The result is the value's
 * alternatives (more than one after windash or base64offset): a target ORs them.
 *
 * An unquoted number under a string-changing modifier is read as its decimal text (`|contains: 200`
 * is the string `200`); only integers qualify, because YAML has already lost how a non-integer was
 * written (`1.50` arrives as 1.5). Errors point at `span`, the value's place in the file.
 */
export function applyModifiers(chain: ModifierChain, input: ScalarInput, span: SourceSpan): Result<SigmaValue[]> {
  const stars = chain.stars;
  if (stars !== null && typeof input === 'string') {
    // Most values: text under at most wildcard-adders, cased and expand. What the steps below would
    // do, in one step: read the Sigma string, add the `*`s (each side at most once), keep `cased`.
    const parts = parseSigmaString(input, chain.expand ? EXPAND : undefined);
    return ok([canonicalString(stars.before || stars.after ? addStars(parts, stars.before, stars.after) : parts, chain.cased)]);
  }
  const diagnostics: Diagnostic[] = [];
  // Runs once per value of every rule, so the helpers below are module functions rather than
  // closures made per call, and string alternatives are built in canonical form (no re-normalising).
  let work: Work = SCALAR;

  for (const step of chain.steps) {
    switch (step.name) {
      case 'all':
      case 'neq':
        break;
      case 'cased':
      case 'expand':
      case 'contains':
      case 'startswith':
      case 'endswith': {
        // cased and expand only make the value a Sigma string (the chain says cased/expand; see finish).
        const addsWildcards = step.name !== 'cased' && step.name !== 'expand';
        if (work.kind === 'regex') break; // regexes already match anywhere (a warning was given)
        if (work.kind === 'fieldref') {
          if (!addsWildcards) break;
          const contains = step.name === 'contains';
          work = {
            ...work,
            starts: work.starts || contains || step.name === 'startswith',
            ends: work.ends || contains || step.name === 'endswith',
          };
          break;
        }
        const alts = toStrings(work, step, input, chain.expand);
        if (typeof alts === 'string') return refuse(diagnostics, alts, span);
        if (!addsWildcards) {
          work = { kind: 'string', alts };
          break;
        }
        const before = step.name === 'contains' || step.name === 'endswith';
        const after = step.name === 'contains' || step.name === 'startswith';
        const wrapped: (readonly StringPart[])[] = [];
        for (const parts of alts) wrapped.push(addStars(parts, before, after));
        work = { kind: 'string', alts: wrapped };
        break;
      }
      case 'windash': {
        const alts = toStrings(work, step, input, chain.expand);
        if (typeof alts === 'string') return refuse(diagnostics, alts, span);
        const total = alts.reduce((n, parts) => n + 5 ** windashFlagCount(parts), 0);
        if (total > MAX_ALTERNATIVES) {
          return refuse(
            diagnostics,
            `windash would turn this value into ${total} variants (limit ${MAX_ALTERNATIVES}); split it into several values`,
            span,
          );
        }
        work = { kind: 'string', alts: alts.flatMap((parts) => windashVariants(parts)) };
        break;
      }
      case 'utf16le':
      case 'utf16be':
      case 'utf16': {
        const alts = toStrings(work, step, input, chain.expand);
        if (typeof alts === 'string') return refuse(diagnostics, alts, span);
        const texts = plainTexts(step, alts);
        if (typeof texts === 'string') return refuse(diagnostics, texts, span);
        const encode = step.name === 'utf16le' ? utf16leBytes : step.name === 'utf16be' ? utf16beBytes : utf16Bytes;
        work = { kind: 'bytes', alts: texts.map(encode) };
        break;
      }
      case 'base64':
      case 'base64offset': {
        let bytes: readonly Uint8Array[];
        if (work.kind === 'bytes') {
          bytes = work.alts;
        } else {
          const alts = toStrings(work, step, input, chain.expand);
          if (typeof alts === 'string') return refuse(diagnostics, alts, span);
          const texts = plainTexts(step, alts);
          if (typeof texts === 'string') return refuse(diagnostics, texts, span);
          bytes = texts.map(utf8Bytes);
        }
        if (step.name === 'base64') {
          work = { kind: 'string', alts: bytes.map((b) => literalParts(base64(b))) };
          break;
        }
        if (bytes.some((b) => b.length < 2)) {
          return refuse(
            diagnostics,
            'base64offset needs a value of at least 2 bytes: for a shorter one some alignments have no stable base64 character, so contains would match everything',
            span,
          );
        }
        const total = bytes.length * 3;
        if (total > MAX_ALTERNATIVES) {
          return refuse(diagnostics, `base64offset would turn this value into ${total} variants (limit ${MAX_ALTERNATIVES})`, span);
        }
        work = { kind: 'string', alts: bytes.flatMap((b) => base64Offsets(b).map(literalParts)) };
        break;
      }
      case 're': {
        const text = asText(step, input);
        if (typeof text !== 'string') return refuse(diagnostics, text.reason, span);
        work = { kind: 'regex', pattern: text, flags: { ignoreCase: false, multiline: false, dotAll: false } };
        break;
      }
      case 'i':
      case 'm':
      case 's':
        if (work.kind === 'regex') {
          const key = step.name === 'i' ? 'ignoreCase' : step.name === 'm' ? 'multiline' : 'dotAll';
          work = { ...work, flags: { ...work.flags, [key]: true } };
        }
        break;
      case 'cidr': {
        if (typeof input !== 'string') return refuse(diagnostics, `cidr needs a network as text, like 10.0.0.0/8, not ${String(input)}`, span);
        const parsed = parseCidr(input);
        if (!parsed.ok) {
          return fail([...diagnostics, error('invalid-cidr', `'${input}' is not a CIDR network: ${parsed.reason}; write it like 10.0.0.0/8 or fe80::/10`, span)]);
        }
        if (parsed.hostBitsSet) {
          diagnostics.push(warning('invalid-cidr', `'${input}' has host bits set; it means the network ${parsed.value.network}`, span));
        }
        work = { kind: 'done', value: parsed.value };
        break;
      }
      case 'exists':
        if (typeof input !== 'boolean') return refuse(diagnostics, `exists takes true or false, not ${describeInput(input)}`, span);
        work = { kind: 'done', value: { kind: 'exists', exists: input } };
        break;
      case 'lt':
      case 'lte':
      case 'gt':
      case 'gte':
        if (typeof input !== 'number' || !Number.isFinite(input)) {
          return refuse(diagnostics, `${step.written} compares numbers; write an unquoted number, not ${describeInput(input)}`, span);
        }
        work = { kind: 'done', value: { kind: 'compare', op: step.name, value: input } };
        break;
      case 'minute':
      case 'hour':
      case 'day':
      case 'week':
      case 'month':
      case 'year': {
        const [lo, hi] = TIME_RANGES[step.name];
        if (typeof input !== 'number' || !Number.isInteger(input) || input < lo || input > hi) {
          return refuse(diagnostics, `${step.written} takes an unquoted integer from ${lo} to ${hi}, not ${describeInput(input)}`, span);
        }
        work = { kind: 'done', value: { kind: 'timepart', part: step.name, value: input } };
        break;
      }
      case 'fieldref':
        if (typeof input !== 'string' || input === '') {
          return refuse(diagnostics, `fieldref takes the name of another field, not ${describeInput(input)}`, span);
        }
        if (/[*?]/.test(input)) return refuse(diagnostics, `fieldref takes a field name, which cannot have wildcards ('${input}')`, span);
        work = { kind: 'fieldref', field: input, starts: false, ends: false };
        break;
      default:
        return assertNever(step.name, 'modifier');
    }
    const count = work.kind === 'string' || work.kind === 'bytes' ? work.alts.length : 1;
    if (count > MAX_ALTERNATIVES) {
      return refuse(diagnostics, `the modifiers turn this value into ${count} variants (limit ${MAX_ALTERNATIVES})`, span);
    }
  }

  return finish(work, chain, input, span, diagnostics);
}

function finish(work: Work, chain: ModifierChain, input: ScalarInput, span: SourceSpan, diagnostics: Diagnostic[]): Result<SigmaValue[]> {
  switch (work.kind) {
    case 'scalar':
      if (typeof input === 'string') return ok([canonicalString(parseSigmaString(input), false)], diagnostics);
      if (typeof input === 'number') {
        if (!Number.isFinite(input)) {
          return refuse(diagnostics, `${String(input)} is not a number a query can compare with; quote it if you mean the text`, span);
        }
        return ok([{ kind: 'number', value: input }], diagnostics);
      }
      if (typeof input === 'boolean') return ok([{ kind: 'boolean', value: input }], diagnostics);
      return ok([{ kind: 'null' }], diagnostics);
    case 'string': {
      const values: SigmaValue[] = [];
      for (const parts of work.alts) values.push(canonicalString(parts, chain.cased));
      return ok(values, diagnostics);
    }
    case 'bytes':
      // parseModifierChain refuses a chain ending in bytes; this guards a caller that skipped it.
      return refuse(diagnostics, 'UTF-16 bytes cannot be matched against a text field; follow the UTF-16 modifier with base64 or base64offset', span);
    case 'regex': {
      const reason = checkRegex(work.pattern, work.flags);
      if (reason !== null) return fail([...diagnostics, error('invalid-regex', `${reason}; fix the pattern in '${work.pattern}'`, span)]);
      return ok([{ kind: 'regex', pattern: work.pattern, flags: work.flags }], diagnostics);
    }
    case 'fieldref': {
      const match: FieldRefValue['match'] =
        work.starts && work.ends ? 'contains' : work.starts ? 'startswith' : work.ends ? 'endswith' : 'equals';
      return ok([{ kind: 'fieldref', field: work.field, match, cased: chain.cased }], diagnostics);
    }
    case 'done':
      return ok([work.value], diagnostics);
  }
}

/** The work before any modifier: the value as YAML typed it. */
const SCALAR: Work = { kind: 'scalar' };

/** The `*` a wildcard-adding modifier puts on a side (frozen: parts are shared, never changed). */
const STAR: StringPart = Object.freeze({ kind: 'wildcard-multi' });

function refuse(diagnostics: readonly Diagnostic[], why: string, span: SourceSpan): Result<SigmaValue[]> {
  return fail([...diagnostics, error('invalid-modifier-value', why, span)]);
}

/**
 * As pySigma: a `*` on each asked-for side where the value does not already have one. `parts` are
 * canonical, so the result is too (for no parts, both sides give the one `*`).
 */
function addStars(parts: readonly StringPart[], before: boolean, after: boolean): StringPart[] {
  const out: StringPart[] = [];
  if (before && parts[0]?.kind !== 'wildcard-multi') out.push(STAR);
  for (let i = 0; i < parts.length; i++) out.push(parts[i]!);
  if (after && out[out.length - 1]?.kind !== 'wildcard-multi') out.push(STAR);
  return out;
}

/** The value as text for modifiers that read text; a reason when it is not text. */
function asText(step: ModifierStep, input: ScalarInput): string | { readonly reason: string } {
  if (typeof input === 'string') return input;
  if (typeof input === 'number') {
    if (Number.isSafeInteger(input)) return String(input);
    return { reason: `${step.written} needs text, and the number ${String(input)} may not be written as it was; quote it` };
  }
  const shown = input === null ? 'null' : String(input);
  return { reason: `${step.written} needs text, not ${shown}; quote the value ('${shown}') if you mean the word` };
}

/** The string alternatives so far, or the value read as one Sigma string; a reason when it is not text. */
function toStrings(work: Work, step: ModifierStep, input: ScalarInput, expand: boolean): readonly (readonly StringPart[])[] | string {
  if (work.kind === 'string') return work.alts;
  const text = asText(step, input);
  if (typeof text !== 'string') return text.reason;
  return [parseSigmaString(text, expand ? EXPAND : undefined)];
}

const EXPAND = { expand: true } as const;

/** Plain text of each alternative, for encodings: wildcards and placeholders cannot be encoded. */
function plainTexts(step: ModifierStep, alts: readonly (readonly StringPart[])[]): string[] | string {
  const texts: string[] = [];
  for (const alt of alts) {
    const text = literalText(alt);
    if (text === null) {
      return `${step.written} cannot encode wildcards or placeholders ('${printSigmaString(alt)}'); escape * and ? as \\* and \\? if they are literal`;
    }
    if (hasLoneSurrogate(text)) return `${step.written} cannot encode text with an unpaired UTF-16 surrogate`;
    texts.push(text);
  }
  return texts;
}

function literalParts(text: string): StringPart[] {
  return text === '' ? [] : [{ kind: 'literal', text }];
}

function describeInput(input: ScalarInput): string {
  if (input === null) return 'null';
  if (typeof input === 'string') return `the text '${input}'`;
  return String(input);
}
