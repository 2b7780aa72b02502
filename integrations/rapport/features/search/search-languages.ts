import lunr from 'lunr';
import french from 'lunr-languages/lunr.fr.js';
import stemmerSupport from 'lunr-languages/lunr.stemmer.support.js';

/** The languages the server search reads with their own stemming and stop words. */
export type SearchLanguage = 'en' | 'fr';

/**
 * The one place a language tag (a page's `<html lang>`, a query's `lang`) picks how its words are
 * read: French for `fr`, `fr-CA`, …; English, as before there were languages, for anything else.
 */
export function searchLanguage(tag: string | null | undefined): SearchLanguage {
  return /^fr(?:[-_]|$)/i.test(tag?.trim() ?? '') ? 'fr' : 'en';
}

// lunr-languages adds lunr.fr to lunr itself: a trimmer that keeps accented letters, Snowball's
// French stop words and stemmer, and a French accent fold (é → e, œ → oe).
// Only once per lunr: a build in the same process as a server (tests, the dev server) loads this module twice.
if (!('fr' in lunr)) {
  stemmerSupport(lunr);
  french(lunr);
}
const fr = (lunr as unknown as { fr: Record<'trimmer' | 'stopWordFilter' | 'accentFold' | 'stemmer', lunr.PipelineFunction> }).fr;

/**
 * Accents are folded (`déjà` → `deja`: Unicode NFD less its combining marks) before stemming, at
 * index and at query time alike, so a word typed with or without its accents finds the other.
 * French folds with lunr.fr's own fold first (it also turns œ into oe), and stems folded words as
 * lunr.fr does, since a query without accents must stem as its page's words did. Excerpts come
 * from the page's own text, accents kept.
 */
const foldDiacritics = registered('rapport-fold-diacritics', (token) => token.update((word) => word.normalize('NFD').replace(/\p{M}/gu, '')));

/** `l’hiver` → `hiver`, `qu’il` → `il`: the elided words (those Lucene's French analyser strips) hide the word they join. */
const elision = registered('rapport-elision-fr', (token) => token.update((word) => word.replace(/^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu)['’]/, '')));

/**
 * A pipeline function registered under its name, which a saved index records and loading it looks
 * up; the one already registered when this module is loaded a second time on the same lunr.
 */
function registered(label: string, fn: lunr.PipelineFunction): lunr.PipelineFunction {
  const known = (lunr.Pipeline as unknown as { registeredFunctions: Record<string, lunr.PipelineFunction> }).registeredFunctions[label];
  if (known) return known;
  lunr.Pipeline.registerFunction(fn, label);
  return fn;
}

interface Analyser {
  /** What each word of a page goes through before it is indexed. */
  index: lunr.PipelineFunction[];
  /** What a query word goes through: the index's steps less the stop words, which `stopWords` finds first. */
  search: lunr.PipelineFunction[];
  /** The steps that drop a word too common to search for ("the", "les", "de"), as the index drops it. */
  stopWords: lunr.PipelineFunction[];
}

const ANALYSERS: Record<SearchLanguage, Analyser> = {
  // lunr's own English pipeline, as the index always had, with accents folded first: lunr's
  // trimmer strips what is not an ASCII word character, so `café` would otherwise index as `caf`.
  en: {
    index: [foldDiacritics, lunr.trimmer, lunr.stopWordFilter, lunr.stemmer],
    search: [foldDiacritics, lunr.stemmer],
    stopWords: [lunr.stopWordFilter],
  },
  // lunr.fr's pipeline (trimmer, stop words, accent fold, stemmer), elided articles taken off first.
  fr: {
    index: [elision, fr.trimmer, fr.stopWordFilter, fr.accentFold, foldDiacritics, fr.stemmer],
    search: [elision, fr.trimmer, fr.accentFold, foldDiacritics, fr.stemmer],
    stopWords: [elision, fr.trimmer, fr.stopWordFilter],
  },
};

/** How one language's words become index terms, for the index builder and for queries. */
export interface LanguageReader {
  readonly language: SearchLanguage;
  /** Sets a lunr builder's pipelines to this language's. */
  configure(builder: lunr.Builder): void;
  /** The term a query word looks up (stemmed and folded as the index's words), or undefined when nothing of it is left. */
  term(word: string): string | undefined;
  isStopWord(word: string): boolean;
}

const readers = new Map<SearchLanguage, LanguageReader>();

/** The reader of one language (made once). */
export function languageReader(language: SearchLanguage): LanguageReader {
  let reader = readers.get(language);
  if (!reader) {
    const { index, search, stopWords } = ANALYSERS[language];
    const searchPipeline = pipeline(search);
    const stopPipeline = pipeline(stopWords);
    reader = {
      language,
      configure(builder) {
        builder.pipeline.reset();
        builder.pipeline.add(...index);
        builder.searchPipeline.reset();
        builder.searchPipeline.add(...search);
      },
      term: (word) => searchPipeline.runString(word)[0] || undefined,
      isStopWord: (word) => stopPipeline.runString(word).length === 0,
    };
    readers.set(language, reader);
  }
  return reader;
}

function pipeline(steps: lunr.PipelineFunction[]): lunr.Pipeline {
  const p = new lunr.Pipeline();
  p.add(...steps);
  return p;
}
