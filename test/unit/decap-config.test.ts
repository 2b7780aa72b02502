import { stringify } from 'yaml';
import { z } from 'astro/zod';
import { describe, expect, it } from 'vitest';
import { parseOptions } from '../../integrations/rapport/config/parse-options.ts';
import { decapConfig, decapField } from '../../integrations/rapport/features/cms/decap-config.ts';

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

  it('carries a Git-host backend when the options choose one', () => {
    const config = decapConfig(parseOptions({ ...options, cms: { backend: { name: 'github', repo: 'owner/site' } } }), 'https://test.example');
    expect(config.backend).toEqual({ name: 'github', repo: 'owner/site', branch: 'main' });
    const own = decapConfig(parseOptions(options), 'https://test.example');
    expect(own.backend).toEqual({ name: 'proxy', proxy_url: '/admin/api/v1', branch: 'main' });
    expect(own.publish_mode).toBe('editorial_workflow');
    expect(own.collections.find((c) => c.name === 'faq')).toMatchObject({
      view_filters: expect.arrayContaining([{ label: 'Pending review', field: 'status', pattern: 'pending_review' }]),
    });
  });
});
