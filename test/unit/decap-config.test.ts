import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { z } from 'astro/zod';
import { describe, expect, it } from 'vitest';
import { parseOptions } from '../../integrations/rapport/config/parse-options.ts';
import { decapConfig, decapField } from '../../integrations/rapport/features/cms/decap-config.ts';
import { unlistedOriginals } from '../../integrations/rapport/features/cms/unlisted-originals.ts';

const options = {
  site: { name: 'Test Shop', description: 'A shop that sells things to people who want them, described at length.' },
  business: {
    legalName: 'Test Shop Ltd.',
    address: { streetAddress: '1 Main St', locality: 'Calgary', region: 'AB', postalCode: 'T2P 1A1', country: 'CA' },
    phone: '+1-403-555-0199',
    email: 'hi@test.example',
  },
};

describe('Decap configuration generated from the content schemas', () => {
  it('matches the snapshot (a schema change shows up here, with no hand edit)', () => {
    expect(stringify(decapConfig(parseOptions(options), 'https://test.example'))).toMatchSnapshot();
  });

  it('chooses widgets, required flags, hints and options from zod types', () => {
    const json = z.toJSONSchema(
      z.strictObject({
        title: z.string().max(60).describe('Shown in the tab'),
        notes: z.string().max(2000).optional(),
        size: z.enum(['small', 'large']).default('small'),
        count: z.number().int().min(1),
        ok: z.boolean().default(false),
        when: z.coerce.date(),
      }),
      { io: 'input', unrepresentable: 'any' },
    ) as { properties: Record<string, object>; required: string[] };
    const field = (name: string) => decapField(name, json.properties[name] as never, json.required.includes(name));
    expect(field('title')).toMatchObject({ widget: 'string', hint: 'Shown in the tab' });
    expect(field('title').required).toBeUndefined();
    expect(field('notes')).toMatchObject({ widget: 'text', required: false });
    expect(field('size')).toMatchObject({ widget: 'select', options: ['small', 'large'], default: 'small', required: false });
    expect(field('count')).toMatchObject({ widget: 'number', value_type: 'int', min: 1 });
    expect(field('ok')).toMatchObject({ widget: 'boolean', default: false });
    expect(field('when')).toMatchObject({ widget: 'datetime' });
  });

  it('lets an editor leave out an optional object (an image and its alt text) without Decap asking for its inner fields', () => {
    const json = z.toJSONSchema(
      z.strictObject({
        image: z.strictObject({ src: z.string(), alt: z.string().min(1) }).optional(),
        cover: z.strictObject({ src: z.string(), alt: z.string().min(1) }),
      }),
      { io: 'input', unrepresentable: 'any' },
    ) as { properties: Record<string, object>; required: string[] };
    const field = (name: string) => decapField(name, json.properties[name] as never, json.required.includes(name));
    expect(field('image')).toMatchObject({ widget: 'object', required: false });
    expect((field('image') as { fields: { required?: boolean }[] }).fields.map((f) => f.required)).toEqual([false, false]);
    expect((field('cover') as { fields: { required?: boolean }[] }).fields.map((f) => f.required)).toEqual([undefined, undefined]);
  });

  it('gives every field of every collection a human label and a hint, and list items a summary', () => {
    const config = decapConfig(parseOptions(options), 'https://test.example');
    type Field = { name: string; label: string; widget: string; hint?: string; summary?: string; fields?: Field[]; field?: Field };
    const all: Array<{ where: string; field: Field }> = [];
    const walk = (where: string, fields: Field[]) => {
      for (const f of fields) {
        all.push({ where: `${where}.${f.name}`, field: f });
        if (f.fields) walk(`${where}.${f.name}`, f.fields);
      }
    };
    for (const c of config.collections) {
      if ('files' in c) for (const file of c.files) walk(`${c.name}.${file.name}`, file.fields as Field[]);
      else walk(c.name, c.fields as Field[]);
    }
    expect(all.length).toBeGreaterThan(60);
    const labels = all.map((x) => x.field.label);
    for (const generated of ['Sku', 'Src', 'Alt', 'Noindex', 'Order', 'Shipping weight grams', 'Submission']) expect(labels).not.toContain(generated);
    const withoutHint = all.filter((x) => x.field.widget !== 'hidden' && !x.field.hint).map((x) => x.where);
    expect(withoutHint).toEqual([]);
    const lists = all.filter((x) => x.field.widget === 'list' && x.field.fields).map((x) => [x.where, x.field.summary]);
    expect(lists).toEqual([
      ['faq.careDates', '{{fields.what}} ({{fields.month}}/{{fields.day}})'],
      ['products.images', '{{fields.alt}}'],
      ['products.careDates', '{{fields.what}} ({{fields.month}}/{{fields.day}})'],
      ['settings.privacy.purposes', '{{fields.description | truncate(70)}}'],
      ['settings.privacy.retention', '{{fields.data}}: {{fields.keep}} {{fields.unit}}'],
      ['settings.privacy.processors', '{{fields.name}} ({{fields.location}})'],
    ]);
  });

  it('gives the FAQ one labelled status, categories and merges picked from entries, and no visible question number', () => {
    const faq = decapConfig(parseOptions(options), 'https://test.example').collections.find((c) => c.name === 'faq') as unknown as {
      fields: Array<Record<string, unknown>>;
      view_filters: unknown[];
    };
    const field = (name: string) => faq.fields.find((f) => f.name === name)!;
    expect(field('status')).toMatchObject({
      widget: 'select',
      options: [
        { value: 'pending_review', label: 'Waiting for an answer (not on the site)' },
        { value: 'published', label: 'Published on the FAQ page' },
        { value: 'rejected', label: 'Not published (the asker is told)' },
        { value: 'merged', label: 'Merged into another answer (the asker is sent there)' },
      ],
    });
    expect(field('category')).toMatchObject({ widget: 'relation', collection: 'faq', value_field: 'category', search_fields: ['category'] });
    expect(field('mergedInto')).toMatchObject({ widget: 'relation', collection: 'faq', value_field: '{{slug}}', display_fields: ['question'] });
    expect(field('submission')).toEqual({ name: 'submission', label: 'Visitor question number', widget: 'hidden', required: false });
    expect(field('question').hint).toContain('(/admin/crm/questions/)');
    expect(faq.view_filters[0]).toEqual({ label: 'Waiting for an answer', field: 'status', pattern: 'pending_review' });
  });

  it('offers surveys only when they are on: their questions as a list, and a page picking its survey by title', () => {
    type Collection = { name: string; fields: Array<Record<string, unknown>> };
    const collections = (surveys: boolean) =>
      decapConfig(parseOptions({ ...options, crm: { surveys: { enabled: surveys } } }), 'https://test.example').collections as unknown as Collection[];
    const pageField = (all: Collection[]) => all.find((c) => c.name === 'pages')!.fields.find((f) => f.name === 'survey');
    expect(collections(false).some((c) => c.name === 'surveys')).toBe(false);
    expect(pageField(collections(false))).toBeUndefined();
    const on = collections(true);
    expect(pageField(on)).toMatchObject({ widget: 'relation', collection: 'surveys', value_field: '{{slug}}', search_fields: ['title'], required: false });
    const surveys = on.find((c) => c.name === 'surveys')!;
    const questions = surveys.fields.find((f) => f.name === 'questions') as {
      widget: string;
      summary: string;
      hint: string;
      fields: Array<Record<string, unknown>>;
    };
    expect(questions).toMatchObject({ widget: 'list', summary: '{{fields.question}}' });
    expect(questions.hint).toContain('Answers are counted by position');
    expect(questions.fields.find((f) => f.name === 'kind')).toMatchObject({
      widget: 'select',
      options: [
        { value: 'choice', label: 'Pick one of the options' },
        { value: 'scale', label: 'A scale from 1 to 5' },
        { value: 'text', label: 'A short answer in their own words' },
      ],
    });
    expect(surveys.fields.map((f) => f.name)).toEqual(['title', 'questions', 'afterOrder', 'closes', 'updated', 'body']);
  });

  it('carries a Git-host backend when the options choose one', () => {
    const config = decapConfig(parseOptions({ ...options, cms: { backend: { name: 'github', repo: 'owner/site' } } }), 'https://test.example');
    expect(config.backend).toEqual({ name: 'github', repo: 'owner/site', branch: 'main' });
    const own = decapConfig(parseOptions(options), 'https://test.example');
    expect(own.backend).toEqual({ name: 'proxy', proxy_url: '/admin/api/v1', branch: 'main' });
    expect(own.publish_mode).toBe('editorial_workflow');
    expect(own.collections.find((c) => c.name === 'faq')).toMatchObject({
      view_filters: expect.arrayContaining([{ label: 'Published', field: 'status', pattern: 'published' }]),
    });
  });

  it('edits a site in two languages side by side: words per language, the rest copied from the default', () => {
    const one = decapConfig(parseOptions(options), 'https://test.example');
    expect(one).not.toHaveProperty('i18n');
    expect(one.collections.every((c) => !('i18n' in c))).toBe(true);

    const two = decapConfig(parseOptions({ ...options, site: { ...options.site, locales: ['en-CA', 'fr-CA'] } }), 'https://test.example');
    // Decap's multiple_files layout is the one the content loader reads: about.en.md beside about.fr.md.
    expect(two.i18n).toEqual({ structure: 'multiple_files', locales: ['en', 'fr'], default_locale: 'en' });
    const products = two.collections.find((c) => c.name === 'products') as { i18n?: unknown; fields: Array<{ name: string; i18n?: unknown }> };
    expect(products.i18n).toBe(true);
    const i18nOf = (name: string) => products.fields.find((f) => f.name === name)?.i18n;
    expect([i18nOf('name'), i18nOf('description'), i18nOf('category'), i18nOf('images'), i18nOf('body')]).toEqual([true, true, true, true, true]);
    expect([i18nOf('sku'), i18nOf('price'), i18nOf('currency'), i18nOf('availability'), i18nOf('featured'), i18nOf('updated')]).toEqual(
      Array(6).fill('duplicate'),
    );
    const faq = two.collections.find((c) => c.name === 'faq') as { fields: Array<{ name: string; i18n?: unknown }> };
    // The merged-into answer is named by its slug, the same in every language; the status is one decision.
    expect(Object.fromEntries(faq.fields.map((f) => [f.name, f.i18n]))).toMatchObject({
      question: true,
      category: true,
      status: 'duplicate',
      mergedInto: 'duplicate',
      submission: 'duplicate',
    });
    // The privacy settings: one file per language, each editable on its own.
    const settings = two.collections.find((c) => c.name === 'settings') as { files: Array<{ name: string; label: string; file: string }> };
    expect(settings.files.map(({ name, label, file }) => ({ name, label, file }))).toEqual([
      { name: 'privacy', label: 'Privacy statement', file: 'content/settings/privacy.md' },
      { name: 'privacy-fr', label: 'Privacy statement (Français)', file: 'content/settings/privacy.fr.md' },
    ]);
  });

  it('names the originals a bilingual site still has without their language, which the CMS would not list', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'rapport-unlisted-'));
    try {
      await mkdir(path.join(root, 'content', 'faq'), { recursive: true });
      for (const file of ['old.md', 'kept.en.md', 'kept.fr.md', 'other.de.md', 'notes.txt'])
        await writeFile(path.join(root, 'content', 'faq', file), '---\n---\n');
      const bilingual = parseOptions({ ...options, site: { ...options.site, locales: ['en-CA', 'fr-CA'] } });
      expect(await unlistedOriginals(bilingual, root)).toEqual(['content/faq/old.md']);
      // A site in one language names its files as it always did.
      expect(await unlistedOriginals(parseOptions(options), root)).toEqual([]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
