import type {
  Article,
  BreadcrumbList,
  FAQPage,
  ItemAvailability,
  LocalBusiness,
  OpeningHoursSpecification,
  Organization,
  Product,
  Thing,
  WebSite,
  WithContext,
} from 'schema-dts';
import { localizedPath } from '../../config/locales.ts';
import type { RapportConfig } from '../../config/schema.ts';

/** Absolute URL for a site path. */
export type Absolute = (path: string) => string;

const DAY_NAMES = { Mo: 'Monday', Tu: 'Tuesday', We: 'Wednesday', Th: 'Thursday', Fr: 'Friday', Sa: 'Saturday', Su: 'Sunday' } as const;

/** JSON for a `<script type="application/ld+json">`, safe to inline in HTML. */
export function serializeJsonLd(data: WithContext<Thing>): string {
  return JSON.stringify(data).replace(/</g, '\\u003c');
}

/** The business as `Organization` or a `LocalBusiness` subtype; its `@id` is `<site>/#organization`. */
export function organizationJsonLd(config: RapportConfig, absolute: Absolute): WithContext<Organization | LocalBusiness> {
  const { business, site, social } = config;
  const base = {
    '@id': absolute('/#organization'),
    name: site.name,
    legalName: business.legalName,
    url: absolute('/'),
    email: business.email,
    telephone: business.phone,
    address: {
      '@type': 'PostalAddress' as const,
      streetAddress: business.address.streetAddress,
      addressLocality: business.address.locality,
      addressRegion: business.address.region,
      postalCode: business.address.postalCode,
      addressCountry: business.address.country,
    },
    ...(business.logo || site.logo ? { logo: absolute((business.logo ?? site.logo) as string) } : {}),
    ...(social.profiles.length ? { sameAs: social.profiles } : {}),
    ...(business.foundingDate ? { foundingDate: business.foundingDate } : {}),
    ...(business.areaServed.length ? { areaServed: business.areaServed } : {}),
  };
  if (business.type === 'Organization') return { '@context': 'https://schema.org', '@type': 'Organization', ...base };
  const hours: OpeningHoursSpecification[] = business.openingHours.map((h) => ({
    '@type': 'OpeningHoursSpecification',
    dayOfWeek: h.days.map((d) => DAY_NAMES[d]),
    opens: h.opens,
    closes: h.closes,
    ...(h.season ? { validFrom: h.season.from, validThrough: h.season.to } : {}),
  }));
  return {
    '@context': 'https://schema.org',
    '@type': business.type,
    ...base,
    ...(business.logo || site.logo ? { image: absolute((business.logo ?? site.logo) as string) } : {}),
    ...(hours.length ? { openingHoursSpecification: hours } : {}),
    ...(business.priceRange ? { priceRange: business.priceRange } : {}),
    ...(business.geo ? { geo: { '@type': 'GeoCoordinates', latitude: business.geo.latitude, longitude: business.geo.longitude } } : {}),
  } as WithContext<LocalBusiness>;
}

/** `WebSite` with a `SearchAction` pointing at the server-rendered `/search?q=`. */
/** The site in one of its languages (its home page's): searched in that language. */
export function webSiteJsonLd(config: RapportConfig, absolute: Absolute, locale: string = config.site.locale): WithContext<WebSite> {
  const home = localizedPath(config.site, locale, '/');
  return {
    '@context': 'https://schema.org',
    '@type': 'WebSite',
    '@id': absolute(`${home}#website`),
    name: config.site.name,
    url: absolute(home),
    inLanguage: locale,
    publisher: { '@id': absolute('/#organization') },
    potentialAction: {
      '@type': 'SearchAction',
      target: { '@type': 'EntryPoint', urlTemplate: `${absolute(localizedPath(config.site, locale, '/search'))}?q={search_term_string}` },
      'query-input': 'required name=search_term_string',
    },
  } as WithContext<WebSite>;
}

export interface Crumb {
  name: string;
  /** Site path, e.g. `/products/`. */
  path: string;
}

export function breadcrumbJsonLd(crumbs: readonly Crumb[], absolute: Absolute): WithContext<BreadcrumbList> {
  return {
    '@context': 'https://schema.org',
    '@type': 'BreadcrumbList',
    itemListElement: crumbs.map((c, i) => ({ '@type': 'ListItem', position: i + 1, name: c.name, item: absolute(c.path) })),
  };
}

export interface FaqItem {
  question: string;
  /** Answer as HTML (schema.org allows a small subset of tags) or plain text. */
  answer: string;
  path: string;
}

export function faqPageJsonLd(items: readonly FaqItem[], absolute: Absolute): WithContext<FAQPage> {
  return {
    '@context': 'https://schema.org',
    '@type': 'FAQPage',
    mainEntity: items.map((item) => ({
      '@type': 'Question',
      name: item.question,
      url: absolute(item.path),
      acceptedAnswer: { '@type': 'Answer', text: item.answer },
    })),
  };
}

const AVAILABILITY: Record<string, ItemAvailability> = {
  in_stock: 'https://schema.org/InStock',
  out_of_stock: 'https://schema.org/OutOfStock',
  preorder: 'https://schema.org/PreOrder',
  backorder: 'https://schema.org/BackOrder',
  discontinued: 'https://schema.org/Discontinued',
};

export interface ProductFacts {
  name: string;
  sku: string;
  description: string;
  price: number;
  currency: string;
  availability: string;
  path: string;
  /** Absolute image URLs. */
  images: string[];
  category?: string;
  weightGrams?: number;
}

export function productJsonLd(p: ProductFacts, config: RapportConfig, absolute: Absolute): WithContext<Product> {
  return {
    '@context': 'https://schema.org',
    '@type': 'Product',
    name: p.name,
    sku: p.sku,
    description: p.description,
    image: p.images,
    url: absolute(p.path),
    brand: { '@type': 'Brand', name: config.site.name },
    ...(p.category ? { category: p.category } : {}),
    ...(p.weightGrams ? { weight: { '@type': 'QuantitativeValue', value: p.weightGrams, unitCode: 'GRM' } } : {}),
    offers: {
      '@type': 'Offer',
      url: absolute(p.path),
      price: p.price.toFixed(2),
      priceCurrency: p.currency,
      availability: AVAILABILITY[p.availability] ?? 'https://schema.org/InStock',
      itemCondition: 'https://schema.org/NewCondition',
      seller: { '@id': absolute('/#organization') },
    },
  };
}

export interface ArticleFacts {
  headline: string;
  description: string;
  path: string;
  published: Date;
  modified?: Date | undefined;
  image: string;
}

export function articleJsonLd(a: ArticleFacts, config: RapportConfig, absolute: Absolute): WithContext<Article> {
  return {
    '@context': 'https://schema.org',
    '@type': 'Article',
    headline: a.headline,
    description: a.description,
    url: absolute(a.path),
    mainEntityOfPage: absolute(a.path),
    image: [a.image],
    datePublished: a.published.toISOString(),
    dateModified: (a.modified ?? a.published).toISOString(),
    inLanguage: config.site.locale,
    author: { '@type': 'Organization', name: config.site.name, url: absolute('/') },
    publisher: { '@id': absolute('/#organization') },
  };
}
