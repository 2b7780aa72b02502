// BENCH_TRACE=1: where a bench server's requests wait. Times each request from its arrival to
// its answer (or to the client giving up), counts connections, the event loop's longest stalls and,
// on SQLite, the commits (units per commit = the group commit's batch size), on PostgreSQL the
// statements sent. Printed to stderr when the server stops. For looking into slow or starved
// requests; the figures cost a little time.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pg from 'pg';

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

const answered = histogram();
const abandoned = histogram();
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

let connections = 0;

// Statements sent to PostgreSQL (each one a round trip and a socket write), to compare per request.
let pgStatements = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (...args) {
  pgStatements++;
  return query.apply(this, args);
};

/** Times every request of `server`, and counts its connections (a load generator keeps its own open). */
export function traceServer(server) {
  server.on('connection', () => connections++);
  server.prependListener('request', (req, res) => {
    const start = performance.now();
    res.once('close', () => (res.writableFinished ? answered : abandoned).add(performance.now() - start));
  });
}

let store;
/** Reports `store.commits` (SQLite's group commit statistics) at the end. */
export function traceStore(s) {
  store = s;
}

/** The figures so far, as one JSON line on stderr. */
export function printTrace() {
  const report = {
    connections,
    answered,
    closedBeforeAnswer: abandoned,
    commits: store?.commits,
    pgStatementsPerAnswer: answered.toJSON().n ? +(pgStatements / answered.toJSON().n).toFixed(1) : undefined,
    eventLoopDelay: { maxMs: Math.round(loop.max / 1e6), p99Ms: Math.round(loop.percentile(99) / 1e6) },
  };
  process.stderr.write(`BENCH_TRACE ${JSON.stringify(report)}\n`);
}
