// One sender for the campaign benchmark, in its own process so its peak memory is its own and it
// can be killed mid-send. BENCH_CAMPAIGN = {mode, ...}:
// - `bare`: a pooled nodemailer loop sending `count` messages merged from the composed campaign;
// - `rapport`: Rapport's server (startServer: jobs + mail worker) on `store`; with `schedule` it
//   schedules the campaign first (scheduleCampaign), without it it only resumes what the store holds.
// Prints one JSON line per event on stdout: {"scheduled": ms}, {"done": …, "maxRssKb"}.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { place, mergeHtml, mergeText } from '../integrations/rapport/core/mail/merge.ts';
import { SMTP_TIMEOUTS } from '../integrations/rapport/core/mail/transport.ts';
import { composeCampaign } from '../integrations/rapport/features/newsletter/campaign-mail.ts';
import { scheduleCampaign } from '../integrations/rapport/features/newsletter/campaigns/create.ts';
import { readIssues } from '../integrations/rapport/features/newsletter/issue-file.ts';
import { startServer } from '../integrations/rapport/server/serve.ts';

const options = JSON.parse(process.env.BENCH_CAMPAIGN);
// BENCH_SQL_TIMING=1: where the store's time goes, statement by statement (printed to stderr at the end).
const sqlTimes = new Map();
if (process.env.BENCH_SQL_TIMING) {
  const { DatabaseSync } = await import('node:sqlite');
  const prepare = DatabaseSync.prototype.prepare;
  const add = (key, ms) => {
    const t = sqlTimes.get(key) ?? { n: 0, ms: 0 };
    t.n++;
    t.ms += ms;
    sqlTimes.set(key, t);
  };
  DatabaseSync.prototype.prepare = function (sql) {
    const key = sql.replace(/\s+/g, ' ').slice(0, 110);
    const t0 = performance.now();
    const stmt = prepare.call(this, sql);
    add(`prepare`, performance.now() - t0);
    for (const method of ['all', 'run', 'get']) {
      const original = stmt[method].bind(stmt);
      stmt[method] = (...args) => {
        const t1 = performance.now();
        try {
          return original(...args);
        } finally {
          add(key, performance.now() - t1);
        }
      };
    }
    return stmt;
  };
  process.on('exit', () => {
    const rows = [...sqlTimes].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25);
    for (const [k, t] of rows) process.stderr.write(`${t.ms.toFixed(0).padStart(7)} ms ${String(t.n).padStart(6)}× ${k}\n`);
  });
}
const { distDir, smtpUrl } = options;
const built = JSON.parse(readFileSync(path.join(distDir, 'server', 'rapport.json'), 'utf8'));
const issue = readIssues(distDir)[0];
if (!issue) throw new Error(`The build in ${distDir} has no newsletter issue to send.`);
const FROM = 'Chinook Bulb Farm <hello@chinookbulbfarm.ca>';
const say = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);

if (options.mode === 'bare') await bare(options.count);
else await rapport();

/** What a developer would write without Rapport: one message per recipient, the pool doing the rest. */
async function bare(count) {
  const s = { config: built.config, site: new URL(built.site) };
  const places = { email: place('email'), list: 'news', links: { unsubscribe: place('unsubscribe'), preferences: place('preferences') } };
  const template = composeCampaign(issue, places, s);
  const domain = 'chinookbulbfarm.ca';
  const transport = nodemailer.createTransport({ ...SMTP_TIMEOUTS, url: smtpUrl });
  // Per-recipient links as long as Rapport's (a 43-character token).
  const vars = (i) => {
    const token = `${String(i).padStart(8, '0')}${'t'.repeat(35)}`;
    return {
      email: `reader${i}@example.com`,
      unsubscribe: `${built.site}/unsubscribe?token=${token}`,
      preferences: `${built.site}/subscribe/preferences?token=${token}`,
    };
  };
  const start = Date.now();
  say({ scheduled: start });
  // As many in flight as the pool has connections, plus a few queued in it: the pool never idles.
  const inFlight = Number(new URL(smtpUrl).searchParams.get('maxConnections') ?? 5) * 4;
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      const v = vars(i);
      await transport.sendMail({
        from: FROM,
        to: v.email,
        subject: template.subject,
        text: mergeText(template.text, v),
        html: mergeHtml(template.html ?? '', v),
        headers: Object.fromEntries(Object.entries(template.headers ?? {}).map(([k, h]) => [k, mergeText(h, v)])),
        messageId: `<bare-${i}@${domain}>`,
      });
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  transport.close();
  say({ done: Date.now(), maxRssKb: process.resourceUsage().maxRSS });
  process.exit(0);
}

/** The real server, its jobs and mail worker, on the seeded store. */
async function rapport() {
  const running = await startServer({
    distDir,
    port: 0,
    host: '127.0.0.1',
    store: options.store,
    secret: 'bench-secret-0123456789-0123456789-abcdef',
    secretFile: '/dev/null',
    projectRoot: options.projectRoot,
    mail: { smtpUrl, from: FROM, ...(options.outbox ? { outbox: options.outbox } : {}) },
  });
  const db = running.store.db;
  if (options.schedule) {
    // Unpaced: as fast as the mail server takes it (the site's own pace would be its `ratePerMinute`).
    const config = { ...built.config, crm: { ...built.config.crm, campaigns: { ...built.config.crm.campaigns, ratePerMinute: 0 } } };
    const made = await db
      .transaction()
      .execute((trx) =>
        scheduleCampaign(
          trx,
          { config, clock: () => new Date() },
          { accountId: 'bench', email: 'bench@example.com' },
          { issue, lists: ['news'], formKey: 'bench-campaign-0000000001' },
        ),
      );
    if ('error' in made) throw new Error(made.error);
    say({ scheduled: Date.now(), campaign: made.id });
  }
  // Done when the campaign is sent and the outbox holds nothing waiting or in flight.
  for (;;) {
    await new Promise((r) => setTimeout(r, 200));
    const open = await db.selectFrom('campaigns').select('id').where('status', 'in', ['scheduled', 'sending']).limit(1).executeTakeFirst();
    const waiting = open
      ? 1
      : (await db.selectFrom('mail_outbox').select('id').where('status', 'in', ['pending', 'sending']).limit(1).executeTakeFirst())
        ? 1
        : 0;
    if (!waiting) break;
  }
  say({ done: Date.now(), maxRssKb: process.resourceUsage().maxRSS });
  await running.close();
  process.exit(0);
}
