import type { FAQPage, WithContext } from 'schema-dts';
import { faqPageJsonLd, type Absolute, type FaqItem } from '../../site/seo/structured-data.ts';

/** `FAQPage` structured data in the page's language: its questions, answers and addresses are in `locale`. */
export function faqJsonLd(items: readonly FaqItem[], absolute: Absolute, locale: string): WithContext<FAQPage> {
  return { ...faqPageJsonLd(items, absolute), inLanguage: locale };
}
