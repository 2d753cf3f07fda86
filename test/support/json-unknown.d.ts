// In the tests JSON.parse returns unknown, not any: a value read from JSON is cast, at that boundary, to
// the shape the test expects (so a misspelled property is a type error, not an undefined that a
// comparison may accept). This overload comes before lib.es5's, which returns any.
interface JSON {
  parse(text: string, reviver?: (this: unknown, key: string, value: unknown) => unknown): unknown;
}
