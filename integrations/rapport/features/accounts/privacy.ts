import type { RapportConfig } from '../../config/schema.ts';
import { SESSION_COOKIE, SESSION_DAYS } from '../../core/security/sessions.ts';
import { accountListsForm } from '../newsletter/preferences.ts';
import type { FeaturePrivacy } from '../../core/privacy/declaration.ts';
import { registerForm } from './register.ts';
import { SIGN_IN_TTL_MS } from './sign-in-link.ts';
import { signInConfirmForm, signInForm, signOutForm } from './sign-in.ts';

/** The session cookie, as every feature that signs people in declares it. */
export const sessionCookieUse = (who: string) => ({
  name: SESSION_COOKIE,
  why: `Keeps ${who} signed in. It holds a random number and nothing else, and is sent only to this site.`,
  lasts: `${SESSION_DAYS} days, or until you sign out`,
  necessary: true,
});

/** Registration, sign-in by e-mailed link, and the e-mail choice on the account page. */
export const accountsPrivacy = (config: RapportConfig): FeaturePrivacy => ({
  id: 'accounts',
  name: 'accounts',
  forms: [registerForm(), signInForm(), signInConfirmForm(), signOutForm(), accountListsForm(config)],
  stores: [
    { what: 'Your account: when you created it, and your sign-ins', category: 'identity', purpose: 'account' },
    {
      what: 'One-time sign-in links (only a fingerprint of each, never the link itself)',
      category: 'technical',
      purpose: 'account',
      kept: `each works once, for ${SIGN_IN_TTL_MS / 60_000} minutes, and is then deleted`,
    },
    {
      what: 'Sessions of a signed-in browser (a fingerprint of the cookie, never the cookie itself)',
      category: 'technical',
      purpose: 'account',
      kept: `${SESSION_DAYS} days, or until you sign out`,
    },
  ],
  legalBases: { account: ['contract'] },
  cookies: [sessionCookieUse('you')],
  processors: [
    { role: 'hosting', why: 'keeps accounts and sessions' },
    { role: 'mail', why: 'delivers sign-in links' },
  ],
});
