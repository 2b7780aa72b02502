import type { FeaturePrivacy } from '../../core/privacy/declaration.ts';
import { sessionCookieUse } from '../../core/security/sessions.ts';
import { fieldMessage } from '../../i18n/translate.ts';

/** The CMS at /admin/: only staff sign in, with the same session cookie. */
export const cmsPrivacy = (): FeaturePrivacy => ({
  id: 'cms',
  name: 'content editor (/admin/)',
  forms: [],
  stores: [],
  legalBases: {},
  cookies: [{ ...sessionCookieUse(), why: fieldMessage('privacy.cookie.cms.why') }],
  processors: [],
});
