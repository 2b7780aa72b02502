import { getCollection } from 'astro:content';
import privacy from 'virtual:rapport/privacy';
import { groupBy, slugify } from '../../internal/slug.ts';
import type { RapportConfig } from '../../config/schema.ts';
import { publishedFaq } from '../../features/faq/published.ts';
import { newsletterIssues } from '../../features/newsletter/issues.ts';

export interface SiteMapSection {
  heading: string;
  links: { title: string; href: string }[];
}

/** Above this many products or answers, the site map lists their category pages instead of each one. */
const ITEM_LIMIT = 200;

/** Every indexable page generated from content (or its category pages, on large sites), grouped for the HTML site map. */
export async function siteMapSections(config: RapportConfig): Promise<SiteMapSection[]> {
  const pages = (await getCollection('pages', (p) => !p.data.noindex)).map((p) => ({
    title: p.id === 'home' ? 'Home' : p.data.title,
    href: p.id === 'home' ? '/' : `/${p.id}/`,
  }));
  const audiences = (await getCollection('audiences')).sort((a, b) => a.data.order - b.data.order);
  const sections: SiteMapSection[] = [
    {
      heading: 'About us',
      links: [
        ...pages,
        ...audiences.map((a) => ({ title: a.data.title, href: `/${a.id}/` })),
        ...(privacy ? [{ title: 'Privacy statement', href: '/privacy' }] : []),
      ],
    },
  ];
  if (config.features.products) {
    const products = (await getCollection('products')).sort((a, b) => a.data.name.localeCompare(b.data.name));
    const links =
      products.length > ITEM_LIMIT
        ? groupBy(products, (p) => p.data.category).map(([c, list]) => ({ title: `${c} (${list.length})`, href: `/products/category/${slugify(c)}/` }))
        : products.map((p) => ({ title: p.data.name, href: `/products/${p.id}/` }));
    sections.push({ heading: config.site.catalogName, links: [{ title: `All ${config.site.catalogName.toLowerCase()}`, href: '/products/' }, ...links] });
  }
  if (config.features.faq) {
    const faq = await publishedFaq();
    const links =
      faq.length > ITEM_LIMIT
        ? groupBy(faq, (e) => e.data.category).map(([c, list]) => ({ title: `${c} (${list.length})`, href: `/faq/category/${slugify(c)}/` }))
        : faq.map((e) => ({ title: e.data.question, href: `/faq/${e.id}/` }));
    sections.push({ heading: 'Questions and answers', links: [{ title: 'All questions', href: '/faq/' }, ...links] });
  }
  if (config.features.newsletter) {
    const issues = await newsletterIssues();
    sections.push({
      heading: 'Newsletter',
      links: [{ title: 'Archive', href: '/newsletter/' }, ...issues.map((i) => ({ title: i.data.title, href: `/newsletter/${i.id}/` }))],
    });
  }
  return sections;
}
