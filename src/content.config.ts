import { rapportCollections } from '../integrations/rapport/content/collections.ts';

export const collections = rapportCollections('./content');
