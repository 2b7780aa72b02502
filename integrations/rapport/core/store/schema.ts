import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { Role } from '../security/roles.ts';

/**
 * The CRM store's tables. Portable across SQLite and PostgreSQL: ids are text (UUIDs made by the
 * application), times are ISO-8601 UTC text (sortable as text), JSON is text.
 */
export interface Database {
  contacts: ContactsTable;
  visit_counts: VisitCountsTable;
  survey_responses: SurveyResponsesTable;
  survey_answers: SurveyAnswersTable;
  survey_links_used: SurveyLinksUsedTable;
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
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  order_events: OrderEventsTable;
  shipments: ShipmentsTable;
  audit_log: AuditLogTable;
  contact_tags: ContactTagsTable;
  message_handling: MessageHandlingTable;
  mail_templates: MailTemplatesTable;
  mail_events: MailEventsTable;
  mail_suppressions: MailSuppressionsTable;
  campaigns: CampaignsTable;
  campaign_recipients: CampaignRecipientsTable;
  campaign_links: CampaignLinksTable;
  campaign_reader_events: CampaignReaderEventsTable;
  erased_addresses: ErasedAddressesTable;
  privacy_requests: PrivacyRequestsTable;
  wish_list_items: WishListItemsTable;
  stock_requests: StockRequestsTable;
  reorder_reminders: ReorderRemindersTable;
  winback_templates: WinbackTemplatesTable;
  winback_notes: WinbackNotesTable;
  care_reminders: CareRemindersTable;
  append_only_permits: { table_name: string };
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
  /** When a link mailed to this address was first used; until then its mail is budgeted. */
  email_confirmed_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** Staff's own notes; never shown to the contact. */
  notes: ColumnType<string | null, string | null | undefined, string | null>;
  /** When the person's data was erased; the row stays, holding nothing about them, for what still points at it. */
  erased_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** The language (BCP 47, e.g. `fr-CA`) of the last form they sent; their mail is written in it. Null: the site's default. */
  language: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Append-only: the database refuses UPDATE and DELETE on this table. */
export interface ConsentLedgerTable {
  id: string;
  contact_id: string;
  /** What the consent is for, e.g. `newsletter:news`. */
  purpose: string;
  action: 'granted' | 'withdrawn';
  form_id: string;
  /** SHA-256 of the exact wording shown next to the checkbox or button, in `language`. */
  wording_hash: string;
  /** The language (BCP 47) the wording was shown in; null for consents recorded before languages were (the site's default). */
  language: ColumnType<string | null, string | null | undefined, string | null>;
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
  role: Role;
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
  /** When `pending`: when it is due. When `sending`: the claim's lease deadline (past it, another worker may send it). */
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
  /** The shared body this message is merged from (`mail_templates`); its own subject and bodies are then empty. */
  template_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** JSON: the values merged into the template's `{{name}}` places for this recipient. */
  vars: ColumnType<string | null, string | null | undefined, string | null>;
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

export const ORDER_STATUSES = ['received', 'confirmed', 'shipped', 'delivered', 'cancelled', 'returned'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** An order with its figures as charged (cents, in `currency`). */
export interface OrdersTable {
  id: string;
  /** What the customer sees, e.g. `261125-7K3Q`; unique. */
  number: string;
  contact_id: string;
  status: OrderStatus;
  currency: string;
  subtotal_cents: number;
  shipping_cents: number;
  tax_cents: number;
  total_cents: number;
  /** JSON: [{ name, rate, cents }]. */
  taxes: string;
  shipping_option: string;
  /** JSON: the shipping address as entered. */
  ship_to: string;
  payment_method: string;
  /** The customer's purchase-order reference, when paying by PO. */
  po_number: string | null;
  note: string | null;
  /** The hidden key of the form the order came from: a form sent twice makes one order. */
  form_key: string;
  /** The customer ticked "e-mail me after delivery" (express consent for the follow-up). */
  follow_up_consent: number;
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
  /** When the after-sale e-mail is due (set on delivery); cleared when sent or not to be sent. */
  follow_up_due_at: string | null;
  followed_up_at: string | null;
}

export interface OrderLinesTable {
  id: string;
  order_id: string;
  position: number;
  sku: string;
  name: string;
  unit: string;
  quantity: number;
  unit_cents: number;
  total_cents: number;
}

export interface OrderEventsTable {
  id: string;
  order_id: string;
  status: OrderStatus;
  note: string | null;
  /** Who: `customer`, `staff:<email>`, `system`. */
  actor: string;
  created_at: string;
}

export interface ShipmentsTable {
  id: string;
  order_id: string;
  /** Carrier id from carriers.ts, or null when the number matched none. */
  carrier: string | null;
  tracking_number: string;
  tracking_url: string | null;
  /** How sure the carrier detection was: `high` (check digit), `medium` (format), `staff` (given), `none`. */
  confidence: string;
  created_at: string;
}

/** Append-only: every staff action, who did it and on which record. */
export interface AuditLogTable {
  id: string;
  created_at: string;
  /** The staff account, or null for the command line. */
  actor_account_id: string | null;
  /** The account's address when it acted, or `cli`. */
  actor: string;
  /** A dotted name, e.g. `order.ship`, `contact.update`, `staff.add`. */
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  /** What happened, in a line an owner can read. */
  summary: string;
  /** Details (JSON): the fields changed, their old and new values. */
  data: string | null;
}

export interface ContactTagsTable {
  contact_id: string;
  /** Lower-cased, trimmed. */
  tag: string;
  created_at: string;
}

export const MESSAGE_STATUSES = ['new', 'answered', 'closed'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** The inbox status of a contact-form message (an `enquiry` activity); no row means new. */
export interface MessageHandlingTable {
  activity_id: string;
  status: MessageStatus;
  /** The staff account that last changed it. */
  handled_by: string | null;
  updated_at: string;
}

/** A message body shared by many outbox rows (a campaign): `{{name}}` places are filled from each row's `vars`. */
export interface MailTemplatesTable {
  id: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  /** JSON object; values may hold `{{name}}` places too. */
  headers: string | null;
  created_at: string;
}

export const MAIL_EVENT_KINDS = ['hard-bounce', 'soft-bounce', 'complaint'] as const;
export type MailEventKind = (typeof MAIL_EVENT_KINDS)[number];

/** A delivery outcome learnt after sending: a refusal, a delivery status notification, an abuse report. */
export interface MailEventsTable {
  id: string;
  /** Lower-cased. */
  email: string;
  kind: MailEventKind;
  /** Where it was learnt: `smtp`, `dsn`, `arf`, `mailgun`, `sendgrid`. */
  source: string;
  /** The message it is about, when known. */
  outbox_id: string | null;
  detail: string | null;
  created_at: string;
}

export const SUPPRESSION_REASONS = ['bounced', 'soft-bounces', 'complained', 'erased'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/** Addresses no list mail goes to again. */
export interface MailSuppressionsTable {
  /** Lower-cased. */
  email: string;
  reason: SuppressionReason;
  detail: string | null;
  created_at: string;
}

export const CAMPAIGN_STATUSES = ['scheduled', 'sending', 'paused', 'cancelled', 'sent'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** A newsletter issue sent to one or more lists. */
/** Page views per day by page, referring domain or device (features/visits): totals only, nothing about a visitor. */
export interface VisitCountsTable {
  day: string;
  dimension: 'page' | 'referrer' | 'device' | 'missing' | 'search-miss';
  value: string;
  views: ColumnType<number, number, number>;
}

export interface SurveyResponsesTable {
  id: string;
  survey: string;
  source: 'page' | 'order';
  locale: string;
  /** The hour it was sent. */
  created_at: string;
}

/** After-sale e-mail links that have answered their survey: a keyed digest, nothing else. */
export interface SurveyLinksUsedTable {
  survey: string;
  link: string;
}

export interface SurveyAnswersTable {
  response_id: string;
  survey: string;
  /** The question's position, from 1. */
  question: number;
  /** A choice's position (from 1), a scale's point, or the words written. */
  value: string;
}

export interface CampaignsTable {
  id: string;
  issue_slug: string;
  subject: string;
  /** JSON array of list ids. */
  lists: string;
  status: CampaignStatus;
  send_at: string;
  form_key: string;
  created_by: string | null;
  created_by_email: string;
  created_at: string;
  /** When the recipients were taken (the send began). */
  started_at: string | null;
  finished_at: string | null;
  template_id: string | null;
  recipients: ColumnType<number, number | undefined, number>;
  /** Messages handed to the outbox per minute; 0 for as fast as the mail server takes them. */
  rate_per_minute: number;
  next_batch_at: string;
  /** Clicks (and opens, when on) recorded per reader for this campaign. */
  per_person: ColumnType<number, number | undefined, number>;
  /** Why it is paused or held back (the issue is gone, the mail server is not answering). */
  note: ColumnType<string | null, string | null | undefined, string | null>;
  /** Only the subscribers in this customer segment (`lapsed`, `best`…); null for everyone on the lists. */
  segment: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface CampaignRecipientsTable {
  campaign_id: string;
  contact_id: string;
  ref: string;
  email: string;
  list: string;
  status: 'pending' | 'queued' | 'skipped';
  /** Why a recipient was left out after the snapshot: `unsubscribed`, `suppressed`, `cancelled`. */
  skip_reason: string | null;
  outbox_id: string | null;
  queued_at: string | null;
}

/** A link in a campaign, reached through `/r/<id>`; position -1 with an empty url is the tracking image (opens), when on. */
export interface CampaignLinksTable {
  id: string;
  campaign_id: string;
  position: number;
  url: string;
  clicks: ColumnType<number, number | undefined, number>;
}

/** A click (or, with `link_id` null, an open) by one reader; only with per-person tracking on. */
export interface CampaignReaderEventsTable {
  id: string;
  campaign_id: string;
  ref: string;
  link_id: string | null;
  created_at: string;
}

/** An erased address, as a keyed hash: mail and imports check it; nothing reads the address back. */
export interface ErasedAddressesTable {
  /** HMAC-SHA256 (hex) of the lower-cased address under the site's secret. */
  hash: string;
  contact_id: string;
  erased_at: string;
}

export const PRIVACY_REQUEST_KINDS = ['access', 'correction', 'erasure', 'link'] as const;
export type PrivacyRequestKind = (typeof PRIVACY_REQUEST_KINDS)[number];

/** A request to see, correct or erase one's data: done at once when self-served, open (with its due date) otherwise. */
export interface PrivacyRequestsTable {
  id: string;
  contact_id: string;
  /** `link` is a request form's one-time link mailed and not used yet. */
  kind: PrivacyRequestKind;
  /** `account`, `link`, `staff:<email>`, `cli`. */
  via: string;
  status: 'open' | 'done';
  created_at: string;
  /** 30 days after the request (PIPEDA's limit). */
  due_at: string;
  done_at: string | null;
  note: string | null;
}

/** A product a signed-in customer keeps on their wish list. */
export interface WishListItemsTable {
  contact_id: string;
  sku: string;
  created_at: string;
}

/** Someone waiting for a product to be available again (features/wishlist). */
export interface StockRequestsTable {
  id: string;
  contact_id: string;
  sku: string;
  /** Pending until the mailed confirmation link is used (signed-in customers: confirmed at once). */
  status: 'pending' | 'confirmed';
  /** The language of the page it was asked on: the notice is written in it. */
  language: string | null;
  created_at: string;
  /** A pending request's end (deleted after). */
  expires_at: string | null;
  confirmed_at: string | null;
  /** Set by the one server that sends the notice (a conditional update claims the row). */
  notified_at: string | null;
}

/** The win-back note's template in one language, as staff last saved it. */
export interface WinbackTemplatesTable {
  language: string;
  subject: string;
  body: string;
  updated_at: string;
  /** The staff member's address. */
  updated_by: string;
}

/** One win-back note sent; `id` is the sending form's key (a repeated post finds it taken). */
export interface WinbackNotesTable {
  id: string;
  contact_id: string;
  /** The staff member's address. */
  sent_by: string;
  language: string;
  subject: string;
  outbox_id: string | null;
  created_at: string;
}

/** A reminder a customer set for a care date on a product or FAQ answer (features/care-reminders). */
export interface CareRemindersTable {
  id: string;
  contact_id: string;
  /** `product:<SKU>` or `faq:<slug>`: the page it was asked on. */
  subject: string;
  /** The care date's words in the site's default language, as the page had them (staff, export). */
  what: string;
  /** The care date as written for the business's region. */
  care_month: number;
  care_day: number;
  /** The customer's country and province or state: they move the date. */
  country: string;
  region: string;
  /** Pending until the mailed link is used (signed-in customers: active at once); ended when its page left the site. */
  status: 'pending' | 'active' | 'ended';
  /** The language of the page it was asked on: the reminder is written in it. */
  language: string | null;
  created_at: string;
  /** A pending reminder's end (deleted after). */
  expires_at: string | null;
  confirmed_at: string | null;
  /** The next moment it is sent (midnight of its day in the business time zone). */
  due_at: string | null;
  /** That day, `2026-10-01`: the claim moves it on a year. */
  due_day: string | null;
  last_sent_at: string | null;
  ended_at: string | null;
}

/** One reorder reminder per contact and season: the claim that keeps it to one mail (features/reorder). */
export interface ReorderRemindersTable {
  contact_id: string;
  /** `<season id>:<year it opened>`, or `yearly:<order id>` for products without an ordering window. */
  season: string;
  status: 'sent' | 'skipped';
  /** JSON: the SKUs suggested. */
  skus: string;
  created_at: string;
}
