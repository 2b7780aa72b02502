import type http from 'node:http';

type Listener = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/**
 * Starts requests in the order they arrived, a few per turn of the event loop, so that under load
 * nobody waits for seconds to be let in.
 *
 * Why: libuv accepts one new connection per turn of the event loop (libuv#3696), and a turn runs
 * every request that is ready on the connections already open (node:sqlite is synchronous, so each
 * runs to its answer within the turn). At 100 busy connections a turn lasts 100 requests' work,
 * 0.2 to 0.4 s here, and a visitor who connects then waits in the kernel's accept queue for
 * (connections ahead of them) × (a turn): 10 s and more, while those already in are answered in
 * 0.2 s. Started from one queue, as many per turn as fit in `turnMs` of work, turns stay short:
 * connections are let in many times a second, and every request waits the same queue. Requests
 * started in one turn still run together (the store can commit them at once).
 * A request whose visitor hung up while it waited is not started.
 */
export function inArrivalOrder(listener: Listener, options: { turnMs?: number; maxPerTurn?: number } = {}): Listener {
  const turnMs = options.turnMs ?? 10;
  const maxPerTurn = options.maxPerTurn ?? 64;
  const queue: Array<[http.IncomingMessage, http.ServerResponse] | undefined> = [];
  let head = 0;
  // Immediates set for the coming check phase, one request each: Node runs the microtasks between
  // two immediates, so the time from one start to the next is what the first one cost (its
  // synchronous part: all of it on SQLite, up to its first wait on PostgreSQL).
  let pending = 0;
  // At least two a turn, so that one start is always timed by the next.
  let perTurn = 2;
  let cost = 0;
  let lastStart: number | undefined;
  const schedule = (count: number) => {
    for (; count > 0; count--, pending++) setImmediate(startOne);
  };
  const startOne = () => {
    pending--;
    const now = performance.now();
    if (lastStart !== undefined) {
      cost = cost === 0 ? now - lastStart : 0.8 * cost + 0.2 * (now - lastStart);
      perTurn = Math.max(2, Math.min(maxPerTurn, Math.floor(turnMs / Math.max(cost, 0.05))));
    }
    while (head < queue.length) {
      const [req, res] = queue[head]!;
      queue[head++] = undefined;
      if (!req.socket.destroyed) {
        listener(req, res);
        break;
      }
    }
    // Only a start followed by another in the same check phase measures a request's cost.
    lastStart = pending > 0 ? now : undefined;
    if (head === queue.length || head > 4096) {
      // Drop the started ones (all of them when nothing waits; else now and then under steady load).
      queue.splice(0, head);
      head = 0;
    }
    if (head < queue.length && pending === 0) {
      // Set during this check phase, these run in the next turn, after its accept and reads.
      schedule(Math.min(perTurn, queue.length - head));
    }
  };
  return (req, res) => {
    queue.push([req, res]);
    if (pending < perTurn) schedule(1);
  };
}
