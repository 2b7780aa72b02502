/**
 * The words the privacy statement is built from: the categories of data a field or feature can
 * collect, the purposes it is collected for, the legal bases and the kinds of processor. Forms
 * and features declare themselves in these terms; the editor's settings cover them.
 */

export const DATA_CATEGORIES = ['identity', 'contact', 'address', 'orders', 'messages', 'preferences', 'consent', 'technical'] as const;
export type DataCategory = (typeof DATA_CATEGORIES)[number];

/** How each category reads in the statement and in the CMS. */
export const CATEGORY_LABELS: Record<DataCategory, string> = {
  identity: 'Name and organisation',
  contact: 'Contact details',
  address: 'Postal address',
  orders: 'Orders and payment choices',
  messages: 'Messages and questions you write',
  preferences: 'Choices and preferences',
  consent: 'Records of your consent',
  technical: 'Technical data',
};

export const PURPOSES = ['orders', 'after-sale', 'newsletter', 'account', 'enquiries', 'questions', 'rights', 'security'] as const;
export type Purpose = (typeof PURPOSES)[number];

/** The heading of each purpose's section: what a visitor would call it. */
export const PURPOSE_TITLES: Record<Purpose, string> = {
  orders: 'Filling your orders',
  'after-sale': 'One e-mail after delivery',
  newsletter: 'Sending the e-mails you asked for',
  account: 'Your account',
  enquiries: 'Answering your messages',
  questions: 'Answering your questions on our FAQ',
  rights: 'Answering your privacy requests',
  security: 'Keeping the site safe and working',
};

export const LEGAL_BASES = ['consent', 'contract', 'legal-obligation', 'legitimate-interests'] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

export const LEGAL_BASIS_LABELS: Record<LegalBasis, string> = {
  consent: 'your consent, which you can withdraw at any time',
  contract: 'a contract with you, or steps you asked us to take before one',
  'legal-obligation': 'a legal obligation (for example, keeping tax records)',
  'legitimate-interests': 'our legitimate interests, weighed against yours',
};

export const PROCESSOR_ROLES = ['hosting', 'mail', 'carrier', 'payment', 'other'] as const;
export type ProcessorRole = (typeof PROCESSOR_ROLES)[number];

export const PROCESSOR_ROLE_LABELS: Record<ProcessorRole, string> = {
  hosting: 'Website and database hosting',
  mail: 'E-mail delivery',
  carrier: 'Parcel carrier',
  payment: 'Payments',
  other: 'Other service',
};

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
export const RETENTION_KINDS = ['contacts', 'orders', 'messages', 'questions', 'consent', 'sent-mail', 'newsletter-sends', 'delivery-reports'] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

/** How the statement and the CMS name each kind. */
export const RETENTION_LABELS: Record<RetentionKind, string> = {
  contacts: 'Your name, e-mail address and history with us, once you have no account, subscription or recent order',
  orders: 'Orders, with their addresses and shipments',
  messages: 'Messages you send us',
  questions: 'Questions you ask on our FAQ',
  consent: 'Records of the consents you gave and withdrew',
  'sent-mail': 'Copies of the e-mails we sent you',
  'newsletter-sends': 'Which newsletters we sent you (and which links you clicked, when recorded)',
  'delivery-reports': 'Reports that an e-mail to you bounced or was marked as spam',
};
