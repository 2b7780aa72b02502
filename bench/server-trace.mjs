// BENCH_TRACE=1: where a bench server's requests wait. Times each request from its arrival to
// its answer (or to the client giving up), the event loop's longest stalls, and, on SQLite through
// kysely-sqlite, how long each caller waited for the one connection and held it. Printed to stderr
// when the server stops. For looking into slow or starved requests; the figures cost a little time.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { SqliteDialect } from 'kysely-sqlite';

const BOUNDS = [10, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, Infinity];

function histogram() {
  const counts = BOUNDS.map(() => 0);
  let max = 0;
  let n = 0;
  return {
    add(ms) {
      counts[BOUNDS.findIndex((b) => ms < b)]++;
      max = Math.max(max, ms);
      n++;
    },
    toJSON: () => ({
      n,
      maxMs: Math.round(max),
      under: Object.fromEntries(BOUNDS.map((b, i) => [b === Infinity ? 'more' : `<${b}ms`, counts[i]]).filter(([, c]) => c > 0)),
    }),
  };
}

const waits = histogram();
const holds = histogram();
const answered = histogram();
const abandoned = histogram();
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

// Every caller of the SQLite connection: the time from asking for it to getting it, and from getting it to giving it back.
const createDriver = SqliteDialect.prototype.createDriver;
SqliteDialect.prototype.createDriver = function () {
  const driver = createDriver.call(this);
  const acquire = driver.acquireConnection.bind(driver);
  const release = driver.releaseConnection.bind(driver);
  let heldSince = 0;
  driver.acquireConnection = async () => {
    const asked = performance.now();
    const connection = await acquire();
    heldSince = performance.now();
    waits.add(heldSince - asked);
    return connection;
  };
  driver.releaseConnection = async (connection) => {
    holds.add(performance.now() - heldSince);
    return release(connection);
  };
  return driver;
};

let connections = 0;
let closedByServer = 0;
const requestsPerConnection = histogram();

/** Times every request of `server`, and counts its connections (a load generator keeps its own open). */
export function traceServer(server) {
  const requests = new WeakMap();
  server.on('connection', (socket) => {
    connections++;
    requests.set(socket, 0);
    const end = socket.end.bind(socket);
    socket.end = (...args) => {
      closedByServer++;
      return end(...args);
    };
    socket.once('close', () => requestsPerConnection.add(requests.get(socket)));
  });
  server.prependListener('request', (req, res) => {
    requests.set(req.socket, requests.get(req.socket) + 1);
    const start = performance.now();
    res.once('close', () => (res.writableFinished ? answered : abandoned).add(performance.now() - start));
  });
}

/** The figures so far, as one JSON line on stderr. */
export function printTrace() {
  const report = {
    connections,
    closedByServer,
    requestsPerConnection,
    answered,
    closedBeforeAnswer: abandoned,
    sqliteWait: waits,
    sqliteHold: holds,
    eventLoopDelay: { maxMs: Math.round(loop.max / 1e6), p99Ms: Math.round(loop.percentile(99) / 1e6) },
  };
  process.stderr.write(`BENCH_TRACE ${JSON.stringify(report)}\n`);
}
