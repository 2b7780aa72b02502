declare module 'virtual:rapport/config' {
  const config: import('./config/schema.ts').RapportConfig;
  export default config;
}

declare module 'virtual:rapport/project' {
  const project: import('./internal/project.ts').ProjectInfo;
  export default project;
}

declare namespace App {
  interface Locals {
    /** Set by Rapport's server for server-rendered pages: the CRM store and services, and a form to draw again. */
    rapport?: import('./server/form-server.ts').RapportLocals;
  }
}

declare module 'virtual:rapport/privacy' {
  type Statement = import('./features/privacy/build-statement.ts').Statement;
  type HistoryEntry = import('./features/privacy/history.ts').HistoryEntry;
  interface Worded {
    statement: Omit<Statement, 'facts' | 'labels'>;
    /** `changesIn`: the locale a version's changes are worded in, when not the page's (recorded before it had a statement in it). */
    history: Array<Omit<HistoryEntry, 'facts' | 'labels' | 'translatedLabels'> & { changesIn?: string }>;
  }
  /**
   * The privacy statement and its versions, newest first, in the site's default locale, and the same
   * in each other locale (by BCP 47 tag); null when the site collects nothing and has no settings.
   */
  const privacy: (Worded & { translations: Record<string, Worded> }) | null;
  export default privacy;
}

declare module 'virtual:rapport/results' {
  /** The pages forms send their visitors to, by path, as the enabled features declare them. */
  const results: Record<string, import('./core/feature.ts').ResultPage>;
  export default results;
}

declare module 'virtual:rapport/account-sections' {
  /** The enabled features' blocks of the account page, in page order; each takes the signed-in `person`. */
  const sections: Array<(props: { person: import('./core/security/sessions.ts').SessionPerson }) => unknown>;
  export default sections;
}

declare module 'virtual:rapport/site-map-sections' {
  /** The enabled features' parts of the HTML site map, in list order. */
  const parts: Array<import('./site/seo/site-map.ts').SiteMapPart>;
  export default parts;
}

declare module 'virtual:rapport/console-sections' {
  /** The staff console's menu: the enabled features' sections, in order. */
  const sections: Array<Pick<import('./core/feature.ts').ConsoleSection, 'id' | 'label' | 'path' | 'order' | 'permission'>>;
  export default sections;
}

declare module 'virtual:rapport/console-today' {
  /** What each section counts for the console's Today page. */
  const counters: Array<import('./core/feature.ts').TodayCounter>;
  export default counters;
}
