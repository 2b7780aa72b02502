import type { Services } from '../services.ts';
import type { Kysely } from 'kysely';
import { take } from '../security/rate-limit.ts';
import type { Database } from '../store/schema.ts';
import { DEFAULT_TRANSLATOR, type Translator } from '../../i18n/translate.ts';

/**
 * How mail that a visitor's form sends to an address may go out:
 * - `confirmed`: the address has used a link we mailed it, so it is its owner's; mail as usual.
 * - `plain`: nobody has shown the address is theirs, and its daily budget is not spent: send,
 *   but in our own words only (no name, subject, message or address the visitor typed), so the
 *   forms cannot carry someone else's text to a stranger in the business's name.
 * - `none`: the budget is spent: send nothing. The submission itself is kept and staff are told
 *   as usual; the visitor sees the same page either way (no enumeration).
 */
export type MailPermission = 'confirmed' | 'plain' | 'none';

/**
 * Decides, inside the submission's transaction, whether and how a form may mail `contact`. The
 * budget (`unsolicitedPerAddress`, 3 a day by default) is counted in the store across every form
 * and every server, and only spent when a mail goes out.
 */
export async function mailPermission(
  trx: Kysely<Database>,
  s: Pick<Services, 'limits'>,
  contact: { email: string; email_confirmed_at: string | null },
): Promise<MailPermission> {
  if (contact.email_confirmed_at) return 'confirmed';
  return (await take(s.limits.unsolicitedPerAddress, contact.email.toLowerCase(), trx)) > 0 ? 'none' : 'plain';
}

/** "Hello Ann," for a confirmed address, else "Hello," (a typed name is the visitor's text), in `say`'s language. */
export const greeting = (permission: MailPermission, name: string | null | undefined, say: Translator = DEFAULT_TRANSLATOR) =>
  permission === 'confirmed' && name ? say('mail.greeting.named', { name }) : say('mail.greeting.plain');
