import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { readBuildInfo } from '../../integrations/rapport/core/build-info.ts';
import { SESSION_COOKIE } from '../../integrations/rapport/core/security/sessions.ts';
import { upsertContact } from '../../integrations/rapport/core/store/contacts.ts';
import { sendDueFollowUps } from '../../integrations/rapport/features/orders/follow-up.ts';
import { afterSaleInvitation } from '../../integrations/rapport/features/surveys/invitation.ts';
import type { Survey } from '../../integrations/rapport/features/surveys/survey.ts';
import { browserSuite, SECRET } from '../helpers/browser.ts';
import { orderRow } from '../helpers/orders.ts';
import { signedIn } from '../helpers/staff.ts';

const distDir = inject('referenceBuild');
const built = readBuildInfo(distDir);
const surveys = (JSON.parse(readFileSync(path.join(distDir, 'server', 'surveys.json'), 'utf8')) as { surveys: Survey[] }).surveys;
// The reference survey on the About page takes answers until 31 March 2027: the server's clock runs from 1 December 2026.
const started = Date.now();
const clock = () => new Date(Date.parse('2026-12-01T15:00:00Z') + (Date.now() - started));

/**
 * Surveys as people meet them, in Chromium with JavaScript off: a visitor answers the survey on the
 * About page (then tries again from the same browser); a French
 * customer answers from the link in the after-sale e-mail; staff read the results.
 */
describe('survey journeys in Chromium, without JavaScript', () => {
  const suite = browserSuite(distDir, { tag: 'surveys', javaScriptEnabled: false, clock });
  const db = () => suite.server.running.store.db;

  it('answers the survey on a page, then is told a second answer from the same browser is not taken', async () => {
    const { page, server } = suite;
    await page.goto(`${server.base}/about/`);
    const survey = page.locator('section.survey');
    expect(await survey.locator('h2').textContent()).toBe('What should we grow next season?');
    // The browser itself holds back a post without the required choice; the server's messages are the integration tests'.
    await survey.locator('textarea[name=q3]').fill('Blue <em>poppies</em>, please');
    await survey.locator('label.point:has-text("4") input').check();
    await survey.locator('label.choice:has-text("Lilies for cold gardens") input').check();
    await survey.locator('button[type=submit]').click();
    await page.waitForURL(/\/surveys\/thanks$/);
    expect(await page.locator('h1').textContent()).toBe('Thank you for your answers');
    const [response] = await db().selectFrom('survey_responses').selectAll().where('survey', '=', 'next-season').execute();
    const answers = await db().selectFrom('survey_answers').select(['question', 'value']).where('response_id', '=', response!.id).orderBy('question').execute();
    expect(answers).toEqual([
      { question: 1, value: '2' },
      { question: 2, value: '4' },
      { question: 3, value: 'Blue <em>poppies</em>, please' },
    ]);
    // The same browser again: told it has answered, and nothing more is kept.
    await page.goto(`${server.base}/about/`);
    await page.locator('section.survey label.choice:has-text("Dahlias") input').check();
    await page.locator('section.survey button[type=submit]').click();
    await page.waitForURL(/\/surveys\/already-answered$/);
    expect(await page.locator('h1').textContent()).toBe('You have already answered');
    expect(await db().selectFrom('survey_responses').select('id').where('survey', '=', 'next-season').execute()).toHaveLength(1);
  });

  it('answers the after-sale survey in French from the e-mail, once', async () => {
    const { page, server } = suite;
    const contact = await upsertContact(db(), { email: 'sondage@example.com', name: 'Élise Caron', kind: 'customer', language: 'fr-CA' });
    // The after-sale e-mail is due now, on the machine's own clock (the mail worker's), within the implied-consent window.
    const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
    const order = orderRow({ contactId: contact.id, number: '261101-SONDAG', status: 'delivered', at: daysAgo(40), subtotalCents: 4200 });
    await db()
      .insertInto('orders')
      .values({ ...order, delivered_at: daysAgo(30), follow_up_due_at: daysAgo(1) })
      .execute();
    const services = {
      db: db(),
      config: built.config,
      site: new URL(built.site),
      secret: SECRET,
      clock: () => new Date(),
      catalog: undefined,
      afterSaleSurvey: (say: Parameters<typeof afterSaleInvitation>[1], orderId: string, today: string) =>
        afterSaleInvitation({ site: new URL(built.site), secret: SECRET, config: built.config, surveys }, say, orderId, today),
    };
    expect(await sendDueFollowUps(services)).toBe(1);
    const mail = await server.mailTo(contact.email, /^Comment se portent/);
    const link = /https?:\/\/\S+\/fr\/surveys\/after-your-order\/\?\S+/.exec(mail.parsed.text ?? '')![0];
    await page.goto(server.local(link));
    expect(await page.locator('h1').textContent()).toBe('Comment s’est passée votre commande?');
    await page.waitForTimeout(2_100); // the time trap: a person takes a moment
    await page.locator('fieldset:has(#survey-q1) label.point:has-text("5") input').check();
    await page.locator('textarea[name=q3]').fill('Rien à redire.');
    await page.locator('main button[type=submit]').click();
    await page.waitForURL(/\/fr\/surveys\/thanks$/);
    expect(await page.locator('h1').textContent()).toBe('Merci de vos réponses');
    await page.goto(server.local(link));
    expect(await page.locator('main').textContent()).toContain('Vous avez déjà répondu à ce sondage');
    expect(await db().selectFrom('survey_responses').select(['locale', 'source']).where('survey', '=', 'after-your-order').execute()).toEqual([
      { locale: 'fr-CA', source: 'order' },
    ]);
  });

  it('shows staff the answers with a chart and the written answers as text', async () => {
    const { page, server, context } = suite;
    const editor = await signedIn(db(), 'editor', undefined, clock);
    await context.addCookies([{ name: SESSION_COOKIE, value: editor.cookie.split('=')[1]!, url: server.base, httpOnly: true, sameSite: 'Lax' }]);
    await page.goto(`${server.base}/admin/crm/surveys`);
    await page.click('a:text("What should we grow next season?")');
    await page.waitForURL(/\/admin\/crm\/surveys\/next-season$/);
    expect(await page.locator('#q1 + p').textContent()).toContain('1 answer');
    expect(await page.locator('section:has(#q1) svg[role=img]').count()).toBe(1);
    // Markup a visitor wrote is shown as the characters they typed.
    expect(await page.locator('.answers .answer').first().textContent()).toBe('Blue <em>poppies</em>, please');
    expect(await page.locator('.answers em').count()).toBe(0);
  });
});
