import type { RapportConfig } from '../../config/schema.ts';
import type { FeaturePrivacy } from '../../core/privacy/declaration.ts';
import { askForm } from './ask.ts';
import { questionsData } from './personal-data.ts';

/** Visitors' questions for the FAQ. */
export const questionsPrivacy = (config: RapportConfig): FeaturePrivacy => ({
  id: 'questions',
  name: 'FAQ questions',
  forms: [askForm(config)],
  stores: [
    { what: 'Your question, which may be published as an FAQ entry with our answer, without your name or address', category: 'messages', purpose: 'questions' },
    { what: 'Your consent to be told when the answer is published', category: 'consent', purpose: 'questions' },
  ],
  legalBases: { questions: ['consent'] },
  cookies: [],
  processors: [
    { role: 'hosting', why: 'keeps your question' },
    { role: 'mail', why: 'delivers our acknowledgement and the notice when the answer is out' },
  ],
  personal: questionsData(),
});
