/**
 * The laws a statement can say it follows. Each adds its own section (and rights, a regulator to
 * complain to, or a legal basis per purpose) to the statement. Plain language; not legal advice.
 */

export const JURISDICTIONS = ['pipeda', 'alberta-pipa', 'bc-pipa', 'quebec', 'casl', 'gdpr', 'ccpa'] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];

export interface JurisdictionText {
  /** How the CMS names the choice. */
  label: string;
  /** The section's heading in the statement. */
  title: string;
  paragraphs: string[];
  /** Rights this law adds to the common ones (access, correction, withdrawal, erasure, complaint). */
  rights?: Array<{ title: string; text: string }>;
  /** Where a person can complain. */
  regulator?: { name: string; url: string };
  /** The law asks for the legal basis of each purpose. */
  legalBasis?: boolean;
}

export const JURISDICTION_TEXT: Record<Jurisdiction, JurisdictionText> = {
  pipeda: {
    label: 'Canada: PIPEDA',
    title: 'Canada (PIPEDA)',
    paragraphs: [
      'We follow the Personal Information Protection and Electronic Documents Act and its fair information principles: we collect only what we need for the purposes stated here, use it only for them unless you agree otherwise or the law requires it, and protect it with safeguards suited to how sensitive it is.',
      'When you give us your information through a form on this site, you consent to its use for the purpose stated next to that form and in this statement. You can withdraw consent at any time, subject to legal or contractual limits; we will tell you what withdrawing means for you (for example, that we cannot ship an order without an address).',
    ],
    regulator: { name: 'the Office of the Privacy Commissioner of Canada', url: 'https://www.priv.gc.ca/' },
  },
  'alberta-pipa': {
    label: 'Alberta: Personal Information Protection Act',
    title: 'Alberta (Personal Information Protection Act)',
    paragraphs: [
      'As an Alberta business we also follow Alberta’s Personal Information Protection Act. If we ever lose control of personal information in a way that could cause you significant harm, we will notify you and the Alberta Information and Privacy Commissioner.',
    ],
    regulator: { name: 'the Office of the Information and Privacy Commissioner of Alberta', url: 'https://oipc.ab.ca/' },
  },
  'bc-pipa': {
    label: 'British Columbia: Personal Information Protection Act',
    title: 'British Columbia (Personal Information Protection Act)',
    paragraphs: ['For personal information we collect in British Columbia we also follow British Columbia’s Personal Information Protection Act.'],
    regulator: { name: 'the Office of the Information and Privacy Commissioner for British Columbia', url: 'https://www.oipc.bc.ca/' },
  },
  quebec: {
    label: 'Quebec: Law 25 (private-sector privacy act)',
    title: 'Quebec (Act respecting the protection of personal information in the private sector)',
    paragraphs: [
      'The person in charge of protecting personal information is named under “Contact” below. Before we send personal information outside Quebec, we assess whether it will be adequately protected there.',
    ],
    rights: [
      { title: 'Portability', text: 'You can ask for the personal information you gave us in a structured, commonly used technological format.' },
      { title: 'De-indexing', text: 'You can ask us to stop publishing or linking to information about you when it causes you harm.' },
    ],
    regulator: { name: 'the Commission d’accès à l’information du Québec', url: 'https://www.cai.gouv.qc.ca/' },
  },
  casl: {
    label: 'Canada: anti-spam law (CASL) for commercial e-mail',
    title: 'Commercial e-mail (Canada’s anti-spam legislation)',
    paragraphs: [
      'We send commercial e-mail only with your consent: express consent when you tick a box or confirm a sign-up, or implied consent for a limited time after you buy from us, as the law allows. We record when and how you gave it and the wording you saw.',
      'Every commercial e-mail names us, gives our mailing address and has an unsubscribe link that works in one click. We act on an unsubscribe at once, well within the ten business days the law allows.',
    ],
  },
  gdpr: {
    label: 'European Union and United Kingdom: GDPR',
    title: 'European Union and United Kingdom (GDPR)',
    paragraphs: [
      'If you are in the European Economic Area or the United Kingdom, the General Data Protection Regulation (and the UK GDPR) gives you the rights below. We are the controller of the personal data described here. The legal basis of each use is given with its purpose above.',
      'Some of the services we use process data outside your country (see “Who receives your information”). Where that country has no adequacy decision, the transfer relies on standard contractual clauses.',
    ],
    rights: [
      { title: 'Restriction and objection', text: 'You can ask us to limit how we use your data, and object to any use based on our legitimate interests.' },
      { title: 'Portability', text: 'You can ask for the data you gave us in a machine-readable format, or for us to send it to another organisation.' },
    ],
    regulator: { name: 'the data protection authority where you live or work', url: 'https://edpb.europa.eu/about-edpb/about-edpb/members_en' },
    legalBasis: true,
  },
  ccpa: {
    label: 'California: CCPA/CPRA',
    title: 'California residents (CCPA/CPRA)',
    paragraphs: [
      'In the last 12 months we collected the categories of personal information listed under “What we collect and why”, from you directly, for the business purposes stated there. We disclose them only to the service providers listed under “Who receives your information”, for those purposes.',
      'We do not sell your personal information or share it for cross-context behavioural advertising, and we do not use sensitive personal information to infer things about you.',
    ],
    rights: [
      { title: 'Right to know', text: 'You can ask what personal information we collected about you, where it came from, why and who we disclosed it to.' },
      {
        title: 'Opt-out of sale or sharing',
        text: 'We do not sell or share personal information, so there is nothing to opt out of; if that ever changes, this statement will say so first.',
      },
      { title: 'No discrimination', text: 'We will not treat you differently for using any of these rights.' },
      { title: 'Authorised agents', text: 'Someone you authorise in writing may make a request for you; we may ask you to confirm it.' },
    ],
    regulator: { name: 'the California Privacy Protection Agency', url: 'https://cppa.ca.gov/' },
  },
};
