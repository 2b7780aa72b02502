// `npm run bench`: build throughput of Rapport against a plain Astro build of the same Markdown.
// Generates sites of N pages (half products, half FAQ answers), builds each cold (no caches) and warm
// (unchanged content, caches kept) in child processes, and writes bench/REPORT.md and bench/results.json.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
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

// GNU time reports the build's peak resident memory (the largest of the process and what it waited for).
const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

function build(dir) {
  const started = process.hrtime.bigint();
  const command = [process.execPath, astroBin, 'build'];
  const result = timeBin
    ? spawnSync(timeBin, ['-f', 'BENCH_MAX_RSS_KB %M', ...command], { cwd: dir, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
    : spawnSync(command[0], command.slice(1), { cwd: dir, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`build failed in ${dir}:\n${result.stdout}\n${result.stderr}`);
  const html = readdirSync(path.join(dir, 'dist'), { recursive: true }).filter((f) => String(f).endsWith('.html')).length;
  const og = /Open Graph images: (\d+) rendered, (\d+) unchanged/.exec(result.stdout);
  const cardCpu = /CPU per card: layout ([\d.]+) ms, raster ([\d.]+) ms, encode ([\d.]+) ms/.exec(result.stdout);
  const search = /Search: \d+ pages indexed(, unchanged)?/.exec(result.stdout);
  const rss = /BENCH_MAX_RSS_KB (\d+)/.exec(result.stderr);
  return {
    seconds: Number(seconds.toFixed(2)),
    pages: html,
    pagesPerSecond: Number((html / seconds).toFixed(1)),
    ogRendered: og ? Number(og[1]) : null,
    cardCpuMs: cardCpu ? { layout: Number(cardCpu[1]), raster: Number(cardCpu[2]), encode: Number(cardCpu[3]) } : null,
    searchReused: search ? !!search[1] : null,
    peakMemoryMb: rss ? Math.round(Number(rss[1]) / 1024) : null,
  };
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
const cardRows = results.sizes.map((s) => {
  const c = s.rapport.cold.cardCpuMs;
  const total = c ? (c.layout + c.raster + c.encode).toFixed(1) : '–';
  return `| ${s.pages} | ${c?.layout ?? '–'} | ${c?.raster ?? '–'} | ${c?.encode ?? '–'} | **${total}** |`;
});
const memoryRows = results.sizes.map(
  (s) =>
    `| ${s.pages} | ${s.plain.cold.peakMemoryMb ?? '–'} | ${s.rapport.cold.peakMemoryMb ?? '–'} | ${s.plain.warm.peakMemoryMb ?? '–'} | ${s.rapport.warm.peakMemoryMb ?? '–'} |`,
);
// What else the machine was doing, in words (builds on 2 cores are sensitive to it).
const note = process.env.BENCH_NOTE ? `\n${process.env.BENCH_NOTE}\n` : '';
const report = `## Build throughput

Measured ${results.machine.date.slice(0, 10)} on ${results.machine.cpus} CPUs, Node ${results.machine.node}, by \`npm run bench\`.
Pages per second = HTML pages written / wall-clock seconds of \`astro build\` (child process, includes startup).
Cold: no \`dist/\`, no Astro or Rapport cache. Warm: the same content built again with caches kept (median of 3).
Rapport's figure includes social cards, JSON-LD, search indexes, the weight report and precompression; the
plain build renders the same Markdown with a bare layout. Goals (issue 20): warm ≥ 0.9× at both sizes, cold
≥ 0.35× at 1,000 pages, under 12 ms of CPU per card, warm renders 0 cards and reuses the search indexes.
${note}
| pages | plain cold p/s | Rapport cold p/s | cold ratio | plain warm p/s | Rapport warm p/s | warm ratio |
|---|---|---|---|---|---|---|
${rows.join('\n')}

Social cards in the cold build, per card as the build logs it: layout and encode are CPU of the card
worker's thread; raster is the time the worker waited for resvg in libuv's thread pool (CPU plus queueing
behind Astro's file writes, so it grows with the machine's load):

| pages | layout ms | raster ms | encode ms | total ms |
|---|---|---|---|---|
${cardRows.join('\n')}

Peak resident memory of the build process (MB, GNU time's maximum RSS):

| pages | plain cold | Rapport cold | plain warm | Rapport warm |
|---|---|---|---|---|
${memoryRows.join('\n')}
`;
writeSection('Build throughput', report);
writeRaw('build', results);
console.log(`\n${report}`);
