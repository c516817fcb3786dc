/**
 * `npm run bench:import` (also the last step of `npm run bench`): `dunghan import`'s throughput and peak
 * memory on a million-row export (issue #17); rewrites its section of docs/benchmarks.md.
 */
import { writeBenchSection } from './doc-section.ts';
import { benchImport } from './import-bench.ts';

process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const r = await benchImport();
const lines = [
  `Run ${new Date().toISOString()} · Node ${process.version}`,
  '',
  '| step | rows | throughput | peak resident set | target |',
  '|---|---:|---:|---:|---|',
  `| read and map (dry run), ${r.fileMiB.toFixed(0)} MiB csv | ${fmt(r.rows)} | ${fmt(r.mapRowsPerSecond)} rows/s | ${fmt(r.mapPeakMiB)} MiB | bounded memory ${r.mapPeakMiB <= 512 ? '✅' : '❌'} |`,
  `| import into the local store (dynalite on disk) | ${fmt(r.importRows)} | ${fmt(r.importRowsPerSecond)} rows/s (${fmt(r.importEventsPerSecond)} events/s) | ${fmt(r.importPeakMiB)} MiB | |`,
  '',
  `A million rows imported locally at this rate: ≈ ${fmt(1_000_000 / r.importRowsPerSecond / 60)} min (the ingest, one event at a time, is the cost; on AWS the rows go to the bus and the ingest function scales out).`,
];
console.log(lines.join('\n'));
writeBenchSection('import', 'Import of a one-stop export (issue #17)', lines);
process.exitCode = r.mapPeakMiB <= 512 ? 0 : 1;
