import type { SiteMapPart } from '../../site/seo/site-map.ts';
import { slugOf } from '../../content/translations.ts';
import { localHref } from '../../site/page-locale.ts';
import { translator } from '../../i18n/translate.ts';
import { newsletterIssues } from './issues.ts';

/** The newsletter's archive in the HTML site map: the issues written in the site map's locale, at their addresses in it. */
const newsletterPart: SiteMapPart = async (config, locale) => {
  if (!config.features.newsletter) return undefined;
  const say = translator(config.site, locale);
  const issues = await newsletterIssues(locale);
  const href = (path: string) => localHref(locale, path);
  return {
    heading: say('newsletter.name'),
    links: [
      { title: say('newsletter.archive.site-map'), href: href('/newsletter/') },
      ...issues.map((i) => ({ title: i.data.title, href: href(`/newsletter/${slugOf(i)}/`) })),
    ],
  };
};
export default newsletterPart;
