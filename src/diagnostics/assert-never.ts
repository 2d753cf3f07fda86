/** Makes a switch over a discriminated union exhaustive: a new kind without a handler does not compile. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
