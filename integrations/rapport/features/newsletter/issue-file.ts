import { existsSync, readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseHTML } from 'linkedom';

/** One newsletter issue as the server sends it: its facts and the body of its archive page. */
export interface NewsletterIssue {
  slug: string;
  title: string;
  /** The issue's summary (archive, feed, search results). */
  description: string;
  /** `YYYY-MM-DD`. */
  date: string;
  /** The archive page's path, e.g. `/newsletter/2026-03-the-snow-is-going/`. */
  path: string;
  /** The archive page as the build's site addresses it (mail builds its links from the running site's URL and `path`). */
  url: string;
  /** The issue's body exactly as its page shows it (below the title and date), links as the page has them. */
  html: string;
  /** The same issue in each other locale it is written in (`fr-CA`: its French page's words and body). */
  translations?: Record<string, IssueTranslation> | undefined;
}

/** An issue in another language: what its page in that language says. */
export type IssueTranslation = Omit<NewsletterIssue, 'slug' | 'translations'>;

/** The issue as readers of `locale` get it: its translation where it has one, else as written. */
export function issueIn(issue: NewsletterIssue, locale: string): { issue: NewsletterIssue; locale: string | undefined } {
  const translation = issue.translations?.[locale];
  return translation ? { issue: { ...translation, slug: issue.slug }, locale } : { issue, locale: undefined };
}

/** Where the build writes the issues' facts (a prerendered route); removed from the public folder after the build. */
export const ISSUES_ROUTE_FILE = 'newsletter-issues.json';
/** The complete issues, next to the server bundle. */
export const SERVER_ISSUES_FILE = 'newsletter-issues.json';

/**
 * The body of a built issue page: the article's content after its heading and date line. Read from
 * the page itself, so the mail carries what the web page shows (images as the build processed them).
 */
export function issueBody(pageHtml: string): string | undefined {
  const { document } = parseHTML(pageHtml);
  const article = document.querySelector('main article');
  if (!article) return undefined;
  if (article.firstElementChild?.tagName === 'H1') article.firstElementChild.remove();
  const dateLine = article.firstElementChild;
  if (dateLine?.tagName === 'P' && dateLine.querySelector('time')) dateLine.remove();
  return article.innerHTML.trim();
}

/** After the build: the issues' facts with each page's body, for the server; the public copy is removed. */
export async function writeIssuesForServer(outDir: string, serverDir: string | undefined): Promise<number> {
  const routeFile = path.join(outDir, ISSUES_ROUTE_FILE);
  if (!existsSync(routeFile)) return 0;
  const { issues } = JSON.parse(await readFile(routeFile, 'utf8')) as {
    issues: Array<Omit<NewsletterIssue, 'html' | 'translations'> & { translations?: Record<string, Omit<IssueTranslation, 'html'>> }>;
  };
  await rm(routeFile);
  if (!serverDir) return 0;
  const bodyOf = async (issuePath: string) => {
    const html = issueBody(await readFile(path.join(outDir, issuePath, 'index.html'), 'utf8'));
    if (html === undefined) throw new Error(`The newsletter issue page ${issuePath} has no <article> inside <main>: its body cannot be sent by e-mail.`);
    return html;
  };
  const complete: NewsletterIssue[] = [];
  for (const issue of issues) {
    const translations: Record<string, IssueTranslation> = {};
    for (const [locale, words] of Object.entries(issue.translations ?? {})) translations[locale] = { ...words, html: await bodyOf(words.path) };
    const { slug, title, description, date, path: page, url } = issue;
    complete.push({ slug, title, description, date, path: page, url, html: await bodyOf(page), ...(issue.translations ? { translations } : {}) });
  }
  await writeFile(path.join(serverDir, SERVER_ISSUES_FILE), `${JSON.stringify({ issues: complete })}\n`);
  return complete.length;
}

/** The live build's issues, newest first (none when the build has no newsletter). */
export function readIssues(buildDir: string): NewsletterIssue[] {
  const file = path.join(buildDir, 'server', SERVER_ISSUES_FILE);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { issues: NewsletterIssue[] }).issues : [];
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Rapport {
    interface FeatureServices {
      /** The newsletter issues of the live build, newest first (what a campaign sends). */
      newsletterIssues?: NewsletterIssue[] | undefined;
    }
  }
}
