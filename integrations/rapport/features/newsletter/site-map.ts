import type { SiteMapPart } from '../../site/seo/site-map.ts';
import { newsletterIssues } from './issues.ts';

/** The newsletter's archive in the HTML site map. */
const newsletterPart: SiteMapPart = async (config) => {
  if (!config.features.newsletter) return undefined;
  const issues = await newsletterIssues();
  return {
    heading: 'Newsletter',
    links: [{ title: 'Archive', href: '/newsletter/' }, ...issues.map((i) => ({ title: i.data.title, href: `/newsletter/${i.id}/` }))],
  };
};
export default newsletterPart;
