// bench/REPORT.md is shared: the build benchmark writes its head, the others one `## ` section each.
// Raw figures go to bench/results.json, one key per benchmark.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const reportFile = path.join(import.meta.dirname, 'REPORT.md');
const resultsFile = path.join(import.meta.dirname, 'results.json');

/** Replaces the section starting `## <title>` (up to the next `## `), or appends it. */
export function writeSection(title, section) {
  const report = existsSync(reportFile)
    ? readFileSync(reportFile, 'utf8')
    : '# Rapport benchmarks\n\n`npm run bench` runs them all; each section is rewritten by its own benchmark.\n';
  const start = report.indexOf(`\n## ${title}\n`);
  if (start === -1) return writeFileSync(reportFile, `${report.trimEnd()}\n\n${section.trimEnd()}\n`);
  const next = report.indexOf('\n## ', start + 1);
  writeFileSync(reportFile, `${report.slice(0, start).trimEnd()}\n\n${section.trimEnd()}\n${next === -1 ? '' : `\n${report.slice(next + 1)}`}`);
}

/** Stores one benchmark's raw figures under `key` in bench/results.json. */
export function writeRaw(key, figures) {
  const all = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : {};
  // Older files held only the build benchmark at the top level.
  const results = all.sizes ? { build: all } : all;
  results[key] = { date: new Date().toISOString(), ...figures };
  writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
}
