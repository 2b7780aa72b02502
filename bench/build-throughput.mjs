// `npm run bench`: build throughput of Rapport against a plain Astro build of the same Markdown.
// Generates sites of N pages (half products, half FAQ answers), builds each cold (no caches) and warm
// (unchanged content, caches kept) in child processes, and writes bench/REPORT.md and bench/results.json.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: process.env.BENCH_SIZES ?? '1000,5000' } } });
const sizes = values.sizes.split(',').map(Number);
const here = import.meta.dirname;
const repo = path.resolve(here, '..');
const work = path.join(here, 'work');
const astroBin = path.join(repo, 'node_modules', 'astro', 'bin', 'astro.mjs');

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
  writeFileSync(path.join(dir, 'pages', 'home.md'), '---\ntitle: Bench site home page\ndescription: The home page of a generated benchmark site with many products and answers.\nupdated: 2026-01-01\n---\nHello.\n');
}

function body(i) {
  return `Plant bench bulb ${i} about **15 cm deep** in well-drained soil in September or October.\n\n## Care\n\nWater once after planting, then leave it alone until spring. Cut the flowers, not the leaves: the leaves feed next year's bulb.\n\n- Full sun\n- Zone 3 hardy\n- Deer leave it alone\n`;
}

const plainFiles = {
  'astro.config.mjs': `import { defineConfig } from 'astro/config';\nexport default defineConfig({ site: 'https://bench.example', cacheDir: './.cache' });\n`,
  'src/content.config.ts': `import { defineCollection } from 'astro:content';\nimport { glob } from 'astro/loaders';\nimport { z } from 'astro/zod';\nconst loose = z.looseObject({});\nexport const collections = {\n  products: defineCollection({ loader: glob({ base: './content/products', pattern: '*.md' }), schema: loose }),\n  faq: defineCollection({ loader: glob({ base: './content/faq', pattern: '*.md' }), schema: loose }),\n};\n`,
  'src/layouts/Plain.astro': `---\nconst { title, description } = Astro.props;\n---\n<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title><meta name="description" content={description}></head><body><main><h1>{title}</h1><slot /></main></body></html>\n`,
  'src/pages/products/[slug].astro': `---\nimport { getCollection, render } from 'astro:content';\nimport Plain from '../../layouts/Plain.astro';\nexport async function getStaticPaths() { return (await getCollection('products')).map((entry) => ({ params: { slug: entry.id }, props: { entry } })); }\nconst { entry } = Astro.props;\nconst { Content } = await render(entry);\n---\n<Plain title={entry.data.name} description={entry.data.description}><Content /></Plain>\n`,
  'src/pages/faq/[slug].astro': `---\nimport { getCollection, render } from 'astro:content';\nimport Plain from '../../layouts/Plain.astro';\nexport async function getStaticPaths() { return (await getCollection('faq')).map((entry) => ({ params: { slug: entry.id }, props: { entry } })); }\nconst { entry } = Astro.props;\nconst { Content } = await render(entry);\n---\n<Plain title={entry.data.question} description={entry.data.question}><Content /></Plain>\n`,
};

const rapportFiles = {
  'astro.config.mjs': `import { defineConfig } from 'astro/config';\nimport rapport from '../../../integrations/rapport/index.ts';\nexport default defineConfig({ site: 'https://bench.example', cacheDir: './.cache', integrations: [rapport({ site: { name: 'Bench Bulbs', description: 'A generated benchmark site with many products and answers to measure build speed.' }, business: { legalName: 'Bench Bulbs Ltd.', address: { streetAddress: '1 Bench Road', locality: 'Lacombe', region: 'AB', postalCode: 'T4L 2N3', country: 'CA' }, phone: '+1-403-555-0100', email: 'bench@bench.example' } })] });\n`,
  'src/content.config.ts': `import { rapportCollections } from '../../../../integrations/rapport/content/collections.ts';\nexport const collections = rapportCollections('./content');\n`,
  'src/pages/index.astro': `---\nimport BaseLayout from '../../../../../integrations/rapport/components/BaseLayout.astro';\n---\n<BaseLayout title="Bench site home page" description="The home page of a generated benchmark site with many products and answers."><h1>Bench</h1></BaseLayout>\n`,
};

