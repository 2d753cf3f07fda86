import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { armLiteral, confComment, confStanzaName, confValue, jsonValue, sortKeys, sqlComment, sqlIdentifier, sqlViewName, yamlField } from '../../src/render/escape.js';
import { renderTemplate } from '../../src/render/environment.js';
import { uuidV5 } from '../../src/render/uuid.js';
import { armUnescape, type KibanaSavedSearch, readConf } from './support.js';

/** Text with the characters that break file formats, mixed with ordinary ones. */
const hostileChar = fc.constantFrom('[', ']', '\\', '\n', '"', "'", '#', '=', ' ', '{', '}', '-', ':', '%', '|', 'ü', '日', '🚀', '\t', 'a', 'Z', '0');
const hostileText = fc.array(fc.oneof(hostileChar, fc.string({ maxLength: 3 })), { maxLength: 40 }).map((a) => a.join(''));
/** JSON values as JSON has them (-0 is 0 in JSON). */
const jsonish = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);

describe('conf', () => {
  it('a value reads back exactly (newlines as continuations, a final backslash kept)', () => {
    fc.assert(
      fc.property(hostileText, (raw) => {
        // Splunk trims a value's ends; CR is a line break to readers (refused or normalised by callers).
        const s = raw.replace(/\r/g, '').trim();
        const conf = readConf(`[s]\nsearch = ${confValue(s)}\nnext = 1\n`);
        expect(conf.get('s')?.get('search')).toBe(s);
        expect(conf.get('s')?.get('next')).toBe('1');
      }),
      { numRuns: 2000 },
    );
  });

  it('CR LF and CR become newlines', () => {
    expect(readConf(`[s]\nk = ${confValue('a\r\nb\rc')}\n`).get('s')?.get('k')).toBe('a\nb\nc');
  });

  it('a stanza name is one header line that reads back as itself, never empty, never a setting', () => {
    fc.assert(
      fc.property(hostileText, (title) => {
        const name = confStanzaName(title);
        expect(name).not.toMatch(/[[\]\\\n\r]/);
        expect(name.length).toBeGreaterThan(0);
        const conf = readConf(`[${name}]\nk = v\n`);
        expect([...conf.keys()]).toEqual([name]);
      }),
      { numRuns: 1000 },
    );
    expect(confStanzaName('  ')).toBe('Sigma rule');
    expect(confStanzaName('x'.repeat(1000))).toHaveLength(200);
  });

  it('a comment stays one comment line, whatever the text', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const line = confComment(text);
        expect(line.split('\n')).toHaveLength(1);
        expect(line.endsWith('\\')).toBe(false);
        expect(readConf(`[s]\n${line}\nk = v\n`).get('s')?.get('k')).toBe('v');
      }),
      { numRuns: 1000 },
    );
  });
});

describe('yaml', () => {
  it('a field reads back as the same value, at the top and nested', () => {
    fc.assert(
      fc.property(fc.oneof(hostileText, jsonish, fc.array(hostileText), fc.dictionary(hostileText, hostileText)), (value) => {
        const expected = JSON.parse(JSON.stringify(value ?? null)) as unknown;
        expect(yaml.load(`${yamlField('k', value)}\nnext: 1\n`)).toEqual({ k: expected, next: 1 });
        expect(yaml.load(`outer:\n  ${yamlField('k', value, 2)}\n  next: 1\n`)).toEqual({ outer: { k: expected, next: 1 } });
      }),
      { numRuns: 1000 },
    );
  });
});

