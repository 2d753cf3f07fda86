import Database from 'better-sqlite3';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { convertFiles } from '../../src/convert.js';
import { findConverter } from '../../src/converters.js';
import { defaultPipelinesFor } from '../../src/pipeline/builtins.js';
import { FORMATS } from '../../src/render/formats.js';
import { renderPack, resolveFormatOptions } from '../../src/render/render-format.js';
import { corpusFiles } from '../support/convert-corpus.js';
import { HAVE_CORPUS, noteMissingCorpus } from '../support/paths.js';
import { armUnescape, readConf, schemaValidator, TARGET_OPTIONS } from './support.js';
import { parseEsql } from '../support/esql-parser.js';

/**
 * Every declared format over the whole SigmaHQ corpus: the pack parses as its syntax, validates against
 * the vendor schema, and gives back each rule's query exactly (in corpus order). Names and ids stay
 * unique across thousands of rules.
 */
noteMissingCorpus('format corpus');

function pack(target: string, format: string): { text: string; files: ReadonlyMap<string, string>; queries: string[]; count: number } {
  const converter = findConverter(target);
  const decl = FORMATS.find((f) => f.target === target && f.format === format);
  if (converter === undefined || decl === undefined) throw new Error(`${target}/${format}`);
  const resolved = resolveFormatOptions(decl, {});
  if (!resolved.ok) throw new Error(resolved.message);
  const common = { pipelines: defaultPipelinesFor(target), targetOptions: TARGET_OPTIONS[target] ?? {} };
  const queries = convertFiles(corpusFiles(), converter, common)
    .filter((r) => r.ok && r.output !== null && r.output !== '')
    .map((r) => r.output ?? '');
  const records = convertFiles(corpusFiles(), converter, { ...common, format }).filter((r) => r.ok && r.output !== null && r.output !== '');
  const rendered = renderPack(decl, records.map((r, i) => ({ name: `rule-${i}`, piece: r.output ?? '' })), resolved.values);
  return { ...rendered, queries, count: records.length };
}

describe.skipIf(!HAVE_CORPUS)('formats over the corpus', () => {
  it('splunk savedsearches: one stanza per rule, unique names, every search exact', () => {
    const { text, queries, count } = pack('splunk', 'savedsearches');
    expect(count).toBe(queries.length);
    const conf = readConf(text);
    expect(conf.size).toBe(count);
    expect([...conf.values()].map((s) => s.get('search'))).toEqual(queries);
  });

  it('elastic-kql detection-rule: every line valid, rule ids unique, queries exact', () => {
    const { text, queries } = pack('elastic-kql', 'detection-rule');
    const validate = schemaValidator('kibana-detection-rule');
    const rules = text.trimEnd().split('\n').map((l) => JSON.parse(l) as { query: string; rule_id: string });
    expect(rules.map((r) => r.query)).toEqual(queries);
    expect(rules.flatMap((r) => validate(r))).toEqual([]);
    expect(new Set(rules.map((r) => r.rule_id)).size).toBe(rules.length);
  });

  it('elastic-esql detection-rule: every line valid, rule ids unique, each query the plain one with METADATA', () => {
    const { text, queries } = pack('elastic-esql', 'detection-rule');
    const validate = schemaValidator('kibana-esql-rule');
    const rules = text.trimEnd().split('\n').map((l) => JSON.parse(l) as { query: string; rule_id: string });
    expect(rules.map((r) => r.query.replace(' METADATA _id, _index, _version\n', '\n'))).toEqual(queries);
    // The rule's query (with METADATA) parses with the parser written from Elastic's grammar.
    expect(rules.map((r) => parseEsql(r.query)).filter((p) => !p.ok)).toEqual([]);
    expect(rules.flatMap((r) => validate(r))).toEqual([]);
    expect(new Set(rules.map((r) => r.rule_id)).size).toBe(rules.length);
  });

  it('sentinel-kql analytics-rule and arm: valid, queries exact', () => {
    const yamlPack = pack('sentinel-kql', 'analytics-rule');
    const validateYaml = schemaValidator('sentinel-analytics-rule');
    const docs = [...yamlPack.files.values()].map((t) => yaml.load(t) as { query: string; id: string });
    expect(docs.map((d) => d.query)).toEqual(yamlPack.queries);
    expect(docs.flatMap((d) => validateYaml(d))).toEqual([]);
    expect(new Set(docs.map((d) => d.id)).size).toBe(docs.length);

    const arm = pack('sentinel-kql', 'arm');
    const template = JSON.parse(arm.text) as { resources: { properties: unknown }[] };
    expect(schemaValidator('arm-sentinel-alert-rules')(template)).toEqual([]);
    expect(template.resources.map((r) => (armUnescape(r.properties) as { query: string }).query)).toEqual(arm.queries);
  });

  it('sql view: the whole views.sql runs in SQLite, one view per rule, unique names, queries exact', () => {
    const { text, queries } = pack('sql', 'view');
    // sql-tables names every table with one identifier (gcp.audit is gcp_gcp_audit), so every rule has a
    // view; a table in another schema (a site pipeline's `schema.table`) would be refused by the format.
    const viewable = queries.filter((q) => !/ FROM "(?:[^"]|"")*"\./.test(q));
    expect(viewable.length).toBe(queries.length);
    const db = new Database(':memory:');
    db.exec(text);
    const views = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'view' ORDER BY rowid").all() as { sql: string }[];
    expect(views).toHaveLength(viewable.length);
    views.forEach((v, i) => expect(v.sql.endsWith(`AS\n${viewable[i]}`)).toBe(true));
  });
});
