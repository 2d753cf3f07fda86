/**
 * Every diagnostic code the tool can emit, with a one-line summary. Codes are stable: tools read them
 * from `--json` output. Add new codes; never rename or reuse one.
 */
export const DIAGNOSTIC_CODES = {
  // YAML layer
  'yaml-syntax': 'the file is not valid YAML',
  'yaml-duplicate-key': 'a mapping repeats a key',
  'yaml-unknown-tag': 'a YAML tag (!name) that Sigma does not use',
  'yaml-non-string-key': 'a mapping key that is not a string',
  'yaml-alias-bomb': 'YAML aliases expand to too many nodes',
  'yaml-too-deep': 'YAML nesting is deeper than any rule needs',
  'yaml-too-large': 'the file is larger than the loader accepts',
  'yaml-binary': 'the file is not text',
  'yaml-empty': 'a document is empty',
  'io-error': 'a file could not be read',
  // document and schema layer
  'document-not-mapping': 'a YAML document is not a mapping',
  'missing-field': 'a required field is absent',
  'invalid-type': 'a field has the wrong type',
  'invalid-value': 'a field has a value outside its allowed set or format',
  'invalid-uuid': 'an id is not a UUID',
  'invalid-tag': 'a tag does not follow namespace.value',
  'invalid-date': 'a date is not YYYY-MM-DD',
  'duplicate-value': 'a list that must hold unique values repeats one',
  'collection-action': 'a collection action (global/reset/repeat) cannot be applied',
  'unsupported-legacy': 'a Sigma v1 construct that v2 removed',
  // detection layer
  'detection-invalid': 'a search identifier has a shape Sigma does not define',
  'unknown-modifier': 'a modifier that Sigma does not define',
  'invalid-modifier-chain': 'modifiers combined in an order or way Sigma does not allow',
  'invalid-modifier-value': 'a value that its modifier cannot take',
  'invalid-regex': 'a regular expression that does not compile',
  'invalid-cidr': 'a CIDR network that is not valid',
  // condition layer
  'condition-syntax': 'the condition does not parse',
  'condition-unknown-identifier': 'the condition names a search identifier that does not exist',
  'condition-pattern-no-match': 'an `x of pattern` matches no search identifier',
  'condition-legacy-aggregation': 'the condition uses a removed v1 aggregation or near',
  'condition-too-deep': 'the condition nests deeper than the parser accepts',
  'unused-identifier': 'a search identifier the condition never uses',
  'all-single-value': 'the `all` modifier on a single value, where it has no effect',
  // lint layer (`sigma-transpiler check`, src/check): conventions of SigmaHQ's CI and `sigma check`
  'duplicate-id': 'two documents of the pack have the same id',
  'duplicate-title': 'two documents of the pack have the same title',
  'escaped-wildcard': 'a single backslash before `*` or `?` in a path-like value makes the wildcard literal',
  'wildcard-instead-of-modifier': 'values that only add `*` at their ends, where contains, startswith or endswith says it',
  'double-wildcard': 'a value with `**`, which matches the same as one `*`',
  'number-as-string': 'a number written as a quoted string',
  'control-character': 'a value with a control character (often an unescaped backslash in double quotes)',
  'invalid-attack-tag': 'an attack.* tag that names no ATT&CK tactic, technique, group, software, mitigation or data source',
  'dangling-correlation-reference': 'a correlation names a rule that no rule or correlation of the pack has as id or name',
  'modified-before-date': '`modified` is earlier than `date`',
  'them-single-identifier': '`1 of them`/`all of them` over a single search identifier',
  'temporal-single-rule': 'a temporal correlation over fewer than two rules',
  'config-invalid': 'the linter config file (.sigma-transpiler.yml) is not valid',
  // conversion layer
  'unsupported-construct': 'the target cannot express a construct of the rule exactly',
  'unresolved-placeholder': 'an expand placeholder no pipeline resolved',
  'unknown-target': 'no target with that id',
  'unknown-format': 'the target has no output format with that name',
  'pipeline-invalid': 'a processing pipeline file is not valid',
  'pipeline-unknown': 'no built-in pipeline with that name and no such file',
  'unmapped-field': 'a pipeline requires every field to be mapped and one was not',
  'rule-skipped': 'a rule was skipped because its target cannot express it',
  'correlation-unsupported': 'a correlation rule the converter cannot convert (the ast target)',
  'correlation-unresolved': 'a correlation names a rule that no document of the run has (by id or name)',
  'correlation-ambiguous': 'a correlation names a rule by an id or name two documents of the run share',
  'correlation-cycle': 'correlations that reference each other in a cycle',
  'correlation-alias': 'a correlation alias that gives no field for one of its rules, or names a rule the correlation does not use',
  'correlation-input': 'a rule a correlation combines cannot be converted, so neither can the correlation',
  'correlation-approximation': 'a target approximates a "should" aspect of a correlation (the spec\'s compatibility rule)',
  'correlation-part': 'a rule is converted only as part of a correlation (generate: false)',
  'unscoped-match-all': 'no pipeline limits the rule to its log source and its detection is true for an event without its fields, so the query would match nearly every event',
  'pipeline-warning': 'a pipeline says what its mapping of the rule does not express (the query is still converted)',
  'no-source-condition': 'no pipeline limits the rule to its log source: the query searches every event that has the rule\'s fields',
  // Reserved: nothing emits it yet (codes are stable, so it stays). A run may leave out a filter's rules on
  // purpose, so reporting it needs a decision on severity and on which record carries it.
  'filter-unresolved': 'a filter names a rule that is not in this run',
} as const satisfies Record<string, string>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

/**
 * Refusals `--skip-unsupported` may turn into skips: the rule is valid, the target (or the output format,
 * or the schema a strict pipeline maps to: `unmapped-field`) cannot express it. A broken rule (any other
 * error) still fails.
 */
const SKIPPABLE: ReadonlySet<string> = new Set<DiagnosticCode>(['unsupported-construct', 'correlation-unsupported', 'unscoped-match-all', 'unmapped-field']);

/** Whether an error with this code is a refusal `--skip-unsupported` may skip (any other error is a mistake to fix). */
export function isSkippableCode(code: string): boolean {
  return SKIPPABLE.has(code);
}
