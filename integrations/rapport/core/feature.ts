import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AstroIntegrationLogger } from 'astro';
import type { Kysely } from 'kysely';
import type { BuildInfo } from './build-info.ts';
import type { RapportConfig } from '../config/schema.ts';
import type { FormEndpoint } from './forms/endpoint.ts';
import type { PageFacts } from './page-facts.ts';
import type { FeaturePrivacy } from './privacy/declaration.ts';
import type { Permission } from './security/roles.ts';
import type { Services } from './services.ts';
import type { Store } from './store/open-store.ts';
import type { Database } from './store/schema.ts';
import type { Translator } from '../i18n/translate.ts';

/**
 * What a feature is told when it declares itself. `config` is the options as the site can use
 * them: without an adapter there is no server, so every form-taking switch reads as off (see
 * `config/effective-config.ts`, the one place that decides it).
 */
export interface FeatureContext {
  config: RapportConfig;
  /** An adapter is set (or this is the server itself): forms, per-request pages and jobs exist. */
  server: boolean;
}

export interface FeatureRoute {
  pattern: string;
  /** Absolute path of the page or endpoint file. */
  entrypoint: string;
  /** Per request or per person (forms, accounts, result pages, the CMS): `noindex`, out of the sitemap. */
  private?: boolean;
  /**
   * Its page speaks each of the site's locales (it reads the request's, see `site/page-locale.ts`),
   * so a site in several is served it under each other locale's prefix too (`/faq/` and `/fr/faq/`).
   */
  localized?: boolean;
}

/**
 * A block of the signed-in person's account page (`/account/`), drawn by the feature that owns
 * its data. The component gets `person` (the signed-in person) as its only prop.
 */
export interface AccountSection {
  id: string;
  /** Absolute path of the `.astro` component. */
  entrypoint: string;
  /** Where it goes on the page, smallest first. */
  order: number;
}

/**
 * A part of the staff console (`/admin/crm/`): its pages, its entry in the console's menu, and
 * who may open it. Its pages check the permission themselves on every request (`site/console/`).
 */
export interface ConsoleSection {
  id: string;
  /** The menu entry. */
  label: string;
  /** Where the menu entry leads. */
  path: string;
  /** Place in the menu, smallest first. */
  order: number;
  /** Who sees it in the menu (the pages check their own, maybe stricter, permission). */
  permission: Permission;
  /** Its pages: private, server-rendered. A page that takes uploads names the largest body it accepts (the form limit otherwise). */
  pages: Array<{ pattern: string; entrypoint: string; maxBodyBytes?: number }>;
  /** A module whose default export is a `TodayCounter`: what waits for staff in this section, for the console's first page. */
  today?: string;
}

/** One line of the console's Today page: a figure and the list it links to. */
export interface TodayItem {
  label: string;
  count: number;
  href: string;
  /** Whether a non-zero figure asks for someone to act (drawn as such). */
  attention?: boolean;
  /** Who may see it. */
  permission: Permission;
}

/** Counts what waits in a section; given the services and the time now. */
export type TodayCounter = (s: Services) => Promise<TodayItem[]>;

/** A static page a form sends its visitor to after a successful post (303). */
export interface ResultPage {
  title: string;
  /** Meta description (40–160 characters, unique like every other page's). */
  description: string;
  paragraphs: string[];
  /** Default-locale paths; a page in another language links each one's page in that language where there is one. */
  links: Array<{ href: string; label: string }>;
  /**
   * Its words come from the catalogues (the `say` it was declared with), so it is served in each
   * of the site's locales (`/fr/subscribe/confirmed`), where a localized form sends its visitor.
   */
  localized?: boolean | undefined;
}

/** What a feature's after-build step is given, once the pages are written. */
export interface BuildContext extends FeatureContext {
  /** The static output folder (`dist/client/`). */
  outDir: string;
  /** The server bundle's folder, where artefacts for the server go; absent for a static site. */
  serverDir: string | undefined;
  /** The project root. */
  root: URL;
  /** A folder kept between builds, for artefacts an unchanged site can reuse (one subfolder per feature). */
  cacheDir: string;
  /** Every page written, as the build scanned it. */
  pages: readonly PageFacts[];
  logger: AstroIntegrationLogger;
}

/** Recurring work every server runs. It must be safe on several servers at once (claim rows). */
export interface Job {
  name: string;
  everyMs: number;
  /** Whether `astro dev` runs it too. */
  dev: boolean;
  run(s: Services): Promise<unknown>;
}

/** Where the server runs, for a feature starting up. */
export interface RuntimeEnv {
  /** The project folder (the content repository, drafts, builds). */
  projectRoot: string;
  /** The site's URL as the build knows it. */
  site: string;
  /** `astro dev` rather than Rapport's server. */
  dev: boolean;
  /** The content repository several servers share (`RAPPORT_CONTENT_REPO`), when there is one: every Git write goes through it. */
  shared?: SharedContent | undefined;
}

/**
 * The project's working copy of a content repository shared with other servers. A write runs
 * alone on the freshly fetched copy and is pushed before it resolves; when another server changed
 * the same thing first it rejects (an error named `ContentConflict`, its message for people) and
 * nothing of it is kept.
 */
export interface SharedContent {
  /** Fetches and brings the copy up to date, unless that was done less than `maxAgeMs` ago. */
  refresh(maxAgeMs?: number): Promise<void>;
  /** Runs `write` (commits in the working copy), then pushes what it moved. */
  write<T>(write: () => Promise<T>): Promise<T>;
}

/** What a raw request handler is given besides the request. */
export interface HandlerContext {
  services: Services;
  /** Rebuild the live site from the content repository (a no-op where the server does not publish). */
  publish(): void;
}

