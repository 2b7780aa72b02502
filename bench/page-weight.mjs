// `npm run bench:weight`: what each page template of the reference site weighs on the wire
// (from the build's weight report: gzip and Brotli text, eager images), against the budgets.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeRaw, writeSection } from './report.mjs';

const repo = path.resolve(import.meta.dirname, '..');
const reportFile = path.join(repo, '.rapport', 'weight-report.json');
if (!existsSync(reportFile) || process.env.BENCH_REBUILD) {
  const result = spawnSync(process.execPath, [path.join(repo, 'node_modules/astro/bin/astro.mjs'), 'build'], { cwd: repo, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
const { budgets, pages } = JSON.parse(readFileSync(reportFile, 'utf8'));

/** Template of a path on the reference site. */
function template(p) {
  if (p === '/') return 'home';
  if (p === '/404') return '404';
  if (/^\/products\/category\//.test(p)) return 'product category';
  if (p === '/products/') return 'product list';
  if (/^\/products\/[^/]+\/$/.test(p)) return 'product';
  if (/^\/faq\/category\//.test(p)) return 'FAQ category';
  if (p === '/faq/') return 'FAQ index';
  if (/^\/faq\/[^/]+\/$/.test(p)) return 'FAQ answer';
  if (p === '/newsletter/') return 'newsletter archive';
  if (/^\/newsletter\/[^/]+\/$/.test(p)) return 'newsletter issue';
  if (p === '/sitemap/' || p === '/sitemap') return 'HTML site map';
  if (/^\/(subscribe|unsubscribe|account|contact\/sent|faq\/ask)\//.test(p)) return 'form result';
  return 'content page';
}

const byTemplate = new Map();
for (const page of pages) {
  const t = template(page.pathname);
  const list = byTemplate.get(t) ?? [];
  list.push(page);
  byTemplate.set(t, list);
}
const kb = (n) => (n / 1000).toFixed(1);
const rows = [...byTemplate].map(([t, list]) => {
  const heaviest = list.reduce((a, b) => (b.total > a.total ? b : a));
  const median = [...list].sort((a, b) => a.text - b.text)[Math.floor(list.length / 2)];
  return {
    template: t,
    pages: list.length,
    medianText: median.text,
    heaviest: heaviest.pathname,
    text: heaviest.text,
    textBrotli: heaviest.textBrotli,
    images: heaviest.images,
    total: heaviest.total,
  };
});
rows.sort((a, b) => b.total - a.total);
const budgetText = budgets.textKb * 1000;
const budgetTotal = budgets.totalKb * 1000;
writeSection(
  'Page weight per template',
  `## Page weight per template

${new Date().toISOString().slice(0, 10)}, \`npm run bench:weight\`, the reference site's last build (\`.rapport/weight-report.json\`). Transfer bytes:
text = HTML + CSS + JS gzip (Brotli beside it), images = those loaded eagerly. Ratio = heaviest page of the template / budget
(${budgets.textKb} KB text, ${budgets.totalKb} KB total).

| Template | Pages | Median text KB | Heaviest page | Text KB (Brotli) | Eager images KB | Total KB | Text / budget | Total / budget |
|---|---|---|---|---|---|---|---|---|
${rows.map((r) => `| ${r.template} | ${r.pages} | ${kb(r.medianText)} | ${r.heaviest} | ${kb(r.text)} (${kb(r.textBrotli)}) | ${kb(r.images)} | ${kb(r.total)} | ${(r.text / budgetText).toFixed(2)}× | ${(r.total / budgetTotal).toFixed(2)}× |`).join('\n')}
`,
);
writeRaw('weight', { budgets, rows });
console.log(rows);
