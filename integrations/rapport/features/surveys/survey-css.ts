/** A survey's styles, minified by the build, for the head of a page that draws one (not bundled into every page of its route). Astro's side only (Vite's `?inline`). */
export { default as SURVEY_CSS } from './survey.css?inline';
