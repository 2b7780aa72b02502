import { getCollection } from 'astro:content';
import type { RapportConfig } from '../../config/schema.ts';
import { publishedFaq } from '../faq/published.ts';
import { newsletterIssues } from '../newsletter/issues.ts';

export interface SiteMapSection {
  heading: string;
  links: { title: string; href: string }[];
}

/** Every indexable page generated from content, grouped for the HTML site map. */
export async function siteMapSections(config: RapportConfig): Promise<SiteMapSection[]> {
  const pages = (await getCollection('pages', (p) => !p.data.noindex)).map((p) => ({
    title: p.id === 'home' ? 'Home' : p.data.title,
    href: p.id === 'home' ? '/' : `/${p.id}/`,
  }));
  const audiences = (await getCollection('audiences')).sort((a, b) => a.data.order - b.data.order);
  const sections: SiteMapSection[] = [
    { heading: 'About us', links: [...pages, ...audiences.map((a) => ({ title: a.data.title, href: `/${a.id}/` }))] },
  ];
  if (config.features.products) {
    const products = (await getCollection('products')).sort((a, b) => a.data.name.localeCompare(b.data.name));
    sections.push({ heading: 'Bulbs', links: [{ title: 'All bulbs', href: '/products/' }, ...products.map((p) => ({ title: p.data.name, href: `/products/${p.id}/` }))] });
  }
  if (config.features.faq) {
    const faq = await publishedFaq();
    sections.push({ heading: 'Questions and answers', links: [{ title: 'All questions', href: '/faq/' }, ...faq.map((e) => ({ title: e.data.question, href: `/faq/${e.id}/` }))] });
  }
  if (config.features.newsletter) {
    const issues = await newsletterIssues();
    sections.push({ heading: 'Newsletter', links: [{ title: 'Archive', href: '/newsletter/' }, ...issues.map((i) => ({ title: i.data.title, href: `/newsletter/${i.id}/` }))] });
  }
  return sections;
}
