import { existsSync, readFileSync } from 'node:fs';
import { z } from 'astro/zod';
import { AstroError } from 'astro/errors';
import { parse } from 'yaml';
import { JURISDICTION_TEXT, JURISDICTIONS } from './jurisdictions.ts';
import { PERIOD_UNITS } from '../../core/privacy/personal-data.ts';
import { PROCESSOR_ROLE_LABELS, PROCESSOR_ROLES, PURPOSE_TITLES, PURPOSES, RETENTION_KINDS, RETENTION_LABELS } from '../../core/privacy/vocabulary.ts';

const PERIOD_UNIT_LABELS = { hours: 'Hours', days: 'Days', months: 'Months', years: 'Years' } as const;

/** Where the editor's privacy settings live, inside the content folder (a Decap "files" entry). */
export const PRIVACY_SETTINGS_FILE = 'settings/privacy.md';

const text = (min: number, max: number) => z.string().trim().min(min).max(max);
const labelled = <T extends readonly [string, ...string[]]>(values: T, labels: Record<T[number], string>) => z.enum(values).meta({ optionLabels: labels });

/**
 * What an editor fills in for the privacy statement (Settings → Privacy statement in the CMS).
 * The site's forms and features say what they collect; these settings say who is responsible,
 * which laws apply, why in plain words, who else receives it and how long it is kept.
 */
export const privacySettingsSchema = z.strictObject({
  effectiveDate: z.coerce.date().meta({ title: 'Takes effect on' }).describe('The date this version of the statement takes effect'),
  organisation: z
    .strictObject({
      name: text(2, 120).describe('The legal name of the business responsible for the information'),
      address: text(5, 300).meta({ title: 'Mailing address' }).describe('Its mailing address, on one or more lines'),
    })
    .meta({ title: 'Business responsible' })
    .describe('Who is responsible'),
  contact: z
    .strictObject({
      name: text(2, 120).describe('The person or role who answers privacy questions, e.g. "Marta Kowalski, privacy officer"'),
      email: z.email().meta({ title: 'E-mail address' }).describe('Where privacy requests go'),
      phone: text(5, 40).optional().describe('A phone number for privacy questions (California asks for two ways to reach you)'),
    })
    .meta({ title: 'Privacy contact' })
    .describe('Who answers privacy questions and requests'),
  jurisdictions: z
    .array(
      labelled(JURISDICTIONS, Object.fromEntries(JURISDICTIONS.map((j) => [j, JURISDICTION_TEXT[j].label])) as Record<(typeof JURISDICTIONS)[number], string>),
    )
    .min(1)
    .meta({ title: 'Laws that apply' })
    .describe('The laws that apply to you; each adds its sections and rights'),
  purposes: z
    .array(
      z.strictObject({
        purpose: labelled(PURPOSES, PURPOSE_TITLES).describe('What the information is collected for'),
        description: text(20, 800).meta({ title: 'Explanation' }).describe('Why you collect it and what you do with it, in plain words'),
      }),
    )
    .meta({ title: 'Purposes', summary: '{{fields.description | truncate(70)}}' })
    .describe('Why you collect information: one entry for each purpose the site uses'),
  retention: z
    .array(
      z.strictObject({
        data: labelled(RETENTION_KINDS, RETENTION_LABELS).meta({ title: 'Information' }).describe('Which information this period is for'),
        keep: z.number().int().min(1).max(1000).meta({ title: 'Keep it for' }).describe('How many hours, days, months or years'),
        unit: labelled(PERIOD_UNITS, PERIOD_UNIT_LABELS).meta({ title: 'Unit' }).describe('Hours, days, months or years'),
        note: text(3, 300).optional().meta({ title: 'Note (optional)' }).describe('Anything a visitor should know about this period, shown after it'),
      }),
    )
    .meta({ title: 'Retention periods', summary: '{{fields.data}}: {{fields.keep}} {{fields.unit}}' })
    .describe('How long you keep each kind of information; the server deletes it when the period ends'),
  processors: z
    .array(
      z.strictObject({
        name: text(2, 120).meta({ title: 'Company' }).describe('The company, e.g. "Canada Post"'),
        role: labelled(PROCESSOR_ROLES, PROCESSOR_ROLE_LABELS)
          .meta({ title: 'What it does for you' })
          .describe('The kind of work it does with the information'),
        receives: text(3, 300).meta({ title: 'What it receives' }).describe('What it receives, e.g. "Your name, address and phone number"'),
        location: text(2, 120).meta({ title: 'Where' }).describe('Where it keeps or processes the information, e.g. "Canada"'),
      }),
    )
    .meta({ title: 'Companies that receive information', summary: '{{fields.name}} ({{fields.location}})' })
    .describe('Companies that receive information to do work for you: hosting, e-mail delivery, carriers, payments'),
  requests: text(20, 800)
    .meta({ title: 'How to make a request' })
    .describe('How someone asks to see, correct or delete their information, and how soon you answer'),
});

export type PrivacySettings = z.infer<typeof privacySettingsSchema>;

/**
 * Reads `<contentDir>/settings/privacy.md` (front matter: the settings; body: an optional
 * introduction). Undefined when the file does not exist; a friendly error naming each bad field
 * when it does not fit the schema.
 */
export function loadPrivacySettings(file: string): { settings: PrivacySettings; intro: string } | undefined {
  return readSettings(file, privacySettingsSchema, 'Settings → Privacy statement');
}

/** A settings file's front matter read with `schema`, and its body; `place` names where the CMS edits it. */
export function readSettings<T extends z.ZodType>(file: string, schema: T, place: string): { settings: z.infer<T>; intro: string } | undefined {
  if (!existsSync(file)) return undefined;
  const raw = readFileSync(file, 'utf8');
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(raw);
  let data: unknown;
  try {
    data = match ? parse(match[1]!) : undefined;
  } catch (error) {
    throw new AstroError(
      `The privacy settings in ${file} are not valid YAML: ${(error as Error).message}`,
      `Fix the front matter, or edit the settings in the CMS (${place}).`,
    );
  }
  if (!match)
    throw new AstroError(
      `The privacy settings in ${file} have no front matter.`,
      `Start the file with the settings between two \`---\` lines, or edit them in the CMS (${place}).`,
    );
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `- ${i.path.join('.') || '(file)'}: ${i.message}`).join('\n');
    throw new AstroError(`The privacy settings in ${file} are not valid:\n${problems}`, `Fix these fields in the CMS (${place}) or in the file.`);
  }
  return { settings: parsed.data as z.infer<T>, intro: match[2]!.trim() };
}
