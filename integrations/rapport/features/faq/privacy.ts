import type { RapportConfig } from '../../config/schema.ts';
import type { FeaturePrivacy } from '../../core/privacy/declaration.ts';
import { askForm } from './ask.ts';
import { questionsData } from './personal-data.ts';
import { fieldMessage } from '../../i18n/translate.ts';

/** Visitors' questions for the FAQ. */
export const questionsPrivacy = (config: RapportConfig): FeaturePrivacy => ({
  id: 'questions',
  name: 'FAQ questions',
  forms: [askForm(config)],
  stores: [
    { what: fieldMessage('privacy.stored.question'), category: 'messages', purpose: 'questions' },
    { what: fieldMessage('privacy.stored.question-consent'), category: 'consent', purpose: 'questions' },
  ],
  legalBases: { questions: ['consent'] },
  cookies: [],
  processors: [
    { role: 'hosting', why: 'keeps your question' },
    { role: 'mail', why: 'delivers our acknowledgement and the notice when the answer is out' },
  ],
  personal: questionsData(),
});
