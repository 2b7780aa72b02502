import * as Plot from '@observablehq/plot';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../core/store/schema.ts';
import { accessible, barChart, CHART_FONT, newDocument } from '../../site/console/svg-chart.ts';
import { dayOf, DEVICES, type VisitDimension } from './count.ts';

/** The periods the Visits page shows, in days. */
export const PERIODS = ['7', '30', '90', '365'] as const;
export type Period = (typeof PERIODS)[number];
export const PERIOD_LABELS: Record<Period, string> = { '7': 'Last 7 days', '30': 'Last 30 days', '90': 'Last 90 days', '365': 'Last 12 months' };

/** The days of a period ending today (UTC), oldest first. */
export function daysOf(period: Period, now: Date): string[] {
  const days: string[] = [];
  for (let i = Number(period) - 1; i >= 0; i--) days.push(dayOf(new Date(now.getTime() - i * 86_400_000)));
  return days;
}

export interface VisitReport {
  days: Array<{ day: string; views: number }>;
  total: number;
  pages: Array<{ value: string; views: number }>;
  referrers: Array<{ value: string; views: number }>;
  devices: Array<{ value: string; views: number }>;
}

/** The biggest totals of one dimension over the period. */
const top = (db: Kysely<Database>, dimension: VisitDimension, from: string, to: string, limit: number) =>
  db
    .selectFrom('visit_counts')
    .select(['value', sql<number>`sum(views)`.as('views')])
    .where('dimension', '=', dimension)
    .where('day', '>=', from)
    .where('day', '<=', to)
    .groupBy('value')
    .orderBy('views', 'desc')
    .orderBy('value')
    .limit(limit)
    .execute();

/** What the Visits page shows for a period: views per day (every counted view has one device), the most read pages and the sites visitors came from. */
export async function visitReport(db: Kysely<Database>, period: Period, now: Date): Promise<VisitReport> {
  const days = daysOf(period, now);
  const from = days[0]!;
  const to = days.at(-1)!;
  const [perDay, pages, referrers, devices] = await Promise.all([
    db
      .selectFrom('visit_counts')
      .select(['day', sql<number>`sum(views)`.as('views')])
      .where('dimension', '=', 'device')
      .where('day', '>=', from)
      .where('day', '<=', to)
      .groupBy('day')
      .execute(),
    top(db, 'page', from, to, 25),
    top(db, 'referrer', from, to, 25),
    top(db, 'device', from, to, DEVICES.length),
  ]);
  const byDay = new Map(perDay.map((r) => [r.day, Number(r.views)]));
  const series = days.map((day) => ({ day, views: byDay.get(day) ?? 0 }));
  const number = (rows: Array<{ value: string; views: number | string }>) => rows.map((r) => ({ value: r.value, views: Number(r.views) }));
  return { days: series, total: series.reduce((sum, d) => sum + d.views, 0), pages: number(pages), referrers: number(referrers), devices: number(devices) };
}

/** Page views per day over the period, as a line: the trend. */
export function trendChart(report: VisitReport, periodLabel: string): string {
  const document = newDocument();
  const data = report.days.map((d) => ({ date: new Date(`${d.day}T00:00:00Z`), views: d.views }));
  const svg = Plot.plot({
    document,
    width: 640,
    height: 260,
    marginLeft: 48,
    marginBottom: 40,
    style: { fontFamily: CHART_FONT, fontSize: '12px' },
    x: { type: 'utc', label: null },
    y: { label: 'Page views', grid: true, labelArrow: 'none', zero: true },
    marks: [
      Plot.areaY(data, { x: 'date', y: 'views', fill: '#d7e3f4' }),
      Plot.lineY(data, { x: 'date', y: 'views', stroke: '#174ea6', strokeWidth: 2 }),
      Plot.ruleY([0]),
    ],
  }) as SVGSVGElement;
  const busiest = report.days.reduce((best, d) => (d.views > best.views ? d : best), report.days[0]!);
  const description =
    report.total === 0
      ? `No page views were counted in the ${periodLabel.toLowerCase()}.`
      : `${report.total} page views in the ${periodLabel.toLowerCase()}; the busiest day was ${busiest.day}, with ${busiest.views}.`;
  return accessible(svg, document, 'visits-trend', `Page views per day, ${periodLabel.toLowerCase()}`, description);
}

/** Horizontal bars of one dimension's totals, biggest first (long paths cut to fit the margin). */
export const barsChart = (rows: Array<{ value: string; views: number }>, o: { id: string; title: string; marginLeft: number }): string =>
  barChart(
    rows.map((r) => ({ label: r.value.length > 38 ? `${r.value.slice(0, 37)}…` : r.value, value: r.views })),
    { ...o, axis: 'Page views', fill: '#2f6f3a', unit: (n) => `${n} views` },
  );

/** What visitors did not find over a period: searches that found nothing, and pages not found with the site that linked to them. */
export interface GapsReport {
  searches: Array<{ words: string; times: number }>;
  missing: Array<{ path: string; from: string | undefined; times: number }>;
}

export async function gapsReport(db: Kysely<Database>, period: Period, now: Date): Promise<GapsReport> {
  const days = daysOf(period, now);
  const [searches, missing] = await Promise.all([top(db, 'search-miss', days[0]!, days.at(-1)!, 50), top(db, 'missing', days[0]!, days.at(-1)!, 50)]);
  return {
    searches: searches.map((r) => ({ words: r.value, times: Number(r.views) })),
    missing: missing.map((r) => {
      const [path = '', from] = r.value.split(' ');
      return { path, from, times: Number(r.views) };
    }),
  };
}
