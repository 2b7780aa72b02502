/** Meta descriptions are cut by search engines near 160 characters; Rapport keeps them to this. */
export const DESCRIPTION_MAX = 158;

/** Shortens text to whole words within `max` characters, ending with `…` when it was cut. */
export function clampText(text: string, max = DESCRIPTION_MAX): string {
  // No-break spaces stay: French puts them before a colon, inside « » and between thousands; no line breaks there.
  const clean = text.replace(/[^\S\u00a0\u202f]+/g, ' ').trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max - 1);
  const end = cut.lastIndexOf(' ');
  return `${(end > 0 ? cut.slice(0, end) : cut).replace(/[\s,;:.]+$/, '')}…`;
}
