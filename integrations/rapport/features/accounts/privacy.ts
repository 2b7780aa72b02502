import type { RapportConfig } from '../../config/schema.ts';
import { SESSION_DAYS, sessionCookieUse } from '../../core/security/sessions.ts';
import { accountListsForm } from '../newsletter/feature.ts';
import type { FeaturePrivacy } from '../../core/privacy/declaration.ts';
import { accountsData } from './personal-data.ts';
import { registerForm } from './register.ts';
import { SIGN_IN_TTL_MS } from './sign-in-link.ts';
import { signInConfirmForm, signInForm, signOutForm } from './sign-in.ts';

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
  personal: accountsData(),
});
