import type { TodayCounter } from '../../../core/feature.ts';
import { countOpen } from './requests.ts';

/** Privacy requests waiting, and those past their 30 days: the Privacy requests section's lines of the Today page. */
const today: TodayCounter = async (s) => {
  const { open, overdue } = await countOpen(s.db, s.clock());
  return [
    { label: 'Privacy requests open', count: open, href: '/admin/crm/privacy', permission: 'contacts' },
    { label: 'Privacy requests past their due date', count: overdue, href: '/admin/crm/privacy', attention: true, permission: 'contacts' },
  ];
};
export default today;
