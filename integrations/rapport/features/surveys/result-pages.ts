import type { RapportConfig } from '../../config/schema.ts';
import type { ResultPage } from '../../core/feature.ts';
import type { Translator } from '../../i18n/translate.ts';
import { ALREADY_PATH, THANKS_PATH } from './answer.ts';

/** Where a survey sends its visitor: in every locale, as the form is. */
export function surveyResultPages(config: RapportConfig, say: Translator): Record<string, ResultPage> {
  const home = { href: '/', label: say('survey.result.home', { site: config.site.name }) };
  return {
    [THANKS_PATH]: {
      title: say('survey.result.title'),
      description: say('survey.result.description'),
      paragraphs: [say('survey.result.text')],
      links: [home],
      localized: true,
    },
    [ALREADY_PATH]: {
      title: say('survey.already.title'),
      description: say('survey.already.description'),
      paragraphs: [say('survey.already.text')],
      links: [home],
      localized: true,
    },
  };
}
