import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseOptions } from '../../integrations/rapport/config/parse-options.ts';
import { describeFields } from '../../integrations/rapport/core/forms/define-form.ts';
import { enabledDeclarations } from '../../integrations/rapport/features/declared.ts';
import { buildStatement, statementLabel } from '../../integrations/rapport/features/privacy/build-statement.ts';
import { describeChanges, historyIn, withVersion } from '../../integrations/rapport/features/privacy/history.ts';
import { prepareStatement } from '../../integrations/rapport/features/privacy/prepare-statement.ts';
import { privacySettingsSchema, type PrivacySettings } from '../../integrations/rapport/features/privacy/settings.ts';
import { loadTranslatedSettings } from '../../integrations/rapport/features/privacy/translated-settings.ts';
import { PURPOSES, RETENTION_KINDS } from '../../integrations/rapport/core/privacy/vocabulary.ts';
import { isCatalogueText, translator } from '../../integrations/rapport/i18n/translate.ts';
import { TEST_OPTIONS } from '../helpers/test-options.ts';

const config = parseOptions({ ...TEST_OPTIONS, site: { ...TEST_OPTIONS.site, locales: ['en-CA', 'fr-CA'] } });
const fr = translator(config.site, 'fr-CA');
const features = () => enabledDeclarations(config, true);
/** Only the periods the enabled features enforce (a period nothing enforces fails the build). */
const enforced = () => new Set(features().flatMap((f) => (f.personal?.retention ?? []).map((r) => r.kind)));

/** The settings as `privacy.md` holds them (YAML-ready), covering every purpose and processor role the site uses. */
const englishInput = () => ({
  effectiveDate: '2026-11-25',
  organisation: { name: 'Test Shop Ltd.', address: '1 Main St\nCalgary, AB T2P 1A1' },
  contact: { name: 'Pat Lee, privacy officer', email: 'privacy@test.example', phone: '+1 403 555 0199' },
  jurisdictions: ['pipeda', 'quebec', 'casl'],
  purposes: PURPOSES.map((purpose) => ({ purpose, description: `Why we collect information for ${purpose}, in plain words.` })),
  retention: RETENTION_KINDS.filter((k) => enforced().has(k)).map((data) => ({ data, keep: data === 'orders' ? 6 : 2, unit: 'years' })),
  processors: [
    { name: 'Host Inc.', role: 'hosting', receives: 'Everything', location: 'Canada' },
    { name: 'Mailer LLC', role: 'mail', receives: 'Your e-mail address', location: 'United States' },
    { name: 'Canada Post', role: 'carrier', receives: 'Your name and address', location: 'Canada' },
  ],
  requests: 'Write to privacy@test.example; we answer within 30 days.',
});

/** The same settings in French, as `privacy.fr.md` holds them: every text translated, every other value the same. */
const frenchInput = () => {
  const en = englishInput();
  return {
    ...en,
    organisation: { name: 'Boutique Test ltée', address: '1, rue Main\nCalgary (Alberta) T2P 1A1' },
    contact: { ...en.contact, name: 'Pat Lee, responsable de la protection des renseignements personnels' },
    purposes: en.purposes.map((p) => ({ purpose: p.purpose, description: `Pourquoi nous recueillons des renseignements pour ${p.purpose}, en mots simples.` })),
    processors: en.processors.map((p, i) => ({
      ...p,
      receives: ['Tout', 'Votre adresse courriel', 'Votre nom et votre adresse'][i]!,
      location: i === 1 ? 'États-Unis' : 'Canada',
    })),
    requests: 'Écrivez à privacy@test.example; nous répondons dans les 30 jours.',
  };
};

const english = (): PrivacySettings => privacySettingsSchema.parse(englishInput());
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
/** A project whose content folder holds these settings files (`privacy.md`, and `privacy.fr.md` when given). */
const project = (en: object, french?: object, intro = { en: 'We are a small shop.', fr: 'Nous sommes une petite boutique.' }) => {
  const root = mkdtempSync(path.join(tmpdir(), 'rapport-privacy-fr-'));
  dirs.push(root);
  mkdirSync(path.join(root, 'content', 'settings'), { recursive: true });
  writeFileSync(path.join(root, 'content', 'settings', 'privacy.md'), `---\n${stringify(en)}---\n${intro.en}\n`);
  if (french) writeFileSync(path.join(root, 'content', 'settings', 'privacy.fr.md'), `---\n${stringify(french)}---\n${intro.fr}\n`);
  return pathToFileURL(`${root}/`);
};
const prepared = (root: URL) => prepareStatement(config, true, root, '2026-11-25')!;
const settingsFile = (root: URL) => path.join(root.pathname, 'content', 'settings', 'privacy.fr.md');

