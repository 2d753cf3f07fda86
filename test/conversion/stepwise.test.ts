/**
 * convertFilesStepwise (what the CLI's batch conversion runs, so Ctrl-C stops it between two rules)
 * pauses once before each document and each file without one, and returns convertFiles' records.
 */
import { describe, expect, it } from 'vitest';
import { convertFiles, convertFilesStepwise, type ConvertOptions } from '../../src/convert.js';
import { findConverter } from '../../src/converters.js';
import { parseSigmaText } from '../../src/rule/parse-documents.js';
import { CORRELATION_TEXT } from '../support/correlation-text.js';
import { ruleText as rule } from '../support/rule-text.js';

const COUNTED = rule('Counted', '0e95725d-7320-415d-80f7-004da920fc11', '    sel:\n        CommandLine|contains: counted');
const FILTER = 'title: tune\nlogsource: {product: windows}\nfilter:\n    rules: any\n    sel:\n        User: admin\n    condition: not sel\n';
const files = [
  parseSigmaText(`${COUNTED}---\n${CORRELATION_TEXT}`, 'a.yml'),
  parseSigmaText('title: [unclosed\n', 'broken.yml'),
  parseSigmaText('', 'empty.yml'),
  parseSigmaText(`${rule('Other', '1e95725d-7320-415d-80f7-004da920fc12', "    sel:\n        CommandLine|re: 'a(?=b)'")}---\n${FILTER}`, 'b.yml'),
  parseSigmaText(`title: x\n---\n${rule('Dup', '2e95725d-7320-415d-80f7-004da920fc13', '    sel:\n        Image: x')}`, 'c.yml'),
];

function drain(steps: Generator<void, ReturnType<typeof convertFiles>, void>): { records: ReturnType<typeof convertFiles>; pauses: number } {
  let pauses = 0;
  for (;;) {
    const step = steps.next();
    if (step.done === true) return { records: step.value, pauses };
    pauses++;
  }
}

describe('convertFilesStepwise', () => {
  const cases: [string, string, ConvertOptions][] = [
    ['sql', 'query', {}],
    ['splunk', 'query', { skipUnsupported: true }],
    ['splunk', 'savedsearches', {}],
    ['sentinel-kql', 'query', { skipUnsupported: true }],
  ];
  for (const [id, format, options] of cases) {
    it(`${id} ${format}: the records of convertFiles, one pause per document or empty file`, () => {
      const converter = findConverter(id);
      if (converter === undefined) throw new Error(id);
      const opts = { ...options, format };
      const expected = convertFiles(files, converter, opts);
      const { records, pauses } = drain(convertFilesStepwise(files, converter, opts));
      expect(records).toEqual(expected);
      expect(pauses).toBe(files.reduce((n, f) => n + Math.max(1, f.documents.length), 0));
    });
  }
});
