import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { DkimOptions } from './dkim.ts';
import type { MailTransport } from './outbox.ts';

/**
 * SMTP timeouts (ms). nodemailer's own defaults (2 min to connect, 30 s for the greeting, 10 min of
 * silence) let one dead or silent mail server hold a message, and the worker lane sending it, for
 * minutes. A healthy server connects and greets in well under a second and answers each command in
 * a few, so:
 * - `connectionTimeout` 10 s covers the DNS lookup, the TCP connect and (in nodemailer ≥ 10) the
 *   greeting together: a server that accepts the connection and never greets costs 10 s, not 30.
 * - `greetingTimeout` 10 s: the same bound stated for the greeting itself (older nodemailer counts
 *   it separately).
 * - `socketTimeout` 30 s of silence mid-conversation: generous for a busy server's reply to DATA
 *   (spam and virus scanning happen there), short enough that a hung one is dropped.
 * Every send is also stopped outright at the outbox's `sendTimeoutMs` (2 min), and the outbox's claim
 * lease (5 min) is longer than that, so a slow send is never taken over by another worker.
 * Options in the SMTP URL's query (`smtp://host:587?socketTimeout=60000&pool=true`) win over these.
 */
export const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as const;

/**
 * How many messages the outbox keeps in flight for this SMTP URL. Without a pool every message
 * opens its own connection, so a few at once (the outbox's default) is kind to the mail server.
 * With `pool=true` the connections stay open and take one message after another: four per
 * connection (`maxConnections`, 5 by default) keep each busy while the next ones are built (MIME,
 * quoted-printable: most of a send's CPU time), so a campaign goes as fast as the pool can, with
 * little queued in memory beyond that (measured: bench/campaign-send.mjs).
 */
export function outboxConcurrency(smtpUrl: string | undefined): number | undefined {
  const query = smtpUrl ? URL.parse(smtpUrl)?.searchParams : undefined;
  if (!query || !['true', '1', 'yes'].includes(query.get('pool') ?? '')) return undefined;
  const connections = Number(query.get('maxConnections') ?? 5);
  return Math.min(50, Math.max(1, Number.isFinite(connections) ? connections : 5) * 4);
}

/**
 * The mail transport: SMTP when `smtpUrl` is set (`smtp://user:pass@host:587`), otherwise each
 * message is written as an `.eml` file under `mailDir` and its path logged, so a fresh install
 * works without a mail server. With `dkim` (see `dkimFromEnv`) every message is signed, the
 * `.eml` files too, so a signature can be checked before a real mail server is set up.
 */
export function createMailTransport(options: {
  smtpUrl?: string | undefined;
  mailDir: string;
  log?: (line: string) => void;
  dkim?: DkimOptions | undefined;
}): MailTransport {
  const dkim = options.dkim ? { dkim: options.dkim } : {};
  if (options.smtpUrl) return nodemailer.createTransport({ ...SMTP_TIMEOUTS, ...dkim, url: options.smtpUrl });
  const files = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix', ...dkim });
  const log = options.log ?? ((line: string) => console.log(line));
  return {
    async sendMail(message) {
      const info = (await files.sendMail(message)) as { messageId: string; message: Buffer };
      await mkdir(options.mailDir, { recursive: true });
      const file = path.join(options.mailDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${info.messageId.replace(/[^\w.-]/g, '')}.eml`);
      await writeFile(file, info.message);
      log(`Mail to ${message.to} written to ${file}`);
      return info;
    },
  };
}
