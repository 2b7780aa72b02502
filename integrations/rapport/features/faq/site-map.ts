import { itemsOrCategories, type SiteMapPart } from '../../site/seo/site-map.ts';
import { publishedFaq } from './published.ts';

/** The published questions and answers in the HTML site map. */
const faqPart: SiteMapPart = async () => {
  const faq = await publishedFaq();
  const links = itemsOrCategories(
    faq,
    (e) => ({ title: e.data.question, href: `/faq/${e.id}/` }),
    (e) => e.data.category,
    '/faq/category/',
  );
  return { heading: 'Questions and answers', links: [{ title: 'All questions', href: '/faq/' }, ...links] };
};
export default faqPart;
