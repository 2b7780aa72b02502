import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { issueTimeTrap } from '../../integrations/rapport/core/security/spam-traps.ts';
import { startServer, serverUrl, type RunningServer } from '../../integrations/rapport/server/serve.ts';
import { formClient, tokenOf } from '../helpers/form-client.ts';
import { signedIn } from '../helpers/staff.ts';
import { drivers } from '../helpers/store-drivers.ts';

// The running server, attacked as an attacker would: every request gets a clear answer (never a
// 5xx for input, never a stack trace, each in under 100 ms) and the process keeps serving.

const SECRET = 'hostile-test-secret-0123456789-0123456789';
const distDir = inject('referenceBuild');

/** Signs of a stack trace or a source path in an answer. */
const LEAK = /\n\s+at .+[:(]\d+|node_modules|\.ts:\d+|\.mjs:\d+|Error: /;

interface RawAnswer {
  status: number;
  head: string;
  body: string;
  ms: number;
}

/** One request written byte for byte on a fresh connection (Node's client would refuse to send most of these). */
function send(port: number, request: string | Buffer): Promise<RawAnswer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(5_000, () => socket.destroy(new Error('no answer within 5 s')));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (error: NodeJS.ErrnoException) => (chunks.length > 0 && error.code === 'ECONNRESET' ? done() : reject(error)));
    socket.on('close', () => done());
    // Written, not ended: Node drops a connection the client half-closes before it answers.
    socket.write(request);
    function done() {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0),
        head: text.slice(0, split),
        body: text.slice(split + 4),
        ms: performance.now() - started,
      });
    }
  });
}

/** An HTTP/1.1 request with `Connection: close` and a Content-Length for its body. */
function request(method: string, target: string, headers: Record<string, string>, body = ''): string {
  const lines = [`${method} ${target} HTTP/1.1`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), 'Connection: close'];
  if (body || !['GET', 'HEAD'].includes(method)) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

function expectClearAnswer(answer: RawAnswer, what: string) {
  expect(answer.status, `${what}: status`).toBeGreaterThanOrEqual(200);
  expect(answer.status, `${what}: status`).toBeLessThan(500);
  expect(LEAK.test(answer.body), `${what}: no stack trace in ${answer.body.slice(0, 300)}`).toBe(false);
}

/** Longer than this, a request was waiting for something rather than slowed by a busy machine. */
const STALLED_MS = 2_000;

