import type { FormDefinition } from '../forms/define-form.ts';
import type { PersonalData } from './personal-data.ts';
import type { DataCategory, LegalBasis, ProcessorRole, Purpose } from './vocabulary.ts';

/** Something a feature keeps besides what its forms' fields collect. */
export interface StoredData {
  what: string;
  category: DataCategory;
  purpose: Purpose;
  /** A period the code itself enforces ("deleted after 100 hours when not confirmed"). */
  kept?: string | undefined;
}

export interface CookieUse {
  name: string;
  why: string;
  lasts: string;
  /** Strictly necessary for something the visitor asked for (no consent banner needed). */
  necessary: boolean;
}

/**
 * What one feature declares about personal information: the forms it draws (each field marked
 * with `collects()`), what else it keeps, on which legal basis, the cookies it sets and the kinds
 * of processor it relies on. The privacy builder collects these at build time.
 */
export interface FeaturePrivacy {
  id: string;
  /** How an error message names it ("the orders feature"). */
  name: string;
  forms: FormDefinition[];
  stores: StoredData[];
  legalBases: Partial<Record<Purpose, LegalBasis[]>>;
  cookies: CookieUse[];
  /** Kinds of processor it relies on, for all its purposes unless `for` names some. */
  processors: Array<{ role: ProcessorRole; why: string; for?: Purpose[] | undefined }>;
  /** Things it does not do that a visitor may wonder about ("searches are not recorded"). */
  notCollected?: string[] | undefined;
  /** The store's tables it keeps about a person: export, erasure, retention. */
  personal?: PersonalData | undefined;
}
