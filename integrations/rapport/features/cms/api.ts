import type http from 'node:http';
import { parseCookie } from 'cookie';
import { readBody, sendJson as json } from '../../core/http-io.ts';
import { can } from '../../core/security/roles.ts';
import { SESSION_COOKIE, sessionPerson } from '../../core/security/sessions.ts';
import type { Services } from '../../core/services.ts';
import { HttpError } from '../../core/errors.ts';
import type { CmsBackend } from './backend.ts';

export const CMS_API_PATH = '/admin/api/v1';

/**
 * `POST /admin/api/v1`: Decap's proxy-backend protocol, for signed-in staff only. Without an
 * editor or admin session the answer is 401 and nothing is read or written.
 */
export async function serveCmsApi(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  context: { services: Services; backend: CmsBackend | undefined; maxBodyBytes: number; onPublished?: (() => void) | undefined },
): Promise<void> {
  if (req.method !== 'POST') return json(res, 405, { error: 'Use POST' });
  const cookies = req.headers.cookie ? parseCookie(req.headers.cookie) : {};
  const person = await sessionPerson(context.services.db, cookies[SESSION_COOKIE], context.services.clock).catch(() => undefined);
  if (!person || !can(person.role, 'cms')) {
    req.resume();
    return json(res, 401, { error: 'Sign in as an editor or admin to use the content manager.' });
  }
  if (!context.backend)
    return json(res, 503, { error: 'The content folder is not a Git repository, so the content manager cannot save. Run `git init` in the project.' });
  const body = await readBody(req, context.maxBodyBytes);
  if (body === undefined) return json(res, 413, { error: 'That is more than the content manager accepts in one request.' });
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch {
    return json(res, 400, { error: 'Send JSON.' });
  }
  try {
    const result = await context.backend.handle(payload, { accountId: person.accountId, name: person.name || person.email, email: person.email });
    const action = (payload as { action?: unknown }).action;
    const direct =
      action === 'deleteFile' ||
      action === 'deleteFiles' ||
      (action === 'persistEntry' && (payload as { params?: { options?: { useWorkflow?: unknown } } }).params?.options?.useWorkflow !== true);
    if (action === 'publishUnpublishedEntry' || direct) {
      context.onPublished?.();
    }
    return json(res, 200, result ?? null);
  } catch (error) {
    if (error instanceof HttpError) return json(res, error.status, { error: error.message });
    context.services.log(`CMS backend: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return json(res, 500, { error: 'The content manager could not do that; nothing was changed. Try again.' });
  }
}
