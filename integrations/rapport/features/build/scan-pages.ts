import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'node-html-parser';
import { listFiles, mapLimit } from '../../internal/walk.ts';

/** What the build steps need to know about one generated HTML page. */
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

/** Reads every HTML page of the build output. */
export async function scanPages(outDir: string): Promise<PageFacts[]> {
  const files = (await listFiles(outDir)).filter((f) => f.endsWith('.html'));
  return mapLimit(files, 16, async (file) => pageFacts(path.relative(outDir, file), await readFile(file, 'utf8')));
}

export function pageFacts(file: string, html: string): PageFacts {
  const root = parse(html, { comment: false, blockTextElements: { script: true, style: true } });
  const meta = (attr: 'name' | 'property', key: string) => root.querySelector(`meta[${attr}="${key}"]`)?.getAttribute('content');
  const local = (url: string | undefined): url is string => !!url && url.startsWith('/') && !url.startsWith('//');
  const posix = file.split(path.sep).join('/');
  const pathname = `/${posix.replace(/(^|\/)index\.html$/, '$1').replace(/\.html$/, '')}`;
  const title = root.querySelector('title')?.text.trim() ?? '';
  const description = meta('name', 'description') ?? '';
  return {
    file: posix,
    pathname,
    title,
    description,
    canonical: root.querySelector('link[rel="canonical"]')?.getAttribute('href'),
    noindex: /noindex/i.test(meta('name', 'robots') ?? ''),
    lastmod: meta('name', 'dcterms.modified'),
    og: {
      title: meta('property', 'og:title') ?? title,
      description: meta('property', 'og:description') ?? description,
      siteName: meta('property', 'og:site_name') ?? '',
      image: meta('property', 'og:image'),
    },
    stylesheets: root.querySelectorAll('link[rel="stylesheet"]').map((l) => l.getAttribute('href')).filter(local),
    scripts: root.querySelectorAll('script[src]').map((s) => s.getAttribute('src')).filter(local),
    eagerImages: root
      .querySelectorAll('img')
      .filter((img) => img.getAttribute('loading') !== 'lazy')
      .map((img) => {
        // The browser takes the first <source> it supports (the most modern format); count its largest candidate.
        const source = img.parentNode?.tagName === 'PICTURE' ? img.parentNode.querySelector('source') : undefined;
        return largestCandidate(source?.getAttribute('srcset') ?? img.getAttribute('srcset')) ?? img.getAttribute('src');
      })
      .filter(local),
  };
}

/** The widest URL of a `srcset` (`a.avif 360w, b.avif 720w` → `b.avif`). */
function largestCandidate(srcset: string | undefined): string | undefined {
  if (!srcset) return undefined;
  const candidates = srcset.split(',').map((c) => {
    const [url = '', descriptor = '1x'] = c.trim().split(/\s+/);
    return { url, size: Number.parseFloat(descriptor) || 1 };
  });
  return candidates.sort((a, b) => b.size - a.size)[0]?.url;
}
