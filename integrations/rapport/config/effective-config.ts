import type { RapportConfig } from './schema.ts';

/**
 * The options as this site can use them. Forms need a server: without an adapter every switch
 * that takes a form (sign-ups, accounts, contact, questions, orders) and the built-in CMS backend
 * read as off, so no page links to a form nobody can answer (nor draws a survey). The one place this is decided.
 */
export function effectiveConfig(config: RapportConfig, server: boolean): RapportConfig {
  if (server) return config;
  const crm = {
    ...config.crm,
    subscribe: false,
    accounts: false,
    contactForm: false,
    orders: { ...config.crm.orders, enabled: false },
    questions: { ...config.crm.questions, enabled: false },
    surveys: { ...config.crm.surveys, enabled: false },
  };
  const cms = config.cms.backend.name === 'rapport' ? { ...config.cms, enabled: false } : config.cms;
  return { ...config, crm, cms };
}

/** Whether the options ask for anything that needs a server. */
export const wantsServer = (config: RapportConfig) =>
  config.crm.subscribe || config.crm.accounts || config.crm.contactForm || config.crm.questions.enabled || config.crm.orders.enabled;
