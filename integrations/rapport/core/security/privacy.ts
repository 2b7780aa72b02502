import type { FeaturePrivacy } from '../privacy/declaration.ts';
import { coreData } from '../privacy/core-data.ts';
import { DEFAULT_RATE_LIMITS } from './rate-limit.ts';
import { fieldMessage } from '../../i18n/translate.ts';

const longestLimitHours = Math.max(...Object.values(DEFAULT_RATE_LIMITS).map((l) => l.duration)) / 3600;

/** What Rapport's server itself keeps when it takes forms: limits against abuse, the mail outbox, error logs. */
export const serverPrivacy = (): FeaturePrivacy => ({
  id: 'server',
  name: 'form server',
  forms: [],
  stores: [
    {
      what: fieldMessage('privacy.stored.rate-limits'),
      category: 'technical',
      purpose: 'security',
      kept: fieldMessage('privacy.stored.rate-limits.kept', { hours: longestLimitHours }),
    },
    { what: fieldMessage('privacy.stored.mail-copies'), category: 'contact', purpose: 'security' },
    { what: fieldMessage('privacy.stored.error-reports'), category: 'technical', purpose: 'security' },
  ],
  legalBases: { security: ['legitimate-interests'] },
  cookies: [],
  processors: [{ role: 'hosting', why: 'runs the site and its database' }],
  personal: coreData(),
  notCollected: [fieldMessage('privacy.not-collected.trackers'), fieldMessage('privacy.not-collected.search')],
});
