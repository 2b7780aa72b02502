import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { inArrivalOrder } from '../../integrations/rapport/server/request-turns.ts';

const turn = () => new Promise((resolve) => setImmediate(resolve));
const burn = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};
/** A stand-in for a request the queue only looks at (its socket) and hands on. */
const fakeRequest = (url: string, destroyed = false) => [{ url, socket: { destroyed } } as unknown as http.IncomingMessage, {} as http.ServerResponse] as const;

describe('requests started in arrival order, a few per turn', () => {
  it('starts requests in the order they came, and skips one whose visitor hung up', async () => {
    const started: string[] = [];
    const listener = inArrivalOrder((req) => void started.push(req.url!));
    for (const [i, gone] of [
      [1, false],
      [2, true],
      [3, false],
      [4, false],
    ] as const)
      listener(...fakeRequest(`/${i}`, gone));
    expect(started).toEqual([]); // nothing runs inside the turn that read the requests
    for (let i = 0; i < 5; i++) await turn();
    expect(started).toEqual(['/1', '/3', '/4']);
  });

  it('spreads synchronous work over turns of about the budget', async () => {
    // A tick that counts the event loop's turns: set first, it runs first in each check phase.
    let current = 0;
    let ticking = true;
    const tick = () => {
      current++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const turns: number[] = [];
    const listener = inArrivalOrder(
      () => {
        turns.push(current);
        burn(4);
      },
      { turnMs: 10 },
    );
    for (let i = 0; i < 24; i++) listener(...fakeRequest(`/${i}`));
    for (let i = 0; i < 40 && turns.length < 24; i++) await turn();
    ticking = false;
    expect(turns).toHaveLength(24);
    const perTurn = [...new Set(turns)].map((t) => turns.filter((x) => x === t).length);
    // 4 ms each with a 10 ms budget: two or three a turn, never all of them at once.
    expect(Math.max(...perTurn)).toBeLessThanOrEqual(3);
    expect(perTurn.length).toBeGreaterThanOrEqual(8);
  });
});

describe('a server under load lets new visitors in', () => {
  let server: http.Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('answers 60 new connections within seconds while 60 keep-alive clients keep it busy', async () => {
    // Each request costs 2 ms of synchronous work, as a sign-up does on SQLite. Without the queue a
    // turn of the event loop runs one request per busy connection and libuv accepts one connection
    // per turn, so the last of 60 newcomers waits about 60 × (60 × 2 ms) ≈ 7 s.
    server = http.createServer(
      inArrivalOrder((_req, res) => {
        burn(2);
        res.end('ok');
      }),
    );
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 60 });
    let busy = true;
    const client = async () => {
      while (busy) {
        await new Promise<void>((resolve, reject) =>
          http.get({ host: '127.0.0.1', port, path: '/busy', agent }, (res) => res.resume().on('end', resolve)).on('error', reject),
        );
      }
    };
    const clients = Array.from({ length: 60 }, client);
    await new Promise((resolve) => setTimeout(resolve, 300)); // all 60 connected and busy
    const newcomer = () =>
      new Promise<number>((resolve, reject) => {
        const start = performance.now();
        const socket = net.connect(port, '127.0.0.1', () => socket.write('GET /new HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
        socket.on('data', () => {
          resolve(performance.now() - start);
          socket.destroy();
        });
        socket.on('error', reject);
      });
    const waits = await Promise.all(Array.from({ length: 60 }, newcomer));
    busy = false;
    await Promise.all(clients);
    agent.destroy();
    expect(Math.max(...waits)).toBeLessThan(2_500);
  }, 30_000);
});
