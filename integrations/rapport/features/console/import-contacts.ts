import { createHash, randomUUID } from 'node:crypto';
import { CsvError, parse } from 'csv-parse/sync';
import type { Kysely } from 'kysely';
import { erasedAddressHash } from '../../core/privacy/core-data.ts';
import type { RapportConfig } from '../../config/schema.ts';
import { emailAddress, ONE_LINE } from '../../core/forms/fields.ts';
import type { AuditEntry } from '../../core/store/audit.ts';
import { CONTACT_KINDS, type ContactKind, type Database } from '../../core/store/schema.ts';

/**
 * Importing contacts from a CSV file, in two steps: a check that writes nothing and says what
 * would happen, then the import itself, planned again from the same file inside the transaction
 * that writes it. Nobody is subscribed to a list without a consent-ledger entry saying who
 * vouched for it (the admin, with a statement they ticked), from which file, under which policy.
 */

/** The largest body the import page takes (the server refuses more with 413 before reading it); `feature.ts` declares the same. */
export const IMPORT_MAX_BODY_BYTES = 2 * 1024 * 1024;
/** The largest file: the report page sends the file back in a hidden field, so leave room for that form's other fields. */
export const IMPORT_MAX_FILE_BYTES = IMPORT_MAX_BODY_BYTES - 32 * 1024;
export const IMPORT_MAX_ROWS = 10_000;
/** How many refused rows (and notes) a report lists; the counts cover all of them. */
export const REPORT_LIMIT = 200;

export const IMPORT_COLUMNS = ['email', 'name', 'organisation', 'kind', 'tags', 'consent', 'consent_date', 'consent_source'] as const;
type Column = (typeof IMPORT_COLUMNS)[number];

const FORM_ID = 'import';
// Inserts are batched: 10,000 rows one statement each would hold the transaction for seconds on PostgreSQL.
const BATCH = 500;

/** A row of the file that passed its checks. */
export interface ImportRow {
  /** The line of the file it ends on (the header is line 1), as a spreadsheet numbers it. */
  row: number;
  email: string;
  name: string;
  organisation: string;
  /** Absent when the file leaves it empty. */
  kind: ContactKind | undefined;
  tags: string[];
  /** The lists this person agreed to receive, per the file. */
  lists: string[];
  consentDate: string | undefined;
  consentSource: string | undefined;
}

/** Something about one row, for the report. */
export interface RowMessage {
  row: number;
  email: string;
  message: string;
}

export type Readout = { ok: true; rows: ImportRow[]; refused: RowMessage[]; total: number } | { ok: false; message: string; status: number };

/** What the store knows about an address in the file. */
export interface Existing {
  id: string;
  name: string;
  organisation: string | null;
  kind: ContactKind;
  tags: Set<string>;
  /** List id → its status and when it last changed. */
  lists: Map<string, { status: 'pending' | 'confirmed' | 'unsubscribed'; updatedAt: string }>;
}

/** One contact the import writes. */
export interface PlannedContact {
  row: number;
  email: string;
  /** Absent for a new contact. */
  contactId: string | undefined;
  /** A new contact's fields, or an existing one's fields that change. */
  fields: { name?: string; organisation?: string; kind?: ContactKind };
  addTags: string[];
  /** Lists to subscribe to (confirmed), each with a consent entry; `pending` ones are confirmed in place. */
  subscribe: Array<{ list: string; was: 'none' | 'pending' }>;
  consentDate: string | undefined;
  consentSource: string | undefined;
}

export interface Plan {
  /** Data rows in the file. */
  total: number;
  contacts: PlannedContact[];
  created: number;
  updated: number;
  unchanged: number;
  /** Subscriptions recorded, each with one consent entry, per list. */
  byList: Record<string, number>;
  subscriptions: number;
  refused: RowMessage[];
  notes: RowMessage[];
}

/**
 * The uploaded bytes as text: UTF-8 only (a spreadsheet's "CSV UTF-8"), byte-order mark dropped,
 * line ends made `\n` (the browser sends the report page's hidden copy back with `\r\n`, so the
 * check and the import must read the same text either way).
 */
