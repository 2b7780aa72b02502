import type { TodayCounter } from '../../core/feature.ts';
import { lapsedCount } from './segment-lists.ts';

/** Good customers who stopped buying (by their own rhythm; see SEGMENTS.md): someone should get in touch. */
const today: TodayCounter = async (s) => [
  {
    label: 'Good customers who stopped buying',
    count: await lapsedCount(s.db, s.clock()),
    href: '/admin/crm/segments/lapsed',
    attention: true,
    permission: 'segments',
  },
];
export default today;
