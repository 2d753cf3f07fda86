import { error, fail, ok, warning, type Diagnostic, type Result } from '../diagnostics/diagnostic.js';
import { assertNever } from '../diagnostics/assert-never.js';
import type { SourceSpan } from '../diagnostics/span.js';
import { closestName } from '../diagnostics/suggest.js';

/**
 * Every value modifier of Sigma spec v2.1 (SPEC-DIGEST §5), plus the long regex-flag names pySigma
 * accepts. Kinds:
 * - `transform`: changes a string value (wildcards, dash variants, placeholders, case);
 * - `encoding`: turns the value into bytes or their base64 text;
 * - `type`: gives the value another type (regex, network, comparison, ...); takes the value as written;
 * - `regex-flag`: a flag of a `re` value;
 * - `list`: changes how the values of the item combine (`all`) or negates the item (`neq`).
 */
export type ModifierKind = 'transform' | 'encoding' | 'type' | 'regex-flag' | 'list';

export interface ModifierInfo {
  readonly kind: ModifierKind;
  readonly summary: string;
}

/** What `list modifiers` shows of a name: an alias has its target's kind and summary. */
export interface ListedModifier extends ModifierInfo {
  readonly name: ModifierName;
  /** The canonical modifier this name is another spelling of. */
  readonly aliasOf?: CanonicalModifier;
}

export const MODIFIERS = {
  contains: { kind: 'transform', summary: 'match the value anywhere in the field (wraps it in *)' },
  startswith: { kind: 'transform', summary: 'match the value at the start of the field (appends *)' },
  endswith: { kind: 'transform', summary: 'match the value at the end of the field (prepends *)' },
  windash: { kind: 'transform', summary: 'also match each command-line flag dash as /, -, en dash, em dash or horizontal bar' },
  cased: { kind: 'transform', summary: 'match strings case-sensitively' },
  expand: { kind: 'transform', summary: 'read %name% as a placeholder a pipeline resolves' },
  all: { kind: 'list', summary: 'the field must match all values (AND) instead of any (OR)' },
  neq: { kind: 'list', summary: 'the field must match none of the values' },
  base64: { kind: 'encoding', summary: 'match the base64 text of the value' },
  base64offset: { kind: 'encoding', summary: 'match the value inside longer base64 text (3 alignments); needs contains' },
  utf16le: { kind: 'encoding', summary: 'encode the value as UTF-16LE bytes (then base64 or base64offset)' },
  utf16be: { kind: 'encoding', summary: 'encode the value as UTF-16BE bytes (then base64 or base64offset)' },
  utf16: { kind: 'encoding', summary: 'encode the value as FF FE + UTF-16LE bytes (then base64 or base64offset)' },
  re: { kind: 'type', summary: 'the value is a regular expression (case-sensitive, matches anywhere)' },
  i: { kind: 'regex-flag', summary: 'regular expression ignores case' },
  m: { kind: 'regex-flag', summary: 'regular expression ^ and $ match at each line' },
  s: { kind: 'regex-flag', summary: 'regular expression . also matches a line break' },
  cidr: { kind: 'type', summary: 'the field holds an IP address inside this IPv4/IPv6 network' },
  exists: { kind: 'type', summary: 'true: the field is present; false: it is absent' },
  lt: { kind: 'type', summary: 'the field is a number less than the value' },
  lte: { kind: 'type', summary: 'the field is a number less than or equal to the value' },
  gt: { kind: 'type', summary: 'the field is a number greater than the value' },
  gte: { kind: 'type', summary: 'the field is a number greater than or equal to the value' },
  minute: { kind: 'type', summary: 'the minute (0-59) of the timestamp field equals the value' },
  hour: { kind: 'type', summary: 'the hour (0-23) of the timestamp field equals the value' },
  day: { kind: 'type', summary: 'the day of the month (1-31) of the timestamp field equals the value' },
  week: { kind: 'type', summary: 'the ISO week of the year (1-53) of the timestamp field equals the value' },
  month: { kind: 'type', summary: 'the month (1-12) of the timestamp field equals the value' },
  year: { kind: 'type', summary: 'the year of the timestamp field equals the value' },
  fieldref: { kind: 'type', summary: 'the value names another field of the same event to compare with' },
} as const satisfies Record<string, ModifierInfo>;

/** Other spellings pySigma accepts, each for the canonical modifier it means. */
export const ALIASES = {
  wide: 'utf16le',
  ignorecase: 'i',
  multiline: 'm',
  dotall: 's',
} as const satisfies Record<string, keyof typeof MODIFIERS>;

