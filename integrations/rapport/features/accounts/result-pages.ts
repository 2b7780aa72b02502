import type { RapportConfig } from '../../config/schema.ts';
import type { ResultPage } from '../../core/feature.ts';

/** Where the registration, sign-in and sign-out forms send their visitor. */
export function accountResultPages(config: RapportConfig): Record<string, ResultPage> {
  const pages: Record<string, ResultPage> = {};
  const home = { href: '/', label: `Back to ${config.site.name}` };
  pages['/account/check-your-inbox'] = {
    title: 'Your sign-in link is on its way',
    description: 'We have e-mailed a sign-in link to the address of your account; it works once, for one hour.',
    paragraphs: [
      'If the address you gave has an account with us, or you just created one, we have sent it a sign-in link. It works once, for one hour.',
      'No message within a few minutes? Look in your spam folder, or ask for a new link. An address that has never used one of our links gets at most three messages from us a day, so after several tries, wait until tomorrow.',
    ],
    links: [{ href: '/account/sign-in', label: 'Ask for a new sign-in link' }, home],
  };
  // After "Create my account" a link always goes out (a welcome, or a sign-in link when the address
  // already had an account), so this page can say so plainly and still tell nobody which it was.
  pages['/account/registered'] = {
    title: 'Check your inbox',
    description: 'We have e-mailed a link to the address you gave; open it to sign in to your account.',
    paragraphs: [
      'We have sent a link to the address you gave. Open it to sign in to your account: there is no password to remember. The link works once, for one hour.',
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
  return pages;
}
