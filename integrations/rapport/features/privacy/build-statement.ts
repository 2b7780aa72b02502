import { createHash } from 'node:crypto';
import { describeFields, type FieldView, type FormDefinition } from '../../core/forms/define-form.ts';
import type { CookieUse, FeaturePrivacy } from '../../core/privacy/declaration.ts';
import { atLeast, describePeriod, type Period, type RetentionRule } from '../../core/privacy/personal-data.ts';
import type { MessageKey } from '../../i18n/catalogues.ts';
import { DEFAULT_TRANSLATOR, isCatalogueText, type Translator } from '../../i18n/translate.ts';
import { jurisdictionText, JURISDICTION_TEXT, type Jurisdiction } from './jurisdictions.ts';
import type { PrivacySettings } from './settings.ts';
import {
  CATEGORY_LABELS,
  DATA_CATEGORIES,
  PROCESSOR_ROLE_LABELS,
  PURPOSE_TITLES,
  PURPOSES,
  RETENTION_KINDS,
  RETENTION_LABELS,
  vocabularyKey,
  type DataCategory,
  type RetentionKind,
  type LegalBasis,
  type ProcessorRole,
  type Purpose,
} from '../../core/privacy/vocabulary.ts';

/** What the version hashes: everything the statement says is collected, why, by whom and for how long (not how it is worded on forms). */
export interface StatementFacts {
  jurisdictions: Jurisdiction[];
  purposes: Array<{
    purpose: Purpose;
    description: string;
    legalBases: LegalBasis[];
    /** `<form id>.<field>` → category. */
    fields: Record<string, DataCategory>;
    stores: Array<{ what: string; category: DataCategory; kept?: string | undefined }>;
  }>;
  /** Retention kind → the period as the statement words it. */
  retention: Record<string, string>;
  processors: PrivacySettings['processors'];
  cookies: CookieUse[];
  organisation: PrivacySettings['organisation'];
  contact: PrivacySettings['contact'];
  requests: string;
  intro: string;
  /** The same facts as each other locale's statement says them (a site in several): their wording is part of the version too. */
  translated?: Record<string, Omit<StatementFacts, 'translated'>> | undefined;
}

export interface PurposeSection {
  purpose: Purpose;
  title: string;
  description: string;
  /** What is collected, by category: field labels first, then what the features keep. */
  collected: Array<{ category: DataCategory; label: string; items: string[] }>;
  kept: string[];
  legalBases: string[];
  recipients: string[];
}

export interface Statement {
  /** The locale it is worded in. */
  locale: string;
  /** `<effective date>+<hash of the facts>`: recorded with every consent. */
  version: string;
  effectiveDate: string;
  facts: StatementFacts;
  /** How the history names each field (`<form id>.<field>` → label), for "what changed". */
  labels: Record<string, string>;
  intro: string;
  organisation: PrivacySettings['organisation'];
  contact: PrivacySettings['contact'];
  requests: string;
  purposes: PurposeSection[];
  processors: Array<{ name: string; role: string; receives: string; location: string }>;
  retention: Array<{ label: string; period: string }>;
  /** The periods the server's retention job enforces, by kind: the same settings the table above prints. */
  periods: Partial<Record<RetentionKind, Period>>;
  /** What an erasure keeps, in what form, and why. */
  erasureKeeps: Array<{ what: string; why: string }>;
  cookies: CookieUse[];
  jurisdictions: Array<{ id: Jurisdiction; title: string; paragraphs: string[] }>;
  rights: Array<{ title: string; text: string }>;
  regulators: Array<{ name: string; url: string }>;
  showLegalBasis: boolean;
  notCollected: string[];
  /** Texts it shows in the default locale's words, for want of a translation (the page marks them with their language). */
  untranslated: string[];
}

/** The build refuses a statement that would not cover what the site collects; the message names every gap. */
export class PrivacyDeclarationError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`The privacy statement does not cover what this site collects:\n${problems.map((p) => `- ${p}`).join('\n')}`);
    this.name = 'PrivacyDeclarationError';
    this.problems = problems;
  }
}

const FORM_TITLED = new Set([
  'subscribe',
  'preferences',
  'account-lists',
  'register',
  'sign-in',
  'contact',
  'faq-ask',
  'order',
  'account-details',
  'account-delete',
  'privacy-request',
  'privacy-open',
  'privacy-delete',
]);
/** How messages and the statement name a form: its own `title`, else `privacy.form.<id>`. */
export const formTitle = (form: Pick<FormDefinition, 'id' | 'title'>, say: Translator = DEFAULT_TRANSLATOR) =>
  form.title ? say.text(form.title) : FORM_TITLED.has(form.id) ? say(`privacy.form.${form.id}` as MessageKey) : say('privacy.form.other', { id: form.id });

