import { z } from 'astro/zod';
import type { SchemaContext } from 'astro:content';
import type { RapportConfig } from '../../config/schema.ts';
import { audienceSchema, FAQ_STATUS_LABELS, faqSchema, newsletterSchema, pageSchema, productSchema, surveySchema } from '../../content/schemas.ts';
import { surveysOn } from '../surveys/feature.ts';
import { PRIVACY_SETTINGS_FILE, privacySettingsSchema } from '../privacy/feature.ts';
import { ORDERING_WINDOWS_FILE, orderingWindowsSchema } from '../reorder/feature.ts';
import { languageName, localePath } from '../../config/locales.ts';

/** One Decap field, as config.yml spells it. */
export interface DecapField {
  name: string;
  label: string;
  widget: string;
  required?: boolean;
  hint?: string;
  default?: unknown;
  options?: Array<string | { label: string; value: string }>;
  multiple?: boolean;
  value_type?: 'int' | 'float';
  min?: number;
  max?: number;
  pattern?: [string, string];
  fields?: DecapField[];
  field?: DecapField;
  format?: string;
  date_format?: string;
  time_format?: boolean;
  picker_utc?: boolean;
  allow_multiple?: boolean;
  /** A list's item title (Decap's `summary` template), instead of its first field's raw value. */
  summary?: string;
  /** `relation` widgets: the collection to pick from and what is stored, searched and shown. */
  collection?: string;
  value_field?: string;
  search_fields?: string[];
  display_fields?: string[];
  options_length?: number;
  /** On a site in several languages: `true` edited per language, `duplicate` copied from the default language's. */
  i18n?: true | 'duplicate';
}

interface JsonSchema {
  /** The field's label (`.meta({ title })`); without one, a label is made from the field's name. */
  title?: string;
  /** A list's item title (`.meta({ summary })`), a Decap summary template. */
  summary?: string;
  type?: string;
  enum?: string[];
  /** Words for an enum's values (`.meta({ optionLabels })`), shown in the CMS instead of the values. */
  optionLabels?: Record<string, string>;
  format?: string;
  widget?: string;
  description?: string;
  default?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
}

/** Image fields become Decap image widgets (Astro's `image()` is a path on disk to Decap). */
const cmsContext = { image: () => z.string().meta({ widget: 'image' }) } as unknown as SchemaContext;

/** The FAQ collection's name in Decap (the console links to its entries). */
export const FAQ_COLLECTION = 'faq';

/**
 * Collections whose entries carry their own status (the FAQ's "Waiting for an answer" …
 * "Published"), which decides what the site shows: the backend starts their unpublished entries
 * as Ready, so that status is the only one an editor sets (see `backend.ts`).
 */
export const SELF_STATUS_COLLECTIONS: ReadonlySet<string> = new Set([FAQ_COLLECTION]);

const label = (name: string) =>
  name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/^./, (c) => c.toUpperCase())
    .replace(/ ([A-Z])/g, (_, c: string) => ` ${c.toLowerCase()}`);

/** A Decap field from one property of a collection's JSON Schema (the zod schema's input side). */
export function decapField(name: string, s: JsonSchema, required: boolean): DecapField {
  const base = {
    name,
    label: s.title ?? label(name),
    ...(required && s.default === undefined ? {} : { required: false }),
    ...(s.description ? { hint: s.description } : {}),
    ...(s.default !== undefined ? { default: s.default } : {}),
  };
  if (s.widget === 'image') return { ...base, widget: 'image' };
  if (s.enum) return { ...base, widget: 'select', options: selectOptions(s) };
  // zod's address pattern is for the server; editors get a readable one.
  if (s.format === 'email') return { ...base, widget: 'string', pattern: ['^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$', 'Enter an e-mail address like name@example.com'] };
  if (s.type === 'array' && s.items?.enum) return { ...base, widget: 'select', multiple: true, options: selectOptions(s.items) };
  switch (s.type) {
    case 'string':
      return {
        ...base,
        widget: (s.maxLength ?? Infinity) > 200 ? 'text' : 'string',
        ...(s.pattern ? { pattern: [s.pattern, `Must match ${s.pattern}`] as [string, string] } : {}),
      };
    case 'boolean':
      return { ...base, widget: 'boolean' };
    case 'integer':
    case 'number':
      return {
        ...base,
        widget: 'number',
        value_type: s.type === 'integer' ? 'int' : 'float',
        ...(s.minimum !== undefined ? { min: s.minimum } : {}),
        ...(s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER ? { max: s.maximum } : {}),
      };
    case 'array': {
      const item = s.items ?? {};
      if (item.type === 'object') return { ...base, widget: 'list', ...(s.summary ? { summary: s.summary } : {}), fields: objectFields(item) };
      return { ...base, widget: 'list', field: decapField(name.replace(/s$/, ''), item, true) };
    }
    case 'object':
      // Decap checks an object's inner fields even when the object itself may be left out (an
      // optional image with its alt text): inside an optional object every field is optional to
      // Decap, and the build's schema check still requires them together.
      return { ...base, widget: 'object', fields: objectFields(s, !required) };
    default:
      // Dates are not representable in JSON Schema: zod leaves them untyped.
      return { ...base, widget: 'datetime', format: 'YYYY-MM-DD', date_format: 'YYYY-MM-DD', time_format: false, picker_utc: true };
  }
}

