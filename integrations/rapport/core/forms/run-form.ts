import { checkTimeTrap, HONEYPOT_FIELD, TIME_TRAP_FIELD } from '../security/spam-traps.ts';
import { take } from '../security/rate-limit.ts';
import { waitText, type FormEndpoint, type FormOutcome, type FormRequest, type FormServices } from './endpoint.ts';
import { readForm } from './read-form.ts';

/**
 * One form post, start to end: spam traps, validation, the per-IP limit, then the handler.
 * A bot caught by a trap is sent to the result page as if it had succeeded, and nothing is stored.
 */
export async function runForm(endpoint: FormEndpoint, params: URLSearchParams, services: FormServices, request: FormRequest): Promise<FormOutcome> {
  const intercepted = await endpoint.intercept?.(params, services, request);
  if (intercepted) return intercepted;
  const form = endpoint.form(services.config, services);
  if (form.traps !== false) {
    if (params.get(HONEYPOT_FIELD)) return { kind: 'redirect', location: endpoint.decoy };
    const verdict = checkTimeTrap(params.get(TIME_TRAP_FIELD), services.secret, services.clock());
    if (verdict === 'forged' || verdict === 'too-fast') return { kind: 'redirect', location: endpoint.decoy };
    if (verdict === 'expired') {
      const read = readForm(form, params);
      const message = 'This page was open for more than a day. Check the fields and send the form again.';
      return { kind: 'invalid', state: read.ok ? { form: form.id, values: readValues(params), errors: {}, message, status: 422 } : { ...read.state, message } };
    }
  }
  const read = readForm(form, params);
  if (!read.ok) return { kind: 'invalid', state: read.state };
  const wait = await take(services.limits.perIp, request.ip);
  if (wait > 0) {
    return {
      kind: 'invalid',
      state: {
        form: form.id,
        values: readValues(params),
        errors: {},
        message: `Too many forms have been sent from your network in the last few minutes. Nothing was lost from this page: wait ${waitText(wait)} and send it again.`,
        status: 429,
      },
    };
  }
  return endpoint.handle(read.data, services, request);
}

function readValues(params: URLSearchParams) {
  const values: Record<string, string | string[]> = {};
  for (const name of new Set(params.keys())) {
    if (name === HONEYPOT_FIELD || name === TIME_TRAP_FIELD) continue;
    const all = params.getAll(name);
    values[name] = all.length > 1 ? all : all[0]!;
  }
  return values;
}
