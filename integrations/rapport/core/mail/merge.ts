import escapeHtml from 'escape-html';

/**
 * Mail merge: one body for many recipients, with `{{rapport.name}}` places filled per message. The
 * prefix keeps an issue that shows `{{ something }}` in its text (a template example) untouched;
 * a place whose value is not given is left as written, so a mistake shows instead of vanishing.
 */
const PLACE = /\{\{rapport\.([a-z][a-zA-Z0-9]*)\}\}/g;

/** The place for `name`, to write into a template. */
export const place = (name: string) => `{{rapport.${name}}}`;

/** Fills the places in text (or a header). */
export const mergeText = (template: string, vars: Record<string, string>) => template.replace(PLACE, (all, name: string) => vars[name] ?? all);

/** Fills the places in HTML, each value escaped for an attribute or text. */
export const mergeHtml = (template: string, vars: Record<string, string>) =>
  template.replace(PLACE, (all, name: string) => (vars[name] === undefined ? all : escapeHtml(vars[name])));
