import type { MessageKey } from '../../i18n/catalogues.ts';
import { DEFAULT_TRANSLATOR, type Translator } from '../../i18n/translate.ts';

/**
 * The laws a statement can say it follows. Each adds its own section (and rights, a regulator to
 * complain to, or a legal basis per purpose) to the statement. Plain language; not legal advice.
 * The words are in the catalogues (`privacy.law.<id>.…`), so each locale's statement says them.
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

/** What each law's section holds: how many paragraphs, which rights it adds, where to complain (its words are `privacy.law.<id>.*`). */
const LAWS: Record<Jurisdiction, { paragraphs: number; rights?: string[]; regulator?: string; legalBasis?: boolean }> = {
  pipeda: { paragraphs: 2, regulator: 'https://www.priv.gc.ca/' },
  'alberta-pipa': { paragraphs: 1, regulator: 'https://oipc.ab.ca/' },
  'bc-pipa': { paragraphs: 1, regulator: 'https://www.oipc.bc.ca/' },
  quebec: { paragraphs: 1, rights: ['portability', 'de-indexing'], regulator: 'https://www.cai.gouv.qc.ca/' },
  casl: { paragraphs: 2 },
  gdpr: { paragraphs: 2, rights: ['restriction', 'portability'], regulator: 'https://edpb.europa.eu/about-edpb/about-edpb/members_en', legalBasis: true },
  ccpa: { paragraphs: 2, rights: ['know', 'opt-out', 'no-discrimination', 'agents'], regulator: 'https://cppa.ca.gov/' },
};

/** One law's section in `say`'s locale. */
export function jurisdictionText(id: Jurisdiction, say: Translator = DEFAULT_TRANSLATOR): JurisdictionText {
  const law = LAWS[id];
  const word = (rest: string) => say(`privacy.law.${id}.${rest}` as MessageKey);
  return {
    label: word('label'),
    title: word('title'),
    paragraphs: Array.from({ length: law.paragraphs }, (_, i) => word(`p${i + 1}`)),
    ...(law.rights ? { rights: law.rights.map((r) => ({ title: word(`${r}.title`), text: word(`${r}.text`) })) } : {}),
    ...(law.regulator ? { regulator: { name: word('regulator'), url: law.regulator } } : {}),
    ...(law.legalBasis ? { legalBasis: true } : {}),
  };
}

/** Each law's section in Rapport's default words (the CMS's choices, the history, the default statement). */
export const JURISDICTION_TEXT: Record<Jurisdiction, JurisdictionText> = Object.fromEntries(JURISDICTIONS.map((j) => [j, jurisdictionText(j)])) as Record<
  Jurisdiction,
  JurisdictionText
>;
