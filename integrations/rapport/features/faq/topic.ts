/**
 * A category as the words after "about": "Planting" → "planting", and a category that already
 * says "about" ("About the farm") → "the farm", so no page reads "answers about about the farm".
 */
export function aboutTopic(category: string): string {
  return category
    .trim()
    .toLowerCase()
    .replace(/^about\s+/, '');
}