describe('the privacy statement in French', () => {
  it('says the same declarations in French: headings, kinds of data, periods, rights, laws, cookies and what deleting keeps', () => {
    const s = buildStatement({ settings: english(), intro: '', features: features(), say: fr, translation: { fallbacks: [] } });
    expect(s.locale).toBe('fr-CA');
    expect(s.purposes.find((p) => p.purpose === 'orders')?.title).toBe('Traiter vos commandes');
    expect(s.purposes.find((p) => p.purpose === 'newsletter')?.collected.map((c) => c.label)).toContain('Traces de vos consentements');
    expect(s.retention.find((r) => r.label === 'Les messages que vous nous envoyez')?.period).toBe(
      '2 ans après notre réponse ou la fermeture du message (ou après sa réception, si nous n’y répondons jamais), puis tout est supprimé.',
    );
    expect(s.processors.map((p) => p.role)).toEqual(['Hébergement du site et de la base de données', 'Envoi des courriels', 'Transporteur de colis']);
    expect(s.rights.map((r) => r.title)).toEqual(expect.arrayContaining(['Les faire rectifier', 'Portabilité', 'Désindexation', 'Porter plainte']));
    expect(s.jurisdictions.find((j) => j.id === 'quebec')?.paragraphs.join(' ')).toMatch(/responsable de la protection des renseignements personnels/);
    expect(s.regulators.map((r) => r.name)).toContain('la Commission d’accès à l’information du Québec');
    expect(s.cookies.find((c) => c.name === 'rapport_session')?.lasts).toBe('30 jours, ou jusqu’à ce que vous vous déconnectiez');
    expect(s.erasureKeeps.map((k) => k.what).join(' ')).toMatch(/empreinte chiffrée de votre adresse courriel/);
    expect(s.notCollected.join(' ')).toMatch(/n’est pas enregistré/);
  });

  it('leaves no declaration text in English: every form label is a catalogue text, so none is shown (and marked) in the default words', () => {
    const s = buildStatement({ settings: english(), intro: '', features: features(), say: fr, translation: { fallbacks: [] } });
    const labels = features().flatMap((f) =>
      f.forms.flatMap((form) =>
        describeFields(form)
          .filter((field) => field.privacy?.category !== 'none')
          .map(statementLabel),
      ),
    );
    expect(labels.length).toBeGreaterThan(20);
    expect(labels.filter((label) => !isCatalogueText(label))).toEqual([]);
    expect(s.untranslated).toEqual([]);
    // Every sentence a feature declares is a catalogue text, so it has its French words.
    for (const f of features()) {
      for (const text of [
        ...f.stores.flatMap((x) => [x.what, ...(x.kept ? [x.kept] : [])]),
        ...f.cookies.flatMap((c) => [c.why, c.lasts]),
        ...(f.notCollected ?? []),
        ...(f.personal?.keeps ?? []).flatMap((k) => [k.what, k.why]),
        ...(f.personal?.retention ?? []).flatMap((r) => [r.from, r.then]),
      ])
        expect(isCatalogueText(text), `${f.id}: ${text}`).toBe(true);
    }
  });

  it('has the same sections, anchors and facts in both languages', () => {
    const en = buildStatement({ settings: english(), intro: '', features: features() });
    const s = buildStatement({ settings: english(), intro: '', features: features(), say: fr, translation: { fallbacks: [] } });
    expect(s.purposes.map((p) => p.purpose)).toEqual(en.purposes.map((p) => p.purpose));
    expect(s.purposes.map((p) => p.collected.map((c) => c.category))).toEqual(en.purposes.map((p) => p.collected.map((c) => c.category)));
    expect(s.jurisdictions.map((j) => j.id)).toEqual(en.jurisdictions.map((j) => j.id));
    expect(s.cookies.map((c) => c.name)).toEqual(en.cookies.map((c) => c.name));
    expect(s.periods).toEqual(en.periods);
    expect(Object.keys(s.facts.retention)).toEqual(Object.keys(en.facts.retention));
    expect(s.purposes.find((p) => p.purpose === 'orders')?.title).not.toBe(en.purposes.find((p) => p.purpose === 'orders')?.title);
  });

  it('takes the editor’s French texts, falls back to the English ones a French file lacks, and lists those', () => {
    const input = frenchInput();
    const partial = { ...input, requests: undefined, purposes: input.purposes.filter((p) => p.purpose !== 'newsletter') };
    const root = project(englishInput(), JSON.parse(JSON.stringify(partial)) as object);
    const loaded = loadTranslatedSettings(settingsFile(root), 'fr-CA', { settings: english(), intro: 'We are a small shop.' });
    expect(loaded.settings.organisation.name).toBe('Boutique Test ltée');
    expect(loaded.settings.purposes.find((p) => p.purpose === 'orders')?.description).toMatch(/^Pourquoi nous recueillons/);
    expect(loaded.settings.purposes.find((p) => p.purpose === 'newsletter')?.description).toBe('Why we collect information for newsletter, in plain words.');
    expect(loaded.settings.requests).toBe(englishInput().requests);
    expect(loaded.fallbacks.sort()).toEqual([englishInput().requests, 'Why we collect information for newsletter, in plain words.'].sort());
    expect(loaded.intro).toBe('Nous sommes une petite boutique.');

    const s = prepared(root).translations[0]!;
    expect(s.purposes.find((p) => p.purpose === 'newsletter')?.description).toMatch(/^Why we collect/);
    expect(s.untranslated).toContain('Why we collect information for newsletter, in plain words.');
    expect(s.untranslated).not.toContain(s.purposes.find((p) => p.purpose === 'orders')?.description);
  });

  it('refuses a French file that states other facts than the English one, naming each', () => {
    const input = frenchInput();
    input.retention = input.retention.map((r) => (r.data === 'messages' ? { ...r, keep: 3 } : r));
    input.jurisdictions = ['pipeda', 'casl'];
    input.processors = [input.processors[1]!, input.processors[0]!, input.processors[2]!];
    const root = project(englishInput(), input);
    expect(() => prepared(root)).toThrowError(/privacy\.fr\.md state other facts than settings\/privacy\.md/);
    try {
      prepared(root);
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/retention "messages": "3 years" here, "2 years" in settings\/privacy\.md/);
      expect(message).toMatch(/jurisdictions:/);
      expect(message).toMatch(/processors: role of number 1 \(Mailer LLC\): "mail" here, "hosting"/);
    }
  });

  it('gives both languages one version, which changes when only the French wording does', () => {
    const base = prepared(project(englishInput(), frenchInput()));
    expect(base.translations.map((t) => t.locale)).toEqual(['fr-CA']);
    expect(base.translations[0]!.version).toBe(base.statement.version);
    expect(base.statement.facts.translated?.['fr-CA']?.requests).toBe(frenchInput().requests);

    const reworded = { ...frenchInput(), requests: 'Écrivez-nous à privacy@test.example; nous répondons en 30 jours au plus.' };
    const next = prepared(project(englishInput(), reworded));
    expect(next.statement.version).not.toBe(base.statement.version);
    expect(next.translations[0]!.version).toBe(next.statement.version);
    // The English statement says exactly what it said: only the French wording moved.
    expect({ ...next.statement.facts, translated: undefined }).toEqual({ ...base.statement.facts, translated: undefined });

    const history = withVersion(base.history, next.statement, '2026-11-26', next.translations).history;
    expect(history.map((h) => h.version)).toEqual([base.statement.version, next.statement.version]);
    expect(describeChanges(history[0]!, history[1]!)).toEqual(['The French version of this statement was reworded.']);
    // The French page tells the same change in French, as the rewording of its own text.
    expect(historyIn(history, fr, 'en-CA').map((h) => h.changes)).toEqual([
      ['Première version de la présente politique.'],
      ['La façon de présenter une demande a changé.'],
    ]);
  });

  it('keeps the version of a site in one language as it was, and names the French statement a change when it arrives', () => {
    const oneLanguage = prepareStatement(parseOptions(TEST_OPTIONS), true, project(englishInput()), '2026-11-25')!;
    expect(oneLanguage.translations).toEqual([]);
    expect(oneLanguage.statement.facts.translated).toBeUndefined();
    const bilingual = prepared(project(englishInput(), frenchInput()));
    expect(bilingual.statement.version).not.toBe(oneLanguage.statement.version);
    expect(describeChanges(oneLanguage.statement, bilingual.statement)).toEqual(['This statement is now also published in French.']);
    expect(describeChanges(oneLanguage.statement, bilingual.statement, fr)).toEqual(['La présente politique est maintenant aussi publiée en français.']);
  });
});