describe.each(drivers)('hostile input against the running server on $name', (driver) => {
  let running: RunningServer;
  let port: number;
  let client: ReturnType<typeof formClient>;
  const db = () => running.store.db;
  const outboxTo = (address: string) => db().selectFrom('mail_outbox').selectAll().where('to_address', '=', address).orderBy('created_at').execute();
  const alive = async () => expect((await send(port, request('GET', '/', { Host: `127.0.0.1:${port}` }))).status).toBe(200);
  const host = () => `127.0.0.1:${port}`;
  const origin = () => `http://${host()}`;

  let project: string;

  beforeAll(async () => {
    await driver.setup();
    // Questions become draft files in the project folder: a folder of this test's own, never the repository.
    project = await mkdtemp(path.join(os.tmpdir(), 'rapport-hostile-'));
    // The Mailgun webhook is on (its signature is checked); the SendGrid one has no key and is off (404).
    process.env.MAILGUN_WEBHOOK_SIGNING_KEY = 'hostile-mailgun-signing-key';
    running = await startServer({
      projectRoot: project,
      distDir,
      port: 0,
      host: '127.0.0.1',
      store: driver.options(),
      secret: SECRET,
      // Every request here comes from 127.0.0.1; the per-IP limit would stop the fuzzing early.
      rateLimits: { perIp: { points: 100_000, duration: 600 } },
    });
    client = formClient(serverUrl(running.server), SECRET);
    port = Number(new URL(client.base).port);
  });
  afterAll(async () => {
    await running?.close();
    delete process.env.MAILGUN_WEBHOOK_SIGNING_KEY;
    await driver.teardown();
    await rm(project, { recursive: true, force: true });
  });

  it('answers a Host or request target that is not a URL with 400 and keeps serving (finding 1)', async () => {
    const cases = [
      request('POST', '/subscribe', { Host: 'a b' }),
      request('POST', 'http://evil.example/subscribe', { Host: host() }),
      request('POST', '/\\evil.example/subscribe', { Host: host() }),
      request('POST', '//evil.example/subscribe', { Host: host() }),
      request('GET', '/', { Host: 'a b' }),
      request('GET', 'http://[::1/', { Host: host() }),
    ];
    for (const text of cases) {
      const answer = await send(port, text);
      expectClearAnswer(answer, text.split('\r\n')[0]!);
      expect(answer.status, text.split('\r\n')[0]).toBe(text.includes('http://evil.example/') ? 403 : 400);
      await alive();
    }
    // An absolute-form target is read as its path, and that path decides the exemption: a
    // one-click unsubscribe aimed at /unsubscribe through another host's URL is still /unsubscribe.
    const exempt = await send(
      port,
      request(
        'POST',
        'http://evil.example/unsubscribe?token=x',
        { Host: host(), 'Content-Type': 'application/x-www-form-urlencoded' },
        'List-Unsubscribe=One-Click',
      ),
    );
    expect(exempt.status).toBe(400);
    expect(exempt.body).toContain('link');
  });

  it('holds the French form routes to the same rules: origin check, POST only, one-click exemption only for /fr/unsubscribe', async () => {
    const form = { Host: host(), 'Content-Type': 'application/x-www-form-urlencoded' };
    const body = 'email=fr-victim%40example.com&lists=news';
    for (const path of [
      '/fr/subscribe',
      '/fr/subscribe/confirm',
      '/fr/subscribe/preferences',
      '/fr/faq/ask',
      '/fr/contact/message',
      '/fr/account/register',
      '/fr/account/sign-in',
      '/fr/account/sign-in/confirm',
      '/fr/account/subscriptions',
      '/fr/account/details',
      '/fr/account/delete',
      '/fr/account/sign-out',
      '/fr/order',
      '/fr/privacy/request',
      '/fr/privacy/my-data',
      '/fr/privacy/my-data/delete',
      '/fr/cart',
      '/fr/products/notify',
      '/fr/products/notify/confirm',
      '/fr/wishlist',
      '/fr/care-reminders',
      '/fr/care-reminders/confirm',
      '/fr/account/reorder-reminders',
      '/fr/surveys/answer',
    ]) {
      const crossSite = await send(port, request('POST', path, { ...form, Origin: 'https://evil.example' }, body));
      expectClearAnswer(crossSite, `cross-site ${path}`);
      expect(crossSite.status, path).toBe(403);
      const put = await send(port, request('PUT', path, { ...form, Origin: origin() }, body));
      expect(put.status, path).toBe(405);
      expect(put.head).toMatch(/\r\nAllow: GET, HEAD, POST, OPTIONS/i);
    }
    // No Origin at all (a mail client's one click): only the unsubscribe form takes it, in either language.
    const oneClick = await send(port, request('POST', '/fr/unsubscribe?token=x', form, 'List-Unsubscribe=One-Click'));
    expectClearAnswer(oneClick, 'one-click /fr/unsubscribe');
    expect(oneClick.status).toBe(400);
    expect(oneClick.body).toContain('Ce lien est expiré ou a déjà servi. Les liens de nos courriels ne fonctionnent qu’une fois, et pour un temps limité.');
    expect((await send(port, request('POST', '/fr/subscribe', form, body))).status).toBe(403);
    // A locale the site does not have is no form: /de/subscribe is a page that does not exist.
    const unknown = await send(port, request('POST', '/de/subscribe', { ...form, Origin: origin() }, body));
    expectClearAnswer(unknown, '/de/subscribe');
    expect(unknown.status).not.toBe(303);
    expect(await db().selectFrom('contacts').select('id').where('email', '=', 'fr-victim@example.com').executeTakeFirst()).toBeUndefined();
  });

  it('refuses a post with thousands of made-up field names before reading it (finding 2)', async () => {
    const names = Array.from({ length: 6_000 }, (_, i) => `f${i}=1`).join('&');
    expect(names.length).toBeLessThan(65_536);
    const flood = await send(
      port,
      request('POST', '/subscribe', { Host: host(), Origin: origin(), 'Content-Type': 'application/x-www-form-urlencoded' }, names),
    );
    expectClearAnswer(flood, 'field flood');
    expect(flood.status).toBe(413);
    expect(flood.ms).toBeLessThan(100);
    // A few foreign fields: the form comes back, naming five of them and counting the rest.
    const some = Array.from({ length: 12 }, (_, i) => `extra${i}=1`).join('&');
    const shown = issueTimeTrap(SECRET, new Date(Date.now() - 5_000));
    const page = await send(
      port,
      request(
        'POST',
        '/subscribe',
        { Host: host(), Origin: origin(), 'Content-Type': 'application/x-www-form-urlencoded' },
        `shown=${shown}&email=a%40example.com&lists=news&${some}`,
      ),
    );
    expect(page.status).toBe(422);
    expect(page.body).toContain('“extra4”, 7 more');
    expect(page.body).not.toContain('extra11');
  });

  it('never lets OPTIONS (or any method but POST) reach a form handler (finding 7)', async () => {
    const body = 'email=options-victim%40example.com&lists=news';
    for (const method of ['OPTIONS', 'PUT', 'DELETE', 'PATCH']) {
      const answer = await send(
        port,
        request(method, '/subscribe', { Host: host(), Origin: 'https://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' }, body),
      );
      expectClearAnswer(answer, method);
      expect(answer.status, method).toBe(method === 'OPTIONS' ? 204 : 405);
      expect(answer.head).toMatch(/\r\nAllow: GET, HEAD, POST, OPTIONS/i);
    }
    expect(await db().selectFrom('contacts').select('id').where('email', '=', 'options-victim@example.com').executeTakeFirst()).toBeUndefined();
  });

  it('answers /health with the store and build only, no cookie, to GET and HEAD; any other method gets 405 with Allow', async () => {
    const headers = { Host: host(), Cookie: 'rapport_session=forged; rapport_cart=x.y', 'X-Forwarded-For': '203.0.113.9', Accept: 'text/html' };
    for (const target of ['/health', '/health?verbose=1&%ff', 'http://evil.example/health']) {
      const answer = await send(port, request('GET', target, headers));
      expectClearAnswer(answer, `GET ${target}`);
      expect(answer.status, target).toBe(200);
      expect(answer.head).toMatch(/\r\nCache-Control: no-store/i);
      expect(answer.head).not.toMatch(/\r\nSet-Cookie:/i);
      const body = JSON.parse(answer.body) as { status: string; store: { dialect: string; ok: boolean; ms: number }; build: { id: string; builtAt: string } };
      expect(body.status).toBe('ok');
      expect(body.store).toMatchObject({ dialect: driver.name, ok: true });
      expect(body.store.ms).toBeLessThan(STALLED_MS);
      expect(body.build.id).toMatch(/^[\w-]{8}$/);
      expect(Number.isNaN(Date.parse(body.build.builtAt))).toBe(false);
      expect(Object.keys(body.build).sort()).toEqual(['builtAt', 'commit', 'id']);
      // Nothing but those three: no address, path, version of anything or person.
      expect(Object.keys(body).sort()).toEqual(['build', 'status', 'store']);
    }
    const head = await send(port, request('HEAD', '/health', { Host: host() }));
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND']) {
      const answer = await send(port, request(method, '/health', { Host: host(), Origin: origin(), 'Content-Type': 'application/json' }, '{"status":"down"}'));
      expectClearAnswer(answer, `${method} /health`);
      expect(answer.status, method).toBe(405);
      expect(answer.head).toMatch(/\r\nAllow: GET, HEAD\r\n/i);
    }
    const oversized = await send(port, request('POST', '/health', { Host: host() }, 'x'.repeat(200_000)));
    expect(oversized.status).toBe(405);
    await alive();
  });

  it('does not let the forms mail a stranger more than three times a day, or carry their text (finding 3)', async () => {
    const victim = `victim.${driver.name}@example.com`;
    const phish = 'Your account is locked: verify at http://phish.example/login';
    // The sign-up goes first, so its confirmation is among the three mails (the rest race each other for the other two).
    const signUp = await client.post('/subscribe', { email: victim, name: phish.slice(0, 60), lists: 'news' });
    expect(signUp.status, signUp.text.slice(0, 200)).toBe(303);
    const posts = [
      client.post('/account/register', { email: victim, name: 'Urgent notice', kind: 'customer' }),
      client.post('/account/sign-in', { email: victim }),
      ...[1, 2, 3].map((n) => client.post('/contact/message', { name: 'Security team', email: victim, subject: `Notice ${n}`, message: `${phish} (${n})` })),
      ...[1, 2].map((n) => client.post('/faq/ask', { question: `Is http://phish.example/${n} safe to visit?`, email: victim, name: 'Security team' })),
    ];
    for (const answer of await Promise.all(posts)) expect(answer.status, answer.text.slice(0, 200)).toBe(303);
    const mails = await outboxTo(victim);
    expect(mails.length).toBe(3);
    for (const mail of mails) {
      expect(`${mail.subject}\n${mail.text_body}\n${mail.html_body}`).not.toMatch(/phish|Security team|Urgent notice|Notice \d/);
    }
    // Staff still hear about every message and question, with the text.
    const staff = await outboxTo('hello@chinookbulbfarm.ca');
    expect(staff.filter((m) => m.text_body.includes('phish.example')).length).toBe(5);
    // Once the address has used a link we mailed it, its mail is its own again.
    const confirmation = mails.find((m) => m.text_body.includes('/subscribe/confirm'));
    const token = tokenOf(confirmation!.text_body, '/subscribe/confirm');
    expect((await client.post('/subscribe/confirm', { token }, { traps: false })).status).toBe(303);
    const owner = `owner.${driver.name}@example.com`;
    await client.post('/subscribe', { email: owner, lists: 'news' });
    const ownerToken = tokenOf((await outboxTo(owner))[0]!.text_body, '/subscribe/confirm');
    await client.post('/subscribe/confirm', { token: ownerToken }, { traps: false });
    expect((await client.post('/contact/message', { name: 'Olga', email: owner, message: 'Do you ship lilies to Yukon?' })).status).toBe(303);
    const copy = (await outboxTo(owner)).find((m) => m.subject.startsWith('We received your message'));
    expect(copy?.text_body).toContain('Do you ship lilies to Yukon?');
    expect(copy?.text_body).toContain('Hello Olga,');
  });

  it('answers fuzzed methods, targets, headers and form bodies without a 5xx, a stack trace or a wait', async () => {
    const paths = [
      '/',
      '/subscribe',
      '/subscribe/confirm',
      '/unsubscribe',
      '/fr/subscribe',
      '/fr/subscribe/confirm',
      '/fr/subscribe/preferences',
      '/fr/subscribe/check-your-inbox',
      '/fr/unsubscribe',
      '/fr/faq/ask',
      '/fr/faq/ask/sent',
      '/fr/contact/message',
      '/fr/contact/sent',
      '/fr/account/register',
      '/fr/account/registered',
      '/fr/account/sign-in',
      '/fr/account/sign-in/confirm',
      '/fr/account/check-your-inbox',
      '/fr/account/',
      '/fr/account/my-data',
      '/fr/account/subscriptions',
      '/fr/account/details',
      '/fr/account/delete',
      '/fr/account/sign-out',
      '/fr/account/signed-out',
      '/fr/privacy/request',
      '/fr/privacy/request/sent',
      '/fr/privacy/my-data',
      '/fr/privacy/my-data?t=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      '/fr/privacy/my-data/download',
      '/fr/privacy/my-data/delete',
      '/fr/privacy/deleted',
      '/fr/order',
      '/fr/cart',
      '/reorder',
      '/reorder?items=TUL-QON-10~2.AAAAAAAAAAAAAAAAAAAAAA',
      '/reorder?items=%ff%00',
      '/fr/reorder?items=*~*.',
      '/fr/track',
      '/fr/orders/261125-ZZZZZZ',
      '/order',
      '/cart',
      '/faq/ask',
      '/products/notify',
      '/products/notify/confirm',
      '/stock-notice/check-your-inbox',
      '/wishlist',
      '/wishlist/sign-in-first',
      '/fr/products/notify',
      '/fr/wishlist',
      '/contact/message',
      '/account/register',
      '/account/sign-in',
      '/account/sign-in/confirm',
      '/account/',
      '/account/my-data',
      '/account/details',
      '/account/delete',
      '/privacy/request',
      '/privacy/request/sent',
      '/privacy/my-data',
      '/privacy/my-data?t=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      '/privacy/my-data/download',
      '/privacy/my-data/delete',
      '/search',
      '/track',
      '/admin/api/v1',
      '/admin/status',
      '/health',
      '/health?x=%ff',
      '/privacy/',
      '/orders/123456-ABCDEF',
      '/webhooks/mail/mailgun',
      '/webhooks/mail/sendgrid',
      '/r/AAAAAAAAAAAA',
      '/r/AAAAAAAAAAAA/0123456789abcdef01234567',
      '/r/%2F%2Fevil.example',
      '/r/',
      '/r/../../etc/passwd',
      '/care-reminders',
      '/care-reminders/confirm?token=x',
      '/care-reminders/remove?id=x&sig=y',
      '/fr/care-reminders',
      '/fr/care-reminders/remove',
      '/fr/care-reminders/check-your-inbox',
      '/account/reorder-reminders',
      '/fr/account/reorder-reminders',
      '/account/sign-in?next=%2F%2Fevil.example%2F',
      '/account/sign-in?next=%2Fproducts%2F',
      '/admin/crm/visits',
      '/admin/crm/visits?period=%ff%00',
      '/admin/crm/gaps',
      '/admin/crm/gaps?drafted=%3Cscript%3E',
      '/surveys/answer',
      '/fr/surveys/answer',
      '/surveys/next-season/',
      '/surveys/after-your-order/?order=00000000-0000-0000-0000-000000000000&key=AAAAAAAAAAAAAAAAAAAAAA',
      '/surveys/after-your-order/?order=%ff&key=%00',
      '/surveys/%2e%2e/',
      '/surveys/thanks',
      '/fr/surveys/already-answered',
      '/admin/crm/surveys',
      '/admin/crm/surveys/next-season',
      '/admin/crm/surveys/%3Cscript%3E',
      '/admin/crm/surveys/next-season/answers.csv',
    ];
    const printable = (max: number) => fc.stringMatching(new RegExp(`^[\\x20-\\x7e]{0,${max}}$`));
    const target = fc.oneof(
      fc.constantFrom(...paths),
      fc.tuple(fc.constantFrom(...paths), fc.webQueryParameters()).map(([p, q]) => `${p}?${q}`),
      fc.webPath().map((p) => `/${p.replace(/^\/+/, '')}`),
      fc.webUrl({ withQueryParameters: true }),
      fc.constantFrom('*', '//evil.example/', '/\\evil.example', '/%00', '/..%2f..%2fetc/passwd', '/search?q=%ff%fe', '/%E0%A4%A'),
    );
    const method = fc.constantFrom('GET', 'HEAD', 'POST', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND');
    const formBody = fc.oneof(
      fc.constant(''),
      printable(200),
      // What a sending service's webhook posts, signed with made-up values.
      fc.json({ maxDepth: 3 }),
      fc
        .record({ timestamp: fc.oneof(printable(12), fc.integer().map(String)), token: printable(50), signature: fc.stringMatching(/^[0-9a-f]{0,64}$/) })
        .map((signature) => JSON.stringify({ signature, 'event-data': { event: 'failed', severity: 'permanent', recipient: 'someone@example.com' } })),
      fc.dictionary(printable(12), printable(40), { maxKeys: 12 }).map((d) => new URLSearchParams(d).toString()),
      fc
        .dictionary(
          fc.constantFrom(
            'email',
            'name',
            'lists',
            'token',
            'shown',
            'homepage',
            'message',
            'question',
            'List-Unsubscribe',
            'qty_TUL-QON-10',
            'step',
            'order_key',
            'region',
            'add',
            'remove',
            'quantity',
            'go',
            'format',
            'confirm',
            'organisation',
            'kind',
            'survey',
            'q1',
            'q2',
            'q3',
            'order',
            'key',
          ),
          printable(60),
        )
        .map((d) => new URLSearchParams(d).toString()),
    );
    const headers = fc.record(
      {
        Host: fc.oneof(fc.constant('HOST'), fc.domain(), printable(30)),
        Origin: fc.oneof(fc.constant('ORIGIN'), fc.constant('null'), fc.webUrl(), printable(30)),
        'Sec-Fetch-Site': fc.constantFrom('same-origin', 'cross-site', 'none', 'same-site', 'bogus'),
        'Content-Type': fc.oneof(
          fc.constantFrom('application/x-www-form-urlencoded', 'multipart/form-data; boundary=xyz', 'multipart/form-data', 'text/plain', 'application/json'),
          printable(40),
        ),
        Cookie: fc.oneof(
          printable(60),
          // A cart cookie: forged, malformed, oversized.
          fc.tuple(printable(40), fc.stringMatching(/^[\w-]{0,30}$/)).map(([cart, sig]) => `rapport_cart=${cart.replace(/[;,]/g, '')}.${sig}`),
          fc.constant(`rapport_cart=${'TUL-QON-10~99*'.repeat(300)}.AAAA`),
        ),
        'X-Forwarded-For': printable(30),
        Accept: fc.constantFrom('application/json', 'text/html', '*/*'),
      },
      { requiredKeys: ['Host'] },
    );
    const times: number[] = [];
    await fc.assert(
      fc.asyncProperty(method, target, headers, formBody, async (m, t, h, b) => {
        const resolved = Object.fromEntries(Object.entries(h).map(([k, v]) => [k, v === 'HOST' ? host() : v === 'ORIGIN' ? origin() : v]));
        const answer = await send(port, request(m, t, resolved, m === 'GET' || m === 'HEAD' ? '' : b));
        times.push(answer.ms);
        // Node's own parser answers what is not HTTP at all (400 and close) before our code runs.
        expectClearAnswer(answer, `${m} ${t}`);
        // A request left waiting (for a body that never ends, a lock) would hang until the server's
        // timeouts, tens of seconds; a busy machine only adds a few hundred milliseconds.
        expect(answer.ms, `${m} ${t}`).toBeLessThan(STALLED_MS);
      }),
      { numRuns: 400, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
    );
    await alive();
    // Multipart bodies, well and badly formed.
    const part = (name: string, value: string) => `--xyz\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/subscribe', '/contact/message', '/faq/ask', '/order', '/cart', '/surveys/answer'),
        fc.array(fc.tuple(printable(12), printable(40)), { maxLength: 8 }),
        fc.boolean(),
        async (p, fields, closed) => {
          const body = fields.map(([n, v]) => part(n.replace(/"/g, ''), v)).join('') + (closed ? '--xyz--\r\n' : '');
          const answer = await send(port, request('POST', p, { Host: host(), Origin: origin(), 'Content-Type': 'multipart/form-data; boundary=xyz' }, body));
          times.push(answer.ms);
          expectClearAnswer(answer, `multipart ${p}`);
          expect(answer.ms, `multipart ${p}`).toBeLessThan(STALLED_MS);
        },
      ),
      { numRuns: 100 },
    );
    await alive();
    expect(times.length).toBe(500);
    // And they are answered at once in general: the median, which a few slow moments do not move.
    const sorted = [...times].sort((a, b) => a - b);
    expect(sorted[sorted.length >> 1]).toBeLessThan(100);
  });

  it('answers the staff console for every role and any input without a 5xx, and changes nothing for a role without the right', async () => {
    const customer = await signedIn(db(), 'customer');
    const people = {
      none: '',
      customer: customer.cookie,
      editor: (await signedIn(db(), 'editor')).cookie,
      service: (await signedIn(db(), 'service')).cookie,
      admin: (await signedIn(db(), 'admin')).cookie,
    };
    const contact = (await db().selectFrom('contacts').select('id').executeTakeFirstOrThrow()).id;
    const paths = [
      '/admin/crm/',
      '/admin/crm/contacts/',
      '/admin/crm/contacts/export.csv',
      `/admin/crm/contacts/${contact}`,
      '/admin/crm/contacts/no-such-contact',
      '/admin/crm/contacts/import',
      '/admin/crm/orders/',
      '/admin/crm/orders/export.csv',
      '/admin/crm/orders/123456-ABCDEF',
      '/admin/crm/orders/123456-ABCDEF/slip',
      '/admin/crm/messages/',
      '/admin/crm/messages/no-such-message',
      '/admin/crm/questions/',
      '/admin/crm/questions/no-such-question',
      '/admin/crm/mail',
      '/admin/crm/segments',
      '/admin/crm/segments/lapsed',
      '/admin/crm/segments/best/export.csv',
      '/admin/crm/segments/no-such-segment',
      '/admin/crm/winback',
      `/admin/crm/winback/${contact}`,
      '/admin/crm/winback/no-such-contact',
      '/admin/crm/staff',
      '/admin/crm/audit',
      '/admin/crm/privacy',
      `/admin/crm/privacy/contacts/${contact}`,
      '/admin/crm/privacy/contacts/no-such-contact',
      '/admin/crm/campaigns',
      '/admin/crm/campaigns/2026-11-putting-the-farm-to-bed',
      '/admin/crm/campaigns/2026-11-putting-the-farm-to-bed/mail',
      '/admin/crm/campaigns/no-such-issue',
      '/admin/crm/campaigns/no-such-issue/mail',
      '/admin/crm/campaigns/2026-11-putting-the-farm-to-bed/sends/00000000-0000-0000-0000-000000000000',
      '/admin/crm/campaigns/2026-11-putting-the-farm-to-bed/sends/not-a-campaign',
      '/admin/crm/surveys',
      '/admin/crm/surveys/next-season',
      '/admin/crm/surveys/next-season/answers.csv',
      '/admin/crm/surveys/no-such-survey',
      '/admin/crm/surveys/no-such-survey/answers.csv',
    ];
    const printable = (max: number) => fc.stringMatching(new RegExp(`^[\\x20-\\x7e]{0,${max}}$`));
    const query = fc.dictionary(
      fc.constantFrom(
        'q',
        'page',
        'kind',
        'list',
        'consent',
        'ordered',
        'tag',
        'sort',
        'status',
        'period',
        'actor',
        'action',
        'subject',
        'done',
        'more',
        'from',
        'to',
      ),
      fc.oneof(printable(30), fc.constantFrom('-1', '0', '99999999', '1e9', 'NaN', '%', '_', "' or 1=1 --")),
      { maxKeys: 4 },
    );
    const form = fc.dictionary(
      fc.constantFrom(
        'intent',
        'account',
        'email',
        'name',
        'role',
        'status',
        'kind',
        'organisation',
        'notes',
        'tag',
        'tracking',
        'carrier',
        'note',
        'id',
        'csv',
        'action',
        'key',
        'lists',
        'when',
        'at',
        'confirm',
        'subject',
        'body',
        'language',
      ),
      fc.oneof(
        printable(60),
        fc.constantFrom('preview', 'en-CA', 'fr-CA', '{name}', '00000000-0000-4000-8000-000000000000'),
        fc.constantFrom('add', 'role', 'remove', 'admin', 'service', 'customer', 'ship', 'confirm', 'cancel', 'apply', 'answered', 'retry'),
        fc.constantFrom('send', 'test', 'pause', 'resume', 'now', 'later', 'yes', 'news', '2026-13-45T99:99', '9999-12-31T23:59', 'xxxxxxxxxxxxxxxxxxxxxxxx'),
      ),
      { maxKeys: 6 },
    );
    let refusedWrites = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(people)),
        fc.constantFrom('GET', 'POST'),
        fc.constantFrom(...paths),
        query,
        form,
        async (who, m, p, q, f) => {
          const target = `${p}${Object.keys(q).length ? `?${new URLSearchParams(q).toString()}` : ''}`;
          const cookie = people[who as keyof typeof people];
          const headers: Record<string, string> = {
            Host: host(),
            Origin: origin(),
            'Content-Type': 'application/x-www-form-urlencoded',
            ...(cookie ? { Cookie: cookie } : {}),
          };
          const answer = await send(port, request(m, target, headers, m === 'POST' ? new URLSearchParams(f).toString() : ''));
          expectClearAnswer(answer, `${who} ${m} ${target}`);
          expect(answer.ms, `${who} ${m} ${target}`).toBeLessThan(1_000);
          if (who === 'none' || who === 'customer') expect([303, 403, 404, 405], `${who} ${m} ${target}`).toContain(answer.status);
          if (m === 'POST' && (who === 'none' || who === 'customer')) refusedWrites++;
        },
      ),
      { numRuns: 300, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
    );
    await alive();
    expect(refusedWrites).toBeGreaterThan(0);
    // A customer's posts changed nothing that the audit log would show.
    expect(await db().selectFrom('audit_log').select('id').where('actor_account_id', '=', customer.accountId).execute()).toEqual([]);
  });

  it('answers every privacy-rights route with a clear 4xx for oversize, foreign, forged, cross-site or wrongly sent requests', async () => {
    const customer = await signedIn(db(), 'customer');
    const form = { Host: host(), Origin: origin(), 'Content-Type': 'application/x-www-form-urlencoded' };
    const signed = { ...form, Cookie: customer.cookie };
    const posts = [
      '/account/my-data',
      '/account/details',
      '/account/delete',
      '/privacy/request',
      '/privacy/my-data',
      '/privacy/my-data/download',
      '/privacy/my-data/delete',
    ];
    const check = async (text: string, status: number | number[], what: string) => {
      const answer = await send(port, text);
      expectClearAnswer(answer, what);
      expect([status].flat(), `${what}: ${answer.status} ${answer.body.slice(0, 200)}`).toContain(answer.status);
      return answer;
    };
    for (const p of posts) {
      // More than the 64 KB a form takes: refused before it is read.
      await check(request('POST', p, signed, `format=json&name=${'a'.repeat(70_000)}`), 413, `oversize ${p}`);
      // Neither Origin nor Sec-Fetch-Site: refused as a cross-site write; and from another site.
      await check(
        request('POST', p, { Host: host(), 'Content-Type': 'application/x-www-form-urlencoded', Cookie: customer.cookie }, 'format=json'),
        403,
        `no origin ${p}`,
      );
      await check(request('POST', p, { ...signed, Origin: 'https://evil.example' }, 'format=json'), 403, `cross-site ${p}`);
      // Methods a form never takes.
      await check(request('PUT', p, signed, 'format=json'), 405, `PUT ${p}`);
    }
    // GET on the POST-only pages: 405 where a page exists to say so, 404 where only the form does.
    await check(request('GET', '/account/my-data', { Host: host(), Cookie: customer.cookie }), 405, 'GET /account/my-data');
    await check(request('GET', '/privacy/my-data/download', { Host: host() }), 405, 'GET /privacy/my-data/download');
    for (const p of ['/account/details', '/account/delete', '/privacy/my-data/delete'])
      await check(request('GET', p, { Host: host() }), [404, 405], `GET ${p}`);
    // Foreign fields: the form again, naming them.
    const shown = issueTimeTrap(SECRET, new Date(Date.now() - 5_000));
    for (const [p, body] of [
      ['/account/my-data', 'format=json&role=admin'],
      ['/account/details', 'name=Ann&kind=customer&role=admin'],
      ['/account/delete', `email=${encodeURIComponent(customer.email)}&confirm=yes&role=admin`],
      ['/privacy/request', `shown=${shown}&email=a%40example.com&role=admin`],
      ['/privacy/my-data', 'token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&role=admin'],
    ] as const) {
      const answer = await check(request('POST', p, signed, body), 422, `foreign field ${p}`);
      expect(answer.body, p).toContain('“role”');
    }
    // Forged, spent, mistyped or oversized tokens and cookies open nothing, and say how to ask again.
    for (const token of ['x', 'A'.repeat(43), '../../etc/passwd', '%00', `${'A'.repeat(42)}é`]) {
      const answer = await check(request('POST', '/privacy/my-data', form, `token=${encodeURIComponent(token)}`), 400, `token ${token}`);
      expect(answer.body).toContain('Ask for a new one');
      expect(answer.head).not.toMatch(/set-cookie: rapport_privacy=[^;]/i);
    }
    await check(request('POST', '/privacy/my-data', form, `token=${'A'.repeat(500)}`), [400, 422], 'long token');
    await check(request('GET', `/privacy/my-data?t=${'A'.repeat(5000)}`, { Host: host() }), 400, 'long token in the link');
    for (const cookie of ['rapport_privacy=forged', `rapport_privacy=${'A'.repeat(43)}`, `rapport_privacy=${'%ff'.repeat(40)}`]) {
      await check(request('POST', '/privacy/my-data/download', { ...form, Cookie: cookie }, 'format=json'), 400, `download with ${cookie}`);
      await check(request('POST', '/privacy/my-data/delete', { ...form, Cookie: cookie }, 'confirm=yes'), 400, `delete with ${cookie}`);
      await check(request('GET', '/privacy/my-data', { Host: host(), Cookie: cookie }), 400, `page with ${cookie}`);
    }
    // Without a session the account's buttons lead to sign-in, and nothing was erased or recorded.
    for (const p of ['/account/my-data', '/account/details', '/account/delete']) {
      const answer = await check(
        request('POST', p, form, `format=json&name=Ann&kind=customer&email=${encodeURIComponent(customer.email)}&confirm=yes`),
        [303, 422],
        `no session ${p}`,
      );
      if (answer.status === 303) expect(answer.head).toMatch(/\r\nLocation: \/account\/sign-in/i);
    }
    expect((await db().selectFrom('contacts').select('erased_at').where('id', '=', customer.contactId).executeTakeFirstOrThrow()).erased_at).toBeNull();
    expect(await db().selectFrom('privacy_requests').select('id').where('contact_id', '=', customer.contactId).execute()).toEqual([]);
    await alive();
  });

  it('keeps serving after a malformed request as Node parses it, and a body longer than declared', async () => {
    for (const text of [
      'GARBAGE\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
      'POST /subscribe HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n',
    ]) {
      const answer = await send(port, text);
      expect(answer.status).toBe(400);
      await alive();
    }
    const chunked = await send(
      port,
      `POST /subscribe HTTP/1.1\r\nHost: ${host()}\r\nOrigin: ${origin()}\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nx=1\r\n0\r\n\r\n`,
    );
    expect(chunked.status).toBe(411);
    await alive();
  });
});
