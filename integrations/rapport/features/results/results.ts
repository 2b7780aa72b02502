import type { RapportConfig } from '../../config/schema.ts';

export interface ResultPage {
  title: string;
  /** Meta description (40–160 characters, unique like every other page's). */
  description: string;
  paragraphs: string[];
  links: Array<{ href: string; label: string }>;
}

/** The pages a form sends its visitor to after a successful post (303), by path. Static pages. */
export function resultPages(config: RapportConfig): Record<string, ResultPage> {
  const pages: Record<string, ResultPage> = {};
  const home = { href: '/', label: `Back to ${config.site.name}` };
  if (config.crm.subscribe) {
    pages['/subscribe/check-your-inbox'] = {
      title: 'Check your inbox',
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
  }
  if (config.crm.accounts) {
    pages['/account/check-your-inbox'] = {
      title: 'Your sign-in link is on its way',
      description: 'We have e-mailed a sign-in link to the address of your account; it works once, for one hour.',
      paragraphs: [
        'If the address you gave has an account with us, or you just created one, we have sent it a sign-in link. It works once, for one hour.',
        'No message within a few minutes? Look in your spam folder, or ask for a new link. An address that has never used one of our links gets at most three messages from us a day, so after several tries, wait until tomorrow.',
      ],
      links: [{ href: '/account/sign-in', label: 'Ask for a new sign-in link' }, home],
    };
    pages['/account/signed-out'] = {
      title: 'You are signed out',
      description: 'You have signed out of your account on this device; sign in again at any time.',
      paragraphs: ['You have signed out on this device.'],
      links: [{ href: '/account/sign-in', label: 'Sign in again' }, home],
    };
  }
  if (config.crm.contactForm) {
    pages['/contact/sent'] = {
      title: 'Message sent',
      description: 'Your message has reached us; we answer within one working day.',
      paragraphs: [
        'Thank you for writing. We have your message and we answer within one working day.',
        'We also e-mail you a note that it arrived. It quotes your message only once your address has used one of our links (confirmed a subscription, signed in): until then our mail never repeats what was typed on the form, so nobody can send their text to a stranger through us.',
      ],
      links: [home],
    };
  }
  if (config.features.faq && config.crm.questions.enabled) {
    pages['/faq/ask/sent'] = {
      title: 'Question received',
      description: 'Your question has reached us; we answer it on our FAQ page and, if you left your address, write to you once when it is out.',
      paragraphs: [
        'Thank you for asking. We answer questions on our FAQ page, so everyone who wonders the same finds the answer too.',
        'If you left your e-mail address, we have sent you a note that it arrived and will write to you once, when the answer is published.',
      ],
      links: [{ href: '/faq/', label: 'Browse the FAQ' }, home],
    };
  }
  return pages;
}
