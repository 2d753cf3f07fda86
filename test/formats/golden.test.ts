import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findConverter } from '../../src/converters.js';
import { FORMATS } from '../../src/render/formats.js';
import { REPO_ROOT } from '../support/paths.js';
import { convertPack, PSEXEC_PATH, PSEXEC_TEXT } from './support.js';

/**
 * Golden files of every declared format for PsExec: test/golden/formats/<target>/<format>.<ext>, the
 * pack as `convert -f <format>` prints it. Rewritten only with UPDATE_GOLDENS=1 (read them before
 * committing); a missing golden fails, and so does an orphan.
 *
 * Read by hand:
 * - splunk/savedsearches.conf: header notice; comment lines with title, id, author, DRL licence, rule
 *   set, reference, ATT&CK; [Suspicious PsExec Execution]; `search` is the splunk golden's query (the
 *   `| where` post-filter on a continuation line); description ends with the attribution lines;
 *   alert.severity 5 (high); schedule every 15 minutes over -20m@m..-5m@m.
 * - elastic-kql/detection-rule.ndjson: one line; rule_id = the Sigma id; severity high, risk_score 73;
 *   threat TA0008 with T1021 / T1021.002; index winlogbeat-*, logs-* from the ecs-windows pipeline;
 *   license DRL; query = the elastic-kql query with the pipeline's field names.
 * - elastic-kql/saved-search.ndjson: type search, the query inside searchSourceJSON, data view
 *   security-solution-default.
 * - elastic-esql/detection-rule.ndjson: the same metadata as elastic-kql's, type and language esql, no
 *   index (the query's FROM names winlogbeat-*, logs-*), and the query has METADATA _id, _index,
 *   _version after the index patterns.
 * - sentinel-kql/analytics-rule.yaml: severity High, SecurityEvent connectors, LateralMovement,
 *   T1021.002, the query as a literal block, entity mappings for Account/Host/IP.
 * - sentinel-kql/arm.json: one alertRules resource, durations PT1H, technique T1021.
 * - sql/view.sql: attribution comments, CREATE VIEW "sigma_suspicious_psexec_execution" AS <query>;
 * Each wraps the query of the target's own PsExec golden (test/golden/<target>/).
 */
const EXTENSIONS: Readonly<Record<string, string>> = {
  'splunk/savedsearches': 'conf',
  'elastic-kql/detection-rule': 'ndjson',
  'elastic-kql/saved-search': 'ndjson',
  'elastic-esql/detection-rule': 'ndjson',
  'sentinel-kql/analytics-rule': 'yaml',
  'sentinel-kql/arm': 'json',
  'sql/view': 'sql',
};

const root = join(REPO_ROOT, 'test', 'golden', 'formats');

function goldenPath(target: string, format: string): string {
  const ext = EXTENSIONS[`${target}/${format}`];
  if (ext === undefined) throw new Error(`no golden extension for ${target}/${format}: add it to EXTENSIONS`);
  return join(root, target, `${format}.${ext}`);
}

function allFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? allFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('format goldens (PsExec)', () => {
  for (const f of FORMATS) {
    it(`${f.target}/${f.format}`, () => {
      expect(findConverter(f.target), `target ${f.target}`).toBeDefined();
      const file = goldenPath(f.target, f.format);
      // The bundled rules/ folder holds SigmaHQ rules in a flat layout that origin=auto does not take for
      // SigmaHQ's: the origin is given, so the goldens keep the DRL attribution.
      const { pack, records } = convertPack(f.target, f.format, [{ text: PSEXEC_TEXT, file: PSEXEC_PATH }], { origin: 'sigmahq' });
      expect(records.every((r) => r.ok)).toBe(true);
      if (process.env.UPDATE_GOLDENS === '1') {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, pack.text);
      }
      expect(existsSync(file), `missing golden ${relative(root, file)} (run with UPDATE_GOLDENS=1)`).toBe(true);
      expect(pack.text).toBe(readFileSync(file, 'utf8'));
    });
  }

  it('has no orphaned golden files', () => {
    const expected = new Set(FORMATS.map((f) => goldenPath(f.target, f.format)));
    expect(allFiles(root).filter((f) => !expected.has(f)).map((f) => relative(root, f))).toEqual([]);
  });
});
