/**
 * The parts of Decap's browser API that `/admin/` uses. The standalone build puts `CMS` and
 * React's `createElement` (as `h`) on `window`, so templates need no bundler of their own.
 */
export interface DecapCms {
  init(options?: { config?: Record<string, unknown> }): void;
  registerPreviewStyle(url: string): void;
  registerPreviewTemplate(collection: string, template: PreviewTemplate): void;
  registerEventListener(listener: { name: 'prePublish' | 'postPublish' | 'postUnpublish'; handler: () => unknown }): void;
  getLocale(locale: string): LocalePhrases | undefined;
}

/** Decap's phrases for one language: nested objects of strings. */
export interface LocalePhrases {
  [key: string]: string | LocalePhrases;
}

/** What Decap hands a preview template. */
export interface PreviewProps {
  /** An Immutable.js map; its `data` is the entry's front matter as the editor has it now. */
  entry: { getIn(path: string[]): { toJS(): unknown } | undefined };
  /** A field rendered by its widget's preview (the Markdown body as HTML, sanitised). */
  widgetFor(name: string): unknown;
  /** An image path as the editor sees it (uploaded but unsaved images included). */
  getAsset(path: string): { toString(): string } | undefined;
}

export type PreviewTemplate = (props: PreviewProps) => unknown;

/** React's createElement. */
export type H = (type: string, props?: Record<string, unknown> | null, ...children: unknown[]) => unknown;

export const decap = () => (window as unknown as { CMS?: DecapCms }).CMS;
export const h: H = (...args) => (window as unknown as { h: H }).h(...args);
