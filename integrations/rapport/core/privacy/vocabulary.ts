import type { MessageKey } from '../../i18n/catalogues.ts';
import { fieldMessage } from '../../i18n/translate.ts';

/**
 * The words the privacy statement is built from: the categories of data a field or feature can
 * collect, the purposes it is collected for, the legal bases and the kinds of processor. Forms
 * and features declare themselves in these terms; the editor's settings cover them.
 */

export const DATA_CATEGORIES = ['identity', 'contact', 'address', 'orders', 'messages', 'preferences', 'consent', 'technical'] as const;
export type DataCategory = (typeof DATA_CATEGORIES)[number];

/** How each category reads in the statement and in the CMS. */
export const CATEGORY_LABELS: Record<DataCategory, string> = labels(DATA_CATEGORIES, 'privacy.category');

export const PURPOSES = ['orders', 'after-sale', 'reorder', 'newsletter', 'account', 'enquiries', 'questions', 'surveys', 'rights', 'security'] as const;
export type Purpose = (typeof PURPOSES)[number];

/** The heading of each purpose's section: what a visitor would call it. */
export const PURPOSE_TITLES: Record<Purpose, string> = labels(PURPOSES, 'privacy.purpose');

export const LEGAL_BASES = ['consent', 'contract', 'legal-obligation', 'legitimate-interests'] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

export const LEGAL_BASIS_LABELS: Record<LegalBasis, string> = labels(LEGAL_BASES, 'privacy.basis');

export const PROCESSOR_ROLES = ['hosting', 'mail', 'carrier', 'payment', 'other'] as const;
export type ProcessorRole = (typeof PROCESSOR_ROLES)[number];

export const PROCESSOR_ROLE_LABELS: Record<ProcessorRole, string> = labels(PROCESSOR_ROLES, 'privacy.role');

/** What a form field collects: its category ('none' for what is not about a person), and its purpose when not the form's. */
export interface FieldPrivacy {
  category: DataCategory | 'none';
  purpose?: Purpose | undefined;
  /** How the statement names a family of fields (one quantity field per product → "Quantity of each product"). */
  as?: string | undefined;
}

/**
 * The kinds of data a retention period can be set for (Settings → Privacy statement → Retention).
 * Closed, like the purposes, so the settings can be checked against the rules features enforce.
 */
export const RETENTION_KINDS = [
  'contacts',
  'orders',
  'messages',
  'questions',
  'surveys',
  'consent',
  'sent-mail',
  'newsletter-sends',
  'delivery-reports',
] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

/** How the statement and the CMS name each kind. */
export const RETENTION_LABELS: Record<RetentionKind, string> = labels(RETENTION_KINDS, 'privacy.retention');

/** The catalogue key of one word of the vocabulary (`vocabularyKey('privacy.purpose', 'orders')`), to say it in another locale. */
export function vocabularyKey(prefix: VocabularyPrefix, id: string): MessageKey {
  return `${prefix}.${id}` as MessageKey;
}
export type VocabularyPrefix = 'privacy.category' | 'privacy.purpose' | 'privacy.basis' | 'privacy.role' | 'privacy.retention';

/** The default-locale words of a closed list, from the catalogues (`privacy.purpose.orders`): errors, the CMS and the history use them. */
function labels<T extends string>(ids: readonly T[], prefix: VocabularyPrefix): Record<T, string> {
  return Object.fromEntries(ids.map((id) => [id, fieldMessage(vocabularyKey(prefix, id))])) as Record<T, string>;
}