/** HTTP a feature answers itself, beside its forms (the CMS backend, files for the editor). */
export interface RequestHandler {
  method: 'GET' | 'POST';
  /** An exact path, or a pattern for a family of paths. */
  path: string | RegExp;
  /** Only under `astro dev` (the build puts these files in place otherwise). */
  devOnly?: boolean;
  /** Largest body it takes, for POST; the form limit otherwise. */
  maxBodyBytes?(config: RapportConfig): number;
  /** Posts come from elsewhere by design (a sending service's webhook): no origin check; the handler must authenticate each request itself (a signature). */
  originExempt?: boolean;
  handle(req: IncomingMessage, res: ServerResponse, ctx: HandlerContext): Promise<void>;
}

/**
 * One answer the server sent to a GET or HEAD, as it finished: what a feature that watches the
 * traffic (visit counts) may read. The address is for limits in memory; nothing here is stored by core.
 */
export interface PageView {
  method: string;
  /** The path without the query. */
  path: string;
  status: number;
  contentType: string | undefined;
  referer: string | undefined;
  userAgent: string | undefined;
  /** `Sec-Purpose` / `Purpose`: a page fetched ahead of a click says so. */
  purpose: string | undefined;
  /** `Sec-Fetch-Dest`: `document` for a page the browser shows, `empty` for a script's fetch (the live search). */
  dest: string | undefined;
  ip: string;
}

/** A feature's server side: imported only by the server, the dev server and the CLI. */
export interface FeatureRuntime {
  /** Once, when the server starts: what it puts on the services (a backend, where drafts go). Runs in list order. */
  start?(s: Services, env: RuntimeEnv): Promise<void>;
  /** Reads this feature's artefacts from a build into the services; runs again on every publish. */
  load?(buildDir: string, s: Services): void | Promise<void>;
  /** After a publish made a new build live (not at start). */
  published?(buildDir: string, s: Services): Promise<void>;
  /** Whether it commits content that should go live by rebuilding the site (the built-in CMS backend). */
  publishes?(s: Services): boolean;
  jobs?: Job[];
  /** The jobs to run at once after a post to one of its forms was accepted. */
  afterAccepted?(formPath: string): string[];
  handlers?: RequestHandler[];
  /** Under `astro dev`, before a form is answered: read from the dev server what a build would have written (the order catalogue). */
  devRefresh?(formPath: string, devOrigin: string, s: Services): Promise<void>;
  /** Its `npx rapport <group> …` commands. */
  commands?: CliCommand[];
  /** Each answer to a GET or HEAD once sent (see PageView). Called on every one: it must not throw or wait. */
  viewed?(view: PageView, s: Services): void;
  /** When the server stops, before the store closes: write what is held in memory. */
  stop?(s: Services): Promise<void>;
}

/** What a CLI command is given: the store, and what the build and the environment say. */
export interface CliEnv {
  db: Kysely<Database>;
  /** The store `db` belongs to: its dialect and where it lives (for chores on the store as a whole). */
  store: Store;
  /** What the last build recorded (`dist/server/rapport.json`), if there is one. */
  built: BuildInfo | undefined;
  /** Where links in mail start: SITE_URL, else the built site's URL. */
  siteUrl(): URL;
  /** Where the person at this terminal can open a link now: SITE_URL, else the running local server, else `siteUrl()`. */
  reachableUrl(): URL;
  /** The services as the server builds them (from the last build's options); throws, saying to build first, without one. */
  services(): Services;
  /** The whole usage text, for messages about a wrong command. */
  usage: string;
}

/** One group of `npx rapport` commands (`users`, `orders`, `mail`). */
export interface CliCommand {
  group: string;
  /** Its lines of the usage text. */
  usage: string;
  /** Options it reads, for `node:util` `parseArgs`; every group's are merged. */
  options?: Record<string, { type: 'string' | 'boolean' }>;
  /** Runs `npx rapport <group> <command> <args…>`; resolves with the exit code. */
  run(command: string, args: string[], values: Record<string, string | boolean | undefined>, env: CliEnv): Promise<number>;
}

/**
 * One switchable capability of the site (newsletter, orders, FAQ…), declared once: the
 * integration, the server, the dev server and the CLI read this and nothing else. Fields are
 * added when something uses them (personal-data export and erasure, and messages per language are
 * expected next).
 */
export interface RapportFeature {
  id: string;
  /** The only place this feature's switches in the options are read. */
  enabled(ctx: FeatureContext): boolean;
  routes?(ctx: FeatureContext): FeatureRoute[];
  forms?(ctx: FeatureContext): FormEndpoint[];
  /** Its result pages by default-locale path, in `say`'s language (asked once per locale of the site). */
  resultPages?(ctx: FeatureContext, say: Translator): Record<string, ResultPage>;
  /** Its part of the HTML site map: a module whose default export gives the section (`site/seo/site-map.ts`), and where it goes (smallest first). */
  siteMap?(ctx: FeatureContext): { entrypoint: string; order: number };
  /** Its parts of the staff console (when a feature hosts the console). */
  console?(ctx: FeatureContext): ConsoleSection[];
  /** This feature draws the console's frame (sign-in, menu, Today); other features' sections exist only with it. */
  hostsConsole?: boolean;
  /** Its blocks of the account page (when accounts are on). */
  accountSections?(ctx: FeatureContext): AccountSection[];
  privacy?(ctx: FeatureContext): FeaturePrivacy[];
  afterBuild?(build: BuildContext): Promise<void>;
  runtime?(): Promise<FeatureRuntime>;
}

/** The features the options enable, in list order. */
export const enabledFeatures = (features: readonly RapportFeature[], ctx: FeatureContext) => features.filter((f) => f.enabled(ctx));
