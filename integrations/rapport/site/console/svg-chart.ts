import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';

// Charts in the console are drawn on the server as SVG (Plot given a linkedom document): no
// JavaScript in the browser. Each is one accessible image with a title and a description that
// says in words what it shows; the page puts the same numbers in a table beside it.

export const CHART_FONT = 'system-ui, sans-serif';

/** Makes Plot's SVG one accessible image: role, title and description, no inner labels to read out one by one. */
export function accessible(svg: SVGSVGElement, document: Document, id: string, title: string, description: string): string {
  for (const el of svg.querySelectorAll('[aria-label], [aria-description]')) {
    el.removeAttribute('aria-label');
    el.removeAttribute('aria-description');
  }
  svg.removeAttribute('aria-label');
  svg.removeAttribute('aria-description');
  // Plot writes the chart's font as a style attribute; as presentation attributes it draws the
  // same and the page keeps no inline styles (a strict content security policy allows none).
  const style = svg.getAttribute('style');
  if (style) {
    for (const declaration of style.split(';')) {
      const [name = '', ...value] = declaration.split(':');
      if (['font-family', 'font-size'].includes(name.trim())) svg.setAttribute(name.trim(), value.join(':').trim());
    }
    svg.removeAttribute('style');
  }
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-labelledby', `${id}-title`);
  svg.setAttribute('aria-describedby', `${id}-desc`);
  svg.setAttribute('id', id);
  const t = document.createElementNS('http://www.w3.org/2000/svg', 'title');
  t.setAttribute('id', `${id}-title`);
  t.textContent = title;
  const d = document.createElementNS('http://www.w3.org/2000/svg', 'desc');
  d.setAttribute('id', `${id}-desc`);
  d.textContent = description;
  svg.insertBefore(d, svg.firstChild);
  svg.insertBefore(t, svg.firstChild);
  // Plot's coordinates carry floating-point noise (101.00000000000001); two decimals draw the same.
  return svg.outerHTML.replace(/(\d+\.\d{2})\d+/g, '$1');
}

export const newDocument = () => parseHTML('<!doctype html><html><body></body></html>').document as unknown as Document;

/** Horizontal bars with their value written beside each, in the order given (campaign outcomes and clicks, the pages read most). */
export function barChart(
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