function makeSite(name, files, pages) {
  const dir = path.join(work, name);
  rmSync(dir, { recursive: true, force: true });
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  generateContent(path.join(dir, 'content'), pages);
  return dir;
}

function build(dir) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [astroBin, 'build'], { cwd: dir, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`build failed in ${dir}:\n${result.stdout}\n${result.stderr}`);
  const html = readdirSync(path.join(dir, 'dist'), { recursive: true }).filter((f) => String(f).endsWith('.html')).length;
  const og = /Open Graph images: (\d+) rendered, (\d+) unchanged/.exec(result.stdout);
  return { seconds: Number(seconds.toFixed(2)), pages: html, pagesPerSecond: Number((html / seconds).toFixed(1)), ogRendered: og ? Number(og[1]) : null };
}

const median = (runs) => [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)];

/** One cold build, then the median of three warm ones (this machine's timings vary by ±30 %). */
function coldAndWarm(dir) {
  for (const cache of ['dist', '.cache', '.astro', 'node_modules/.astro']) rmSync(path.join(dir, cache), { recursive: true, force: true });
  const cold = build(dir);
  const warmRuns = [build(dir), build(dir), build(dir)];
  return { cold, warm: median(warmRuns), warmSeconds: warmRuns.map((r) => r.seconds) };
}

const results = { machine: { cpus: os.availableParallelism(), node: process.version, date: new Date().toISOString() }, sizes: [] };
for (const pages of sizes) {
  console.log(`\n== ${pages} pages ==`);
  const plain = coldAndWarm(makeSite(`plain-${pages}`, plainFiles, pages));
  console.log('plain  ', JSON.stringify(plain));
  const rapport = coldAndWarm(makeSite(`rapport-${pages}`, rapportFiles, pages));
  console.log('rapport', JSON.stringify(rapport));
  results.sizes.push({
    pages,
    plain,
    rapport,
    ratioCold: Number((rapport.cold.pagesPerSecond / plain.cold.pagesPerSecond).toFixed(2)),
    ratioWarm: Number((rapport.warm.pagesPerSecond / plain.warm.pagesPerSecond).toFixed(2)),
  });
}

const rows = results.sizes.map(
  (s) =>
    `| ${s.pages} | ${s.plain.cold.pagesPerSecond} | ${s.rapport.cold.pagesPerSecond} (${s.rapport.cold.ogRendered} cards) | **${s.ratioCold}×** | ${s.plain.warm.pagesPerSecond} | ${s.rapport.warm.pagesPerSecond} (${s.rapport.warm.ogRendered} cards) | **${s.ratioWarm}×** |`,
);
const report = `# Build throughput

Measured ${results.machine.date.slice(0, 10)} on ${results.machine.cpus} CPUs, Node ${results.machine.node}, by \`npm run bench\`.
Pages per second = HTML pages written / wall-clock seconds of \`astro build\` (child process, includes startup).
Cold: no \`dist/\`, no Astro or Rapport cache. Warm: the same content built again with caches kept (median of 3).
Rapport's figure includes social cards, JSON-LD, the weight report and precompression; the plain build
renders the same Markdown with a bare layout. Goals: warm ≥ 0.87×, cold ≥ 0.5×, warm renders 0 cards.

| pages | plain cold p/s | Rapport cold p/s | cold ratio | plain warm p/s | Rapport warm p/s | warm ratio |
|---|---|---|---|---|---|---|
${rows.join('\n')}
`;
writeFileSync(path.join(here, 'REPORT.md'), report);
writeFileSync(path.join(here, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\n${report}`);
