import type { CollectionEntry } from 'astro:content';
import { ORDERABLE, type CatalogProduct } from './pricing.ts';

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

/** Products that can be ordered online in `currency`. */
export const orderable = (product: Pick<CatalogProduct, 'availability' | 'currency'>, currency: string) =>
  (ORDERABLE as readonly string[]).includes(product.availability) && product.currency === currency;

/** The catalogue the server prices orders from: one build's products, by SKU. */
export interface Catalog {
  products: CatalogProduct[];
  bySku: ReadonlyMap<string, CatalogProduct>;
}

export const catalogOf = (products: CatalogProduct[]): Catalog => ({ products, bySku: new Map(products.map((p) => [p.sku, p])) });

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Rapport {
    interface FeatureServices {
      /** The products orders are priced from (the live build's catalogue). */
      catalog?: Catalog | undefined;
    }
  }
}
