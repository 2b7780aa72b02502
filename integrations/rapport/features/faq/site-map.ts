import { slugOf } from '../../content/translations.ts';
import { translator } from '../../i18n/translate.ts';
import { localHref } from '../../site/page-locale.ts';
import { itemsOrCategories, type SiteMapPart } from '../../site/seo/site-map.ts';
import { publishedFaq } from './published.ts';

/** The published questions and answers of the site map's locale, linked to their pages in it. */
const faqPart: SiteMapPart = async (config, locale) => {
  const say = translator(config.site, locale);
  const href = (path: string) => localHref(locale, path);
  const faq = await publishedFaq(locale);
  const links = itemsOrCategories(
    faq,
    (e) => ({ title: e.data.question, href: href(`/faq/${slugOf(e)}/`) }),
    (e) => e.data.category,
    href('/faq/category/'),
  );
  // A locale without answers has no FAQ page (routes/index.astro) and no section here.
  if (faq.length === 0 && locale !== config.site.locale) return undefined;
  return { heading: say('faq.site-map.heading'), links: [{ title: say('faq.all-questions'), href: href('/faq/') }, ...links] };
};
export default faqPart;
