import { AstroError } from 'astro/errors';
import type { z } from 'astro/zod';
import { RapportOptionsSchema, type RapportConfig } from './schema.ts';

/** Validates `rapport()` options once; throws one error naming each bad option and its fix. */
export function parseOptions(input: unknown): RapportConfig {
  const result = RapportOptionsSchema.safeParse(input ?? {}, { reportInput: true });
  if (result.success) return result.data;
  throw new AstroError(
    `Invalid \`rapport()\` options in astro.config.mjs.\n${formatIssues(result.error.issues)}`,
    'Fix the options listed above; each line names the option path and what it expects. See README.md, "Configuration reference".',
  );
}

/** One line per issue: the option path, then what is wrong in plain words. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((issue) => `- ${pathOf(issue.path)}: ${describe(issue)}`).join('\n');
}

function pathOf(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(options)';
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');
}

function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? `is required (expected ${issue.expected})` : `expected ${issue.expected}, received ${typeOf(issue.input)}`;
    case 'unrecognized_keys':
      return `unknown option${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; check the spelling`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, received ${JSON.stringify(issue.input)}`;
    case 'too_small':
    case 'too_big': {
      const more = issue.code === 'too_small';
      const limit = String(issue.code === 'too_small' ? issue.minimum : issue.maximum);
      const bound = issue.inclusive ? `${more ? 'at least' : 'at most'} ${limit}` : `${more ? 'more' : 'less'} than ${limit}`;
      if (issue.origin === 'string') return `must be ${bound} characters long (received ${String(issue.input).length})`;
      if (issue.origin === 'array') return `needs ${bound} items (received ${(issue.input as unknown[]).length})`;
      return `must be ${bound} (received ${JSON.stringify(issue.input)})`;
    }
    default:
      // A check across several options (a refinement on an object) names its own culprit.
      return `${issue.message}${issue.input === undefined || (typeof issue.input === 'object' && issue.input !== null) ? '' : ` (received ${JSON.stringify(issue.input)})`}`;
  }
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