/** A modifier after resolving aliases (`wide` -> `utf16le`, `ignorecase` -> `i`, ...). */
export type CanonicalModifier = keyof typeof MODIFIERS;
type Alias = keyof typeof ALIASES;
/** Every accepted modifier name: the canonical ones and their aliases. */
export type ModifierName = CanonicalModifier | Alias;

const has = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

function isAlias(name: ModifierName): name is Alias {
  return has(ALIASES, name);
}

export function isModifierName(name: string): name is ModifierName {
  return has(MODIFIERS, name) || has(ALIASES, name);
}

export function canonicalModifier(name: ModifierName): CanonicalModifier {
  return isAlias(name) ? ALIASES[name] : name;
}

/** For `list modifiers` in the CLI: every accepted name in registry order, each alias after its target. */
export function listModifiers(): readonly ListedModifier[] {
  const aliases = Object.keys(ALIASES) as Alias[];
  return (Object.keys(MODIFIERS) as CanonicalModifier[]).flatMap((name): ListedModifier[] => {
    const info: ModifierInfo = MODIFIERS[name];
    const spellings = aliases.filter((a) => ALIASES[a] === name);
    return [{ name, ...info }, ...spellings.map((alias) => ({ name: alias, ...info, aliasOf: name }))];
  });
}

/** What the value is after the modifiers so far (the chain's type state). */
export type ChainState = 'scalar' | 'string' | 'bytes' | 'regex' | 'cidr' | 'exists' | 'compare' | 'timepart' | 'fieldref';

/**
 * One modifier of a checked chain. It carries no position, so one chain can serve every key written
 * the same way (src/value/detection.ts reuses chains by key text); positions only matter for the
 * diagnostics parseModifierChain gives.
 */
export interface ModifierStep {
  readonly name: CanonicalModifier;
  /** As written in the key (e.g. `wide`). */
  readonly written: string;
}

/** A step while the chain is checked: with where it is written, for diagnostics. */
interface PlacedStep extends ModifierStep {
  readonly span: SourceSpan;
}

export interface ModifierChain {
  /** All modifiers in written order, aliases resolved. */
  readonly steps: readonly ModifierStep[];
  readonly all: boolean;
  readonly neq: boolean;
  readonly cased: boolean;
  readonly expand: boolean;
  /** The value's type after the whole chain (never `bytes`: that is refused). */
  readonly result: ChainState;
  /**
   * For a chain of only contains, startswith, endswith, cased, expand, all and neq (most items; none
   * at all included): the sides on which a text value gets a `*`, so applyModifiers can read such a
   * value in one step. Null for every other chain.
   */
  readonly stars: TextStars | null;
}

export interface TextStars {
  readonly before: boolean;
  readonly after: boolean;
}

const STARS_NONE: TextStars = Object.freeze({ before: false, after: false });
const STARS_BEFORE: TextStars = Object.freeze({ before: true, after: false });
const STARS_AFTER: TextStars = Object.freeze({ before: false, after: true });
const STARS_BOTH: TextStars = Object.freeze({ before: true, after: true });
const TEXT_ONLY: ReadonlySet<CanonicalModifier> = new Set(['contains', 'startswith', 'endswith', 'cased', 'expand', 'all', 'neq']);

/** The chain of an item without modifiers (what `parseModifierChain([])` gives): a plain value. */
export const NO_MODIFIERS: ModifierChain = Object.freeze({
  steps: Object.freeze([]),
  all: false,
  neq: false,
  cased: false,
  expand: false,
  result: 'scalar',
  stars: STARS_NONE,
});

export interface WrittenModifier {
  readonly name: string;
  readonly span: SourceSpan;
}

const TIME_PARTS: ReadonlySet<CanonicalModifier> = new Set(['minute', 'hour', 'day', 'week', 'month', 'year']);
const COMPARISONS: ReadonlySet<CanonicalModifier> = new Set(['lt', 'lte', 'gt', 'gte']);
const NEEDS_FIELD: ReadonlySet<ChainState> = new Set(['cidr', 'exists', 'compare', 'timepart', 'fieldref']);