/** How the statement lists a field: its declared family name, else its label without "(optional…)". */
export const statementLabel = (field: FieldView) => field.privacy?.as ?? field.label.replace(/\s*\(optional[^)]*\)/i, '').trim();

const fieldKey = (form: FormDefinition, field: FieldView) => `${form.id}.${field.privacy?.as ? field.privacy.as : field.name}`;
const SETTINGS_PLACE = 'in the CMS (Settings → Privacy statement)';

/** What a statement is built from; `say` words it (the default locale's translator when absent). */
export interface StatementInput {
  settings: PrivacySettings;
  intro: string;
  features: FeaturePrivacy[];
  say?: Translator | undefined;
  /**
   * A statement in another locale than the site's default: a declaration's text the catalogues do
   * not translate is listed in `untranslated`, as are `fallbacks` (the editor's texts it takes from
   * the default locale's settings).
   */
  translation?: { fallbacks: Iterable<string> } | undefined;
}

/**
 * The statement, from the features' declarations and the editor's settings. Throws
 * `PrivacyDeclarationError` naming each field, stored item or processor the settings do not cover.
 */
export function buildStatement(input: StatementInput): Statement {
  const { settings, features } = input;
  const say = input.say ?? DEFAULT_TRANSLATOR;
  const untranslated = new Set<string>(input.translation?.fallbacks ?? []);
  /** A declaration's text (a catalogue text in the default words) in `say`'s locale. */
  const tr = (text: string) => {
    if (input.translation && !isCatalogueText(text)) untranslated.add(text);
    return say.text(text);
  };
  /** A text made of others reads in the default language when one of them does. */
  const joined = (text: string, ...parts: string[]) => {
    if (parts.some((p) => untranslated.has(p))) untranslated.add(text);
    return text;
  };
  const word = vocabularyKey;
  const period = (p: Period) => say(`privacy.period.${p.unit}`, { amount: p.amount });
  const problems: string[] = [];
  const described = new Map(settings.purposes.map((p) => [p.purpose, p.description]));
  const periods = new Map(settings.retention.map((r) => [r.data, r]));
  // The periods the enabled features enforce; the settings must give each one a length, and may set no other.
  const rules = new Map<RetentionKind, { rule: RetentionRule; feature: FeaturePrivacy }>();
  for (const feature of features) for (const rule of feature.personal?.retention ?? []) rules.set(rule.kind, { rule, feature });
  const periodText = (kind: RetentionKind) => {
    const { rule } = rules.get(kind)!;
    const set = periods.get(kind)!;
    const sentence = capitalise(
      say('privacy.period.sentence', { period: period({ amount: set.keep, unit: set.unit }), from: tr(rule.from), then: tr(rule.then) }),
    );
    return joined(`${sentence}${set.note ? ` ${set.note}` : ''}`, rule.from, rule.then, set.note ?? '');
  };
  const listed = new Set(settings.processors.map((p) => p.role));
  // Who collects each category (for the message when it is not covered), and what each purpose gathers.
  const sources = new Map<DataCategory, string[]>();
  const byPurpose = new Map<
    Purpose,
    { fields: Map<string, { category: DataCategory; label: string }>; stores: FeaturePrivacy['stores']; features: Set<FeaturePrivacy> }
  >();
  const purposeOf = (p: Purpose) => byPurpose.get(p) ?? byPurpose.set(p, { fields: new Map(), stores: [], features: new Set() }).get(p)!;
  const undescribed = new Map<Purpose, string>();
  const labels: Record<string, string> = {};

  for (const feature of features) {
    for (const form of feature.forms) {
      for (const field of describeFields(form)) {
        const where = `field \`${field.name}\` of the ${formTitle(form)} (${feature.name})`;
        if (!field.privacy) {
          problems.push(
            `The ${where} does not say what it collects. Mark it in its zod schema with \`.meta({ ...collects('<category>') })\`, one of ${DATA_CATEGORIES.join(', ')}, or 'none' when it holds nothing about a person.`,
          );
          continue;
        }
        if (field.privacy.category === 'none') continue;
        const purpose = field.privacy.purpose ?? form.purpose;
        const entry = purposeOf(purpose);
        entry.features.add(feature);
        entry.fields.set(fieldKey(form, field), { category: field.privacy.category, label: tr(statementLabel(field)) });
        labels[fieldKey(form, field)] = say('privacy.field.label', { field: tr(statementLabel(field)), form: formTitle(form, say) });
        addTo(sources, field.privacy.category, `the ${where}`);
        if (!described.has(purpose) && !undescribed.has(purpose)) undescribed.set(purpose, `the ${formTitle(form)} (${feature.name})`);
      }
    }
    for (const item of feature.stores) {
      const entry = purposeOf(item.purpose);
      entry.features.add(feature);
      entry.stores.push(item);
      addTo(sources, item.category, `the ${feature.name} feature (“${item.what}”)`);
      if (!described.has(item.purpose) && !undescribed.has(item.purpose)) undescribed.set(item.purpose, `the ${feature.name} feature`);
    }
    for (const use of feature.processors) {
      if (!listed.has(use.role)) {
        problems.push(
          `The ${feature.name} feature relies on ${PROCESSOR_ROLE_LABELS[use.role].toLowerCase()} (it ${use.why}), but the privacy settings list no processor with the role "${use.role}". Add the company you use under Processors ${SETTINGS_PLACE}, with what it receives and where.`,
        );
      }
    }
  }
  for (const [purpose, who] of undescribed) {
    problems.push(
      `${capitalise(who)} collects information for “${PURPOSE_TITLES[purpose]}”, which the privacy statement does not explain. Add the purpose "${purpose}" under Purposes ${SETTINGS_PLACE}, saying in plain words why you collect it.`,
    );
  }
  for (const [kind, { rule, feature }] of rules) {
    const set = periods.get(kind);
    if (!set) {
      problems.push(
        `The ${feature.name} feature deletes “${RETENTION_LABELS[kind].toLowerCase()}” ${rule.from}, but the privacy settings do not say after how long. Add "${kind}" under Retention ${SETTINGS_PLACE}, with the period you keep it.`,
      );
    } else if (rule.minimum && !atLeast({ amount: set.keep, unit: set.unit }, rule.minimum.period)) {
      problems.push(
        `The retention period for “${RETENTION_LABELS[kind].toLowerCase()}” is ${describePeriod({ amount: set.keep, unit: set.unit })}, shorter than ${describePeriod(rule.minimum.period)}: ${rule.minimum.why}. Set at least ${describePeriod(rule.minimum.period)} under Retention ${SETTINGS_PLACE}.`,
      );
    }
  }
  for (const kind of periods.keys()) {
    if (!rules.has(kind)) {
      problems.push(
        `The privacy settings promise to delete “${RETENTION_LABELS[kind].toLowerCase()}” after a period, but nothing on this site keeps or deletes that information, so the promise would not be kept by anything. Remove "${kind}" from Retention ${SETTINGS_PLACE}, or turn on the feature that keeps it.`,
      );
    }
  }
  // Every kind of information collected must end somewhere: a period the server enforces, or one the code sets itself.
  const ended = new Set<DataCategory>([
    ...[...rules.values()].flatMap(({ rule }) => rule.categories),
    ...features.flatMap((f) => f.stores.filter((x) => x.kept).map((x) => x.category)),
  ]);
  for (const [category, who] of sources) {
    if (!ended.has(category)) {
      problems.push(
        `${capitalise(who[0]!)}${who.length > 1 ? ` and ${who.length - 1} more` : ''} collect${who.length > 1 ? '' : 's'} ${CATEGORY_LABELS[category].toLowerCase()}, but no enabled feature declares a retention period that ends it (\`personal.retention\` in its privacy declaration) nor a period its code keeps (\`kept\`).`,
      );
    }
  }
  if (problems.length > 0) throw new PrivacyDeclarationError([...new Set(problems)]);

  const usedPurposes = PURPOSES.filter((p) => byPurpose.has(p));
  const showLegalBasis = settings.jurisdictions.some((j) => JURISDICTION_TEXT[j].legalBasis);
  const basesOf = (p: Purpose) => [...new Set([...byPurpose.get(p)!.features].flatMap((f) => f.legalBases[p] ?? []))];
  const rolesOf = (p: Purpose) =>
    new Set<ProcessorRole>([...byPurpose.get(p)!.features].flatMap((f) => f.processors.filter((u) => !u.for || u.for.includes(p)).map((u) => u.role)));
  // One row per cookie: the first feature to declare it (visitors' features come before staff ones) says why.
  const cookies = [
    ...features
      .flatMap((f) => f.cookies)
      .reduce((m, c) => (m.has(c.name) ? m : m.set(c.name, c)), new Map<string, CookieUse>())
      .values(),
  ].map((c) => ({ ...c, why: tr(c.why), lasts: tr(c.lasts) }));
  const kept = (what: string, how: string) => joined(say('privacy.kept.item', { what, how }), what, how);

  const facts: StatementFacts = {
    jurisdictions: [...settings.jurisdictions].sort(),
    purposes: usedPurposes.map((p) => {
      const entry = byPurpose.get(p)!;
      return {
        purpose: p,
        description: described.get(p)!,
        legalBases: basesOf(p),
        fields: Object.fromEntries([...entry.fields].map(([k, v]) => [k, v.category])),
        stores: entry.stores.map((s) => ({ what: tr(s.what), category: s.category, ...(s.kept ? { kept: tr(s.kept) } : {}) })),
      };
    }),
    retention: Object.fromEntries(RETENTION_KINDS.filter((k) => rules.has(k)).map((k) => [k, periodText(k)])),
    processors: settings.processors,
    cookies,
    organisation: settings.organisation,
    contact: settings.contact,
    requests: settings.requests,
    intro: input.intro,
  };
  const effectiveDate = settings.effectiveDate.toISOString().slice(0, 10);
  const version = versionOf(effectiveDate, facts);

  const purposes: PurposeSection[] = usedPurposes.map((p) => {
    const entry = byPurpose.get(p)!;
    const categories = DATA_CATEGORIES.filter((c) => [...entry.fields.values()].some((f) => f.category === c) || entry.stores.some((s) => s.category === c));
    const roles = rolesOf(p);
    return {
      purpose: p,
      title: say(word('privacy.purpose', p)),
      description: described.get(p)!,
      collected: categories.map((c) => ({
        category: c,
        label: say(word('privacy.category', c)),
        items: [
          ...new Set([
            ...[...entry.fields.values()].filter((f) => f.category === c).map((f) => f.label),
            ...entry.stores.filter((s) => s.category === c).map((s) => tr(s.what)),
          ]),
        ],
      })),
      kept: [
        ...RETENTION_KINDS.filter((k) => {
          const r = rules.get(k);
          return r && entry.features.has(r.feature) && r.rule.categories.some((c) => categories.includes(c));
        }).map((k) => kept(say(word('privacy.retention', k)), lowerFirst(periodText(k)))),
        ...entry.stores.filter((s) => s.kept).map((s) => kept(tr(s.what), tr(s.kept!))),
      ],
      legalBases: basesOf(p).map((b) => say(word('privacy.basis', b))),
      recipients: settings.processors.filter((x) => roles.has(x.role)).map((x) => x.name),
    };
  });
  const jurisdictions = settings.jurisdictions.map((id) => ({ id, ...jurisdictionText(id, say) }));
  const regulators = jurisdictions.flatMap((j) => (j.regulator ? [j.regulator] : []));
  return {
    locale: say.locale,
    version,
    effectiveDate,
    facts,
    labels,
    intro: input.intro,
    organisation: settings.organisation,
    contact: settings.contact,
    requests: settings.requests,
    purposes,
    processors: settings.processors.map((x) => ({ name: x.name, role: say(word('privacy.role', x.role)), receives: x.receives, location: x.location })),
    retention: RETENTION_KINDS.filter((k) => rules.has(k)).map((k) => ({ label: say(word('privacy.retention', k)), period: periodText(k) })),
    periods: Object.fromEntries(RETENTION_KINDS.filter((k) => rules.has(k)).map((k) => [k, { amount: periods.get(k)!.keep, unit: periods.get(k)!.unit }])),
    erasureKeeps: features.flatMap((f) => f.personal?.keeps ?? []).map((k) => ({ what: tr(k.what), why: tr(k.why) })),
    cookies,
    jurisdictions: jurisdictions.map(({ id, title, paragraphs }) => ({ id, title, paragraphs })),
    rights: [
      ...COMMON_RIGHTS.map((r) => ({ title: say(`privacy.right.${r}.title`), text: say(`privacy.right.${r}.text`) })),
      {
        title: say('privacy.right.complain.title'),
        text: say(regulators.length > 0 ? 'privacy.right.complain.regulators' : 'privacy.right.complain.anywhere'),
      },
      ...jurisdictions.flatMap((j) => j.rights ?? []),
    ],
    regulators,
    showLegalBasis,
    notCollected: [...new Set(features.flatMap((f) => f.notCollected ?? []))].map(tr),
    untranslated: [...untranslated],
  };
}

/** `<effective date>+<first 8 hex digits of the SHA-256 of the facts>`. */
export const versionOf = (effectiveDate: string, facts: StatementFacts) =>
  `${effectiveDate}+${createHash('sha256').update(JSON.stringify(facts)).digest('hex').slice(0, 8)}`;

/** The rights every statement offers, whatever the law: access, correction, withdrawal, erasure (and complaint, added with its regulators). */
const COMMON_RIGHTS = ['access', 'correct', 'withdraw', 'erase'] as const;

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const addTo = <K, V>(map: Map<K, V[]>, key: K, value: V) => void (map.get(key) ?? map.set(key, []).get(key)!).push(value);
