import type { FeaturePrivacy } from '../privacy/declaration.ts';
import { coreData } from '../privacy/core-data.ts';
import { DEFAULT_RATE_LIMITS } from './rate-limit.ts';

const longestLimitHours = Math.max(...Object.values(DEFAULT_RATE_LIMITS).map((l) => l.duration)) / 3600;

/** What Rapport's server itself keeps when it takes forms: limits against abuse, the mail outbox, error logs. */
export const serverPrivacy = (): FeaturePrivacy => ({
  id: 'server',
  name: 'form server',
  forms: [],
  stores: [
    {
      what: 'Your IP address and e-mail address, in counters that limit how many forms one sender can send',
      category: 'technical',
      purpose: 'security',
      kept: `at most ${longestLimitHours} hour${longestLimitHours === 1 ? '' : 's'}, then deleted within ten minutes`,
    },
    { what: 'A copy of each e-mail the site sends you and whether it was delivered', category: 'contact', purpose: 'security' },
    { what: 'Error reports: the page and the time of a request that failed, without your IP address', category: 'technical', purpose: 'security' },
  ],
  legalBases: { security: ['legitimate-interests'] },
  cookies: [],
  processors: [{ role: 'hosting', why: 'runs the site and its database' }],
  personal: coreData(),
  notCollected: [
    'We do not use analytics, advertising or social-media trackers, and we set no cookie unless you sign in, fill a cart or open a link to your own information.',
    'What you type in the site search is used to find pages and is not recorded.',
  ],
});
