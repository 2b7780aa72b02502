import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DeliveryEvent } from '../../core/mail/delivery-events.ts';
import { WebhookRefusal, type ProviderEvent } from './webhook-handler.ts';

/** Mailgun's signing key (Sending → Webhooks → "HTTP webhook signing key"). */
export const MAILGUN_KEY_VARIABLE = 'MAILGUN_WEBHOOK_SIGNING_KEY';

interface MailgunPayload {
  signature?: { timestamp?: unknown; token?: unknown; signature?: unknown };
  'event-data'?: {
    event?: unknown;
    severity?: unknown;
    reason?: unknown;
    recipient?: unknown;
    message?: { headers?: { 'message-id'?: unknown } };
    'delivery-status'?: { code?: unknown; message?: unknown; description?: unknown };
  };
}

/**
 * Checks a Mailgun webhook: the body carries `signature.timestamp`, `.token` and `.signature`, the
 * hex HMAC-SHA256 of timestamp + token under the signing key. Returns the signing time (seconds).
 */
export function verifyMailgun(body: unknown, key: string): { signedAt: number } {
  const signature = (body as MailgunPayload | null)?.signature;
  const { timestamp, token, signature: hex } = signature ?? {};
  if (typeof timestamp !== 'string' || typeof token !== 'string' || typeof hex !== 'string' || !/^\d{1,12}$/.test(timestamp))
    throw new WebhookRefusal(401, 'Unsigned request: the body has no signature object (timestamp, token, signature).');
  const expected = createHmac('sha256', key)
    .update(timestamp + token)
    .digest();
  const given = /^[0-9a-f]{64}$/i.test(hex) ? Buffer.from(hex, 'hex') : Buffer.alloc(0);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new WebhookRefusal(401, 'The signature does not match.');
  return { signedAt: Number(timestamp) };
}

/**
 * The delivery event in a Mailgun webhook, if it reports one. `failed` with severity `permanent`
 * is a hard bounce, except when Mailgun gave up after retrying a temporary refusal (reason `old`:
 * a soft bounce, as a DSN with a 4.x.x status is) or skipped an address on its own lists
 * (`suppress-complaint` is a complaint; `suppress-unsubscribe` is not a bounce at all); severity
 * `temporary` is a soft bounce (retries of one message count once); `complained` is a complaint.
 */
export function mailgunEvents(body: unknown): ProviderEvent[] {
  const data = (body as MailgunPayload | null)?.['event-data'];
  if (!data || typeof data !== 'object') throw new WebhookRefusal(400, 'The body has no "event-data" object.');
  const email = typeof data.recipient === 'string' ? data.recipient : undefined;
  const messageId = typeof data.message?.headers?.['message-id'] === 'string' ? data.message.headers['message-id'] : undefined;
  const status = data['delivery-status'];
  const detail = [status?.code, status?.description || status?.message, data.reason].filter((v) => typeof v === 'string' || typeof v === 'number').join(' ');
  let kind: DeliveryEvent['kind'] | undefined;
  if (data.event === 'complained') kind = 'complaint';
  else if (data.event === 'failed') {
    if (data.reason === 'suppress-unsubscribe') kind = undefined;
    else if (data.reason === 'suppress-complaint') kind = 'complaint';
    else if (data.severity === 'permanent') kind = data.reason === 'old' ? 'soft-bounce' : 'hard-bounce';
    else if (data.severity === 'temporary') kind = 'soft-bounce';
  }
  if (!kind || !email) return [];
  return [{ email, kind, messageId, detail: detail || String(data.event) }];
}
