// `npm run bench`: build throughput of Rapport against a plain Astro build of the same Markdown.
// Generates sites of N pages (half products, half FAQ answers), builds each cold (no caches) and warm
// (unchanged content, caches kept) in child processes, and writes bench/REPORT.md and bench/results.json.
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { makeSite, plainFiles, rapportFiles } from './bench-site.mjs';
import { writeRaw, writeSection } from './report.mjs';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: process.env.BENCH_SIZES ?? '1000,5000' } } });
const sizes = values.sizes.split(',').map(Number);
const here = import.meta.dirname;
const repo = path.resolve(here, '..');
const astroBin = path.join(repo, 'node_modules', 'astro', 'bin', 'astro.mjs');

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
const report = `## Build throughput

Measured ${results.machine.date.slice(0, 10)} on ${results.machine.cpus} CPUs, Node ${results.machine.node}, by \`npm run bench\`.
Pages per second = HTML pages written / wall-clock seconds of \`astro build\` (child process, includes startup).
Cold: no \`dist/\`, no Astro or Rapport cache. Warm: the same content built again with caches kept (median of 3).
Rapport's figure includes social cards, JSON-LD, the weight report and precompression; the plain build
renders the same Markdown with a bare layout. Goals: warm ≥ 0.87×, cold ≥ 0.5×, warm renders 0 cards.

| pages | plain cold p/s | Rapport cold p/s | cold ratio | plain warm p/s | Rapport warm p/s | warm ratio |
|---|---|---|---|---|---|---|
${rows.join('\n')}
`;
writeSection('Build throughput', report);
writeRaw('build', results);
console.log(`\n${report}`);
