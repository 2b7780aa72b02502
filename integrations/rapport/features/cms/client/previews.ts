import { h, type PreviewProps, type PreviewTemplate } from './decap.ts';

/** What the previews need to know about the site; `/admin/` passes it in from the options. */
export interface PreviewSite {
  locale: string;
  /** The words the product pages use for each availability (`products/format.ts`, through its feature's entry). */
  availability: Record<string, string>;
}

type Data = Record<string, unknown>;
interface Image {
  src?: string;
  alt?: string;
}

/**
 * Decap's previews, drawn with the markup of the site's own pages (`products/[slug].astro`,
 * `faq/[slug].astro`, `newsletter/[slug].astro`, `pages/[slug].astro`) inside `<main>`, and
 * styled by the site's stylesheet (`/admin/preview.css`): an editor sees the price, dates and
 * answer as a visitor will. The site's header, breadcrumbs and lists of other entries are left out.
 */
export function previewTemplates(site: PreviewSite): Record<string, PreviewTemplate> {
  const date = (value: unknown) => {
    const d = value instanceof Date ? value : typeof value === 'string' && value ? new Date(value) : undefined;
    if (!d || Number.isNaN(d.getTime())) return undefined;
    // Dates are calendar days (`YYYY-MM-DD`), read and shown in UTC as the site does.
    return h('time', { dateTime: d.toISOString().slice(0, 10) }, d.toLocaleDateString(site.locale, { dateStyle: 'long', timeZone: 'UTC' }));
  };
  const image = (props: PreviewProps, img: Image | undefined) => {
    const src = img?.src && props.getAsset(img.src)?.toString();
    return src ? h('img', { src, alt: img?.alt ?? '' }) : null;
  };
  const main = (...children: unknown[]) => h('main', { id: 'main' }, ...children);

  const page: PreviewTemplate = (props) => {
    const d = dataOf(props);
    return main(
      h(
        'article',
        { className: 'prose' },
        h('h1', null, text(d.heading) || text(d.title)),
        h('p', { className: 'lead' }, text(d.description)),
        image(props, d.image as Image | undefined),
        props.widgetFor('body'),
      ),
    );
  };

  return {
    pages: page,
    audiences: page,
    faq: (props) => {
      const d = dataOf(props);
      const updated = date(d.updated);
      return main(
        h(
          'article',
          { className: 'prose' },
          h('h1', null, text(d.question)),
          props.widgetFor('body'),
          updated ? h('p', { className: 'small' }, 'Updated ', updated) : null,
        ),
      );
    },
    newsletter: (props) => {
      const d = dataOf(props);
      return main(h('article', { className: 'prose' }, h('h1', null, text(d.title)), h('p', { className: 'small' }, date(d.date)), props.widgetFor('body')));
    },
    products: (props) => {
      const d = dataOf(props);
      // As `formatPrice` writes it on the product page (Intl's currency format in the site's locale; the browser test compares the two).
      const price =
        typeof d.price === 'number' ? new Intl.NumberFormat(site.locale, { style: 'currency', currency: text(d.currency) || 'CAD' }).format(d.price) : '';
      const grams = typeof d.shippingWeightGrams === 'number' ? d.shippingWeightGrams : undefined;
      const facts: Array<[string, string]> = [
        ['SKU', text(d.sku)],
        ['Category', text(d.category)],
        ['Shipping weight', grams === undefined ? '' : `${(grams / 1000).toLocaleString(site.locale, { maximumFractionDigits: 2 })} kg`],
      ];
      return main(
        h(
          'div',
          { className: 'split' },
          image(props, Array.isArray(d.images) ? (d.images[0] as Image | undefined) : undefined),
          h(
            'div',
            null,
            h('h1', null, text(d.name)),
            d.botanicalName ? h('p', { className: 'small' }, h('i', null, text(d.botanicalName))) : null,
            h('p', { className: 'lead' }, text(d.description)),
            h('p', null, h('span', { className: 'price' }, price), ` · ${text(d.unit) || 'each'}`),
            h('p', null, h('span', { className: 'badge' }, site.availability[text(d.availability) || 'in_stock'] ?? text(d.availability))),
            h('dl', { className: 'facts' }, ...facts.flatMap(([term, value]) => [h('dt', { key: `${term}-t` }, term), h('dd', { key: `${term}-d` }, value)])),
          ),
        ),
        h('div', { className: 'prose' }, props.widgetFor('body')),
      );
    },
  };
}

const dataOf = (props: PreviewProps): Data => (props.entry.getIn(['data'])?.toJS() as Data | undefined) ?? {};
const text = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');
