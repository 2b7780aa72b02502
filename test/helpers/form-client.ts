import { request } from 'node:http';
import type http from 'node:http';
import { issueTimeTrap } from '../../integrations/rapport/core/security/spam-traps.ts';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** A raw HTTP request, so a test sees exactly what a browser (or a mail client) gets. */
export function raw(url: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Answer> {
  const body = typeof options.body === 'string' ? Buffer.from(options.body) : options.body;
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: { ...options.headers, ...(body ? { 'content-length': String(body.length) } : {}) } },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    // A server that refuses a big body answers and closes while we still write: the answer
    // counts. A connection that dies with no answer at all is an error.
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
      else setTimeout(() => answered || reject(error), 100);
    });
    req.end(body);
  });
}

/** A form client for one server: posts as the site's own pages do (same origin, a time-trap value as if the form was shown 5 s ago). */
export function formClient(base: string, secret: string) {
  const shown = () => issueTimeTrap(secret, new Date(Date.now() - 5_000));
  return {
    base,
    get: (path: string, headers: Record<string, string> = {}) => raw(base + path, { headers }),
    post(path: string, fields: Record<string, string | string[]>, options: { headers?: Record<string, string>; traps?: boolean } = {}) {
      const params = new URLSearchParams();
      if (options.traps !== false) params.set('shown', shown());
      for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) params.append(name, v);
      return raw(base + path, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, ...options.headers },
        body: params.toString(),
      });
    },
  };
}

/** The `token` query parameter of the first link to `path` in a text. */
export function tokenOf(text: string, path: string): string {
  const match = new RegExp(`https?://[^\\s"<>]+${path.replace(/[/?]/g, '\\$&')}\\?token=([A-Za-z0-9_-]+)`).exec(text);
  if (!match) throw new Error(`No link to ${path} in:\n${text}`);
  return match[1]!;
}
