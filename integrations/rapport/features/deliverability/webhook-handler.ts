import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from '../../core/feature.ts';
import { recordDeliveryEvent, type DeliveryEvent } from '../../core/mail/delivery-events.ts';
import { outboxIdOf } from '../../core/mail/report-outbox.ts';
import type { Services } from '../../core/services.ts';
import { readBody, sendJson } from '../../core/http-io.ts';

/** A signature older (or further in the future) than this is refused: a captured request cannot be replayed later. */
export const MAX_SIGNATURE_AGE_MS = 10 * 60_000;

/** A request refused before anything is recorded: its status and a short message for the sender. */
export class WebhookRefusal extends Error {
  readonly status: 400 | 401 | 404 | 413;
  constructor(status: 400 | 401 | 404 | 413, message: string) {
    super(message);
    this.status = status;
  }
}

/** One event as a provider reports it, before it is matched to our outbox. */
export interface ProviderEvent {
  email: string;
  kind: DeliveryEvent['kind'];
  /** The Message-ID the provider quotes, with or without angle brackets. */
  messageId: string | undefined;
  detail: string;
}

/** What differs between sending services; the rest of a webhook is the same for all. */
export interface WebhookProvider<Key> {
  /** `mailgun`, `sendgrid`: the events' source, and the path's last segment. */
  name: string;
  key(s: Services): Key | undefined;
  maxBodyBytes: number;
  /** Checks the request's signature; throws a `WebhookRefusal`. */
  verify(raw: Buffer, body: unknown, req: IncomingMessage, key: Key): { signedAt: number };
  events(body: unknown): ProviderEvent[];
}

/**
 * POST `/webhooks/mail/<provider>`: answers 404 while the provider's key is not configured, 413
 * past the body limit, 400 for a body that is not JSON, 401 for a missing, wrong or stale
 * signature (logged; nothing recorded), and 200 with the count once every event in the post is
 * recorded in one transaction.
 */
export function webhookHandler<Key>(provider: WebhookProvider<Key>): RequestHandler {
  return {
    method: 'POST',
    path: `/webhooks/mail/${provider.name}`,
    originExempt: true,
    maxBodyBytes: () => provider.maxBodyBytes,
    async handle(req, res, { services: s }) {
      try {
        const recorded = await receive(provider, req, s);
        sendJson(res, 200, { recorded });
      } catch (error) {
        if (!(error instanceof WebhookRefusal)) throw error;
        if (error.status === 401)
          s.log(
            `Mail webhook ${provider.name}: refused a request from ${req.socket.remoteAddress ?? 'an unknown address'}: ${error.message} Nothing was recorded.`,
          );
        refuse(res, error);
      }
    },
  };
}

async function receive<Key>(provider: WebhookProvider<Key>, req: IncomingMessage, s: Services): Promise<number> {
  const key = provider.key(s);
  if (key === undefined) throw new WebhookRefusal(404, 'Not found.');
  const raw = await readBody(req, provider.maxBodyBytes);
  if (!raw) throw new WebhookRefusal(413, `The body is larger than ${provider.maxBodyBytes} bytes.`);
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    // The signature may be in the body (Mailgun): a body that is not JSON cannot be checked either.
    throw new WebhookRefusal(400, 'The body is not JSON.');
  }
  const { signedAt } = provider.verify(raw, body, req, key);
  if (Math.abs(s.clock().getTime() - signedAt * 1000) > MAX_SIGNATURE_AGE_MS)
    throw new WebhookRefusal(401, `The signature's timestamp is more than ${MAX_SIGNATURE_AGE_MS / 60_000} minutes from now (a replay, or a clock far off).`);
  // Signed by the provider, but still bounded: an address is at most 254 characters (RFC 5321).
  const events = provider.events(body).filter((e) => e.email.length <= 254 && /^[^\s@<>]+@[^\s@<>]+$/.test(e.email));
  if (events.length === 0) return 0;
  return s.db.transaction().execute(async (trx) => {
    let count = 0;
    for (const event of events) {
      const outboxId = await outboxIdOf(trx, event.messageId, event.email);
      const result = await recordDeliveryEvent(
        trx,
        { email: event.email, kind: event.kind, source: provider.name, outboxId, detail: event.detail },
        { clock: s.clock, privacyVersion: s.privacyVersion },
      );
      if (result.recorded) count++;
    }
    return count;
  });
}

function refuse(res: ServerResponse, error: WebhookRefusal) {
  res.writeHead(error.status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`${error.message}\n`);
}