describe('json and ARM', () => {
  it('an ARM literal never reads as an expression and unescapes to the value', () => {
    fc.assert(
      fc.property(fc.oneof(jsonish, hostileText, fc.constant('[x]'), fc.constant("[concat('a')]"), fc.constant('[['), fc.constant('[[x]'), fc.constant('[]')), (value) => {
        const written = JSON.parse(jsonValue(armLiteral(value))) as unknown;
        const strings: string[] = [];
        const walk = (v: unknown): void => {
          if (typeof v === 'string') strings.push(v);
          else if (Array.isArray(v)) v.forEach(walk);
          else if (v !== null && typeof v === 'object') Object.values(v).forEach(walk);
        };
        walk(written);
        for (const s of strings) expect(s.startsWith('[') && s.endsWith(']') && !s.startsWith('[[')).toBe(false);
        expect(armUnescape(written)).toEqual(JSON.parse(JSON.stringify(value ?? null)));
      }),
      { numRuns: 1000 },
    );
  });

  it('sortKeys keeps the data, and the JSON bytes do not depend on the order keys were added in (sorted, at every level)', () => {
    /** The same data with every object's keys added in reverse order. */
    const reversed = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(reversed) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversed(x)])) : v;
    // JavaScript lists an object's array-index keys ("0", "17") first, ascending, whatever is done: the others are sorted.
    const named = (keys: readonly string[]): string[] => keys.filter((k) => !/^(0|[1-9][0-9]*)$/.test(k));
    const keysSorted = (v: unknown): boolean =>
      Array.isArray(v)
        ? v.every(keysSorted)
        : v === null || typeof v !== 'object' || (named(Object.keys(v)).every((k, i, all) => i === 0 || (all[i - 1] ?? '') < k) && Object.values(v).every(keysSorted));
    fc.assert(
      fc.property(jsonish, (value) => {
        const sorted = sortKeys(value);
        expect(sorted).toEqual(value);
        expect(JSON.stringify(sortKeys(reversed(value)))).toBe(JSON.stringify(sorted));
        expect(keysSorted(sorted)).toBe(true);
      }),
      { numRuns: 1000 },
    );
    // JSON.parse makes `__proto__` an own key like any other; the copy keeps it.
    expect(JSON.stringify(sortKeys(JSON.parse('{"b":1,"__proto__":{"x":2}}')))).toBe('{"__proto__":{"x":2},"b":1}');
  });

  it('templates never HTML-escape, and {{ }} in values stays text', () => {
    const out = renderTemplate('elastic-kql', 'saved-search', {
      uid: 'u',
      rule: { title: '<b>&{{x}}</b>' },
      description: '"}}{{',
      vendor: { searchSource: { q: '<&>' }, dataView: 'd' },
    });
    const parsed = JSON.parse(out ?? '') as KibanaSavedSearch;
    expect(parsed.attributes.title).toBe('<b>&{{x}}</b>');
    expect(parsed.attributes.description).toBe('"}}{{');
  });
});

describe('sql', () => {
  it('comments never end early; identifiers name exactly the view', () => {
    const db = new Database(':memory:');
    fc.assert(
      fc.property(hostileText, (text) => {
        expect(db.prepare(`${sqlComment(text)}\nSELECT 1 AS one`).get()).toEqual({ one: 1 });
        const name = text.replace(/\0/g, '') || 'x';
        db.exec(`CREATE VIEW ${sqlIdentifier(name)} AS SELECT 1 AS one`);
        expect(db.prepare(`SELECT name FROM sqlite_master WHERE type = 'view'`).all()).toEqual([{ name }]);
        db.exec(`DROP VIEW ${sqlIdentifier(name)}`);
      }),
      { numRuns: 500 },
    );
  });

  it('view names are plain identifiers of at most 56 bytes', () => {
    fc.assert(
      fc.property(hostileText, (title) => {
        expect(sqlViewName(title)).toMatch(/^sigma_[a-z0-9_]*[a-z0-9]$/);
        expect(sqlViewName(title).length).toBeLessThanOrEqual(56);
      }),
    );
  });
});

describe('uuid v5', () => {
  it('matches RFC 9562 name-based UUIDs (checked with node:crypto SHA-1)', () => {
    const ns = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (name) => {
        const h = createHash('sha1').update(Buffer.concat([Buffer.from(ns.replace(/-/g, ''), 'hex'), Buffer.from(name, 'utf8')])).digest().subarray(0, 16);
        h[6] = (h[6]! & 0x0f) | 0x50;
        h[8] = (h[8]! & 0x3f) | 0x80;
        const x = h.toString('hex');
        expect(uuidV5(name, ns)).toBe(`${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`);
      }),
      { numRuns: 300 },
    );
    expect(uuidV5('x'.repeat(100_000), ns)).toMatch(/^[0-9a-f-]{36}$/);
  });
});
