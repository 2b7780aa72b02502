import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { DeliveryEvent } from '../../core/mail/delivery-events.ts';
import { WebhookRefusal, type ProviderEvent } from './webhook-handler.ts';

/** SendGrid's verification key (Settings → Mail Settings → Event Webhook → Signature verification): base64 DER (SPKI). */
export const SENDGRID_KEY_VARIABLE = 'SENDGRID_WEBHOOK_PUBLIC_KEY';
export const SENDGRID_SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature';
export const SENDGRID_TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp';

/** The public key as SendGrid shows it (base64 of the DER SubjectPublicKeyInfo; a PEM block is taken too). */
export function sendgridKey(value: string): KeyObject {
  const text = value.trim();
  const key = text.startsWith('-----BEGIN') ? createPublicKey(text) : createPublicKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ec') throw new Error('not an elliptic-curve (ECDSA) public key');
  return key;
}

/**
 * Checks a SendGrid Event Webhook post: the signature header is a base64 DER ECDSA signature
 * (P-256, SHA-256) of the timestamp header followed by the raw body, byte for byte.
 */
export function verifySendgrid(raw: Buffer, headers: Record<string, string | string[] | undefined>, key: KeyObject): { signedAt: number } {
  const signature = headers[SENDGRID_SIGNATURE_HEADER];
  const timestamp = headers[SENDGRID_TIMESTAMP_HEADER];
  if (typeof signature !== 'string' || typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp.trim()))
    throw new WebhookRefusal(401, 'Unsigned request: the signature and timestamp headers are missing.');
  let ok = false;
  try {
    ok = verify('sha256', Buffer.concat([Buffer.from(timestamp.trim()), raw]), key, Buffer.from(signature.trim(), 'base64'));
  } catch {
    // A signature that is not DER at all: as forged as a wrong one.
  }
  if (!ok) throw new WebhookRefusal(401, 'The signature does not match.');
  return { signedAt: Number(timestamp.trim()) };
}

interface SendgridEvent {
  email?: unknown;
  event?: unknown;
  type?: unknown;
  reason?: unknown;
  status?: unknown;
  'smtp-id'?: unknown;
}

/** `dropped` reasons that tell of an earlier bounce or complaint SendGrid knows of and we may have missed. */
const DROPPED: Record<string, DeliveryEvent['kind']> = { 'Bounced Address': 'hard-bounce', Invalid: 'hard-bounce', 'Spam Reporting Address': 'complaint' };

/**
 * The delivery events in a SendGrid batch (a JSON array; most entries are deliveries and opens,
 * which are passed over). `bounce` of type `blocked` (refused for the sender or the content, not
 * the address) is a soft bounce, any other `bounce` a hard one; `spamreport` is a complaint;
 * `dropped` counts only for the reasons above; `deferred` is a delay, not a bounce.
 */
export function sendgridEvents(body: unknown): ProviderEvent[] {
  if (!Array.isArray(body)) throw new WebhookRefusal(400, 'The body is not a JSON array of events.');
  return (body as SendgridEvent[]).flatMap((e): ProviderEvent[] => {
    if (!e || typeof e !== 'object' || typeof e.email !== 'string') return [];
    let kind: DeliveryEvent['kind'] | undefined;
    if (e.event === 'bounce') kind = e.type === 'blocked' ? 'soft-bounce' : 'hard-bounce';
    else if (e.event === 'spamreport') kind = 'complaint';
    else if (e.event === 'dropped' && typeof e.reason === 'string') kind = DROPPED[e.reason];
    if (!kind) return [];
    const detail = [e.status, e.reason].filter((v) => typeof v === 'string').join(' ');
    return [{ email: e.email, kind, messageId: typeof e['smtp-id'] === 'string' ? e['smtp-id'] : undefined, detail: detail || String(e.event) }];
  });
}
