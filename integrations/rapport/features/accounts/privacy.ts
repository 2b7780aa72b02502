import type { RapportConfig } from '../../config/schema.ts';
import { SESSION_DAYS, sessionCookieUse } from '../../core/security/sessions.ts';
import { accountListsForm } from '../newsletter/feature.ts';
import type { FeaturePrivacy } from '../../core/privacy/declaration.ts';
import { accountsData } from './personal-data.ts';
import { registerForm } from './register.ts';
import { SIGN_IN_TTL_MS } from './sign-in-link.ts';
import { signInConfirmForm, signInForm, signOutForm } from './sign-in.ts';
import { fieldMessage } from '../../i18n/translate.ts';

/** Registration, sign-in by e-mailed link, and the e-mail choice on the account page. */
export const accountsPrivacy = (config: RapportConfig): FeaturePrivacy => ({
  id: 'accounts',
  name: 'accounts',
  forms: [registerForm(), signInForm(), signInConfirmForm(), signOutForm(), accountListsForm(config)],
  stores: [
    { what: fieldMessage('privacy.stored.account'), category: 'identity', purpose: 'account' },
    {
      what: fieldMessage('privacy.stored.sign-in-links'),
      category: 'technical',
      purpose: 'account',
      kept: fieldMessage('privacy.stored.sign-in-links.kept', { minutes: SIGN_IN_TTL_MS / 60_000 }),
    },
    {
      what: fieldMessage('privacy.stored.sessions'),
      category: 'technical',
      purpose: 'account',
      kept: fieldMessage('privacy.stored.sessions.kept', { days: SESSION_DAYS }),
    },
  ],
  legalBases: { account: ['contract'] },
  cookies: [sessionCookieUse()],
  processors: [
    { role: 'hosting', why: 'keeps accounts and sessions' },
    { role: 'mail', why: 'delivers sign-in links' },
  ],
  personal: accountsData(),
});
