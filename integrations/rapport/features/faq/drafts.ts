import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { slugify } from '../../internal/slug.ts';
import type { SharedContent } from '../../core/feature.ts';
import { commitIfRepository, noBuildNeeded } from '../../internal/git.ts';

/** A visitor's question (or a search that found nothing) as a draft FAQ entry: the text and a reference, nothing personal. */
export interface DraftEntry {
  question: string;
  /** The stored submission's id (`faq_questions.id`); none for an entry staff drafted from a content gap. */
  submission?: string | undefined;
  updated: Date;
}

/**
 * Where draft entries go: the content repository. The local working copy now; a Git host's API
 * (commit through GitHub or Gitea) is another implementation of the same interface.
 */
export interface ContentDrafts {
  /** Creates the entry under a new slug (never overwriting one) and returns the slug. */
  create(entry: DraftEntry): Promise<string>;
}

/** Slugs stay short enough to read in a URL. */
const SLUG_MAX = 60;
export const UNSORTED_CATEGORY = 'Unsorted';

export function draftSlug(question: string): string {
  const slug = slugify(question);
  if (slug.length <= SLUG_MAX) return slug;
  const cut = slug.slice(0, SLUG_MAX);
  return cut.slice(0, cut.lastIndexOf('-') > 20 ? cut.lastIndexOf('-') : SLUG_MAX);
}

/** The entry file: front matter the FAQ schema accepts, status `pending_review`, no answer yet. */
export function draftFile(entry: DraftEntry): string {
  const front = stringify({
    question: entry.question,
    category: UNSORTED_CATEGORY,
    status: 'pending_review',
    updated: entry.updated.toISOString().slice(0, 10),
    ...(entry.submission ? { submission: entry.submission } : {}),
  });
  return `---\n${front}---\n`;
}

/**
 * Writes drafts into the FAQ folder of the local working copy and, when that folder is in a Git
 * repository, commits just that file (as "Rapport", whatever else is staged).
 */
export function workingCopyDrafts(folder: string, log: (message: string) => void = console.error, shared?: SharedContent): ContentDrafts {
  /** Writes the draft under `slug` and commits it; false when that slug is taken. */
  const write = async (slug: string, entry: DraftEntry): Promise<boolean> => {
    const file = path.join(folder, `${slug}.md`);
    try {
      // `wx`: fails if the file exists, so an entry is never overwritten, even by a race.
      await writeFile(file, draftFile(entry), { flag: 'wx' });
    } catch (error) {
      // Exactly this draft is there already (another server drafted the same question first): written, not a slug taken.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return (await readFile(file, 'utf8').catch(() => '')) === draftFile(entry);
      throw error;
    }
    const commit = commitIfRepository(folder, file, noBuildNeeded(`FAQ: new visitor question awaiting an answer (${slug})`));
    // With a shared repository the commit must reach it: a failure there is the write's failure.
    if (shared) await commit;
    else
      await commit.catch((error: unknown) =>
        log(`The draft ${file} is written but could not be committed: ${error instanceof Error ? error.message : String(error)}`),
      );
    return true;
  };
  return {
    async create(entry) {
      await mkdir(folder, { recursive: true });
      const base = draftSlug(entry.question);
      for (let n = 1; n < 1000; n++) {
        const slug = n === 1 ? base : `${base}-${n}`;
        // Another server taking the same slug at the same moment is a slug taken (ContentConflict).
        const written = shared
          ? await shared
              .write(() => write(slug, entry))
              .catch((error: unknown) => (error instanceof Error && error.name === 'ContentConflict' ? false : Promise.reject(error)))
          : await write(slug, entry);
        if (written) return slug;
      }
      throw new Error(`No free slug for a draft FAQ entry starting ${base}`);
    },
  };
}

/** Where the CMS writes entries on the live branch (Rapport's CMS backend), in its own queue. */
export interface EntryWriter {
  addEntry(collection: string, slug: string, content: Buffer, message: string, author: { name: string; email: string }): Promise<boolean>;
}

/**
 * Drafts as entries on the live branch with the status "Waiting for an answer": the site shows
 * only published answers, and the CMS lists the question in the FAQ collection under that filter,
 * where the editor answers it and sets the one status that matters. (On a workflow branch the
 * question was only on Decap's Workflow board, and the FAQ list said "No Entries".)
 */
export function liveDrafts(writer: EntryWriter, collection = 'faq'): ContentDrafts {
  return {
    async create(entry) {
      const base = draftSlug(entry.question);
      for (let n = 1; n < 1000; n++) {
        const slug = n === 1 ? base : `${base}-${n}`;
        const written = await writer.addEntry(
          collection,
          slug,
          Buffer.from(draftFile(entry)),
          // Hidden until answered and published: a draft alone is no reason to build the site.
          noBuildNeeded(`FAQ: new visitor question awaiting an answer (${slug})`),
          RAPPORT,
        );
        if (written) return slug;
      }
      throw new Error(`No free slug for a draft FAQ entry starting ${base}`);
    },
  };
}

const RAPPORT = { name: 'Rapport', email: 'rapport@localhost' };

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Rapport {
    interface FeatureServices {
      /** Where visitors' questions become draft FAQ entries. */
      drafts?: ContentDrafts | undefined;
      /** Drafts an FAQ entry waiting for an answer from `question` (a content gap staff chose); resolves with its slug. */
      draftFaqEntry?: ((question: string) => Promise<string>) | undefined;
    }
  }
}
