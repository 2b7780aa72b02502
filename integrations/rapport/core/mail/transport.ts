import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { MailTransport } from './outbox.ts';

/**
 * The mail transport: SMTP when `smtpUrl` is set (`smtp://user:pass@host:587`), otherwise each
 * message is written as an `.eml` file under `mailDir` and its path logged, so a fresh install
 * works without a mail server.
 */
export function createMailTransport(options: { smtpUrl?: string | undefined; mailDir: string; log?: (line: string) => void }): MailTransport {
  if (options.smtpUrl) return nodemailer.createTransport(options.smtpUrl);
  const files = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
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
