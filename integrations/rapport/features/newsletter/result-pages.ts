import type { RapportConfig } from '../../config/schema.ts';
import type { ResultPage } from '../../core/feature.ts';

/** Where the sign-up, confirmation, preferences and unsubscribe forms send their visitor. */
export function newsletterResultPages(config: RapportConfig): Record<string, ResultPage> {
  const pages: Record<string, ResultPage> = {};
  const home = { href: '/', label: `Back to ${config.site.name}` };
  // Not just "Check your inbox": that is the page after registering an account, and titles are unique.
  pages['/subscribe/check-your-inbox'] = {
    title: 'Check your inbox to confirm',
    description: 'Confirm your e-mail subscription with the link we sent: until you do, we send nothing else.',
    paragraphs: [
      'We have sent a message to the address you gave. Open it and press the button inside to confirm your subscription; until then we send nothing else.',
      `No message within a few minutes? Look in your spam or promotions folder. The link works for ${config.crm.signupExpiryHours} hours; after that, unconfirmed addresses are deleted.`,
      'Already subscribed? Then nothing changes and no new message is sent.',
      'Still nothing after several tries today? To keep our forms from being used to send mail to strangers, we send at most three messages a day to an address that has not yet confirmed one; try again tomorrow.',
    ],
    links: [home],
  };
  pages['/subscribe/confirmed'] = {
    title: 'You are subscribed',
    description: 'Your e-mail subscription is confirmed; every message has a one-click unsubscribe link.',
    paragraphs: ['Thank you: your subscription is confirmed. Every message we send has a link to unsubscribe with one click.'],
    links: [{ href: '/newsletter/', label: 'Read past newsletters' }, home],
  };
  pages['/subscribe/preferences/saved'] = {
    title: 'Your choice is saved',
    description: 'Your choice of e-mail lists is saved: we send only the lists you ticked.',
    paragraphs: ['We will send you only the lists you ticked.'],
    links: [home],
  };
  pages['/unsubscribe/done'] = {
    title: 'You are unsubscribed',
    description: 'You are unsubscribed from this list and will not receive it any more.',
    paragraphs: ['We will not send you this list any more. If you unsubscribed by mistake, you can sign up again at any time.'],
    links: [{ href: '/subscribe', label: 'Subscribe again' }, home],
  };
  return pages;
}