export function decodeUpload(bytes: Uint8Array): { ok: true; text: string } | { ok: false; message: string } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return {
      ok: false,
      message:
        'This file is not in UTF-8, so accented letters would come out wrong. In your spreadsheet, save it as “CSV UTF-8” (Excel) or choose the UTF-8 character set (LibreOffice, Numbers), then upload it again.',
    };
  }
  return normaliseText(text);
}

/** The text as both steps read it (see `decodeUpload`). */
export function normaliseText(text: string): { ok: true; text: string } | { ok: false; message: string } {
  const plain = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  // A control character cannot travel in the report page's hidden field (nor belongs in a contact list).
  if (/[\p{Cc}]/u.test(plain.replace(/[\n\t]/g, ''))) return { ok: false, message: 'This file has control characters in it, so it is not a text CSV file.' };
  return { ok: true, text: plain };
}

/** SHA-256 of the text, which the report page sends back with it: the import refuses a copy that changed on the way. */
export const textHash = (text: string) => createHash('sha256').update(text).digest('hex');

/** A file name fit for a ledger entry and a timeline: no folders, one line, at most 100 characters. */
export function cleanFileName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  const clean = base
    .replace(/\p{Cc}/gu, '')
    .trim()
    .slice(0, 100);
  return clean || 'contacts.csv';
}

const columnName = (header: string) =>
  header
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

const CSV_PROBLEMS: Record<string, string> = {
  CSV_RECORD_INCONSISTENT_FIELDS_LENGTH: 'has a different number of values than the header has columns (a comma too many or too few?)',
  CSV_QUOTE_NOT_CLOSED: 'opens a quotation mark that is never closed',
  INVALID_OPENING_QUOTE: 'has a quotation mark inside a value that is not in quotes',
  CSV_INVALID_CLOSING_QUOTE: 'has characters right after a closing quotation mark',
};

const shown = (value: string) => (value.length > 60 ? `${value.slice(0, 60)}…` : value);
const oneLine = (value: string, max: number) => value.length <= max && ONE_LINE.test(value);

/**
 * Reads the file: the whole file is refused for a missing header or e-mail column, unknown
 * columns (named), more than `IMPORT_MAX_ROWS` rows or CSV it cannot read; a bad row is refused
 * on its own, with its number and what is wrong.
 */
