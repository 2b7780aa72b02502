// Generated benchmark sites: N pages, half products and half FAQ answers, as a plain Astro site
// (bare layout) or as a Rapport site. Shared by the build-throughput and search-bytes benchmarks.
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const repo = path.resolve(import.meta.dirname, '..');
export const work = path.join(import.meta.dirname, 'work');

function generateContent(dir, pages) {
  rmSync(dir, { recursive: true, force: true });
  for (const sub of ['products/images', 'faq', 'pages', 'newsletter', 'audiences']) mkdirSync(path.join(dir, sub), { recursive: true });
  cpSync(path.join(repo, 'test/fixtures/basic/content/products/images/pea.jpg'), path.join(dir, 'products/images/photo.jpg'));
  const half = Math.floor(pages / 2);
  for (let i = 0; i < half; i++) {
    writeFileSync(
      path.join(dir, 'products', `bulb-${i}.md`),
      `---\nname: Bench bulb number ${i}\nsku: BENCH-${i}\nprice: ${(4 + (i % 20)).toFixed(2)}\ncurrency: CAD\nunit: bag of 10 bulbs\ndescription: Bench bulb ${i} is a hardy tulip for cold gardens, planted in fall and blooming in May.\ncategory: Category ${i % 8}\nimages:\n  - src: ./images/photo.jpg\n    alt: A bench bulb in flower\navailability: in_stock\nshippingWeightGrams: 300\nupdated: 2026-0${1 + (i % 9)}-1${i % 10}\n---\n${body(i)}`,
    );
  }
  for (let i = 0; i < pages - half; i++) {
    writeFileSync(
      path.join(dir, 'faq', `question-${i}.md`),
      `---\nquestion: How do I grow bench bulb number ${i} well?\ncategory: Category ${i % 6}\norder: ${i}\nstatus: published\nupdated: 2026-0${1 + (i % 9)}-2${i % 8}\n---\n${body(i)}`,
    );
  }
  writeFileSync(
    path.join(dir, 'pages', 'home.md'),
    '---\ntitle: Bench site home page\ndescription: The home page of a generated benchmark site with many products and answers.\nupdated: 2026-01-01\n---\nHello.\n',
  );
}

function body(i) {
  return `Plant bench bulb ${i} about **15 cm deep** in well-drained soil in September or October.\n\n## Care\n\nWater once after planting, then leave it alone until spring. Cut the flowers, not the leaves: the leaves feed next year's bulb.\n\n- Full sun\n- Zone 3 hardy\n- Deer leave it alone\n`;
}

export const plainFiles = {
  'astro.config.mjs': `import { defineConfig } from 'astro/config';\nexport default defineConfig({ site: 'https://bench.example', cacheDir: './.cache' });\n`,
  'src/content.config.ts': `import { defineCollection } from 'astro:content';\nimport { glob } from 'astro/loaders';\nimport { z } from 'astro/zod';\nconst loose = z.looseObject({});\nexport const collections = {\n  products: defineCollection({ loader: glob({ base: './content/products', pattern: '*.md' }), schema: loose }),\n  faq: defineCollection({ loader: glob({ base: './content/faq', pattern: '*.md' }), schema: loose }),\n};\n`,
  'src/layouts/Plain.astro': `---\nconst { title, description } = Astro.props;\n---\n<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title><meta name="description" content={description}></head><body><main><h1>{title}</h1><slot /></main></body></html>\n`,
  'src/pages/products/[slug].astro': `---\nimport { getCollection, render } from 'astro:content';\nimport Plain from '../../layouts/Plain.astro';\nexport async function getStaticPaths() { return (await getCollection('products')).map((entry) => ({ params: { slug: entry.id }, props: { entry } })); }\nconst { entry } = Astro.props;\nconst { Content } = await render(entry);\n---\n<Plain title={entry.data.name} description={entry.data.description}><Content /></Plain>\n`,
  'src/pages/faq/[slug].astro': `---\nimport { getCollection, render } from 'astro:content';\nimport Plain from '../../layouts/Plain.astro';\nexport async function getStaticPaths() { return (await getCollection('faq')).map((entry) => ({ params: { slug: entry.id }, props: { entry } })); }\nconst { entry } = Astro.props;\nconst { Content } = await render(entry);\n---\n<Plain title={entry.data.question} description={entry.data.question}><Content /></Plain>\n`,
};

export const rapportFiles = {
  'astro.config.mjs': `import { defineConfig } from 'astro/config';\nimport rapport from '../../../integrations/rapport/index.ts';\nexport default defineConfig({ site: 'https://bench.example', cacheDir: './.cache', integrations: [rapport({ site: { name: 'Bench Bulbs', description: 'A generated benchmark site with many products and answers to measure build speed.' }, business: { legalName: 'Bench Bulbs Ltd.', address: { streetAddress: '1 Bench Road', locality: 'Lacombe', region: 'AB', postalCode: 'T4L 2N3', country: 'CA' }, phone: '+1-403-555-0100', email: 'bench@bench.example' } })] });\n`,
  'src/content.config.ts': `import { rapportCollections } from '../../../../integrations/rapport/content/collections.ts';\nexport const collections = rapportCollections('./content');\n`,
  'src/pages/index.astro': `---\nimport BaseLayout from '../../../../../integrations/rapport/site/components/BaseLayout.astro';\n---\n<BaseLayout title="Bench site home page" description="The home page of a generated benchmark site with many products and answers."><h1>Bench</h1></BaseLayout>\n`,
};

export function makeSite(name, files, pages) {
  const dir = path.join(work, name);
  rmSync(dir, { recursive: true, force: true });
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  generateContent(path.join(dir, 'content'), pages);
  return dir;
}
