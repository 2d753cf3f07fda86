import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../../src/render/environment.js';
import { plainNames, plainRender } from '../../src/render/plain-template.js';
import { PLAIN_TEMPLATES } from '../../src/render/templates.generated.js';

/*
 * Templates that only print and test variables are rendered from their plain form (plain-template.ts),
 * not by the handlebars runtime. They must give exactly what handlebars gives: each is compared with
 * the template compiled from its .hbs file by the full handlebars package, with the same options.
 */

const repo = join(import.meta.dirname, '..', '..');
const OPTIONS = { noEscape: true, strict: true };

const plain = Object.entries(PLAIN_TEMPLATES).flatMap(([target, formats]) =>
  Object.entries(formats).map(([format, template]) => ({ target, format, template })),
);

/** Text with what a query or a template could trip on: line breaks, braces, `$`, quotes. */
const text = fc.string({ unit: fc.constantFrom('a', ' ', '\n', '\r', '{', '}', '$', '"', "'", '\\', '&', '<', '|', '0', 'é'), maxLength: 8 });
const value = fc.oneof(text, fc.constant(null), fc.constant(undefined), fc.constant(''), fc.constant(0), fc.integer(), fc.boolean(), fc.constant([]), fc.constant({}));

describe('plain templates', () => {
  it('every query template has a plain form (the per-rule path does not use the handlebars runtime)', () => {
    for (const target of readdirSync(join(repo, 'templates'))) {
      expect(PLAIN_TEMPLATES[target]?.['query'], target).toBeDefined();
    }
  });

  for (const { target, format, template } of plain) {
    it(`${target}/${format} renders as handlebars does, for any variables, given or not`, () => {
      const source = readFileSync(join(repo, 'templates', target, `${format}.hbs`), 'utf8');
      const reference = Handlebars.create().compile(source, OPTIONS);
      const names = plainNames(template);
      const render = (render: () => string | null): { text: string | null } | { throws: true } => {
        try {
          return { text: render() };
        } catch {
          return { throws: true };
        }
      };
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.constantFrom(...names, 'other', 'toString'), value), { maxLength: 5 }), (entries) => {
          const variables: Record<string, unknown> = {};
          for (const [name, v] of entries) variables[name] = v;
          expect(render(() => renderTemplate(target, format, variables))).toEqual(render(() => reference(variables)));
          // The plain form itself gives handlebars' text or declines (null), never another text.
          const own = plainRender(template, names, variables);
          if (own !== null) expect(own).toBe(reference(variables));
        }),
        { numRuns: 500 },
      );
      // Every name given as a string: the plain form renders it (not handed back to handlebars).
      const all = Object.fromEntries(names.map((n) => [n, `<${n}>`]));
      expect(plainRender(template, names, all)).toBe(reference(all));
    });
  }
});

describe('renderTemplate with names that are not templates', () => {
  it('gives null (no such template) for names objects inherit, not text or a crash', () => {
    // `constructor`/`name` once rendered "Object" from the plain path (a string read as a template of
    // one-character segments); the others threw from the handlebars runtime or the plain form.
    const names = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'name', 'length', 'valueOf'];
    for (const target of [...names, 'splunk', 'sql']) {
      for (const format of [...names, 'query.pack']) {
        expect(renderTemplate(target, format, { source: 'S', expression: 'E', postFilter: null }), `${target}/${format}`).toBeNull();
      }
    }
  });
});
