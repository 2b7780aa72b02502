import type { Generated, Insertable, Selectable } from 'kysely';

/**
 * The CRM store's tables. Portable across SQLite and PostgreSQL: ids are text (UUIDs made by the
 * application), times are ISO-8601 UTC text (sortable as text), JSON is text.
 */
export interface Database {
  contacts: ContactsTable;
  consent_ledger: ConsentLedgerTable;
  list_subscriptions: ListSubscriptionsTable;
  accounts: AccountsTable;
  sessions: SessionsTable;
  tokens: TokensTable;
  activities: ActivitiesTable;
  mail_outbox: MailOutboxTable;
  rate_limits: RateLimitsTable;
  faq_questions: FaqQuestionsTable;
  faq_question_events: FaqQuestionEventsTable;
}

export const CONTACT_KINDS = ['customer', 'prospect', 'supplier', 'partner', 'investor'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];

export interface ContactsTable {
  id: string;
  /** Lower-cased; unique. */
  email: string;
  name: string;
  organisation: string | null;
  kind: ContactKind;
  created_at: string;
  updated_at: string;
}

/** Append-only: the database refuses UPDATE and DELETE on this table. */
export interface ConsentLedgerTable {
  id: string;
  contact_id: string;
  /** What the consent is for, e.g. `newsletter:news`. */
  purpose: string;
  action: 'granted' | 'withdrawn';
  form_id: string;
  /** SHA-256 of the exact wording shown next to the checkbox or button. */
  wording_hash: string;
  policy_version: string;
  /** Where it happened, e.g. `web:/subscribe` or `mail:one-click`. */
  source: string;
  created_at: string;
}

export interface ListSubscriptionsTable {
  contact_id: string;
  list: string;
  status: 'pending' | 'confirmed' | 'unsubscribed';
  created_at: string;
  confirmed_at: string | null;
  updated_at: string;
}

export interface AccountsTable {
  id: string;
  contact_id: string;
  role: 'customer' | 'editor' | 'admin';
  created_at: string;
}

export interface SessionsTable {
  /** SHA-256 of the cookie value; the value itself is never stored. */
  id_hash: string;
  account_id: string;
  created_at: string;
  expires_at: string;
}

export interface TokensTable {
  /** SHA-256 of the token; the token itself is never stored. */
  hash: string;
  purpose: string;
  contact_id: string | null;
  payload: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface ActivitiesTable {
  id: string;
  contact_id: string;
  type: string;
  summary: string;
  data: string | null;
  created_at: string;
}

export interface MailOutboxTable {
  id: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  headers: string | null;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: Generated<number>;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

/** rate-limiter-flexible's counters: points used in the window ending at `expire` (epoch ms). */
export interface RateLimitsTable {
  key: string;
  points: number;
  /** Epoch milliseconds; PostgreSQL returns bigint as a string. */
  expire: number | string | null;
}

export const QUESTION_STATUSES = ['received', 'pending_review', 'published', 'rejected', 'merged'] as const;
export type QuestionStatus = (typeof QUESTION_STATUSES)[number];

/** A visitor's question. `received` until its draft entry is written, then the entry's status. */
export interface FaqQuestionsTable {
  id: string;
  contact_id: string | null;
  question: string;
  /** Private context the asker added; never written to the content repository. */
  details: string | null;
  status: QuestionStatus;
  /** The draft entry's slug in the FAQ collection. */
  entry_slug: string | null;
  merged_into: string | null;
  created_at: string;
  updated_at: string;
  /** When the asker was sent the outcome; set once. */
  notified_at: string | null;
}

export interface FaqQuestionEventsTable {
  id: string;
  question_id: string;
  status: string;
  note: string | null;
  created_at: string;
}

export type Contact = Selectable<ContactsTable>;
export type NewContact = Insertable<ContactsTable>;
export type ConsentRecord = Selectable<ConsentLedgerTable>;