export function readImport(text: string, config: RapportConfig): Readout {
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, {
      bom: true,
      relax_column_count: false,
      skip_empty_lines: true,
      trim: true,
      info: true,
      // One record past the limit is enough to know the file is too long.
      to: IMPORT_MAX_ROWS + 2,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      const what = CSV_PROBLEMS[error.code] ?? 'cannot be read as CSV';
      return { ok: false, status: 422, message: `Row ${line ?? '?'} of the file ${what}. Nothing was imported; correct the file and upload it again.` };
    }
    throw error;
  }
  const [head, ...body] = records;
  if (!head) return { ok: false, status: 422, message: 'The file is empty. The first row must name the columns, e.g. email,name,organisation.' };
  if (body.length > IMPORT_MAX_ROWS)
    return {
      ok: false,
      status: 413,
      message: `The file has more than ${IMPORT_MAX_ROWS.toLocaleString('en')} rows. Split it into smaller files and import them one by one.`,
    };

  const columns = head.record.map(columnName);
  const unknown = columns.flatMap((c, i) =>
    (IMPORT_COLUMNS as readonly string[]).includes(c) ? [] : [c === '' ? `column ${i + 1} (no name)` : `“${shown(c)}”`],
  );
  if (unknown.length > 0) {
    const hint = columns.some((c) => c.includes(';') || c.includes('\t')) ? ' The columns must be separated by commas.' : '';
    return {
      ok: false,
      status: 422,
      message: `This file has ${unknown.length === 1 ? 'a column' : 'columns'} the import does not know: ${unknown.join(', ')}. The columns it takes are ${IMPORT_COLUMNS.join(', ')}.${hint}`,
    };
  }
  const twice = columns.find((c, i) => columns.indexOf(c) !== i);
  if (twice) return { ok: false, status: 422, message: `The column “${twice}” appears twice. Keep one and upload the file again.` };
  if (!columns.includes('email'))
    return { ok: false, status: 422, message: 'The file has no “email” column. The first row must name the columns, and one of them must be email.' };

  const index = new Map(columns.map((c, i) => [c as Column, i]));
  const lists = new Map(config.crm.lists.map((l) => [l.id.toLowerCase(), l.id]));
  const seen = new Map<string, number>();
  const address = emailAddress();
  const rows: ImportRow[] = [];
  const refused: RowMessage[] = [];
  for (const { record, info } of body) {
    const cell = (c: Column) => {
      const i = index.get(c);
      return i === undefined ? '' : (record[i] ?? '').trim();
    };
    const row = info.lines;
    const raw = cell('email');
    const problems: string[] = [];
    const parsed = address.safeParse(raw);
    const email = parsed.success ? parsed.data.toLowerCase() : raw;
    if (raw === '') problems.push('no e-mail address');
    else if (!parsed.success) problems.push(`invalid address “${shown(raw)}”`);
    else if (seen.has(email)) problems.push(`the same address as row ${seen.get(email)}`);
    const name = cell('name');
    if (!oneLine(name, 100)) problems.push('the name must be one line of at most 100 characters');
    const organisation = cell('organisation');
    if (!oneLine(organisation, 200)) problems.push('the organisation must be one line of at most 200 characters');
    const kindText = cell('kind').toLowerCase();
    const kind = kindText === '' ? undefined : (CONTACT_KINDS as readonly string[]).includes(kindText) ? (kindText as ContactKind) : null;
    if (kind === null) problems.push(`unknown kind “${shown(cell('kind'))}” (use ${CONTACT_KINDS.join(', ')})`);
    const tags = [
      ...new Set(
        cell('tags')
          .split(';')
          .map((t) => t.trim().toLowerCase())
          .filter(Boolean),
      ),
    ];
    if (tags.some((t) => !oneLine(t, 50))) problems.push('each tag must be one line of at most 50 characters');
    if (tags.length > 20) problems.push('at most 20 tags per person');
    const named = [
      ...new Set(
        cell('consent')
          .split(';')
          .map((l) => l.trim())
          .filter(Boolean),
      ),
    ];
    const badLists = named.filter((l) => !lists.has(l.toLowerCase()));
    if (badLists.length > 0)
      problems.push(
        `unknown list${badLists.length > 1 ? 's' : ''} ${badLists.map((l) => `“${shown(l)}”`).join(', ')} in consent (the lists are ${[...lists.values()].join(', ')})`,
      );
    const consentDate = cell('consent_date') || undefined;
    if (consentDate !== undefined && !isPastDate(consentDate)) problems.push(`the consent date “${shown(consentDate)}” is not a past date like 2025-04-30`);
    const consentSource = cell('consent_source') || undefined;
    if (consentSource !== undefined && !oneLine(consentSource, 200)) problems.push('the consent source must be one line of at most 200 characters');

    if (problems.length > 0) {
      refused.push({ row, email: shown(raw), message: problems.join('; ') });
      continue;
    }
    seen.set(email, row);
    rows.push({
      row,
      email,
      name,
      organisation,
      kind: kind ?? undefined,
      tags,
      lists: named.map((l) => lists.get(l.toLowerCase())!),
      consentDate,
      consentSource,
    });
  }
  return { ok: true, rows, refused, total: body.length };
}

/** A date (or date and time) that is not in the future. */
function isPastDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) return false;
  const at = Date.parse(value.replace(' ', 'T'));
  return Number.isFinite(at) && at <= Date.now() + 86_400_000;
}

const chunks = <T>(items: readonly T[], size = BATCH): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** What the store knows about these addresses (contacts, their tags and list subscriptions). */
export async function loadExisting(db: Kysely<Database>, emails: readonly string[]): Promise<Map<string, Existing>> {
  const found = new Map<string, Existing>();
  const byId = new Map<string, Existing>();
  for (const part of chunks(emails)) {
    const contacts = await db.selectFrom('contacts').select(['id', 'email', 'name', 'organisation', 'kind']).where('email', 'in', part).execute();
    for (const c of contacts) {
      const existing: Existing = { id: c.id, name: c.name, organisation: c.organisation, kind: c.kind, tags: new Set(), lists: new Map() };
      found.set(c.email, existing);
      byId.set(c.id, existing);
    }
  }
  for (const ids of chunks([...byId.keys()])) {
    const [tags, lists] = await Promise.all([
      db.selectFrom('contact_tags').select(['contact_id', 'tag']).where('contact_id', 'in', ids).execute(),
      db.selectFrom('list_subscriptions').select(['contact_id', 'list', 'status', 'updated_at']).where('contact_id', 'in', ids).execute(),
    ]);
    for (const t of tags) byId.get(t.contact_id)?.tags.add(t.tag);
    for (const l of lists) byId.get(l.contact_id)?.lists.set(l.list, { status: l.status, updatedAt: l.updated_at });
  }
  return found;
}