/**
 * Checks a modifier chain (SPEC-DIGEST §5, "Chaining and ordering rules") and resolves aliases.
 * Rules, each with the modifier or pair it concerns in the message:
 * - unknown names: `unknown-modifier`, with the closest known name when one is near;
 * - the same modifier twice (aliases count as the same): error, except `base64` (double encoding);
 * - `re`, `cidr`, `exists` must be first; the other type modifiers (`lt`..., `minute`..., `fieldref`)
 *   must come before any modifier that changes the value (only `all`/`neq` may precede them);
 * - `i`/`m`/`s` only after `re`; `cased` not on a regex (it is case-sensitive already);
 * - encodings (`utf16*`, `base64*`) before any wildcard-adder: `contains|base64` is refused because
 *   wildcards cannot be encoded; `expand` before encodings;
 * - a `utf16*` result is bytes, so it must be followed by `base64` or `base64offset`;
 * - `base64offset` must be followed by `contains` (its fragments only make sense as substrings);
 * - a keyword (no field name) cannot take `cidr`, `exists`, comparisons, time parts or `fieldref`.
 * Warnings: `contains`/`startswith`/`endswith` on a regex have no effect (regexes match anywhere);
 * `windash` with `all` (SigmaHQ's validator flags it; we OR each value's dash variants and AND the
 * values, which is well defined, so we accept it and say so).
 */
