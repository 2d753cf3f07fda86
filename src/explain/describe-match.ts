import { assertNever } from '../diagnostics/assert-never.js';
import type { SigmaValue, StringPart } from '../ast/value.js';
import type { MatchKind, MatchOption } from './explanation.js';
import { normalizeParts, parseSigmaString, printSigmaString } from '../value/sigma-string.js';

/** One detection item as a catalog shows it. */
export interface MatchDescription {
  readonly kind: MatchKind;
  /** `cased` and regex flags; `all` is added by the grouping, not here. */
  readonly options: readonly MatchOption[];
  /** The value in Sigma text, without the wildcards that the kind already says (`starts_with PSEXESVC`). */
  readonly value: string;
  /** The value as compared: lower-cased where the match ignores case, so `PSEXESVC` and `psexesvc` meet. */
  readonly normalized: string;
}

/**
 * Names the comparison of a value and prints the value. `null` has no value to show (empty text);
 * numbers and booleans are their YAML text, so `EventID: 5145` and `EventID: '5145'` are the same
 * indicator (Sigma matches a number and the same number as text alike).
 */
export function describeMatch(value: SigmaValue, written?: string): MatchDescription {
  switch (value.kind) {
    case 'string': {
      const { kind, shown } = stringShape(value.parts);
      const text = printSigmaString(shown);
      // Show the value as the rule wrote it when that is the same Sigma string (no modifier changed it);
      // the corpus key stays canonical, so differently escaped spellings still meet.
      const asWritten = written !== undefined && sameParts(parseSigmaString(written), shown) ? written : text;
      return {
        kind,
        options: value.cased ? ['cased'] : [],
        value: asWritten,
        normalized: value.cased ? text : text.toLowerCase(),
      };
    }
    case 'number':
      return plain('eq', String(value.value));
    case 'boolean':
      return plain('eq', String(value.value));
    case 'null':
      return plain('null', '');
    case 'regex': {
      const options: MatchOption[] = [];
      if (value.flags.ignoreCase) options.push('i');
      if (value.flags.multiline) options.push('m');
      if (value.flags.dotAll) options.push('s');
      // The pattern is compared as written even with `i`: case matters in escapes such as \d and \D.
      return { kind: 're', options, value: value.pattern, normalized: value.pattern };
    }
    case 'cidr':
      return plain('cidr', value.network);
    case 'compare':
      return plain(value.op, String(value.value));
    case 'exists':
      return plain('exists', String(value.exists));
    case 'fieldref': {
      const kind: MatchKind =
        value.match === 'equals'
          ? 'fieldref'
          : value.match === 'startswith'
            ? 'fieldref_starts_with'
            : value.match === 'endswith'
              ? 'fieldref_ends_with'
              : 'fieldref_contains';
      // A field name is an identifier of the log schema: case-sensitive (SPEC-DIGEST §3).
      return { kind, options: value.cased ? ['cased'] : [], value: value.field, normalized: value.field };
    }
    case 'timepart':
      return plain(value.part, String(value.value));
    default:
      return assertNever(value, 'value');
  }
}

function sameParts(a: readonly StringPart[], b: readonly StringPart[]): boolean {
  return JSON.stringify(normalizeParts(a)) === JSON.stringify(normalizeParts(b));
}

function plain(kind: MatchKind, text: string): MatchDescription {
  return { kind, options: [], value: text, normalized: text };
}

/** Placeholders count as text for the shape: `%Admins%*` is a prefix match on what the pipeline puts there. */
function isText(part: StringPart | undefined): boolean {
  return part !== undefined && (part.kind === 'literal' || part.kind === 'placeholder');
}

function stringShape(parts: readonly StringPart[]): { kind: MatchKind; shown: readonly StringPart[] } {
  const n = parts.length;
  const first = parts[0];
  const last = parts[n - 1];
  if (parts.every(isText)) return { kind: 'eq', shown: parts };
  const inner = (from: number, to: number): boolean => {
    const slice = parts.slice(from, to);
    return slice.length > 0 && slice.every(isText);
  };
  if (n >= 3 && first?.kind === 'wildcard-multi' && last?.kind === 'wildcard-multi' && inner(1, n - 1)) {
    return { kind: 'contains', shown: parts.slice(1, n - 1) };
  }
  if (n >= 2 && last?.kind === 'wildcard-multi' && inner(0, n - 1)) {
    return { kind: 'starts_with', shown: parts.slice(0, n - 1) };
  }
  if (n >= 2 && first?.kind === 'wildcard-multi' && inner(1, n)) {
    return { kind: 'ends_with', shown: parts.slice(1) };
  }
  return { kind: 'wildcard', shown: parts };
}
