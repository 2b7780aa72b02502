import { z } from 'astro/zod';
import { describe, expect, it } from 'vitest';
import { parseOptions } from '../../integrations/rapport/config/parse-options.ts';
import type { RapportConfig, RapportUserConfig } from '../../integrations/rapport/config/schema.ts';
import { TEST_OPTIONS } from '../helpers/test-options.ts';
import { describeFields } from '../../integrations/rapport/core/forms/define-form.ts';
import { collects } from '../../integrations/rapport/core/forms/fields.ts';
import { contactForm } from '../../integrations/rapport/features/contact/message.ts';
import { catalogOf } from '../../integrations/rapport/features/orders/catalog.ts';
import { buildStatement, PrivacyDeclarationError, statementLabel, type Statement } from '../../integrations/rapport/features/privacy/build-statement.ts';
import type { FeaturePrivacy } from '../../integrations/rapport/core/privacy/declaration.ts';
import { enabledDeclarations, formEndpoints } from '../../integrations/rapport/features/declared.ts';
import { describeChanges, withVersion } from '../../integrations/rapport/features/privacy/history.ts';
import { privacySettingsSchema, type PrivacySettings } from '../../integrations/rapport/features/privacy/settings.ts';
import { PURPOSES, RETENTION_KINDS, RETENTION_LABELS, type RetentionKind } from '../../integrations/rapport/core/privacy/vocabulary.ts';

const options = TEST_OPTIONS;
// Every feature that collects on, surveys included (off by default).
const configWith = (crm: RapportUserConfig['crm'] = {}, extra: Partial<RapportUserConfig> = {}) =>
  parseOptions({ ...options, ...extra, crm: { surveys: { enabled: true }, ...crm } });

/** Settings covering every category, purpose and kind of processor. */
const fullSettings = (change: (s: z.input<typeof privacySettingsSchema>) => void = () => {}): PrivacySettings => {
  const input: z.input<typeof privacySettingsSchema> = {
    effectiveDate: '2026-11-25',
    organisation: { name: 'Test Shop Ltd.', address: '1 Main St\nCalgary, AB T2P 1A1' },
    contact: { name: 'Pat Lee, privacy officer', email: 'privacy@test.example' },
    jurisdictions: ['pipeda', 'casl'],
    purposes: PURPOSES.map((purpose) => ({ purpose, description: `Why we collect information for ${purpose}, in plain words.` })),
    retention: RETENTION_KINDS.map((data) => ({ data, keep: data === 'orders' ? 6 : 2, unit: 'years' as const })),
    processors: [
      { name: 'Host Inc.', role: 'hosting', receives: 'Everything', location: 'Canada' },
      { name: 'Mailer LLC', role: 'mail', receives: 'Your e-mail address', location: 'United States' },
      { name: 'Canada Post', role: 'carrier', receives: 'Your name and address', location: 'Canada' },
    ],
    requests: 'Write to privacy@test.example; we answer within 30 days.',
  };
  change(input);
  return privacySettingsSchema.parse(input);
};

/** The kinds of data the enabled features end after a period. */
const enforcedKinds = (config: RapportConfig) => new Set(enabledDeclarations(config).flatMap((f) => (f.personal?.retention ?? []).map((r) => r.kind)));
/** Settings with a period for exactly what the site enforces (a period nothing enforces fails the build). */
const settingsFor = (config: RapportConfig, settings = fullSettings()): PrivacySettings => ({
  ...settings,
  retention: settings.retention.filter((r) => enforcedKinds(config).has(r.data)),
});
const ruleOf = (config: RapportConfig, kind: RetentionKind) =>
  enabledDeclarations(config)
    .flatMap((f) => f.personal?.retention ?? [])
    .find((r) => r.kind === kind)!;
const statementOf = (config: RapportConfig, settings = fullSettings(), features = enabledDeclarations(config)) =>
  buildStatement({ settings: settingsFor(config, settings), intro: '', features });
const problemsOf = (build: () => unknown) => {
  try {
    build();
  } catch (error) {
    if (error instanceof PrivacyDeclarationError) return error.problems;
    throw error;
  }
  throw new Error('expected the build to refuse the statement');
};
const itemsOf = (statement: Statement, purpose: string) => statement.purposes.find((p) => p.purpose === purpose)?.collected.flatMap((c) => c.items) ?? [];

