import type { TodayCounter } from '../../core/feature.ts';
import { countNewMessages } from './inbox.ts';

/** Contact-form messages nobody has answered yet: the inbox's line of the console's Today page. */
const today: TodayCounter = async (s) => [
  { label: 'Messages not answered yet', count: await countNewMessages(s.db), href: '/admin/crm/messages/', attention: true, permission: 'messages' },
];
export default today;
