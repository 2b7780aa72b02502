import { tokenIsValid } from '../core/security/tokens.ts';

/**
 * Whether the token a confirmation link carries (`?token=`) is still good for `purpose`, for the
 * page it opens. Asked in the page's own frontmatter: once a component waits on the store, the
 * answer has begun and its status can no longer change (a refused link must answer 400).
 */
export async function linkIsValid(page: { url: URL; locals: App.Locals }, purpose: string): Promise<boolean> {
  const services = page.locals.rapport?.services;
  return services ? tokenIsValid(services.db, page.url.searchParams.get('token') ?? '', purpose, services.clock) : false;
}