export function parseModifierChain(
  written: readonly WrittenModifier[],
  options: { readonly keyword?: boolean } = {},
): Result<ModifierChain> {
  const diagnostics: Diagnostic[] = [];
  const steps: PlacedStep[] = [];
  const seen = new Map<CanonicalModifier, PlacedStep>();
  // `as` keeps TypeScript from narrowing these to their initial value: they change inside `enter`.
  let state = 'scalar' as ChainState;
  let stateStep = null as PlacedStep | null;
  let wildcardAdder = null as PlacedStep | null;
  let encoding = null as PlacedStep | null;
  let pendingOffset = null as PlacedStep | null;
  const joined = written.map((w) => w.name).join('|');

  const pairError = (a: PlacedStep | null, b: PlacedStep, why: string): void => {
    const pair = a === null ? `'${b.written}'` : `'${a.written}|${b.written}'`;
    diagnostics.push(error('invalid-modifier-chain', `${pair}: ${why}`, b.span));
  };
  const wrongInput = (step: PlacedStep, wants: string): void => {
    pairError(stateStep, step, `${step.written} takes ${wants}, but ${stateStep?.written ?? 'the value'} made it ${describeState(state)}`);
  };

  for (const [index, w] of written.entries()) {
    if (!isModifierName(w.name)) {
      const suggestion = closestModifier(w.name);
      const text = w.name === '' ? 'an empty modifier name (two | in a row, or a trailing |)' : `unknown modifier '${w.name}'`;
      diagnostics.push(
        error('unknown-modifier', `${text}${suggestion ? `; did you mean '${suggestion}'?` : '; see `list modifiers`'}`, w.span),
      );
      continue;
    }
    const step: PlacedStep = { name: canonicalModifier(w.name), written: w.name, span: w.span };
    steps.push(step);
    const earlier = seen.get(step.name);
    if (earlier && step.name !== 'base64') {
      const message =
        earlier.written === step.written
          ? `'${step.written}' appears twice in '${joined}'; remove one`
          : `'${step.written}' is the same modifier as '${earlier.written}', which '${joined}' already has; remove one`;
      diagnostics.push(error('invalid-modifier-chain', message, step.span));
      continue;
    }
    seen.set(step.name, step);
    const enter = (next: ChainState): void => {
      if (next !== state) stateStep = step;
      state = next;
    };
    const name = step.name;
    switch (name) {
      case 'all':
      case 'neq':
        break;
      case 'contains':
      case 'startswith':
      case 'endswith':
        if (name === 'contains') pendingOffset = null;
        if (state === 'scalar' || state === 'string') {
          wildcardAdder ??= step;
          enter('string');
        } else if (state === 'regex') {
          diagnostics.push(
            warning(
              'invalid-modifier-chain',
              `'${joined}': ${step.written} has no effect on a regular expression, which already matches anywhere in the field; anchor it with ^ or $ instead`,
              step.span,
            ),
          );
        } else if (state !== 'fieldref') {
          wrongInput(step, 'a string, a regex or a field reference');
        }
        break;
      case 'windash':
      case 'expand':
        if (name === 'expand' && encoding !== null) {
          pairError(encoding, step, `expand must come before ${encoding.written}: encoded text has no placeholders`);
        } else if (state === 'scalar' || state === 'string') {
          enter('string');
        } else {
          wrongInput(step, 'a string');
        }
        break;
      case 'cased':
        if (state === 'scalar' || state === 'string') enter('string');
        else if (state === 'regex') pairError(stateStep, step, 'a regular expression is case-sensitive already; use re|i to ignore case');
        else if (state !== 'fieldref') wrongInput(step, 'a string or a field reference');
        break;
      case 'utf16le':
      case 'utf16be':
      case 'utf16':
      case 'base64':
      case 'base64offset': {
        if (wildcardAdder !== null) {
          pairError(
            wildcardAdder,
            step,
            `${step.written} cannot encode the wildcards ${wildcardAdder.written} adds; encode first, e.g. '${step.written}|${wildcardAdder.written}'`,
          );
          break;
        }
        const isBase64 = name === 'base64' || name === 'base64offset';
        if (state === 'scalar' || state === 'string' || (isBase64 && state === 'bytes')) {
          encoding = step;
          if (name === 'base64offset') pendingOffset = step;
          enter(isBase64 ? 'string' : 'bytes');
        } else if (state === 'bytes') {
          pairError(stateStep, step, 'the value is already UTF-16 bytes; use one UTF-16 modifier, then base64 or base64offset');
        } else {
          wrongInput(step, 'a string');
        }
        break;
      }
      case 're':
      case 'cidr':
      case 'exists':
        if (index !== 0) {
          const reordered = [step.written, ...written.filter((_, i) => i !== index).map((x) => x.name)].join('|');
          pairError(steps[0] ?? null, step, `${step.written} must come first (it takes the value as written); write '${reordered}'`);
        }
        enter(name === 're' ? 'regex' : name);
        break;
      case 'i':
      case 'm':
      case 's':
        if (state !== 'regex') pairError(stateStep, step, `${step.written} is a regular expression flag; it is allowed only after re (e.g. 're|${step.written}')`);
        break;
      case 'lt':
      case 'lte':
      case 'gt':
      case 'gte':
      case 'minute':
      case 'hour':
      case 'day':
      case 'week':
      case 'month':
      case 'year':
      case 'fieldref':
        if (state !== 'scalar') {
          pairError(stateStep, step, `${step.written} takes the value as written, so it must come before ${stateStep?.written ?? 'other modifiers'}`);
        }
        enter(COMPARISONS.has(name) ? 'compare' : TIME_PARTS.has(name) ? 'timepart' : 'fieldref');
        break;
      default:
        assertNever(name, 'modifier');
    }
  }

  const last = steps[steps.length - 1];
  if (state === 'bytes' && last && stateStep !== null) {
    pairError(
      stateStep === last ? null : stateStep,
      last,
      `${stateStep?.written ?? 'the UTF-16 modifier'} gives bytes, which a text field cannot hold; follow it with base64 or base64offset`,
    );
  }
  if (pendingOffset !== null) {
    diagnostics.push(
      error(
        'invalid-modifier-chain',
        `'${joined}': base64offset must be followed by contains (its fragments only match inside longer base64 text), e.g. 'base64offset|contains'`,
        pendingOffset.span,
      ),
    );
  }
  const windash = seen.get('windash');
  const all = seen.get('all');
  if (windash && all) {
    diagnostics.push(
      warning(
        'invalid-modifier-chain',
        `'${joined}': SigmaHQ's validator flags windash with all; here each value's dash variants are ORed and the values ANDed, which other tools may not do`,
        windash.span,
      ),
    );
  }
  if (options.keyword === true && NEEDS_FIELD.has(state) && stateStep !== null) {
    diagnostics.push(
      error('invalid-modifier-chain', `${stateStep.written} needs a field name; a keyword search (key '|${joined}') has none`, stateStep.span),
    );
  }

  if (diagnostics.some((d) => d.severity === 'error')) return fail(diagnostics);
  return ok(
    {
      steps: steps.map(({ name, written }): ModifierStep => ({ name, written })),
      all: seen.has('all'),
      neq: seen.has('neq'),
      cased: seen.has('cased'),
      expand: seen.has('expand'),
      result: state,
      stars: steps.every((s) => TEXT_ONLY.has(s.name))
        ? textStars(seen.has('contains') || seen.has('endswith'), seen.has('contains') || seen.has('startswith'))
        : null,
    },
    diagnostics,
  );
}

function textStars(before: boolean, after: boolean): TextStars {
  return before ? (after ? STARS_BOTH : STARS_BEFORE) : after ? STARS_AFTER : STARS_NONE;
}

function describeState(state: ChainState): string {
  switch (state) {
    case 'scalar':
    case 'string':
      return 'a string';
    case 'bytes':
      return 'UTF-16 bytes';
    case 'regex':
      return 'a regular expression';
    case 'cidr':
      return 'a network';
    case 'exists':
      return 'an existence test';
    case 'compare':
      return 'a numeric comparison';
    case 'timepart':
      return 'a timestamp-part test';
    case 'fieldref':
      return 'a field reference';
  }
}

/** The known modifier nearest to a misspelt one (case-insensitive edit distance <= 2), if any. */
export function closestModifier(name: string): ModifierName | undefined {
  if (name === '') return undefined;
  const names: readonly ModifierName[] = listModifiers().map((m) => m.name);
  return closestName(name, names, name.length <= 3 ? 1 : 2);
}
