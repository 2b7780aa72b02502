import * as Plot from '@observablehq/plot';
import { accessible, CHART_FONT, newDocument } from '../../../site/console/svg-chart.ts';
import type { CampaignStats } from './stats.ts';

/** A link as a short label: host and path, without the scheme, cut to fit the chart's margin. */
export const linkLabel = (url: string) => {
  const u = URL.parse(url);
  const text = u ? `${u.host}${u.pathname === '/' ? '' : u.pathname}` : url;
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
};

/** What became of the messages (accepted, bounced, waiting…), then clicks per link: horizontal bars. */
export function outcomeChart(stats: CampaignStats): string {
  const document = newDocument();
  const data = [
    { what: 'Accepted by the mail server', n: stats.accepted },
    { what: 'Waiting to be sent', n: stats.inOutbox + Math.max(0, stats.recipients - stats.queued - Object.values(stats.skipped).reduce((a, b) => a + b, 0)) },
    { what: 'Bounced', n: stats.bounced },
    { what: 'Failed', n: stats.failed },
    { what: 'Left out', n: Object.values(stats.skipped).reduce((a, b) => a + b, 0) },
    { what: 'Unsubscribed after it', n: stats.unsubscribed },
  ];
  const svg = Plot.plot({
    document,
    width: 640,
    height: 40 + data.length * 30,
    marginLeft: 190,
    marginRight: 60,
    style: { fontFamily: CHART_FONT, fontSize: '12px' },
    x: { label: 'Messages', labelAnchor: 'center', labelArrow: 'none', grid: true },
    y: { domain: data.map((d) => d.what), label: null },
    marks: [
      Plot.barX(data, { y: 'what', x: 'n', fill: '#174ea6' }),
      Plot.text(data, { y: 'what', x: 'n', text: (d: { n: number }) => String(d.n), textAnchor: 'start', dx: 4, fill: '#1b1b1b' }),
      Plot.ruleX([0]),
    ],
  }) as SVGSVGElement;
  const description = data.map((d) => `${d.what}: ${d.n}`).join('; ') + '.';
  return accessible(svg, document, 'campaign-outcome', `What became of the ${stats.recipients} messages`, description);
}

/** Clicks per link (anonymous counts), most clicked first. */
export function clicksChart(stats: CampaignStats): string | undefined {
  if (stats.links.length === 0) return undefined;
  const document = newDocument();
  const data = [...stats.links]
    .sort((a, b) => b.clicks - a.clicks)
    .slice(0, 15)
    .map((l) => ({ link: linkLabel(l.url), clicks: l.clicks }));
  const svg = Plot.plot({
    document,
    width: 640,
    height: 40 + data.length * 26,
    marginLeft: 260,
    marginRight: 50,
    style: { fontFamily: CHART_FONT, fontSize: '12px' },
    x: { label: 'Clicks', labelAnchor: 'center', labelArrow: 'none', grid: true },
    y: { domain: data.map((d) => d.link), label: null },
    marks: [
      Plot.barX(data, { y: 'link', x: 'clicks', fill: '#7a8c6e' }),
      Plot.text(data, { y: 'link', x: 'clicks', text: (d: { clicks: number }) => String(d.clicks), textAnchor: 'start', dx: 4, fill: '#1b1b1b' }),
      Plot.ruleX([0]),
    ],
  }) as SVGSVGElement;
  const description = data.map((d) => `${d.link}: ${d.clicks} click${d.clicks === 1 ? '' : 's'}`).join('; ') + '.';
  return accessible(svg, document, 'campaign-clicks', 'Clicks per link', description);
}
