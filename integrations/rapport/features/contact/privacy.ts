import type { FeaturePrivacy } from '../../core/privacy/declaration.ts';
import { contactForm } from './message.ts';
import { contactData } from './personal-data.ts';

/** The contact form. */
export const contactPrivacy = (): FeaturePrivacy => ({
  id: 'contact',
  name: 'contact form',
  forms: [contactForm()],
  stores: [{ what: 'Your message and our replies, on your record with us', category: 'messages', purpose: 'enquiries' }],
  legalBases: { enquiries: ['legitimate-interests', 'contract'] },
  cookies: [],
  processors: [
    { role: 'hosting', why: 'keeps your message' },
    { role: 'mail', why: 'delivers our acknowledgement and the copy to our staff' },
  ],
  personal: contactData(),
});