const selectOptions = (s: JsonSchema) => (s.enum ?? []).map((value) => (s.optionLabels?.[value] ? { label: s.optionLabels[value], value } : value));

function objectFields(s: JsonSchema, optional = false): DecapField[] {
  const required = new Set(s.required ?? []);
  return Object.entries(s.properties ?? {}).map(([name, p]) => decapField(name, p, !optional && required.has(name)));
}

function fieldsOf(schema: z.ZodType): DecapField[] {
  return objectFields(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema);
}

/** The surveys' collection in Decap (a page picks its survey from it). */
export const SURVEYS_COLLECTION = 'surveys';

/** A page's survey is picked from the surveys by title (a typed slug could name none); without surveys the field is not offered. */
function pageFields(fields: DecapField[], surveys: boolean): DecapField[] {
  return fields.flatMap((f) =>
    f.name !== 'survey'
      ? [f]
      : surveys
        ? [
            {
              ...f,
              widget: 'relation',
              collection: SURVEYS_COLLECTION,
              value_field: '{{slug}}',
              search_fields: ['title'],
              display_fields: ['title'],
              options_length: 50,
              hint: `${f.hint}. Type a few words of its title.`,
            },
          ]
        : [],
  );
}

/** A survey's questions: each kind's hint says which of the fields below it uses. */
function surveyFields(fields: DecapField[]): DecapField[] {
  return fields.map((f) =>
    f.name === 'questions'
      ? { ...f, hint: `${f.hint}. Answers are counted by position: once answers come in, start a new survey rather than reordering these.` }
      : f,
  );
}

/** The FAQ list's filters: one for each status, in the words the status field uses. */
export const FAQ_VIEW_FILTERS = [
  { label: 'Waiting for an answer', field: 'status', pattern: 'pending_review' },
  { label: 'Published', field: 'status', pattern: 'published' },
  { label: 'Not published', field: 'status', pattern: 'rejected' },
  { label: 'Merged', field: 'status', pattern: 'merged' },
];

/**
 * The FAQ entry's fields as an editor should meet them: the category picked from those in use
 * (a typo would start a new heading on the FAQ page), "merged into" picked from the answers, and
 * the question's number kept but not shown; the staff console shows who asked.
 */
function faqFields(fields: DecapField[]): DecapField[] {
  const pick = (field: DecapField, extra: Partial<DecapField>): DecapField => ({
    ...field,
    widget: 'relation',
    collection: FAQ_COLLECTION,
    options_length: 50,
    ...extra,
  });
  return fields.map((f) => {
    switch (f.name) {
      case 'question':
        return {
          ...f,
          hint: `${f.hint}. A visitor’s question? Who asked and what else they told us (never published) are in the staff console under [Questions](/admin/crm/questions/).`,
        };
      case 'category':
        return pick(f, {
          value_field: 'category',
          search_fields: ['category'],
          display_fields: ['category'],
          hint: `${f.hint}: choose one of the categories the FAQ already uses.`,
        });
      case 'mergedInto':
        return pick(f, {
          value_field: '{{slug}}',
          search_fields: ['question'],
          display_fields: ['question'],
          hint: `${f.hint}; only with the status “${FAQ_STATUS_LABELS.merged}”. Type a few words of its question.`,
        });
      case 'submission':
        // The number means nothing to an editor; kept so the asker can be told when the answer is out.
        return { name: f.name, label: f.label, widget: 'hidden', required: false };
      default:
        return f;
    }
  });
}

/**
 * Which fields an editor writes in each language: words (text, Markdown, lists and groups that hold
 * words, such as pictures with their descriptions) are translated; numbers, dates, switches and
 * fixed choices (a price, a status) are the same in every language, copied from the default one.
 */
export function translatable(field: DecapField): DecapField {
  // A relation that stores a slug (FAQ "merged into") names the same entry in every language.
  const words = ['string', 'text', 'markdown', 'relation', 'list', 'object'].includes(field.widget) && !field.pattern && field.value_field !== '{{slug}}';
  return { ...field, i18n: words ? true : 'duplicate' };
}

/**
 * Decap's side-by-side editing of a site in several languages: each entry's languages are files beside each
 * other (`about.en.md`, `about.fr.md`: the `multiple_files` layout `content/translations.ts` reads).
 */
export function decapI18n(config: RapportConfig) {
  if (config.site.locales.length < 2) return undefined;
  return { structure: 'multiple_files' as const, locales: config.site.locales.map(localePath), default_locale: localePath(config.site.locale) };
}

/**
 * Decap's config.yml, generated from the content schemas: a schema change shows up here with no
 * hand edit. `backend` is Rapport's own (`/admin/api/v1`) unless the options name a Git host.
 */