describe('privacy statement builder', () => {
  it('declares exactly the forms the server answers, for every combination of features', () => {
    for (const config of [
      configWith(),
      configWith({ orders: { enabled: false }, accounts: false }),
      configWith({ subscribe: false, contactForm: false, questions: { enabled: false } }),
    ]) {
      const answered = [...formEndpoints(config).values()].map((e) => e.form(config).id).sort();
      const declared = enabledDeclarations(config)
        .flatMap((f) => f.forms.map((form) => form.id))
        .sort();
      expect(declared).toEqual(answered);
    }
  });

  it('lists every field of every enabled form under its purpose, and every field says what it collects', () => {
    const config = configWith({ orders: { followUp: { consent: 'express' } } });
    const statement = statementOf(config);
    const catalog = catalogOf([
      {
        sku: 'TULIP-1',
        name: 'Tulip',
        unit: 'bag of 10',
        priceCents: 1495,
        currency: 'CAD',
        grams: 400,
        availability: 'in_stock',
        category: 'Tulips',
        path: '/products/tulip/',
        featured: false,
      },
      {
        sku: 'LILY-1',
        name: 'Lily',
        unit: 'each',
        priceCents: 695,
        currency: 'CAD',
        grams: 100,
        availability: 'in_stock',
        category: 'Lilies',
        path: '/products/lily/',
        featured: false,
      },
    ]);
    let checked = 0;
    for (const endpoint of formEndpoints(config).values()) {
      const form = endpoint.form(config, { catalog });
      for (const field of describeFields(form)) {
        expect(field.privacy, `${form.id}.${field.name}`).toBeDefined();
        if (field.privacy!.category === 'none') continue;
        expect(itemsOf(statement, field.privacy!.purpose ?? form.purpose), `${form.id}.${field.name}`).toContain(statementLabel(field));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(30);
    expect(itemsOf(statement, 'orders')).toEqual(expect.arrayContaining(['Quantity of each product', 'Street address', 'Phone', 'Payment method']));
    expect(itemsOf(statement, 'after-sale')).toContain('Whether you asked for one e-mail after delivery');
  });

  it('drops the sections of a disabled feature, and its cookies and recipients', () => {
    const all = statementOf(configWith());
    expect(all.purposes.map((p) => p.purpose)).toEqual([
      'orders',
      'after-sale',
      'newsletter',
      'account',
      'enquiries',
      'questions',
      'surveys',
      'rights',
      'security',
    ]);
    expect(all.cookies.map((c) => c.name)).toEqual(['rapport_cart', 'rapport_session', 'survey-…', 'rapport_privacy']);
    // Surveys off (the default): no surveys section, no survey cookie, no period for their answers.
    const noSurveys = statementOf(
      configWith({ surveys: { enabled: false } }),
      fullSettings((s) => (s.retention = s.retention.filter((r) => r.data !== 'surveys'))),
    );
    expect(noSurveys.purposes.map((p) => p.purpose)).not.toContain('surveys');
    expect(noSurveys.cookies.map((c) => c.name)).toEqual(['rapport_cart', 'rapport_session', 'rapport_privacy']);
    expect(noSurveys.retention.map((r) => r.label)).not.toContain(RETENTION_LABELS.surveys);
    expect(all.purposes.find((p) => p.purpose === 'orders')!.recipients).toEqual(['Host Inc.', 'Mailer LLC', 'Canada Post']);
    expect(all.purposes.find((p) => p.purpose === 'after-sale')!.recipients).toEqual(['Host Inc.', 'Mailer LLC']);

    const noOrders = statementOf(configWith({ orders: { enabled: false } }));
    expect(noOrders.purposes.map((p) => p.purpose)).toEqual(['newsletter', 'account', 'enquiries', 'questions', 'surveys', 'rights', 'security']);
    expect(noOrders.retention.map((r) => r.label)).not.toContain(RETENTION_LABELS.orders);
    expect(all.retention.map((r) => r.label)).toContain(RETENTION_LABELS.orders);
    expect(noOrders.cookies.map((c) => c.name)).toEqual(['rapport_session', 'survey-…', 'rapport_privacy']);
    const noAccounts = statementOf(configWith({ accounts: false }));
    expect(noAccounts.purposes.map((p) => p.purpose)).not.toContain('account');
    // Staff still sign in to the CMS; without it, no session cookie at all (the cart's stays, with orders).
    expect(noAccounts.cookies.find((c) => c.name === 'rapport_session')?.why).toBe(
      'Keeps our staff signed in to edit the site. Visitors never get it from the editor.',
    );
    expect(statementOf(configWith({ accounts: false }, { cms: { enabled: false } })).cookies.map((c) => c.name)).toEqual([
      'rapport_cart',
      'survey-…',
      'rapport_privacy',
    ]);
    // The request page's short-lived cookie exists wherever the server takes forms; a static site sets none.
    expect(
      statementOf(
        configWith({ accounts: false, orders: { enabled: false }, surveys: { enabled: false } }, { cms: { enabled: false } }),
        fullSettings((s) => (s.retention = s.retention.filter((r) => r.data !== 'surveys'))),
      ).cookies.map((c) => c.name),
    ).toEqual(['rapport_privacy']);
    const noFollowUp = statementOf(configWith({ orders: { followUp: { enabled: false } } }));
    expect(noFollowUp.purposes.map((p) => p.purpose)).not.toContain('after-sale');
  });

  it('refuses a field that does not say what it collects, naming the field, the form and the feature', () => {
    const config = configWith();
    const form = contactForm();
    const withFax = { ...form, schema: form.schema.extend({ fax: z.string().max(30).meta({ title: 'Fax' }).optional() }) };
    const features = enabledDeclarations(config).map((f): FeaturePrivacy => (f.id === 'contact' ? { ...f, forms: [withFax] } : f));
    expect(problemsOf(() => statementOf(config, fullSettings(), features))).toMatchInlineSnapshot(`
      [
        "The field \`fax\` of the contact form (contact form) does not say what it collects. Mark it in its zod schema with \`.meta({ ...collects('<category>') })\`, one of identity, contact, address, orders, messages, preferences, consent, technical, or 'none' when it holds nothing about a person.",
      ]
    `);
  });

  it('refuses a retention period missing, set for nothing the site keeps, or shorter than the law allows', () => {
    const config = configWith();
    const build = (settings: PrivacySettings, c = config) => buildStatement({ settings, intro: '', features: enabledDeclarations(c) });
    // Every kind the full site ends after a period is enforced by some feature.
    expect([...enforcedKinds(config)].sort()).toEqual([...RETENTION_KINDS].sort());
    const noOrders = fullSettings((s) => (s.retention = s.retention.filter((r) => r.data !== 'orders')));
    const missing = problemsOf(() => build(noOrders));
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatch(
      /^The orders feature deletes “orders, with their addresses and shipments” after the end of the tax year of the order, but the privacy settings do not say after how long\. Add "orders" under Retention/,
    );
    // Orders off: a period for orders would be a promise nothing keeps.
    const promised = problemsOf(() => build(fullSettings(), configWith({ orders: { enabled: false } })));
    expect(promised).toEqual([
      expect.stringMatching(
        /promise to delete “orders, with their addresses and shipments” after a period, but nothing on this site keeps or deletes that information.*Remove "orders"/,
      ),
    ]);
    const short = problemsOf(() => build(fullSettings((s) => (s.retention.find((r) => r.data === 'orders')!.keep = 3))));
    expect(short).toEqual([expect.stringMatching(/is 3 years, shorter than 6 years: Canadian tax law/)]);
    expect(() => build(fullSettings())).not.toThrow();
  });

  it('refuses a purpose or a processor the settings do not cover, saying what to add', () => {
    const config = configWith();
    const noCarrier = fullSettings((s) => (s.processors = s.processors.filter((p) => p.role !== 'carrier')));
    expect(problemsOf(() => statementOf(config, noCarrier))).toMatchInlineSnapshot(`
      [
        "The orders feature relies on parcel carrier (it delivers your parcel, so it needs your name, address and, if you gave one, phone number), but the privacy settings list no processor with the role "carrier". Add the company you use under Processors in the CMS (Settings → Privacy statement), with what it receives and where.",
      ]
    `);
    const noQuestions = fullSettings((s) => (s.purposes = s.purposes.filter((p) => p.purpose !== 'questions')));
    expect(problemsOf(() => statementOf(config, noQuestions))).toMatchInlineSnapshot(`
      [
        "The question form (/faq/ask) (FAQ questions) collects information for “Answering your questions on our FAQ”, which the privacy statement does not explain. Add the purpose "questions" under Purposes in the CMS (Settings → Privacy statement), saying in plain words why you collect it.",
      ]
    `);
    // A site without orders needs no carrier and no postal address.
    expect(() =>
      statementOf(
        configWith({ orders: { enabled: false } }),
        fullSettings((s) => {
          s.processors = s.processors.filter((p) => p.role !== 'carrier');
        }),
      ),
    ).not.toThrow();
  });

  it('adds the sections, rights and legal bases each jurisdiction brings', () => {
    const config = configWith();
    const canada = statementOf(config);
    expect(canada.jurisdictions.map((j) => j.id)).toEqual(['pipeda', 'casl']);
    expect(canada.showLegalBasis).toBe(false);
    expect(canada.regulators.map((r) => r.url)).toEqual(['https://www.priv.gc.ca/']);
    expect(canada.rights.map((r) => r.title)).toEqual(['See what we hold', 'Correct it', 'Withdraw your consent', 'Have it deleted', 'Complain']);

    const wider = statementOf(
      config,
      fullSettings((s) => (s.jurisdictions = ['pipeda', 'casl', 'gdpr', 'ccpa'])),
    );
    expect(wider.jurisdictions.map((j) => j.title)).toEqual([
      'Canada (PIPEDA)',
      'Commercial e-mail (Canada’s anti-spam legislation)',
      'European Union and United Kingdom (GDPR)',
      'California residents (CCPA/CPRA)',
    ]);
    expect(wider.showLegalBasis).toBe(true);
    expect(wider.purposes.find((p) => p.purpose === 'orders')!.legalBases).toEqual([
      'a contract with you, or steps you asked us to take before one',
      'a legal obligation (for example, keeping tax records)',
    ]);
    expect(wider.rights.map((r) => r.title)).toEqual(
      expect.arrayContaining(['Restriction and objection', 'Portability', 'Right to know', 'No discrimination']),
    );
    expect(wider.regulators.map((r) => r.url)).toContain('https://cppa.ca.gov/');
  });

  it('says what newsletter campaigns record, and changes (with a new version) when per-person tracking or the open-counting image is turned on', () => {
    const counted = statementOf(configWith());
    const perPerson = statementOf(configWith({ campaigns: { clicks: 'per-person' } }));
    const opens = statementOf(configWith({ campaigns: { clicks: 'per-person', opens: true } }));
    const clicked = 'Which links you clicked in our newsletters, and when';
    expect(itemsOf(counted, 'newsletter')).not.toContain(clicked);
    expect(counted.notCollected).toContain('Which links you click in our newsletters: we count clicks per link, without knowing who clicked');
    expect(counted.notCollected).toContain('Whether you open our newsletters: they carry no tracking image');
    expect(itemsOf(perPerson, 'newsletter')).toContain(clicked);
    expect(perPerson.notCollected.join(' ')).not.toMatch(/links you click/);
    expect(itemsOf(opens, 'newsletter').join(' ')).toMatch(/When you opened a newsletter/);
    expect(opens.notCollected.join(' ')).not.toMatch(/tracking image/);
    expect(new Set([counted.version, perPerson.version, opens.version]).size).toBe(3);
  });

  it('changes the version exactly when what is collected changes', () => {
    const config = configWith();
    const base = statementOf(config).version;
    expect(base).toMatch(/^2026-11-25\+[0-9a-f]{8}$/);
    // Same collection, different wording elsewhere: same version.
    expect(
      statementOf(configWith({}, { site: { name: 'Renamed Shop', description: 'A shop that sells other things to people who want them, at length.' } }))
        .version,
    ).toBe(base);
    const relabelled = enabledDeclarations(config).map((f): FeaturePrivacy => {
      if (f.id !== 'contact') return f;
      const form = contactForm();
      return { ...f, forms: [{ ...form, schema: form.schema.extend({ message: form.schema.shape.message.meta({ title: 'What can we do for you?' }) }) }] };
    });
    expect(statementOf(config, fullSettings(), relabelled).version).toBe(base);
    // A new field, a disabled feature, a new retention period, a new processor: new versions.
    const withPhone = enabledDeclarations(config).map((f): FeaturePrivacy => {
      if (f.id !== 'contact') return f;
      const form = contactForm();
      return {
        ...f,
        forms: [
          {
            ...form,
            schema: form.schema.extend({
              phone: z
                .string()
                .meta({ title: 'Phone', ...collects('contact') })
                .optional(),
            }),
          },
        ],
      };
    });
    const changed = [
      statementOf(config, fullSettings(), withPhone).version,
      statementOf(configWith({ accounts: false })).version,
      statementOf(
        config,
        fullSettings((s) => (s.retention[0]!.keep = 5)),
      ).version,
      statementOf(
        config,
        fullSettings((s) => s.processors.push({ name: 'Purolator', role: 'carrier', receives: 'Your address', location: 'Canada' })),
      ).version,
    ];
    expect(new Set([base, ...changed]).size).toBe(5);
    // A new effective date alone changes the date part only.
    const redated = statementOf(
      config,
      fullSettings((s) => (s.effectiveDate = '2027-01-15')),
    ).version;
    expect(redated.split('+')).toEqual(['2027-01-15', base.split('+')[1]]);
  });

  it('keeps a history and says what changed between versions', () => {
    const config = configWith();
    const first = statementOf(config);
    const start = withVersion([], first, '2026-11-25');
    expect(start.added?.changes).toEqual(['First version of this statement.']);
    expect(withVersion(start.history, first, '2026-11-26').added).toBeUndefined();

    const form = contactForm();
    const withPhone = enabledDeclarations(config).map((f): FeaturePrivacy =>
      f.id === 'contact'
        ? {
            ...f,
            forms: [
              {
                ...form,
                schema: form.schema.extend({
                  phone: z
                    .string()
                    .meta({ title: 'Phone (optional)', ...collects('contact') })
                    .optional(),
                }),
              },
            ],
          }
        : f,
    );
    const second = statementOf(
      configWith({ orders: { enabled: false } }),
      fullSettings((s) => s.jurisdictions.push('gdpr')),
      // Win-back notes need orders, so they go with them.
      withPhone.filter((f) => f.id !== 'orders' && f.id !== 'winback'),
    );
    const next = withVersion(start.history, second, '2026-12-01');
    expect(next.history).toHaveLength(2);
    expect(next.added?.changes).toEqual([
      '“Answering your messages”: we now ask for Phone (contact form).',
      'Removed: we no longer collect information for “Filling your orders”.',
      'Removed: we no longer collect information for “One e-mail after delivery”.',
      'The rapport_cart cookie is no longer set.',
      'Added: what European Union and United Kingdom: GDPR gives you.',
    ]);
    expect(describeChanges(first, first)).toEqual(['Reviewed: no change in what we collect or why.']);
  });

  it('words a changed retention period as a sentence for every kind of information, one or many', () => {
    const config = configWith();
    const before = statementOf(config);
    const after = statementOf(
      config,
      fullSettings((s) => (s.retention = s.retention.map((r) => ({ ...r, keep: 7 })))),
    );
    const notes = describeChanges(before, after);
    expect(notes).toHaveLength(RETENTION_KINDS.length);
    const messages = ruleOf(config, 'messages');
    expect(notes).toContain(
      `How long we keep messages you send us changed: 7 years ${messages.from}, then ${messages.then}. (was: 2 years ${messages.from}, then ${messages.then}.).`,
    );
    for (const note of notes) expect(note).toMatch(/^How long we keep [a-z].* changed: 7 years .* \(was: [26] years .*\)\.$/);
  });

  it('prints each period with when it starts and what happens then, and what deleting keeps', () => {
    const statement = statementOf(
      configWith(),
      fullSettings((s) => (s.retention.find((r) => r.data === 'questions')!.note = 'Published questions stay.')),
    );
    const row = (kind: RetentionKind) => statement.retention.find((r) => r.label === RETENTION_LABELS[kind])?.period;
    const messages = ruleOf(configWith(), 'messages');
    expect(row('messages')).toBe(`2 years ${messages.from}, then ${messages.then}.`);
    expect(row('questions')).toMatch(/^2 years after .*\. Published questions stay\.$/);
    expect(row('orders')).toMatch(/^6 years after the end of the tax year of the order, then deleted\.$/);
    expect(statement.periods).toMatchObject({ orders: { amount: 6, unit: 'years' }, messages: { amount: 2, unit: 'years' } });
    expect(statement.erasureKeeps.map((k) => k.what).join(' ')).toMatch(/keyed fingerprint of your e-mail address/);
    expect(statement.erasureKeeps.map((k) => k.why).join(' ')).toMatch(/six years/);
  });
});
