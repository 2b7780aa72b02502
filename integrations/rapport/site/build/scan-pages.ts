import type { PageFacts } from '../../core/page-facts.ts';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Parser } from 'htmlparser2';
import { listFiles } from '../../internal/walk.ts';

/** Bump when `pageFacts` reads pages differently, so facts cached by earlier builds are not used. */
const FACTS_VERSION = 1;

/**
 * Reads every HTML page of the build output. With a `cacheFile`, the facts of a page whose file
 * is byte for byte the one an earlier build read come from there: hashing a page costs a tenth
 * of parsing it, and on a rebuild of an unchanged site nearly every page is unchanged.
 */
export async function scanPages(outDir: string, cacheFile?: string): Promise<PageFacts[]> {
  const files = (await listFiles(outDir)).filter((f) => f.endsWith('.html'));
  const known = readCache(cacheFile);
  const seen: Record<string, PageFacts> = {};
  let parsed = 0;
  // Synchronous reads: thousands of small files are read faster in a loop than through the thread pool.
  const pages = files.map((file) => {
    const rel = path.relative(outDir, file);
    const body = readFileSync(file);
    const key = `${createHash('sha256').update(rel).update('\0').update(body).digest('base64url').slice(0, 32)}`;
    let facts = known[key];
    if (!facts) {
      facts = pageFacts(rel, body.toString('utf8'));
      parsed++;
    }
    seen[key] = facts;
    return facts;
  });
  // Only this build's pages are kept, so the file does not grow with every edit.
  if (cacheFile && (parsed > 0 || Object.keys(known).length !== pages.length)) {
    mkdirSync(path.dirname(cacheFile), { recursive: true });
    writeFileSync(`${cacheFile}.tmp`, JSON.stringify({ version: FACTS_VERSION, pages: seen }));
    renameSync(`${cacheFile}.tmp`, cacheFile);
  }
  return pages;
}

function readCache(cacheFile: string | undefined): Record<string, PageFacts> {
  if (!cacheFile || !existsSync(cacheFile)) return {};
  try {
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as { version: number; pages: Record<string, PageFacts> };
    return cached.version === FACTS_VERSION ? cached.pages : {};
  } catch {
    return {}; // a cache cut short (a killed build) is rebuilt, not trusted
  }
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
