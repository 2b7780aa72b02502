import * as Plot from '@observablehq/plot';
import { accessible, CHART_FONT, newDocument } from '../../../site/console/svg-chart.ts';
import type { CampaignStats } from './stats.ts';

/** A link as a short label: host and path, without the scheme, cut to fit the chart's margin. */
export const linkLabel = (url: string) => {
  const u = URL.parse(url);
  const text = u ? `${u.host}${u.pathname === '/' ? '' : u.pathname}` : url;
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
};

/** Horizontal bars with their value written beside each, in the order given. */
function bars(
  rows: Array<{ label: string; value: number }>,
  o: { id: string; title: string; axis: string; marginLeft: number; fill: string; unit: (n: number) => string },
): string {
  const document = newDocument();
  const svg = Plot.plot({
    document,
    width: 640,
    height: 40 + rows.length * 28,
    marginLeft: o.marginLeft,
    marginRight: 60,
    style: { fontFamily: CHART_FONT, fontSize: '12px' },
    x: { label: o.axis, labelAnchor: 'center', labelArrow: 'none', grid: true },
    y: { domain: rows.map((d) => d.label), label: null },
    marks: [
      Plot.barX(rows, { y: 'label', x: 'value', fill: o.fill }),
      Plot.text(rows, { y: 'label', x: 'value', text: (d: { value: number }) => String(d.value), textAnchor: 'start', dx: 4, fill: '#1b1b1b' }),
      Plot.ruleX([0]),
    ],
  }) as SVGSVGElement;
  const description = rows.map((d) => `${d.label}: ${o.unit(d.value)}`).join('; ') + '.';
  return accessible(svg, document, o.id, o.title, description);
}

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
