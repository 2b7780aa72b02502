import type { Services } from '../services.ts';
import { checkTimeTrap, DEFAULT_TIME_TRAP, HONEYPOT_FIELD, issueTimeTrap, STATIC_PAGE_STAMP, TIME_TRAP_FIELD } from '../security/spam-traps.ts';
import { take } from '../security/rate-limit.ts';
import { endpointForm, waitText, type FormEndpoint, type FormOutcome, type FormRequest } from './endpoint.ts';
import { groupParams, readForm } from './read-form.ts';
import { translator } from '../../i18n/translate.ts';

/**
 * One form post, start to end: spam traps, validation, the per-IP limit, then the handler.
 * A bot caught by the honeypot or a forged time trap is sent to the result page as if it had
 * succeeded, and nothing is stored; a post sent too soon after the form was drawn comes back to
 * be sent again, since a person can be that quick too. Every message is in the request's locale.
 */
export async function runForm(endpoint: FormEndpoint, params: URLSearchParams, services: Services, request: FormRequest): Promise<FormOutcome> {
  const intercepted = await endpoint.intercept?.(params, services, request);
  if (intercepted) return intercepted;
  const form = endpointForm(endpoint, services);
  const say = translator(services.config.site, request.locale);
  if (form.traps !== false) {
    if (params.get(HONEYPOT_FIELD)) return { kind: 'redirect', location: endpoint.decoy };
    const now = services.clock();
    const stamp = params.get(TIME_TRAP_FIELD);
    const verdict = endpoint.drawnOnStaticPages && stamp === STATIC_PAGE_STAMP ? 'ok' : checkTimeTrap(stamp, services.secret, now);
    if (verdict === 'forged') return { kind: 'redirect', location: endpoint.decoy };
    if (verdict === 'too-fast') {
      // Autofill, a password manager or a quick typist is not a bot: nothing is stored yet, the
      // form comes back as sent, and a second send is accepted however quick (its trap is
      // issued as if the form had been shown the minimum time ago).
      return sendAgain(form.id, params, say('form.too-fast'), 422, issueTimeTrap(services.secret, new Date(now.getTime() - DEFAULT_TIME_TRAP.minMs)));
    }
    if (verdict === 'expired') {
      const read = readForm(form, params, say);
      const message = say('form.expired');
      return read.ok ? sendAgain(form.id, params, message, 422) : { kind: 'invalid', state: { ...read.state, message } };
    }
  }
  const read = readForm(form, params, say);
  if (!read.ok) return { kind: 'invalid', state: read.state };
  // The count is a relaxed write (see writeRelaxed): it does not wait for a commit of its own but
  // becomes durable with the handler's, so a submission still costs one fsync.
  const wait = await take(services.limits.perIp, request.ip);
  if (wait > 0) {
    return sendAgain(form.id, params, say('form.too-many', { wait: waitText(wait, say) }), 429);
  }
  return endpoint.handle(read.data, services, request);
}

/** The form again, with what was posted and one message for the whole form. */
function sendAgain(form: string, params: URLSearchParams, message: string, status: number, timeTrap?: string): FormOutcome {
  return { kind: 'invalid', state: { form, values: readValues(params), errors: {}, message, status, ...(timeTrap ? { timeTrap } : {}) } };
}

function readValues(params: URLSearchParams) {
  const values: Record<string, string | string[]> = {};
  for (const [name, all] of groupParams(params)) {
    if (name === HONEYPOT_FIELD || name === TIME_TRAP_FIELD) continue;
    values[name] = all.length > 1 ? all : all[0]!;
  }
  return values;
}
