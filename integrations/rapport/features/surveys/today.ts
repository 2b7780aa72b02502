import type { TodayCounter } from '../../core/feature.ts';

/** Survey answers of the last seven days: the Surveys section's line of the console's Today page (news to read, nothing waiting). */
const today: TodayCounter = async (s) => {
  const since = new Date(s.clock().getTime() - 7 * 86_400_000).toISOString();
  const row = await s.db
    .selectFrom('survey_responses')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('created_at', '>=', since)
    .executeTakeFirst();
  return [{ label: 'Survey answers this week', count: Number(row?.n ?? 0), href: '/admin/crm/surveys', permission: 'console' }];
};
export default today;
