import { describe, expect, it } from 'vitest';
import { z } from 'astro/zod';
import { CATALOGUES, MESSAGE_KEYS, SOURCE_LOCALE, catalogueFor } from '../../integrations/rapport/i18n/catalogues.ts';
import { fieldMessage, translator, variablesOf } from '../../integrations/rapport/i18n/translate.ts';
import { astroI18n, localizedPath, requestLocale } from '../../integrations/rapport/config/locales.ts';
import { parseOptions } from '../../integrations/rapport/config/parse-options.ts';
import { KIND_LABELS, emailAddress, message, optionalLine, personName } from '../../integrations/rapport/core/forms/fields.ts';
import { readForm } from '../../integrations/rapport/core/forms/read-form.ts';
import { waitText } from '../../integrations/rapport/core/forms/endpoint.ts';
import type { FormDefinition } from '../../integrations/rapport/core/forms/define-form.ts';
import { TEST_OPTIONS } from '../helpers/test-options.ts';

const bilingual = parseOptions({ ...TEST_OPTIONS, site: { ...TEST_OPTIONS.site, locales: ['en-CA', 'fr-CA'] } }).site;

const rejection = (site: Record<string, unknown>) => {
  try {
    parseOptions({ ...TEST_OPTIONS, site: { ...TEST_OPTIONS.site, ...site } });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the options to be rejected');
};

describe('message catalogues', () => {
  const source = CATALOGUES[SOURCE_LOCALE]!;

  it.each(Object.keys(CATALOGUES))('%s has every key of the source catalogue and no other', (locale) => {
    expect(Object.keys(CATALOGUES[locale]!).sort()).toEqual([...MESSAGE_KEYS].sort());
  });

  it.each(Object.keys(CATALOGUES))('%s takes the same values in each message as the source', (locale) => {
    const differ = MESSAGE_KEYS.filter((key) => [...variablesOf(CATALOGUES[locale]![key])].sort().join() !== [...variablesOf(source[key])].sort().join());
    expect(differ).toEqual([]);
  });

  it('writes no straight apostrophe, which ICU reads as a quote and would swallow text', () => {
    const straight = Object.entries(CATALOGUES).flatMap(([locale, messages]) =>
      Object.entries(messages).flatMap(([key, text]) => (text.includes("'") ? [`${locale} ${key}`] : [])),
    );
    expect(straight).toEqual([]);
  });

  it('finds a catalogue for a locale of the same language, and none for a language it lacks', () => {
    expect(catalogueFor('fr-CA')?.locale).toBe('fr-CA');
    expect(catalogueFor('fr')?.locale).toBe('fr-CA');
    expect(catalogueFor('en-US')?.locale).toBe('en-CA');
    expect(catalogueFor('es-MX')).toBeUndefined();
  });
});

describe('translator', () => {
  it('puts values in, formatting numbers and plurals the way each language writes them', () => {
    const en = translator(bilingual, 'en-CA');
    const fr = translator(bilingual, 'fr-CA');
    expect(en('field.text.too-long', { max: 5000 })).toBe('Use at most 5,000 characters (shorten it, or send two messages).');
    // Canadian French groups thousands with a no-break space.
    expect(fr('field.text.too-long', { max: 5000 })).toBe('Utilisez au plus 5\u00a0000 caractères (raccourcissez le texte ou envoyez deux messages).');
    expect(en('form.wait.seconds', { seconds: 1 })).toBe('1 second');
    expect(en('form.wait.seconds', { seconds: 40 })).toBe('40 seconds');
    expect(fr('form.wait.minutes', { minutes: 1 })).toBe('1 minute');
    expect(fr('form.wait.minutes', { minutes: 3 })).toBe('3 minutes');
    expect(fr('form.unknown-fields', { count: 2, names: '“a”, “b”' })).toBe(
      'Ce formulaire n’a pas les champs “a”, “b”. Rechargez la page et envoyez-le de nouveau.',
    );
    expect(fr('form.unknown-fields', { count: 1, names: '“a”' })).toContain('n’a pas le champ “a”.');
  });

  it('takes a value as text, never as a message (a visitor’s field name cannot inject ICU syntax)', () => {
    const en = translator(bilingual);
    expect(en('form.unknown-fields', { count: 1, names: '“{count, plural, other {x}}”' })).toBe(
      'This form does not have the field “{count, plural, other {x}}”. Reload the page and send it again.',
    );
  });

  it('says the default locale’s text for a key a locale does not have, and the project’s own wording first', () => {
    const site = parseOptions({
      ...TEST_OPTIONS,
      site: {
        ...TEST_OPTIONS.site,
        locales: ['fr-CA', 'en-CA', 'es-MX'],
        messages: { 'es-MX': { 'form.fix-fields': 'Corrija los campos marcados abajo.' }, 'en-CA': { 'form.expired': 'This page is stale: send it again.' } },
      },
    }).site;
    const es = translator(site, 'es-MX');
    expect(es.locale).toBe('es-MX');
    expect(es('form.fix-fields')).toBe('Corrija los campos marcados abajo.');
    // Spanish has no catalogue: the site's default locale (French here) answers.
    expect(es('form.expired')).toBe('Cette page est restée ouverte plus d’une journée. Vérifiez les champs et envoyez le formulaire de nouveau.');
    expect(translator(site, 'en-CA')('form.expired')).toBe('This page is stale: send it again.');
    expect(translator(site, 'en-CA')('form.fix-fields')).toBe('Please correct the fields marked below.');
    // A locale the options do not know still gets a whole sentence.
    expect(translator({ locale: 'de-DE' })('field.missing')).toBe('Fill in this field.');
  });

  it('says a field’s validation text in the request’s language, and leaves any other text alone', () => {
    const text = fieldMessage('field.line.too-long', { max: 120 });
    expect(text).toBe('Use at most 120 characters.');
    expect(translator(bilingual, 'fr-CA').text(text)).toBe('Utilisez au plus 120 caractères.');
    expect(translator(bilingual, 'fr-CA').text('Something a feature wrote.')).toBe('Something a feature wrote.');
    expect(waitText(300, translator(bilingual, 'fr-CA'))).toBe('5 minutes');
    // The labels of the fields every form shares, as the form draws them.
    const fr = translator(bilingual, 'fr-CA');
    expect(fr.text(z.toJSONSchema(emailAddress()).title!)).toBe('Adresse courriel');
    expect(fr.text(KIND_LABELS.partner)).toBe('Un partenaire (centre de jardinage, club, revendeur)');
    expect(translator(bilingual).text(KIND_LABELS.partner)).toBe('A partner (garden centre, club, reseller)');
    expect(waitText(45)).toBe('45 seconds');
  });
});

describe('the locales option', () => {
  it('keeps a site in one language as it was: one locale, no Astro i18n, paths untouched', () => {
    const site = parseOptions(TEST_OPTIONS).site;
    expect(site.locale).toBe('en-CA');
    expect(site.locales).toEqual(['en-CA']);
    expect(astroI18n(site)).toBeUndefined();
    expect(requestLocale(site, '/fr/contact')).toEqual({ locale: 'en-CA', path: '/fr/contact' });
    expect(localizedPath(site, 'fr-CA', '/contact')).toBe('/contact');
    // A build made before the option existed recorded no locales: the same as one.
    expect(requestLocale({ locale: 'en-CA' } as never, '/fr/contact')).toEqual({ locale: 'en-CA', path: '/fr/contact' });
    const french = parseOptions({ ...TEST_OPTIONS, site: { ...TEST_OPTIONS.site, locale: 'fr-CA' } }).site;
    expect([french.locale, french.locales]).toEqual(['fr-CA', ['fr-CA']]);
  });

  it('makes the first locale the default, at /, and each other one Astro routes under its language', () => {
    expect(bilingual.locale).toBe('en-CA');
    expect(astroI18n(bilingual)).toEqual({
      defaultLocale: 'en',
      locales: [
        { path: 'en', codes: ['en-CA'] },
        { path: 'fr', codes: ['fr-CA'] },
      ],
      routing: { prefixDefaultLocale: false, redirectToDefaultLocale: false, fallbackType: 'redirect' },
    });
  });

  it('decides a request’s locale from its path prefix alone', () => {
    expect(requestLocale(bilingual, '/fr/contact/message')).toEqual({ locale: 'fr-CA', path: '/contact/message' });
    expect(requestLocale(bilingual, '/fr/')).toEqual({ locale: 'fr-CA', path: '/' });
    expect(requestLocale(bilingual, '/fr')).toEqual({ locale: 'fr-CA', path: '/' });
    expect(requestLocale(bilingual, '/contact/message')).toEqual({ locale: 'en-CA', path: '/contact/message' });
    // The default locale has no prefix, and a word that starts like one is not one.
    expect(requestLocale(bilingual, '/en/contact')).toEqual({ locale: 'en-CA', path: '/en/contact' });
    expect(requestLocale(bilingual, '/france/')).toEqual({ locale: 'en-CA', path: '/france/' });
    expect(localizedPath(bilingual, 'fr-CA', '/contact')).toBe('/fr/contact');
    expect(localizedPath(bilingual, 'en-CA', '/contact')).toBe('/contact');
  });

  it('refuses locale options that contradict each other, naming the option', () => {
    expect(rejection({ locale: 'fr-CA', locales: ['en-CA', 'fr-CA'] })).toContain(
      '- site.locale: is the default locale, the first of site.locales ("en-CA"): leave site.locale out',
    );
    expect(rejection({ locales: ['en-CA', 'en-US'] })).toContain('- site.locales[1]: "en-US" has the same language as "en-CA"');
    expect(rejection({ locales: [] })).toContain('- site.locales: needs at least 1 items (received 0)');
    expect(rejection({ locales: ['english'] })).toContain('- site.locales[0]: use a BCP 47 tag such as "en-CA"');
  });

  it('checks the project’s wording against the catalogues: known keys, the site’s locales, the same values', () => {
    const message = rejection({
      locales: ['en-CA', 'fr-CA'],
      messages: {
        'fr-CA': { 'form.fix-field': 'Corrigez.', 'field.line.too-long': 'Au plus {maximum} caractères.', 'form.expired': 'Page {' },
        'de-DE': { 'form.expired': 'Zu alt.' },
      },
    });
    expect(message).toContain('- site.messages.fr-CA.form.fix-field: "form.fix-field" is not a message key');
    expect(message).toContain('- site.messages.fr-CA.field.line.too-long: uses {maximum} where the original uses {max}');
    expect(message).toContain('- site.messages.fr-CA.form.expired: is not a valid message (check the braces)');
    expect(message).toContain('- site.messages.de-DE: "de-DE" is not one of the site\'s locales (en-CA, fr-CA)');
  });
});

describe('forms in French', () => {
  const form: FormDefinition = {
    id: 'hello',
    version: 1,
    action: '/hello',
    purpose: 'enquiries',
    submit: 'Send',
    schema: z.strictObject({ name: personName(), email: emailAddress(), town: optionalLine('Town', 40, 'address'), message: message('Message', 10, 5000) }),
  };
  const post = (fields: Record<string, string>, more: [string, string][] = []) => new URLSearchParams([...Object.entries(fields), ...more]);

  it('says every field message in the request’s language', () => {
    const read = readForm(
      form,
      post({ email: 'not an address', town: 'x'.repeat(41), message: 'y'.repeat(5001) }, [['town', 'again']]),
      translator(bilingual, 'fr-CA'),
    );
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.state.message).toBe('Veuillez corriger les champs indiqués ci-dessous.');
    expect(read.state.errors).toEqual({
      name: 'Entrez votre nom.',
      email: 'Entrez une adresse courriel comme nom@exemple.ca.',
      town: 'Ce champ a été envoyé plus d’une fois. Rechargez la page et envoyez le formulaire de nouveau.',
      message: 'Utilisez au plus 5\u00a0000 caractères (raccourcissez le texte ou envoyez deux messages).',
    });
  });

  it('says the same in English as before catalogues, without a translator', () => {
    const read = readForm(
      form,
      post({ name: 'A\nB', email: 'a@b.example', message: 'short' }, [
        ['extra', '1'],
        ['other', '2'],
      ]),
    );
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.state.message).toBe('This form does not have the fields “extra”, “other”. Reload the page and send it again.');
    expect(read.state.errors).toEqual({ name: 'Write your name on one line.', message: 'Write at least 10 characters.' });
  });
});
