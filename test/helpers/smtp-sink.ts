import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  raw: string;
  parsed: ParsedMail;
}

/**
 * A real SMTP server on loopback that keeps (and parses) what it receives. `holdMs` keeps each
 * message that long before accepting it (so several sends overlap); `inFlight.max` is the most
 * messages it was receiving at once.
 */
export async function smtpSink(port = 0, options: { holdMs?: number; refuse?: (address: string) => { code: number; message: string } | undefined } = {}) {
  const received: ReceivedMail[] = [];
  const inFlight = { now: 0, max: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // A receiving server that refuses some recipients (no such mailbox, mailbox full).
    onRcptTo(address, _session, callback) {
      const refusal = options.refuse?.(address.address);
      if (!refusal) return callback();
      callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
    },
    onData(stream, session, reply) {
      inFlight.max = Math.max(inFlight.max, ++inFlight.now);
      const callback = (error?: Error | null) => {
        const answer = () => {
          inFlight.now--;
          reply(error);
        };
        if (options.holdMs) setTimeout(answer, options.holdMs);
        else answer();
      };
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      stream.on('end', () => {
        simpleParser(raw)
          .then((parsed) => {
            received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, parsed });
            callback();
          })
          .catch(callback);
      });
    },
  });
  // A client that dies mid-session (a killed server) resets its connection: note it, don't crash.
  const errors: Error[] = [];
  server.on('error', (error: Error) => errors.push(error));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.server.address() as AddressInfo;
  return { received, inFlight, errors, port: address.port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Polls until `find` returns something (mail arrives asynchronously); fails after `timeoutMs`. */
export async function waitFor<T>(find: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
