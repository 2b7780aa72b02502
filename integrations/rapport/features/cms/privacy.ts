import type { FeaturePrivacy } from '../../core/privacy/declaration.ts';
import { sessionCookieUse } from '../../core/security/sessions.ts';

/** The CMS at /admin/: only staff sign in, with the same session cookie. */
export const cmsPrivacy = (): FeaturePrivacy => ({
  id: 'cms',
  name: 'content editor (/admin/)',
  forms: [],
  stores: [],
  legalBases: {},
  cookies: [{ ...sessionCookieUse('our staff'), why: 'Keeps our staff signed in to edit the site. Visitors never get it from the editor.' }],
  processors: [],
});
