import type { TodayCounter } from '../../core/feature.ts';
import { countWaitingQuestions } from './question-list.ts';

/** Visitors' questions that wait for an answer: the Questions section's line of the console's Today page. */
const today: TodayCounter = async (s) => [
  {
    label: 'Questions waiting for an answer',
    count: await countWaitingQuestions(s.db),
    href: '/admin/crm/questions/',
    attention: true,
    permission: 'questions',
  },
];
export default today;
