import { entriesIn } from '../../content/translations.ts';
import { itemsOrCategories, type SiteMapPart } from '../../site/seo/site-map.ts';

/** The catalogue in the HTML site map. */
const productsPart: SiteMapPart = async (config) => {
  const products = (await entriesIn('products', config.site.locale)).sort((a, b) => a.data.name.localeCompare(b.data.name));
  const links = itemsOrCategories(
    products,
    (p) => ({ title: p.data.name, href: `/products/${p.id}/` }),
    (p) => p.data.category,
    '/products/category/',
  );
  return { heading: config.site.catalogName, links: [{ title: `All ${config.site.catalogName.toLowerCase()}`, href: '/products/' }, ...links] };
};
export default productsPart;
