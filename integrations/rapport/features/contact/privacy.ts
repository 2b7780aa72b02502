import type { FeaturePrivacy } from '../../core/privacy/declaration.ts';
import { contactForm } from './message.ts';
import { contactData } from './personal-data.ts';
import { fieldMessage } from '../../i18n/translate.ts';

/** The contact form. */
export const contactPrivacy = (): FeaturePrivacy => ({
  id: 'contact',
  name: 'contact form',
  forms: [contactForm()],
  stores: [{ what: fieldMessage('privacy.stored.messages'), category: 'messages', purpose: 'enquiries' }],
  legalBases: { enquiries: ['legitimate-interests', 'contract'] },
  cookies: [],
  processors: [
    { role: 'hosting', why: 'keeps your message' },
    { role: 'mail', why: 'delivers our acknowledgement and the copy to our staff' },
  ],
  personal: contactData(),
});