/**
 * What importing these rows would do, given what the store holds: new contacts; existing ones get
 * their empty fields filled (a name or organisation already set is replaced, and the kind
 * changed, only with `updateExisting`) and their missing tags; each list in a row's consent
 * becomes a confirmed subscription with a consent entry, except for someone who unsubscribed
 * (left as is, and said so).
 */
export function planImport(
  rows: readonly ImportRow[],
  existing: ReadonlyMap<string, Existing>,
  options: { updateExisting: boolean; labels: Record<string, string> },
): Plan {
  const plan: Plan = { total: rows.length, contacts: [], created: 0, updated: 0, unchanged: 0, byList: {}, subscriptions: 0, refused: [], notes: [] };
  for (const r of rows) {
    const known = existing.get(r.email);
    const planned: PlannedContact = {
      row: r.row,
      email: r.email,
      contactId: known?.id,
      fields: {},
      addTags: r.tags.filter((t) => !known?.tags.has(t)),
      subscribe: [],
      consentDate: r.consentDate,
      consentSource: r.consentSource,
    };
    if (!known) {
      planned.fields = { name: r.name, organisation: r.organisation, kind: r.kind ?? 'prospect' };
    } else {
      if (r.name && r.name !== known.name && (known.name === '' || options.updateExisting)) planned.fields.name = r.name;
      if (r.organisation && r.organisation !== (known.organisation ?? '') && (!known.organisation || options.updateExisting))
        planned.fields.organisation = r.organisation;
      if (r.kind && r.kind !== known.kind && options.updateExisting) planned.fields.kind = r.kind;
    }
    for (const list of r.lists) {
      const current = known?.lists.get(list);
      if (current?.status === 'confirmed') continue;
      if (current?.status === 'unsubscribed') {
        plan.notes.push({
          row: r.row,
          email: r.email,
          message: `${options.labels[list] ?? list}: unsubscribed on ${current.updatedAt.slice(0, 10)}; left as is.`,
        });
        continue;
      }
      planned.subscribe.push({ list, was: current ? 'pending' : 'none' });
      plan.byList[list] = (plan.byList[list] ?? 0) + 1;
      plan.subscriptions += 1;
    }
    const changes = Object.keys(planned.fields).length > 0 || planned.addTags.length > 0 || planned.subscribe.length > 0;
    if (!known) plan.created += 1;
    else if (changes) plan.updated += 1;
    else plan.unchanged += 1;
    if (!known || changes) plan.contacts.push(planned);
  }
  return plan;
}

/** What the admin states for a list before its subscribers are imported; its SHA-256 goes in each consent entry. */
export const consentStatement = (config: RapportConfig, list: string) => {
  const label = config.crm.lists.find((l) => l.id === list)?.label ?? list;
  return `These people agreed to receive ${label} from ${config.site.name}, and I can show how and when each of them agreed.`;
};

export const listLabels = (config: RapportConfig): Record<string, string> => Object.fromEntries(config.crm.lists.map((l) => [l.id, l.label]));

/** The check: what importing `text` would do now. Writes nothing. */
export async function checkImport(db: Kysely<Database>, config: RapportConfig, text: string, updateExisting: boolean, secret: string) {
  const readout = readImport(text, config);
  if (!readout.ok) return readout;
  // Someone who had their information erased is never put back by a file: the row is refused and said so.
  const erased = await erasedAmong(
    db,
    secret,
    readout.rows.map((r) => r.email),
  );
  const rows = readout.rows.filter((r) => !erased.has(r.email));
  const plan = planImport(
    rows,
    await loadExisting(
      db,
      rows.map((r) => r.email),
    ),
    { updateExisting, labels: listLabels(config) },
  );
  plan.refused = [
    ...readout.refused,
    ...readout.rows
      .filter((r) => erased.has(r.email))
      .map((r) => ({ row: r.row, email: r.email, message: 'This person had their information deleted at their request: they are not added again.' })),
  ].sort((a, b) => a.row - b.row);
  plan.total = readout.total;
  return { ok: true as const, plan };
}

