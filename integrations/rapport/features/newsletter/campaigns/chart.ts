import { barChart as bars } from '../../../site/console/svg-chart.ts';
import type { CampaignStats } from './stats.ts';

/** A link as a short label: host and path, without the scheme, cut to fit the chart's margin. */
export const linkLabel = (url: string) => {
  const u = URL.parse(url);
  const text = u ? `${u.host}${u.pathname === '/' ? '' : u.pathname}` : url;
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
};

/** What became of the messages: accepted, waiting, bounced, failed, left out, unsubscribed after. */
export function outcomeChart(stats: CampaignStats): string {
  const leftOut = Object.values(stats.skipped).reduce((a, b) => a + b, 0);
  const rows = [
    { label: 'Accepted by the mail server', value: stats.accepted },
    ...(stats.copiesDeleted > 0 ? [{ label: 'Sent (copies deleted)', value: stats.copiesDeleted }] : []),
    { label: 'Waiting to be sent', value: stats.inOutbox + Math.max(0, stats.recipients - stats.queued - leftOut) },
    { label: 'Bounced', value: stats.bounced },
    { label: 'Failed', value: stats.failed },
    { label: 'Left out', value: leftOut },
    { label: 'Unsubscribed after it', value: stats.unsubscribed },
  ];
  return bars(rows, {
    id: 'campaign-outcome',
    title: `What became of the ${stats.recipients} messages`,
    axis: 'Messages',
    marginLeft: 190,
    fill: '#174ea6',
    unit: (n) => String(n),
  });
}

/** Clicks per link (anonymous counts), most clicked first. */
export function clicksChart(stats: CampaignStats): string | undefined {
  if (stats.links.length === 0) return undefined;
  const rows = [...stats.links]
    .sort((a, b) => b.clicks - a.clicks)
    .slice(0, 15)
    .map((l) => ({ label: linkLabel(l.url), value: l.clicks }));
  return bars(rows, {
    id: 'campaign-clicks',
    title: 'Clicks per link',
    axis: 'Clicks',
    marginLeft: 260,
    fill: '#7a8c6e',
    unit: (n) => `${n} click${n === 1 ? '' : 's'}`,
  });
}
