import type http from 'node:http';
import { parseCookie } from 'cookie';
import escapeHtml from 'escape-html';
import { sendJson as json } from '../core/http-io.ts';
import { outboxCounts, type OutboxCounts } from '../core/mail/outbox-admin.ts';
import { isStaff, SESSION_COOKIE, sessionPerson } from '../core/security/sessions.ts';
import type { Services } from '../core/services.ts';
import type { BuildStatus } from './live-builds.ts';

/** Where staff see how the last publish went and whether mail is stuck. */
export const STATUS_PATH = '/admin/status';

/**
 * `GET /admin/status`: how the last publish went, for editors (a failed build's log included), and
 * how outgoing mail stands (`mail`: how many messages wait, are being sent, and have failed).
 * JSON when asked for it, else a small page.
 */
export async function serveBuildStatus(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  services: Services,
  status: BuildStatus | undefined,
): Promise<void> {
  const cookies = req.headers.cookie ? parseCookie(req.headers.cookie) : {};
  const person = await sessionPerson(services.db, cookies[SESSION_COOKIE], services.clock).catch(() => undefined);
  if (!person || !isStaff(person.role)) return json(res, 401, { error: 'Sign in as staff to see the publishing status.' });
  const current = status ?? { state: 'idle', live: '' };
  const mail: OutboxCounts | null = await outboxCounts(services.db).catch((error: unknown) => {
    services.log(`Status page: counting the mail outbox failed: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  });
  if ((req.headers.accept ?? '').includes('application/json')) return json(res, 200, { ...current, mail });
  const says: Record<BuildStatus['state'], string> = {
    idle: 'Nothing published since the server started.',
    scheduled: 'A publish is waiting to be built.',
    building: 'Building the site with your changes…',
    live: `Your last publish is live${current.seconds !== undefined ? ` (${current.seconds} s from publish to live)` : ''}.`,
    failed: 'The last publish could not be built, so the live site is unchanged. Fix the entry named below and publish again.',
  };
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>Publishing status</title>${current.state === 'building' || current.state === 'scheduled' ? '<meta http-equiv="refresh" content="3">' : ''}</head><body style="font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem"><h1>Publishing status</h1><p role="status">${escapeHtml(says[current.state])}</p>${current.finishedAt ? `<p>Finished ${escapeHtml(current.finishedAt)}.</p>` : ''}${current.log ? `<h2>Build log (end)</h2><pre style="white-space:pre-wrap;background:#f4f4f4;padding:1rem">${escapeHtml(current.log)}</pre>` : ''}${mailSection(mail)}<p><a href="/admin/">Back to the content manager</a></p></body></html>`,
  );
}

function mailSection(mail: OutboxCounts | null): string {
  if (!mail) return '<h2>Outgoing mail</h2><p>The mail queue could not be read just now.</p>';
  const n = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;
  return `<h2>Outgoing mail</h2><p id="mail-outbox">${n(mail.pending, 'message waits', 'messages wait')} to be sent, ${n(mail.sending, 'is', 'are')} being sent, ${n(mail.failed, 'has', 'have')} failed.</p>${
    mail.failed > 0
      ? '<p>Failed messages were not delivered. On the server, <code>npx rapport mail list</code> shows why and <code>npx rapport mail retry &lt;id&gt;</code> sends one again.</p>'
      : ''
  }`;
}