export function decapConfig(config: RapportConfig, site: string) {
  const dir = (name: string) => `${config.contentDir}/${name}`;
  const i18n = decapI18n(config);
  // Previews never run what an editor (or a visitor's question) put in the text.
  const body = (hint: string): DecapField & { sanitize_preview: boolean } => ({
    name: 'body',
    label: 'Text',
    widget: 'markdown',
    hint,
    sanitize_preview: true,
  });
  const collection = (
    name: string,
    labels: [string, string],
    schema: z.ZodType,
    bodyHint: string,
    extra: Record<string, unknown> = {},
    adapt: (fields: DecapField[]) => DecapField[] = (fields) => fields,
  ) => ({
    name,
    label: labels[0],
    label_singular: labels[1],
    folder: dir(name),
    create: true,
    extension: 'md',
    format: 'frontmatter',
    slug: '{{slug}}',
    ...extra,
    ...(i18n ? { i18n: true } : {}),
    fields: [...adapt(fieldsOf(schema)), body(bodyHint)].map((f) => (i18n ? translatable(f) : f)),
  });
  const collections = [
    // `preview_path`: "View Live" opens the entry's own page (on the server being edited, see admin.astro).
    collection(
      'pages',
      ['Pages', 'Page'],
      pageSchema(cmsContext),
      'The page itself',
      { media_folder: '', public_folder: '', preview_path: '{{slug}}/' },
      (fields) => pageFields(fields, surveysOn(config)),
    ),
    ...(config.features.faq
      ? [
          collection(
            FAQ_COLLECTION,
            ['FAQ', 'Question'],
            faqSchema,
            'The answer',
            {
              summary: '{{question}} ({{category}})',
              preview_path: 'faq/{{slug}}/',
              view_filters: FAQ_VIEW_FILTERS,
              view_groups: [{ label: 'Category', field: 'category' }],
              sortable_fields: ['question', 'category', 'updated'],
            },
            faqFields,
          ),
        ]
      : []),
    ...(config.features.products
      ? [
          collection('products', [config.site.catalogName, 'Product'], productSchema(cmsContext), 'The long description', {
            media_folder: 'images',
            public_folder: 'images',
            summary: '{{name}} ({{sku}})',
            preview_path: 'products/{{slug}}/',
          }),
        ]
      : []),
    ...(config.features.newsletter
      ? [
          collection('newsletter', ['Newsletter', 'Issue'], newsletterSchema(cmsContext), 'The issue', {
            media_folder: '',
            public_folder: '',
            preview_path: 'newsletter/{{slug}}/',
          }),
        ]
      : []),
    ...(surveysOn(config)
      ? [
          collection(
            SURVEYS_COLLECTION,
            ['Surveys', 'Survey'],
            surveySchema,
            'An introduction above the questions (optional)',
            { media_folder: '', public_folder: '', summary: '{{title}}', sortable_fields: ['title', 'updated'] },
            surveyFields,
          ),
        ]
      : []),
    collection('audiences', ['Audience pages', 'Audience page'], audienceSchema(cmsContext), 'The page itself', {
      media_folder: '',
      public_folder: '',
      preview_path: '{{slug}}/',
    }),
    {
      name: 'settings',
      label: 'Settings',
      editor: { preview: false },
      // The privacy settings in each language: one file each (`privacy.md`, `privacy.fr.md`), each a whole statement's settings.
      files: [
        ...config.site.locales.map((locale) => {
          const other = locale === config.site.locale ? undefined : localePath(locale);
          return {
            name: other ? `privacy-${other}` : 'privacy',
            label: other ? `Privacy statement (${languageName(locale)})` : 'Privacy statement',
            file: `${config.contentDir}/${other ? PRIVACY_SETTINGS_FILE.replace(/\.md$/, `.${other}.md`) : PRIVACY_SETTINGS_FILE}`,
            fields: [
              ...fieldsOf(privacySettingsSchema),
              {
                ...body('An introduction in your own words (optional). The rest of the statement is built from what the site’s forms collect.'),
                required: false,
              },
            ],
          };
        }),
        // When each product category is ordered: the reorder reminders' seasons (one file, not translated: dates and category ids).
        ...(config.crm.orders.enabled && config.crm.orders.reorder.enabled
          ? [
              {
                name: 'ordering-windows',
                label: 'Ordering windows',
                file: `${config.contentDir}/${ORDERING_WINDOWS_FILE}`,
                fields: fieldsOf(orderingWindowsSchema),
              },
            ]
          : []),
      ],
    },
  ];
  return {
    backend:
      config.cms.backend.name === 'rapport'
        ? { name: 'proxy', proxy_url: '/admin/api/v1', branch: config.cms.branch }
        : { ...config.cms.backend, branch: config.cms.branch },
    publish_mode: 'editorial_workflow',
    // New entries get ASCII file names ("Votre été" → votre-ete): they travel in links, forms and cookie names.
    slug: { encoding: 'ascii', clean_accents: true },
    site_url: site,
    display_url: site,
    ...(config.site.logo ? { logo_url: config.site.logo } : {}),
    locale: 'en',
    ...(i18n ? { i18n } : {}),
    media_folder: `${config.contentDir}/media`,
    public_folder: '/media',
    collections,
  };
}
