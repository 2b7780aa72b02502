// @ts-check
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', '.astro/', '.rapport/', 'node_modules/', 'test/fixtures/*/dist/', 'test/fixtures/*/.astro/', 'bench/work/', 'var/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  // Core knows no feature and no site machinery: features plug into it (core/feature.ts), not the reverse.
  {
    files: ['integrations/rapport/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/features/**', '../features', '../../features'],
              message:
                'core/ must not import a feature: declare what core needs in core (see core/feature.ts, core/services.ts) and let the feature provide it.',
            },
            { group: ['**/site/**', '../site', '../../site'], message: 'core/ must not import site machinery.' },
          ],
        },
      ],
    },
  },
  // Site machinery and the options know no feature either: features contribute to them through their declarations.
  {
    files: ['integrations/rapport/site/**', 'integrations/rapport/config/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/features/**', '../features', '../../features'],
              message: 'site/ and config/ must not import a feature: let the feature contribute through core/feature.ts.',
            },
          ],
        },
      ],
    },
  },
  // A feature reaches another only through its public entry, `feature.ts`.
  ...featureBoundaries(),
  // Tests probe parsed JSON-LD, which has no static type.
  { files: ['test/**'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  // Ambient module declarations cannot use relative `import type`.
  { files: ['**/*.d.ts'], rules: { '@typescript-eslint/consistent-type-imports': 'off' } },
);

/**
 * One rule per feature folder: imports of another feature's files, other than its `feature.ts`, are refused.
 * @returns {import('eslint').Linter.Config[]}
 */
function featureBoundaries() {
  const names = readdirSync(new URL('./integrations/rapport/features/', import.meta.url), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  return names.map((name) => ({
    files: [`integrations/rapport/features/${name}/**`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(?:\\.\\./)+(?:features/)?(?:${names.filter((n) => n !== name).join('|')})/(?!feature\\.ts$).+`,
              message: `features/${name} may use another feature only through its feature.ts (its public entry).`,
            },
          ],
        },
      ],
    },
  }));
}
