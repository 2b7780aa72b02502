import type { KeyObject } from 'node:crypto';
import type { FeatureRuntime } from '../../core/feature.ts';
import { MAILGUN_KEY_VARIABLE, mailgunEvents, verifyMailgun } from './mailgun.ts';
import { SENDGRID_KEY_VARIABLE, sendgridEvents, sendgridKey, verifySendgrid } from './sendgrid.ts';
import { webhookHandler } from './webhook-handler.ts';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Rapport {
    interface FeatureServices {
      /** The sending services' webhook keys, from the environment; a webhook without its key answers 404. */
      mailWebhookKeys?: { mailgun?: string; sendgrid?: KeyObject };
    }
  }
}

/** Mailgun posts one event (a few KB); SendGrid batches up to about 768 KB of events. */
const MAILGUN_MAX_BODY = 256 * 1024;
const SENDGRID_MAX_BODY = 2 * 1024 * 1024;

/** The sending services' bounce and complaint webhooks, each on while its key is set. */
export const deliverabilityRuntime = (): FeatureRuntime => ({
  async start(s) {
    const keys: NonNullable<typeof s.mailWebhookKeys> = {};
    const mailgun = process.env[MAILGUN_KEY_VARIABLE]?.trim();
    if (mailgun) keys.mailgun = mailgun;
    const sendgrid = process.env[SENDGRID_KEY_VARIABLE]?.trim();
    if (sendgrid) {
      try {
        keys.sendgrid = sendgridKey(sendgrid);
      } catch (error) {
        // A wrong key must not stop the site; the webhook stays off (404) and says why once.
        s.log(
          `${SENDGRID_KEY_VARIABLE} is not a public key as SendGrid shows it (base64 DER): ${error instanceof Error ? error.message : String(error)}. The SendGrid webhook is off.`,
        );
      }
    }
    s.mailWebhookKeys = keys;
  },
  handlers: [
    webhookHandler({
      name: 'mailgun',
      key: (s) => s.mailWebhookKeys?.mailgun,
      maxBodyBytes: MAILGUN_MAX_BODY,
      verify: (_raw, body, _req, key) => verifyMailgun(body, key),
      events: mailgunEvents,
    }),
    webhookHandler({
      name: 'sendgrid',
      key: (s) => s.mailWebhookKeys?.sendgrid,
      maxBodyBytes: SENDGRID_MAX_BODY,
      verify: (raw, _body, req, key) => verifySendgrid(raw, req.headers, key),
      events: sendgridEvents,
    }),
  ],
});
