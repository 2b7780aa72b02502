import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { describeError, HttpError } from '../core/errors.ts';

type Listener = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

const requests = new AsyncLocalStorage<string>();

/** The id of the request being handled (for log lines), if any. */
export const currentRequestId = (): string | undefined => requests.getStore();

/**
 * The one error boundary around the whole request pipeline (Astro's node adapter keeps one at its
 * edge too): whatever a handler throws or rejects with is answered here and the process keeps
 * serving. An `HttpError` is the visitor's doing and gets its status and message; anything else
 * is ours, logged once with a request id and answered 500 with that id and no details.
 */
export function withErrorBoundary(handler: Listener, log: (message: string) => void): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  return (req, res) => {
    const id = randomBytes(6).toString('base64url');
    const fail = (error: unknown) => {
      if (error instanceof HttpError) return refuse(req, res, error.status, error.message, error.headers);
      // The visitor went away mid-request: nobody to answer, nothing of ours to log.
      if (isAbort(error)) return void res.destroy();
      log(`[request ${id}] ${req.method} ${String(req.url).slice(0, 200)} failed: ${describeError(error)}`);
      if (res.headersSent) return void res.destroy();
      refuse(req, res, 500, `Something went wrong on our side, and we have noted it (reference ${id}). Please try again in a minute.`);
    };
    requests.run(id, () => {
      try {
        handler(req, res).catch(fail);
      } catch (error) {
        fail(error);
      }
    });
  };
}

/**
 * Answers without reading the request's body, then closes the connection: a body we will not use
 * is not worth receiving, and a keep-alive connection would have to read it first.
 */
export function refuse(req: http.IncomingMessage, res: http.ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.destroy();
  const unread = !req.complete;
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...(unread ? { Connection: 'close' } : {}), ...headers });
  res.end(`${message}\n`, () => {
    if (unread) req.destroy();
  });
}

/**
 * Logs promise rejections nobody handled instead of letting Node end the process (its default).
 * A rejection inside a request names that request.
 */
export function logUnhandledRejections(log: (message: string) => void): () => void {
  const listener = (reason: unknown) => {
    const id = currentRequestId();
    log(`Unhandled rejection${id ? ` in request ${id}` : ''} (the server carries on): ${describeError(reason)}`);
  };
  process.on('unhandledRejection', listener);
  return () => process.off('unhandledRejection', listener);
}

const isAbort = (error: unknown) => {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'ECONNRESET' || code === 'ECONNABORTED' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (error instanceof Error && error.message === 'aborted');
};
