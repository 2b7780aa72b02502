import * as Plot from '@observablehq/plot';
import { accessible, CHART_FONT as FONT, newDocument } from '../../site/console/svg-chart.ts';
import { paretoCurve, percent, RFM_RULES, type Pareto, type RfmSummary } from './segments.ts';

// The segment pages' charts, drawn on the server as SVG (Plot given a linkedom document): no
// JavaScript in the browser. Each is an image with a title and a description that says what it
// shows in words; the page puts the same numbers in a table beside it.

/** The share of sales against the share of customers, best customers first, with the 80 % line. */
export function paretoChart(p: Pareto, periodLabel: string): string {
  const document = newDocument();
  const curve = paretoCurve(p);
  const cut = { customers: p.topShareOfBuyers * 100, revenue: p.topShareOfRevenue * 100 };
  const svg = Plot.plot({
    document,
    width: 640,
    height: 320,
    marginLeft: 48,
    marginBottom: 40,
    style: { fontFamily: FONT, fontSize: '12px' },
    x: { domain: [0, 100], label: 'Share of customers, best first (%)', labelAnchor: 'center', labelArrow: 'none' },
    y: { domain: [0, 100], label: 'Share of sales (%)', grid: true, labelArrow: 'none' },
    marks: [
      Plot.ruleY([80], { stroke: '#b3261e', strokeDasharray: '4 3' }),
      Plot.text([{ x: 100, y: 80 }], { x: 'x', y: 'y', text: () => '80 % of sales', textAnchor: 'end', dy: -6, fill: '#b3261e' }),
      Plot.line(curve, { x: 'customers', y: 'revenue', stroke: '#2f3b2a', strokeWidth: 2 }),
      ...(p.topCount > 0
        ? [
            Plot.ruleX([cut.customers], { stroke: '#174ea6', strokeDasharray: '2 3' }),
            Plot.dot([cut], { x: 'customers', y: 'revenue', fill: '#174ea6', r: 4 }),
            Plot.text([cut], {
              x: 'customers',
              y: 'revenue',
              text: () => `${percent(p.topShareOfBuyers)} % of customers`,
              textAnchor: 'start',
              dx: 8,
              dy: 14,
              fill: '#174ea6',
            }),
          ]
        : []),
    ],
  }) as SVGSVGElement;
  const description =
    p.buyers === 0
      ? `No sales in ${periodLabel.toLowerCase()}, so there is no curve.`
      : `${periodLabel}: ${p.buyers} customers bought. The best ${p.topCount} of them (${percent(p.topShareOfBuyers)} % of customers) made ${percent(p.topShareOfRevenue)} % of sales; the curve rises steeply where a few customers make much of the sales.`;
  return accessible(svg, document, 'pareto-chart', 'Share of sales by share of customers', description);
}

/** Each group's part of the customers and of the sales, side by side. */
export function rfmChart(rfm: RfmSummary): string {
  const document = newDocument();
  const data = rfm.groups.flatMap((g) => {
    const label = RFM_RULES[g.group].label;
    const customers = rfm.buyers ? (g.customers / rfm.buyers) * 100 : 0;
    const sales = rfm.totalCents ? (g.revenueCents / rfm.totalCents) * 100 : 0;
    return [
      { group: label, measure: 'Customers', value: customers, text: `${percent(customers / 100)} % of customers (${g.customers})` },
      { group: label, measure: 'Sales', value: sales, text: `${percent(sales / 100)} % of sales` },
    ];
  });
  const order = rfm.groups.map((g) => RFM_RULES[g.group].label);
  const svg = Plot.plot({
    document,
    width: 640,
    height: 40 + order.length * 48,
    marginLeft: 90,
    marginRight: 16,
    style: { fontFamily: FONT, fontSize: '12px' },
    x: { domain: [0, 100], label: 'Share (%)', labelAnchor: 'center', labelArrow: 'none' },
    fy: { domain: order, label: null },
    y: { domain: ['Customers', 'Sales'], axis: null },
    color: { domain: ['Customers', 'Sales'], range: ['#7a8c6e', '#174ea6'] },
    marks: [
      Plot.barX(data, { fy: 'group', y: 'measure', x: 'value', fill: 'measure' }),
      // Labels beside short bars, inside long ones (where they would run off the edge).
      Plot.text(
        data.filter((d) => d.value < 60),
        { fy: 'group', y: 'measure', x: 'value', text: 'text', textAnchor: 'start', dx: 4, fill: '#1b1b1b' },
      ),
      Plot.text(
        data.filter((d) => d.value >= 60),
        { fy: 'group', y: 'measure', x: 'value', text: 'text', textAnchor: 'end', dx: -4, fill: '#fff' },
      ),
      Plot.ruleX([0]),
    ],
  }) as SVGSVGElement;
  const parts = rfm.groups.map(
    (g) =>
      `${RFM_RULES[g.group].label}: ${g.customers} ${g.customers === 1 ? 'customer' : 'customers'} (${percent(rfm.buyers ? g.customers / rfm.buyers : 0)} %), ${percent(rfm.totalCents ? g.revenueCents / rfm.totalCents : 0)} % of sales`,
  );
  const description = rfm.buyers === 0 ? 'No customers have bought yet.' : `${rfm.buyers} customers in six groups. ${parts.join('; ')}.`;
  return accessible(svg, document, 'rfm-chart', 'Customer groups: their share of customers and of sales', description);
}
