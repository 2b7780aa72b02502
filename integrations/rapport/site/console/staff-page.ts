import type { AstroGlobal } from 'astro';
import type { Kysely } from 'kysely';
import { can, isStaffRole, ROLE_LABELS, type Permission, type StaffRole } from '../../core/security/roles.ts';
import { SESSION_COOKIE, sessionPerson } from '../../core/security/sessions.ts';
import type { Services } from '../../core/services.ts';
import { HttpError } from '../../core/errors.ts';
import { recordAudit, type Actor, type AuditEntry } from '../../core/store/audit.ts';
import type { Database } from '../../core/store/schema.ts';

/** The signed-in staff member a console page is drawn for. */
export interface Staff {
  accountId: string;
  contactId: string;
  email: string;
  name: string;
  role: StaffRole;
}

/** What a console page works with once the request is allowed. */
export interface ConsoleContext {
  staff: Staff;
  s: Services;
  actor: Actor;
}

type Page = Pick<AstroGlobal, 'locals' | 'cookies' | 'request' | 'url' | 'response'>;

/** What permission each console area needs, in the words a refusal uses. */
const AREAS: Record<Permission, string> = {
  console: 'the staff console',
  cms: 'the content manager',
  contacts: 'contacts',
  import: 'importing contacts',
  messages: 'messages',
  orders: 'orders',
  questions: 'visitors’ questions',
  mail: 'outgoing mail',
  segments: 'segments',
  campaigns: 'newsletter campaigns',
  staff: 'staff accounts',
  audit: 'the audit log',
};

/**
 * The first line of every console page: the signed-in staff member whose role includes
 * `permission`, or the response to send instead (a sign-in redirect, or 403 and nothing done).
 * Console pages are never cached or indexed.
 */
export async function consolePage(astro: Page, permission: Permission): Promise<ConsoleContext | Response> {
  astro.response.headers.set('Cache-Control', 'private, no-store');
  astro.response.headers.set('X-Robots-Tag', 'noindex');
  astro.response.headers.set('Referrer-Policy', 'same-origin');
  const s = astro.locals.rapport?.services;
  if (!s) return refusal(503, 'The staff console needs Rapport’s server (npm start).');
  const person = await sessionPerson(s.db, astro.cookies.get(SESSION_COOKIE)?.value, s.clock);
  if (!person) {
    if (astro.request.method !== 'GET' && astro.request.method !== 'HEAD')
      return refusal(403, 'Sign in again: your session has ended, so nothing was changed.');
    return new Response(null, { status: 303, headers: { Location: '/account/sign-in', 'Cache-Control': 'no-store' } });
  }
  if (!isStaffRole(person.role) || !can(person.role, permission)) {
    const role = ROLE_LABELS[person.role] ?? person.role;
    return refusal(403, `Your role (${role}) does not include ${AREAS[permission]}. Ask an admin if you need it.`);
  }
  const staff: Staff = { accountId: person.accountId, contactId: person.contactId, email: person.email, name: person.name, role: person.role };
  return { staff, s, actor: { accountId: staff.accountId, email: staff.email } };
}

/** What a console action's work returns: where to go next and what the audit log records, or a message for the form. */
export type ActionResult = { redirect: string; audit: AuditEntry | AuditEntry[] } | { error: string; status?: number };

/**
 * Runs a console form (a POST to the page that drew it, origin-checked by the server before it
 * gets here): the permission is checked again, the change and its audit entries are written in
 * one transaction, and the answer is a 303 back to a page (Post/Redirect/Get). A refusal (the
 * work's `{ error }`, or an `HttpError` it throws) rolls the transaction back and is returned as
 * `{ error, status }` for the page to draw beside its form, with nothing changed.
 */
export async function consoleAction(
  astro: Page,
  ctx: ConsoleContext,
  permission: Permission,
  work: (trx: Kysely<Database>, form: FormData) => Promise<ActionResult>,
  /** The form, when the page has already read it (to choose between actions). */
  read?: FormData,
): Promise<Response | { error: string; status: number }> {
  if (!can(ctx.staff.role, permission)) {
    return { error: `Your role (${ROLE_LABELS[ctx.staff.role]}) does not include ${AREAS[permission]}, so nothing was changed.`, status: 403 };
  }
  let form: FormData;
  try {
    form = read ?? (await astro.request.formData());
  } catch {
    return { error: 'That form could not be read. Reload the page and try again.', status: 400 };
  }
  let result: Extract<ActionResult, { redirect: string }>;
  try {
    result = await ctx.s.db.transaction().execute(async (trx) => {
      const outcome = await work(trx, form);
      // A refusal found after something was written must not keep it: throw to roll back.
      if ('error' in outcome) throw new Refused(outcome.error, outcome.status ?? 400);
      for (const entry of [outcome.audit].flat()) await recordAudit(trx, ctx.actor, entry, ctx.s.clock());
      return outcome;
    });
  } catch (error) {
    // A refusal, or an error meant for people (`HttpError`: an order that cannot move, say), rolled everything back.
    if (error instanceof Refused || error instanceof HttpError) return { error: error.message, status: error.status };
    throw error;
  }
  return new Response(null, { status: 303, headers: { Location: result.redirect, 'Cache-Control': 'no-store' } });
}

class Refused extends Error {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

/** A short page for a refused request (the console's frame needs a staff member to draw). */
export function refusal(status: number, message: string): Response {
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>Not allowed</title></head><body style="font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem"><h1>${status === 403 ? 'Not allowed' : 'Not available'}</h1><p>${escape(message)}</p><p><a href="/admin/crm/">Staff console</a> · <a href="/account/">Your account</a></p></body></html>`;
  return new Response(body, {
    status,
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'private, no-store', 'X-Robots-Tag': 'noindex' },
  });
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
