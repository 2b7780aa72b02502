import type { PageFacts } from '../../core/page-facts.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Parser } from 'htmlparser2';
import { listFiles } from '../../internal/walk.ts';

/** Reads every HTML page of the build output. */
export async function scanPages(outDir: string): Promise<PageFacts[]> {
  const files = (await listFiles(outDir)).filter((f) => f.endsWith('.html'));
  // Synchronous reads: thousands of small files are read faster in a loop than through the thread pool.
  return files.map((file) => pageFacts(path.relative(outDir, file), readFileSync(file, 'utf8')));
}

export function pageFacts(file: string, html: string): PageFacts {
  const meta = new Map<string, string>();
  const stylesheets: string[] = [];
  const scripts: string[] = [];
  const eagerImages: string[] = [];
  let title = '';
  let inTitle = false;
  let canonical: string | undefined;
  // The first <source> of the current <picture>: browsers take the first format they support.
  let pictureSource: string | undefined;
  let inPicture = false;

  // A streaming tokenizer: no DOM is built, so thousands of pages scan in a fraction of a second.
  const parser = new Parser(
    {
      onopentag(name, a) {
        switch (name) {
          case 'title':
            inTitle = true;
            break;
          case 'meta': {
            const key = a.name ?? a.property;
            if (key && a.content !== undefined && !meta.has(key)) meta.set(key, a.content);
            break;
          }
          case 'link':
            if (a.rel === 'canonical') canonical ??= a.href;
            else if (a.rel === 'stylesheet' && local(a.href)) stylesheets.push(a.href);
            break;
          case 'script':
            if (local(a.src)) scripts.push(a.src);
            break;
          case 'picture':
            inPicture = true;
            pictureSource = undefined;
            break;
          case 'source':
            if (inPicture) pictureSource ??= a.srcset;
            break;
          case 'img': {
            if (a.loading === 'lazy') break;
            const url = largestCandidate(inPicture ? (pictureSource ?? a.srcset) : a.srcset) ?? a.src;
            if (local(url)) eagerImages.push(url);
            break;
          }
        }
      },
      ontext(text) {
        if (inTitle) title += text;
      },
      onclosetag(name) {
        if (name === 'title') inTitle = false;
        else if (name === 'picture') inPicture = false;
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);

  const posix = file.split(path.sep).join('/');
  const description = meta.get('description') ?? '';
  title = title.trim();
  return {
    file: posix,
    pathname: `/${posix.replace(/(^|\/)index\.html$/, '$1').replace(/\.html$/, '')}`,
    title,
    description,
    canonical,
    noindex: /noindex/i.test(meta.get('robots') ?? ''),
    lastmod: meta.get('dcterms.modified'),
    og: {
      title: meta.get('og:title') ?? title,
      description: meta.get('og:description') ?? description,
      siteName: meta.get('og:site_name') ?? '',
      image: meta.get('og:image'),
    },
    stylesheets,
    scripts,
    eagerImages,
  };
}

const local = (url: string | undefined): url is string => !!url && url.startsWith('/') && !url.startsWith('//');

/** The widest URL of a `srcset` (`a.avif 360w, b.avif 720w` → `b.avif`). */
function largestCandidate(srcset: string | undefined): string | undefined {
  if (!srcset) return undefined;
  const candidates = srcset.split(',').map((c) => {
    const [url = '', descriptor = '1x'] = c.trim().split(/\s+/);
    return { url, size: Number.parseFloat(descriptor) || 1 };
  });
  return candidates.sort((a, b) => b.size - a.size)[0]?.url;
}
