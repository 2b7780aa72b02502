/**
 * Where a version of the privacy statement is described: its entry on the statement's history
 * page (`/privacy/changes#v2026-11-25-d71256f5`). The consent ledger records a version with every
 * consent, and the account page and the console link each record to what that version said.
 */
export const CHANGES_PATH = '/privacy/changes';

/** The version's anchor: `2026-11-25+d71256f5` → `v2026-11-25-d71256f5` (an id without `+`). */
export const versionAnchor = (version: string) => `v${version.replace(/[^\w-]/g, '-')}`;

/** A link to the version on the history page; `changesPath` is that page in the reader's language (`/fr/privacy/changes`). */
export const versionHref = (version: string, changesPath: string = CHANGES_PATH) => `${changesPath}#${versionAnchor(version)}`;
