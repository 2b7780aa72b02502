import type { CollectionEntry } from 'astro:content';
import { ORDERABLE, type CatalogProduct, type ProductWords } from './pricing.ts';

/** Where the build writes the catalogue (a prerendered route), moved next to the server bundle after the build. */
export const CATALOG_FILE = 'order/catalog.json';
/** Its name in the server folder, read by the server for pricing. */
export const SERVER_CATALOG_FILE = 'catalog.json';

/** The order form's view of a product, from the products collection. */
export function catalogProduct(entry: CollectionEntry<'products'>): CatalogProduct {
  const p = entry.data;
  return {
    sku: p.sku,
    name: p.name,
    unit: p.unit,
    priceCents: Math.round(p.price * 100),
    currency: p.currency,
    grams: p.shippingWeightGrams,
    availability: p.availability,
    category: p.category,
    path: `/products/${entry.id}/`,
    featured: p.featured,
  };
}

/** A product's words in a translation (its name, unit and page there). */
export const productWords = (entry: CollectionEntry<'products'>, path: string): ProductWords => ({ name: entry.data.name, unit: entry.data.unit, path });

/**
 * The product as a page or mail in `locale` names it: its translation's name, unit and page where
 * it has one, else the default language's (the SKU, price and everything else are the same).
 */
export function productIn<P extends Pick<CatalogProduct, 'name' | 'unit' | 'path' | 'translations'>>(product: P, locale: string): P {
  const words = product.translations?.[locale];
  return words ? { ...product, ...words } : product;
}

/** Products that can be ordered online in `currency`. */
export const orderable = (product: Pick<CatalogProduct, 'availability' | 'currency'>, currency: string) =>
  (ORDERABLE as readonly string[]).includes(product.availability) && product.currency === currency;

/** The catalogue the server prices orders from: one build's products, by SKU. */
export interface Catalog {
  products: CatalogProduct[];
  bySku: ReadonlyMap<string, CatalogProduct>;
}

export const catalogOf = (products: CatalogProduct[]): Catalog => ({ products, bySku: new Map(products.map((p) => [p.sku, p])) });

/** The catalogue's products by SKU as `locale` names them (pricing's messages, a quote's lines). */
export function productsIn(catalog: Catalog | undefined, locale: string): ReadonlyMap<string, CatalogProduct> {
  if (!catalog) return new Map();
  let found = localized.get(catalog)?.get(locale);
  if (!found) {
    found = new Map(catalog.products.map((p) => [p.sku, productIn(p, locale)]));
    localized.set(catalog, (localized.get(catalog) ?? new Map<string, ReadonlyMap<string, CatalogProduct>>()).set(locale, found));
  }
  return found;
}
const localized = new WeakMap<Catalog, Map<string, ReadonlyMap<string, CatalogProduct>>>();

/**
 * A stored order line (named in the default language, as staff read it) as `locale` names it: its
 * product's translated name and unit where the catalogue still has the product and a translation.
 */
export function lineIn<L extends { sku: string; name: string; unit: string }>(catalog: Catalog | undefined, locale: string, line: L): L {
  const product = catalog?.bySku.get(line.sku);
  const words = product?.translations?.[locale];
  return words ? { ...line, name: words.name, unit: words.unit } : line;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Rapport {
    interface FeatureServices {
      /** The products orders are priced from (the live build's catalogue). */
      catalog?: Catalog | undefined;
    }
  }
}
