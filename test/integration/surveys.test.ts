import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'cheerio';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readBuildInfo } from '../../integrations/rapport/core/build-info.ts';
import { upsertContact } from '../../integrations/rapport/core/store/contacts.ts';
import { sendDueFollowUps } from '../../integrations/rapport/features/orders/follow-up.ts';
import { surveysData, surveyAnswersKept } from '../../integrations/rapport/features/surveys/personal-data.ts';
import { afterSaleInvitation } from '../../integrations/rapport/features/surveys/invitation.ts';
import type { Survey } from '../../integrations/rapport/features/surveys/survey.ts';
import { raw } from '../helpers/form-client.ts';
import { servedOn } from '../helpers/mail-server.ts';
import { orderRow } from '../helpers/orders.ts';
import { signedIn } from '../helpers/staff.ts';
import { drivers } from '../helpers/store-drivers.ts';
import { storeSnapshot } from '../helpers/store-schema.ts';

const SECRET = 'test-secret-0123456789-0123456789-abcdef';
const distDir = inject('referenceBuild');
const built = readBuildInfo(distDir);
const surveys = (JSON.parse(readFileSync(path.join(distDir, 'server', 'surveys.json'), 'utf8')) as { surveys: Survey[] }).surveys;
const PAGE_SURVEY = 'next-season';
const ORDER_SURVEY = 'after-your-order';

/**
 * Surveys through the running reference server on each store, with the clock set by hand: the
 * survey drawn on a static page and on its own, answers stored by position (English and French
 * together), one answer per browser and per after-sale link, bad input answered with a message and
 * the form again, the flood cap, the closing day, the console's charts and CSV, and a person's
 * request (access and erasure) reaching an answer sent from their order's link.
 */