/** The addresses among these that were erased at their owner's request (looked up by keyed hash). */
async function erasedAmong(db: Kysely<Database>, secret: string, emails: readonly string[]): Promise<Set<string>> {
  const byHash = new Map(emails.map((e) => [erasedAddressHash(secret, e), e]));
  const found = new Set<string>();
  const hashes = [...byHash.keys()];
  for (let i = 0; i < hashes.length; i += 500) {
    const rows = await db
      .selectFrom('erased_addresses')
      .select('hash')
      .where('hash', 'in', hashes.slice(i, i + 500))
      .execute();
    for (const r of rows) found.add(byHash.get(r.hash)!);
  }
  return found;
}

/** Raised when a contact appeared between reading and writing (another form, another import): the transaction is undone. */
export class ImportRaced extends Error {}

export interface ApplyInput {
  text: string;
  hash: string;
  fileName: string;
  updateExisting: boolean;
  /** The lists whose consent statement the admin ticked. */
  confirmed: readonly string[];
}

/**
 * The import itself, in the caller's transaction: the file is read and planned again, then
 * written in full. Returns the audit entry, or why nothing was done.
 */
export async function applyImport(
  trx: Kysely<Database>,
  env: { config: RapportConfig; privacyVersion: string; now: Date; secret: string },
  input: ApplyInput,
): Promise<{ ok: true; plan: Plan; audit: AuditEntry } | { ok: false; error: string; status: number }> {
  const again = 'Nothing was imported. Upload the file again.';
  const normal = normaliseText(input.text);
  if (!normal.ok) return { ok: false, error: `${normal.message} ${again}`, status: 422 };
  if (textHash(normal.text) !== input.hash) return { ok: false, error: `The file’s content changed on its way back from the report. ${again}`, status: 400 };
  const checked = await checkImport(trx, env.config, normal.text, input.updateExisting, env.secret);
  if (!checked.ok) return { ok: false, error: `${checked.message} ${again}`, status: checked.status };
  const { plan } = checked;
  const unconfirmed = Object.keys(plan.byList).filter((l) => !input.confirmed.includes(l));
  if (unconfirmed.length > 0) {
    const labels = listLabels(env.config);
    return {
      ok: false,
      error: `Tick the statement for ${unconfirmed.map((l) => labels[l] ?? l).join(' and ')}: nobody is subscribed without it. ${again}`,
      status: 422,
    };
  }
  if (plan.contacts.length === 0) return { ok: false, error: 'This file changes nothing: every contact in it is already as the file says.', status: 409 };

  const now = env.now.toISOString();
  const file = cleanFileName(input.fileName);
  const wording = Object.fromEntries(Object.keys(plan.byList).map((l) => [l, consentStatement(env.config, l)]));
  await writePlan(trx, plan, { file, now, privacyVersion: env.privacyVersion, labels: listLabels(env.config), wording });

  const refused = plan.refused.length;
  return {
    ok: true,
    plan,
    audit: {
      action: 'import.apply',
      summary: `Imported ${file}: ${plan.created} new, ${plan.updated} updated, ${plan.unchanged} unchanged, ${plan.subscriptions} subscriptions with consent${refused ? `, ${refused} rows refused` : ''}`,
      data: {
        file,
        rows: plan.total,
        created: plan.created,
        updated: plan.updated,
        unchanged: plan.unchanged,
        refused,
        subscriptions: plan.byList,
        updateExisting: input.updateExisting,
        consent: Object.entries(wording).map(([list, statement]) => ({ list, statement, wordingHash: sha256(statement) })),
        policyVersion: env.privacyVersion,
      },
    },
  };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function writePlan(
  trx: Kysely<Database>,
  plan: Plan,
  env: { file: string; now: string; privacyVersion: string; labels: Record<string, string>; wording: Record<string, string> },
) {
  const { now, file } = env;
  const ids = new Map(plan.contacts.map((c) => [c, c.contactId ?? randomUUID()]));
  const fresh = plan.contacts.filter((c) => !c.contactId);
  for (const part of chunks(fresh)) {
    const inserted = await trx
      .insertInto('contacts')
      .values(
        part.map((c) => ({
          id: ids.get(c)!,
          email: c.email,
          name: c.fields.name ?? '',
          organisation: c.fields.organisation || null,
          kind: c.fields.kind ?? 'prospect',
          created_at: now,
          updated_at: now,
        })),
      )
      .onConflict((oc) => oc.column('email').doNothing())
      .returning('id')
      .execute();
    if (inserted.length !== part.length) throw new ImportRaced();
  }
  for (const c of plan.contacts) {
    if (!c.contactId || Object.keys(c.fields).length === 0) continue;
    await trx
      .updateTable('contacts')
      .set({ ...c.fields, updated_at: now })
      .where('id', '=', c.contactId)
      .execute();
  }
  const tags = plan.contacts.flatMap((c) => c.addTags.map((tag) => ({ contact_id: ids.get(c)!, tag, created_at: now })));
  for (const part of chunks(tags)) {
    await trx
      .insertInto('contact_tags')
      .values(part)
      .onConflict((oc) => oc.columns(['contact_id', 'tag']).doNothing())
      .execute();
  }
  const subscriptions = plan.contacts.flatMap((c) => c.subscribe.map((s) => ({ ...s, contactId: ids.get(c)! })));
  for (const part of chunks(subscriptions.filter((s) => s.was === 'none'))) {
    await trx
      .insertInto('list_subscriptions')
      .values(part.map((s) => ({ contact_id: s.contactId, list: s.list, status: 'confirmed' as const, created_at: now, confirmed_at: now, updated_at: now })))
      .execute();
  }
  for (const list of Object.keys(plan.byList)) {
    const pending = subscriptions.filter((s) => s.was === 'pending' && s.list === list).map((s) => s.contactId);
    for (const part of chunks(pending)) {
      await trx
        .updateTable('list_subscriptions')
        .set({ status: 'confirmed', confirmed_at: now, updated_at: now })
        .where('list', '=', list)
        .where('contact_id', 'in', part)
        .where('status', '=', 'pending')
        .execute();
    }
  }
  // The same entries `appendConsent` writes, in batches: one per subscription, never changed afterwards.
  const hashes = Object.fromEntries(Object.entries(env.wording).map(([list, statement]) => [list, sha256(statement)]));
  for (const part of chunks(subscriptions)) {
    await trx
      .insertInto('consent_ledger')
      .values(
        part.map((s) => ({
          id: randomUUID(),
          contact_id: s.contactId,
          purpose: `newsletter:${s.list}`,
          action: 'granted' as const,
          form_id: FORM_ID,
          wording_hash: hashes[s.list]!,
          policy_version: env.privacyVersion,
          source: `import:${file}`,
          created_at: now,
        })),
      )
      .execute();
  }
  // Timeline entries as `recordActivity` writes them: each new contact's origin, and each existing
  // contact's new subscriptions with what the file said about the consent.
  const activities = plan.contacts.flatMap((c): Array<{ contactId: string; type: string; summary: string; data: unknown }> => {
    const lists = c.subscribe.map((s) => s.list);
    const consent = lists.length > 0 ? { lists, date: c.consentDate ?? null, source: c.consentSource ?? null } : undefined;
    if (!c.contactId)
      return [{ contactId: ids.get(c)!, type: 'imported', summary: `Imported from ${file}`, data: { file, row: c.row, tags: c.addTags, consent } }];
    if (!consent) return [];
    const names = lists.map((l) => env.labels[l] ?? l).join(', ');
    return [{ contactId: c.contactId, type: 'subscribed', summary: `Subscribed to ${names} (imported from ${file})`, data: { file, row: c.row, consent } }];
  });
  for (const part of chunks(activities)) {
    await trx
      .insertInto('activities')
      .values(part.map((a) => ({ id: randomUUID(), contact_id: a.contactId, type: a.type, summary: a.summary, data: JSON.stringify(a.data), created_at: now })))
      .execute();
  }
}
