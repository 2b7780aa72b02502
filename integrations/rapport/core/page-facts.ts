/** What the build learned about one written page (see `site/build/scan-pages.ts`), for the steps after it. */
export interface PageFacts {
  /** File relative to the output folder, e.g. `products/tulip/index.html`. */
  file: string;
  /** Site path, e.g. `/products/tulip/`. */
  pathname: string;
  title: string;
  description: string;
  canonical: string | undefined;
  noindex: boolean;
  /** `YYYY-MM-DD` from `<meta name="dcterms.modified">`. */
  lastmod: string | undefined;
  og: { title: string; description: string; siteName: string; image: string | undefined };
  /** Same-site stylesheets and scripts the page loads. */
  stylesheets: string[];
  scripts: string[];
  /** Same-site images loaded at once (not `loading="lazy"`). */
  eagerImages: string[];
}