describe.each(drivers)('surveys on $name', (driver) => {
  let served: Awaited<ReturnType<typeof servedOn>>;
  let now = new Date('2026-12-01T15:00:00Z');
  const db = () => served.running.store.db;
  const base = () => served.base;
  /** A post as the survey's static page sends it (its time trap says "drawn on a static page"), from `ip`. */
  const answer = (fields: Record<string, string>, o: { ip?: string; cookie?: string; prefix?: string } = {}) =>
    raw(`${base()}${o.prefix ?? ''}/surveys/answer`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: base(),
        'x-forwarded-for': o.ip ?? '203.0.113.50',
        ...(o.cookie ? { cookie: o.cookie } : {}),
      },
      body: new URLSearchParams({ shown: 'page', homepage: '', ...fields }).toString(),
    });
  const responses = (survey: string) => db().selectFrom('survey_responses').selectAll().where('survey', '=', survey).orderBy('created_at').execute();
  const answersOf = async (responseId: string) =>
    Object.fromEntries(
      (await db().selectFrom('survey_answers').select(['question', 'value']).where('response_id', '=', responseId).orderBy('question').execute()).map((a) => [
        a.question,
        a.value,
      ]),
    );
  const jobServices = () => ({
    db: db(),
    config: built.config,
    site: new URL(built.site),
    secret: SECRET,
    clock: () => now,
    catalog: undefined,
    afterSaleSurvey: (say: Parameters<typeof afterSaleInvitation>[1], orderId: string, today: string) =>
      afterSaleInvitation({ site: new URL(built.site), secret: SECRET, config: built.config, surveys }, say, orderId, today),
  });

  beforeAll(async () => {
    served = await servedOn(distDir, driver, SECRET, { trustProxy: true, clock: () => now });
  });
  afterAll(() => served?.close());

  it('draws the survey on its static page, in each language, as a plain form', async () => {
    for (const [page, action, legend] of [
      ['/about/', '/surveys/answer', 'Which would you most like to see in our catalogue next year?'],
      ['/fr/about/', '/fr/surveys/answer', 'Que souhaiteriez-vous le plus voir dans notre catalogue l’an prochain?'],
    ] as const) {
      const $ = load((await raw(base() + page)).text);
      const form = $('section.survey form');
      expect(form.attr('action')).toBe(action);
      expect(form.find('input[name=survey]').val()).toBe(PAGE_SURVEY);
      expect(form.find('input[name=shown]').val()).toBe('page');
      expect(form.find('fieldset:has(#survey-q1) legend').text()).toContain(legend);
      expect(
        form
          .find('input[type=radio][name=q1]')
          .map((_, e) => $(e).val())
          .get(),
      ).toEqual(['1', '2', '3', '4', '5']);
      expect(form.find('input[type=radio][name=q2]')).toHaveLength(5);
      expect(form.find('textarea[name=q3]').attr('maxlength')).toBe('1000');
      // Search leaves it out: it is not what the page is about.
      expect($('section.survey').attr('data-pagefind-ignore')).toBeDefined();
    }
  });

  it('stores an answer by position, without who gave it, and sends the browser on with a cookie that says only that it answered', async () => {
    const sent = await answer({ survey: PAGE_SURVEY, q1: '3', q2: '5', q3: '<b>More dahlias</b> & garlic\nplease' });
    expect(sent.status).toBe(303);
    expect(sent.headers.location).toBe('/surveys/thanks');
    const cookie = [sent.headers['set-cookie']].flat().find((c) => c?.startsWith(`survey-${PAGE_SURVEY}=`));
    expect(cookie).toMatch(/^survey-next-season=1; Max-Age=31536000; Path=\/; HttpOnly; SameSite=Lax$/);
    const [row] = await responses(PAGE_SURVEY);
    // Kept to the hour: a finer time could be matched with other records.
    expect(row).toEqual({ id: row!.id, survey: PAGE_SURVEY, source: 'page', locale: 'en-CA', created_at: '2026-12-01T15:00:00.000Z' });
    expect(await answersOf(row!.id)).toEqual({ 1: '3', 2: '5', 3: '<b>More dahlias</b> & garlic\nplease' });
    // The same browser again: told it has answered; nothing more is kept.
    const again = await answer({ survey: PAGE_SURVEY, q1: '1' }, { cookie: `survey-${PAGE_SURVEY}=1` });
    expect(again.headers.location).toBe('/surveys/already-answered');
    expect(await responses(PAGE_SURVEY)).toHaveLength(1);
    expect((await raw(`${base()}/surveys/${PAGE_SURVEY}/`, { headers: { cookie: `survey-${PAGE_SURVEY}=1` } })).text).toContain(
      'You have already answered this survey',
    );
    // A French answer counts with the English ones (options are stored by position).
    const french = await answer({ survey: PAGE_SURVEY, q1: '3' }, { prefix: '/fr', ip: '203.0.113.51' });
    expect(french.headers.location).toBe('/fr/surveys/thanks');
    expect((await responses(PAGE_SURVEY)).map((r) => r.locale)).toEqual(['en-CA', 'fr-CA']);
    expect((await raw(`${base()}/fr/surveys/thanks`)).status).toBe(200);
  });

  it('answers bad input with a message and the form again, and keeps nothing of it', async () => {
    const before = (await responses(PAGE_SURVEY)).length;
    const cases: Array<[Record<string, string>, number, string]> = [
      [{ q1: '9' }, 422, 'Choose one of the options.'],
      [{ q1: 'two' }, 422, 'Choose one of the options.'],
      [{ q1: '1', q2: '6' }, 422, 'Choose a point from 1 to 5.'],
      [{ q2: '4' }, 422, 'Answer this question to send the survey.'],
      [{ q1: '1', q3: 'x'.repeat(10_000) }, 422, 'Keep this answer to 1,000 characters.'],
      [{ q1: '1', q3: 'bell \u0007 and escape \u001b[31m' }, 422, 'Remove the unusual control characters from the text.'],
      [{ q1: '1', q99: 'what' }, 422, ''],
    ];
    for (const [fields, status, message] of cases) {
      const sent = await answer({ survey: PAGE_SURVEY, ...fields }, { ip: '198.51.100.77' });
      expect(sent.status, JSON.stringify(fields).slice(0, 60)).toBe(status);
      expect(sent.text).toContain(message);
      // The survey is drawn again, with what was sent, and never a stack trace.
      expect(sent.text).toContain('name="survey" value="next-season"');
      expect(sent.text).not.toMatch(/at .*\.ts:\d+/);
    }
    // A required choice left out: its buttons say so and point at the message.
    const missing = load((await answer({ survey: PAGE_SURVEY, q2: '4' }, { ip: '198.51.100.77' })).text);
    expect(missing('input[name=q1][aria-invalid=true][aria-describedby=survey-q1-error]')).toHaveLength(5);
    expect(missing('#survey-q1-error').text()).toBe('Answer this question to send the survey.');
    expect(missing('input[name=q2][value="4"]').attr('checked')).toBeDefined();
    const markup = await answer({ survey: PAGE_SURVEY, q3: '</textarea><script>alert(1)</script>' }, { ip: '198.51.100.77' });
    expect(markup.status).toBe(422); // q1 is required
    expect(markup.text).not.toContain('<script>alert(1)</script>');
    expect(markup.text).toContain('&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect((await answer({ survey: 'no-such-survey', q1: '1' })).status).toBe(404);
    // A name no survey can have is no survey either.
    expect((await answer({ survey: '../../etc', q1: '1' })).status).toBe(404);
    expect((await answer({ survey: ORDER_SURVEY, q1: '4', order: randomUUID(), key: 'x'.repeat(22) })).status).toBe(400);
    expect((await responses(PAGE_SURVEY)).length).toBe(before);
    expect((await raw(`${base()}/surveys/no-such-survey/`)).status).toBe(404);
  });

  it('caps a flood of answers from one address, and another address still answers', async () => {
    const flood = await Promise.all(Array.from({ length: 25 }, () => answer({ survey: PAGE_SURVEY, q1: '2' }, { ip: '192.0.2.44' })));
    expect(flood.filter((a) => a.status === 303)).toHaveLength(20);
    const refused = flood.filter((a) => a.status === 429);
    expect(refused).toHaveLength(5);
    expect(refused[0]!.text).toContain('Many answers have come from your network');
    expect((await answer({ survey: PAGE_SURVEY, q1: '2' }, { ip: '192.0.2.45' })).status).toBe(303);
  });

  it('invites a customer in the after-sale e-mail; the link answers once, and a request for their information finds it', async () => {
    const contact = await upsertContact(db(), { email: `survey-${driver.name}@example.com`, name: 'Ruth Ames', kind: 'customer' });
    const order = orderRow({
      contactId: contact.id,
      number: `261101-S${driver.name.slice(0, 4).toUpperCase()}`,
      status: 'delivered',
      at: '2026-10-20T12:00:00Z',
      subtotalCents: 3000,
    });
    await db()
      .insertInto('orders')
      .values({ ...order, delivered_at: '2026-10-30T12:00:00Z', follow_up_due_at: '2026-11-29T12:00:00Z' })
      .execute();
    expect(await sendDueFollowUps(jobServices())).toBe(1);
    const mail = await db().selectFrom('mail_outbox').select(['text_body as text']).where('to_address', '=', contact.email).executeTakeFirstOrThrow();
    expect(mail.text).toContain('“How did your order go?” takes a minute');
    const link = new URL(/https?:\/\/\S+\/surveys\/after-your-order\/\?\S+/.exec(mail.text)![0]);
    expect(link.searchParams.get('order')).toBe(order.id);
    const page = load((await raw(base() + link.pathname + link.search)).text);
    expect(page('h1').text()).toBe('How did your order go?');
    expect(page('input[name=order]').val()).toBe(order.id);
    const fields = { survey: ORDER_SURVEY, order: order.id!, key: link.searchParams.get('key')! };
    // A changed order id with the same signature is refused.
    expect((await answer({ ...fields, order: randomUUID(), q1: '4' })).status).toBe(400);
    expect((await raw(`${base()}${link.pathname}?order=${randomUUID()}&key=${fields.key}`)).status).toBe(400);
    const sent = await answer({ ...fields, q1: '4', q2: '2', q3: 'The box was a bit crushed.' });
    expect(sent.headers.location).toBe('/surveys/thanks');
    // No cookie: the link itself answers once, from any browser.
    expect(sent.headers['set-cookie']).toBeUndefined();
    expect((await answer({ ...fields, q1: '1' }, { ip: '203.0.113.99' })).headers.location).toBe('/surveys/already-answered');
    expect((await raw(base() + link.pathname + link.search)).text).toContain('You have already answered this survey');
    const [row] = await responses(ORDER_SURVEY);
    expect(row).toMatchObject({ source: 'order' });
    // The answers point at nothing: the used link is a digest in a table of its own, with no time and no answer.
    const snapshot = await storeSnapshot(served.running.store, driver.options());
    expect(JSON.stringify([snapshot.survey_responses, snapshot.survey_answers, snapshot.survey_links_used])).not.toContain(order.id!);
    expect(Object.keys(snapshot.survey_responses![0]!).sort()).toEqual(['created_at', 'id', 'locale', 'source', 'survey']);
    expect(Object.keys(snapshot.survey_links_used![0]!).sort()).toEqual(['link', 'survey']);
    // Access says which surveys the person's links answered (not what); erasure removes the marks, and the answers stay, anonymous.
    const person = { contactId: contact.id, email: contact.email, name: 'Ruth Ames', organisation: null };
    expect(await surveysData().export(db(), person)).toEqual({ survey_links_used: [{ survey: ORDER_SURVEY }] });
    await db()
      .transaction()
      .execute((trx) => surveysData().erase(trx, person, now));
    expect(await surveysData().export(db(), person)).toEqual({ survey_links_used: [] });
    expect(await responses(ORDER_SURVEY)).toHaveLength(1);
    // A survey on no page is answered only from a link: its page and a post without one are refused.
    const bare = await raw(`${base()}/surveys/${ORDER_SURVEY}/`);
    expect(bare.status).toBe(403);
    expect(bare.text).toContain('This survey is answered from the link in the e-mail');
    expect((await answer({ survey: ORDER_SURVEY, q1: '3' }, { ip: '203.0.113.98' })).status).toBe(403);
    expect(await responses(ORDER_SURVEY)).toHaveLength(1);
  });

  it('stops taking answers after the closing day the editor set', async () => {
    // The reference survey takes answers until 31 March 2027 (the business's calendar day, Mountain Time).
    now = new Date('2027-04-01T05:59:00Z');
    expect((await answer({ survey: PAGE_SURVEY, q1: '1' }, { ip: '203.0.113.60' })).status).toBe(303);
    now = new Date('2027-04-01T06:01:00Z');
    const late = await answer({ survey: PAGE_SURVEY, q1: '1' }, { ip: '203.0.113.60' });
    expect(late.status).toBe(410);
    expect(late.text).toContain('This survey closed on');
    expect((await raw(`${base()}/surveys/${PAGE_SURVEY}/`)).status).toBe(410);
    now = new Date('2026-12-01T15:00:00Z');
    await db()
      .deleteFrom('survey_answers')
      .where('response_id', 'in', db().selectFrom('survey_responses').select('id').where('created_at', '>', '2027-01-01'))
      .execute();
    await db().deleteFrom('survey_responses').where('created_at', '>', '2027-01-01').execute();
  });

  it('shows the results with a chart per question and the written answers escaped, and downloads them as CSV', async () => {
    const staff = await signedIn(db(), 'editor');
    const list = load((await raw(`${base()}/admin/crm/surveys`, { headers: { cookie: staff.cookie } })).text);
    const cells = (row: Parameters<typeof list>[0]) =>
      list(row)
        .find('td')
        .map((_, td) => list(td).text().trim())
        .get();
    expect(
      list('table tbody tr')
        .map((_, tr) => [cells(tr)])
        .get(),
    ).toEqual([
      ['How did your order go?', 'On pages and after orders', '1', expect.stringMatching(/^Dec 1, 2026, /), 'Open'],
      ['What should we grow next season?', 'On pages', '23', expect.stringMatching(/^Dec 1, 2026, /), 'Mar 31, 2027'],
    ]);
    // The console's first page says how many answers came this week, and leads to them.
    const todayPage = load((await raw(`${base()}/admin/crm/`, { headers: { cookie: staff.cookie } })).text);
    expect(todayPage('.tiles a[href="/admin/crm/surveys"]').text()).toBe('24Survey answers this week');
    const results = await raw(`${base()}/admin/crm/surveys/${PAGE_SURVEY}`, { headers: { cookie: staff.cookie } });
    expect(results.status).toBe(200);
    const $ = load(results.text);
    expect($('.tiles strong').first().text()).toBe('23');
    // Question 1: the first answer and the French one chose option 3; the flood and the next address chose option 2.
    const q1 = $('#q1').parent();
    expect(q1.find('svg title').text()).toContain('Answers to question 1');
    expect(
      q1
        .find('tbody tr')
        .map((_, tr) =>
          $(tr)
            .find('td')
            .map((_, td) => $(td).text().trim())
            .get()
            .join(' '),
        )
        .get(),
    ).toEqual([
      'More tulip varieties 0 0 %',
      'Lilies for cold gardens 21 91 %',
      'Dahlias 2 9 %',
      'Garlic for planting 0 0 %',
      'Native prairie wildflowers 0 0 %',
    ]);
    expect($('#q2').parent().text()).toContain('average 5 out of 5');
    expect(results.text).toContain('&lt;b&gt;More dahlias&lt;/b&gt; &amp; garlic');
    expect(results.text).not.toContain('<b>More dahlias</b>');
    const csv = await raw(`${base()}/admin/crm/surveys/${PAGE_SURVEY}/answers.csv`, { headers: { cookie: staff.cookie } });
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const rows = parseCsv(csv.text, { bom: true }) as string[][];
    expect(rows[0]).toEqual([
      'Answered (UTC)',
      'Language',
      'From',
      '1. Which would you most like to see in our catalogue next year?',
      '2. How likely are you to recommend Chinook Bulb Farm to a friend?',
      '3. Anything else you would like us to grow or do?',
    ]);
    expect(rows).toHaveLength(24);
    expect(rows.find((r) => r[5]?.includes('More dahlias'))!.slice(1)).toEqual(['en-CA', 'page', 'Dahlias', '5', '<b>More dahlias</b> & garlic\nplease']);
    expect(await db().selectFrom('audit_log').select('action').where('action', '=', 'survey.export').execute()).toHaveLength(1);
    // A customer is not staff.
    const customer = await signedIn(db(), 'customer');
    expect((await raw(`${base()}/admin/crm/surveys/${PAGE_SURVEY}`, { headers: { cookie: customer.cookie } })).status).toBe(403);
  });

  it('deletes answers older than the retention period', async () => {
    const count = async () => (await db().selectFrom('survey_responses').select('id').execute()).length;
    const before = await count();
    expect(
      await surveyAnswersKept.enforce(db(), { now, period: { amount: 2, unit: 'years' }, cutoff: new Date('2026-12-01T16:00:00Z'), erase: async () => {} }),
    ).toBe(before);
    expect(await count()).toBe(0);
    expect(await db().selectFrom('survey_answers').select('response_id').execute()).toHaveLength(0);
  });
});
