/** A survey's styles, for the head of a page that draws one (not bundled into every page of its route). Astro's side only (a `?raw` import). */
export { default as SURVEY_CSS } from './survey.css?raw';
