import { describe, expect, it } from 'vitest';
import type { ProjectInfo } from '../../integrations/rapport/internal/project.ts';
import { absoluteUrl, alternateLinks, ogImagePath } from '../../integrations/rapport/site/seo/urls.ts';

const project: ProjectInfo = { site: 'https://shop.example', base: '/', trailingSlash: 'ignore', locales: [], defaultLocale: undefined, routes: [] };

describe('URLs', () => {
  it('maps each page to its social card', () => {
    expect(ogImagePath('/')).toBe('/og/index.png');
    expect(ogImagePath('/products/tulip/')).toBe('/og/products/tulip.png');
    expect(ogImagePath('/404.html')).toBe('/og/404.png');
  });

  it('makes site paths absolute and leaves absolute URLs alone', () => {
    const absolute = absoluteUrl(project);
    expect(absolute('/faq/')).toBe('https://shop.example/faq/');
    expect(absolute('https://other.example/x')).toBe('https://other.example/x');
  });

  it('adds hreflang alternates only when there is more than one locale', () => {
    expect(alternateLinks('/about/', project, ['en-CA'])).toEqual([]);
    const bilingual: ProjectInfo = {
      ...project,
      locales: [
        { code: 'en-CA', path: 'en' },
        { code: 'fr-CA', path: 'fr' },
      ],
      defaultLocale: 'en',
    };
    expect(alternateLinks('/fr/about/', bilingual, ['en-CA', 'fr-CA'])).toEqual([
      { hreflang: 'en-CA', href: 'https://shop.example/about/' },
      { hreflang: 'fr-CA', href: 'https://shop.example/fr/about/' },
      { hreflang: 'x-default', href: 'https://shop.example/about/' },
    ]);
    // A page not translated has no alternates, not a link to a French page that does not exist.
    expect(alternateLinks('/about/', bilingual, ['en-CA'])).toEqual([]);
  });
});
