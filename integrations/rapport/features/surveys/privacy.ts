import type { FeaturePrivacy } from '../../core/privacy/declaration.ts';
import { fieldMessage } from '../../i18n/translate.ts';
import { answeredCookieUse, surveyForm } from './answer.ts';
import { surveysData } from './personal-data.ts';

/** Surveys: the answers (kept without who gave them), the cookie that stops a second answer from a page, and the store. */
export const surveysPrivacy = (): FeaturePrivacy => ({
  id: 'surveys',
  name: 'surveys',
  forms: [surveyForm()],
  stores: [{ what: fieldMessage('privacy.stored.survey-link'), category: 'technical', purpose: 'surveys' }],
  legalBases: { surveys: ['consent'] },
  cookies: [answeredCookieUse],
  processors: [{ role: 'hosting', why: 'keeps the answers' }],
  notCollected: [fieldMessage('privacy.not-collected.surveys')],
  personal: surveysData(),
});
