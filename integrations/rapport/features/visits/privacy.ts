import type { FeaturePrivacy } from '../../core/privacy/declaration.ts';
import { fieldMessage } from '../../i18n/translate.ts';

/**
 * Visit counts keep nothing about a person: totals per page, referring site and kind of device
 * per day. The statement says what is counted and what is not, and why no consent is asked.
 */
export const visitsPrivacy = (): FeaturePrivacy => ({
  id: 'visits',
  name: 'visit counts',
  forms: [],
  stores: [],
  legalBases: {},
  cookies: [],
  processors: [],
  notCollected: [fieldMessage('privacy.not-collected.visits')],
});
