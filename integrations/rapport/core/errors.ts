/**
 * An error with an HTTP status and a message written for people (h3's `HTTPError`). Anything a
 * visitor can cause is thrown as one; the request pipeline's boundary answers it with its status
 * and message, and answers anything else with a 500 that shows no details.
 */
export class HttpError extends Error {
  readonly status: number;
  /** Extra response headers (`Allow` for a 405). */
  readonly headers: Record<string, string>;

  constructor(status: number, publicMessage: string, options: { cause?: unknown; headers?: Record<string, string> } = {}) {
    super(publicMessage, options.cause === undefined ? {} : { cause: options.cause });
    this.name = 'HttpError';
    this.status = status;
    this.headers = options.headers ?? {};
  }
}

/** An error in one line for a log: its stack when it has one. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}
