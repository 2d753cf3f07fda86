/**
 * A deep copy of a tree of plain objects and arrays without its `span` properties, for comparing trees
 * by structure (a re-parsed printout has the same shape but other positions).
 */
export function stripSpans(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripSpans);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k !== 'span') out[k] = stripSpans(v);
    }
    return out;
  }
  return value;
}
