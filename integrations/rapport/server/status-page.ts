import { readFileSync } from 'node:fs';
import type http from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseCookie } from 'cookie';
import escapeHtml from 'escape-html';
import { businessTimeZone, formatDateTime } from '../config/time-zone.ts';
import { sendJson as json } from '../core/http-io.ts';
import { outboxCounts, type OutboxCounts } from '../core/mail/outbox-admin.ts';
import { ROLE_LABELS, type Role } from '../core/security/roles.ts';
import { isStaff, SESSION_COOKIE, sessionPerson } from '../core/security/sessions.ts';
import type { Services } from '../core/services.ts';
import type { BuildStatus } from './live-builds.ts';

/** Where staff see how the last publish went and whether mail is stuck. */
export const STATUS_PATH = '/admin/status';

/**
 * `GET /admin/status`: how the last publish went, for editors (a failed build's log included), and
 * how outgoing mail stands (`mail`: how many messages wait, are being sent, and have failed).
 * JSON when asked for it (the content manager's publishing banner follows it), else a page in the
 * console's style, with times in words in the business's time zone.
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
  const { config } = services;
  const at = when(services.clock(), config.site.locale, businessTimeZone(config.business));
  const times = [
    ['Started', current.startedAt],
    ['Finished', current.finishedAt],
  ].filter((t): t is [string, string] => typeof t[1] === 'string');
  const busy = current.state === 'building' || current.state === 'scheduled';
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(
    `<!doctype html><html lang="${escapeHtml(config.site.locale.split('-')[0] ?? 'en')}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex, nofollow">${busy ? '<meta http-equiv="refresh" content="3">' : ''}<title>Publishing status · Staff · ${escapeHtml(config.site.name)}</title><style>${consoleCss()}${STATUS_CSS}</style></head>` +
      `<body class="console"><a class="skip" href="#main">Skip to the page</a><header class="console-header"><p class="console-site"><a href="/admin/crm/">${escapeHtml(config.site.name)}</a> <span>staff console</span></p>` +
      `<nav aria-label="Console"><ul><li><a href="/admin/">Content manager</a></li><li><a href="${STATUS_PATH}" aria-current="page">Publishing status</a></li><li><a href="/admin/crm/">Staff console</a></li></ul></nav>` +
      `<p class="console-who">${escapeHtml(person.name || person.email)} · ${escapeHtml(ROLE_LABELS[person.role as Role] ?? person.role)} · <a href="/">View site</a></p></header>` +
      `<main id="main" tabindex="-1"><h1>Publishing status</h1><p role="status" class="${current.state === 'failed' ? 'error' : 'notice'}">${escapeHtml(says[current.state])}</p>` +
      (times.length ? `<dl class="facts">${times.map(([label, iso]) => `<dt>${label}</dt><dd>${at(iso)}</dd>`).join('')}</dl>` : '') +
      (current.log ? `<h2>Build log (end)</h2><pre class="build-log">${escapeHtml(current.log)}</pre>` : '') +
      `${mailSection(mail)}<p><a href="/admin/">Back to the content manager</a></p></main></body></html>`,
  );
}

/** The console's stylesheet, read once from the source (this page is drawn by the server, not by Astro). */
let css: string | undefined;
const consoleCss = () => (css ??= readFileSync(fileURLToPath(new URL('../site/console/console.css', import.meta.url)), 'utf8'));
const STATUS_CSS = '.console .build-log{white-space:pre-wrap;background:#f4f4f4;padding:1rem;overflow-x:auto}';

/** "Nov 30, 2026, 2:11 p.m. MST (3 minutes ago)": a moment in the business's time zone, named, with how long ago it was. */
export function when(now: Date, locale: string, timeZone: string): (iso: string) => string {
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  return (iso) => {
    const seconds = Math.round((new Date(iso).getTime() - now.getTime()) / 1000);
    const [value, unit]: [number, Intl.RelativeTimeFormatUnit] =
      Math.abs(seconds) < 60
        ? [seconds, 'second']
        : Math.abs(seconds) < 3600
          ? [Math.round(seconds / 60), 'minute']
          : Math.abs(seconds) < 86_400
            ? [Math.round(seconds / 3600), 'hour']
            : [Math.round(seconds / 86_400), 'day'];
    return escapeHtml(`${formatDateTime(iso, locale, timeZone)} (${relative.format(value, unit)})`);
  };
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
