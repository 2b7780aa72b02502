import { createHmac, timingSafeEqual } from 'node:crypto';

/** Name of the honeypot field: hidden from people, filled in by form-filling bots. */
export const HONEYPOT_FIELD = 'homepage';
/** Name of the hidden field holding the signed time the form was shown. */
export const TIME_TRAP_FIELD = 'shown';
/**
 * The time-trap value of a form drawn on a static page (built once, served for weeks), which
 * cannot carry a signed time. Only endpoints that declare such forms (`drawnOnStaticPages`) take it.
 */
export const STATIC_PAGE_STAMP = 'page';

export interface TimeTrapLimits {
  /** Faster than this, a person cannot have filled in the form. @default 2 s */
  minMs: number;
  /** Older than this, the page was left open too long (or the value was replayed). @default 24 h */
  maxMs: number;
}
export const DEFAULT_TIME_TRAP: TimeTrapLimits = { minMs: 2_000, maxMs: 86_400_000 };

const sign = (secret: string, value: string) => createHmac('sha256', secret).update(`time-trap:${value}`).digest('base64url').slice(0, 22);

/** The value of the time-trap field for a form shown at `now`. */
export function issueTimeTrap(secret: string, now: Date): string {
  const at = String(now.getTime());
  return `${at}.${sign(secret, at)}`;
}

export type TimeTrapVerdict = 'ok' | 'too-fast' | 'expired' | 'forged';

/** Checks a submitted time-trap value: signed by us, and neither too fast nor too old. */
export function checkTimeTrap(value: string | null | undefined, secret: string, now: Date, limits: TimeTrapLimits = DEFAULT_TIME_TRAP): TimeTrapVerdict {
  const match = /^(\d{10,16})\.([A-Za-z0-9_-]{22})$/.exec(value ?? '');
  if (!match) return 'forged';
  const expected = Buffer.from(sign(secret, match[1]!));
  if (!timingSafeEqual(expected, Buffer.from(match[2]!))) return 'forged';
  const age = now.getTime() - Number(match[1]);
  if (age < limits.minMs) return 'too-fast';
  if (age > limits.maxMs) return 'expired';
  return 'ok';
}
