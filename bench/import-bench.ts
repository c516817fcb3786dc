import { once } from 'node:events';
import { createWriteStream, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bulkImportDeps } from '../cli/import-command.ts';
import { startLocalRuntime } from '../local/local-runtime.ts';
import { readExportRows } from '../shared/adapters/export-files.ts';
import { readExportMapping } from '../shared/domain/sync/export-mapping.ts';
import { importExport } from '../shared/use-cases/import-export.ts';

export interface ImportBenchResult {
  rows: number;
  fileMiB: number;
  /** Read and mapped (dry run): rows per second and the process's peak resident set while doing it. */
  mapRowsPerSecond: number;
  mapPeakMiB: number;
  /** Imported into the local store (dynalite on disk, in process): rows and events per second. */
  importRows: number;
  importRowsPerSecond: number;
  importEventsPerSecond: number;
  importPeakMiB: number;
  importRefused: number;
}

const SAMPLE = new URL('../docs/examples/import/danh-sach-ho-so.csv', import.meta.url).pathname;
const MAPPING = new URL('../config/import/danh-sach-ho-so.yaml', import.meta.url).pathname;

/** Writes a `rows`-row export: the sample's rows again and again, each under a code of its own. */
async function bigExport(file: string, rows: number): Promise<void> {
  const [titles, ...lines] = readFileSync(SAMPLE, 'utf8')
    .replace(/^\uFEFF/, '')
    .trimEnd()
    .split('\r\n');
  const out = createWriteStream(file);
  out.write(`\uFEFF${titles}\r\n`);
  for (let i = 0; i < rows; i += 1) {
    const line = lines[i % lines.length] as string;
    const [stt, code, ...rest] = line.split(',');
    if (!out.write(`${stt},${code}-${i},${rest.join(',')}\r\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

function meter(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss) / 2 ** 20;
    },
  };
}

/**
 * `dunghan import`'s throughput and memory: a million-row export mapped (a dry run), then imported into
 * the local store on disk as `dunghan import` does (dynalite in its own thread, the bulk ingest).
 */
export async function benchImport(
  rows = 1_000_000,
  imported = rows,
  progress: (line: string) => void = () => undefined,
): Promise<ImportBenchResult> {
  const file = join(tmpdir(), `dunghan-import-bench-${process.pid}.csv`);
  const small = imported === rows ? file : join(tmpdir(), `dunghan-import-bench-${process.pid}-slice.csv`);
  await bigExport(file, rows);
  if (small !== file) await bigExport(small, imported);
  const mapping = readExportMapping(readFileSync(MAPPING, 'utf8'), MAPPING);
  // On disk, as `dunghan import` runs: the resident set is then the import's, not an in-memory database's.
  const dataDir = join(tmpdir(), `dunghan-import-bench-${process.pid}-store`);
  const runtime = await startLocalRuntime({ dataDir, dynamoThread: true, keepPublished: false });
  try {
    const deps = bulkImportDeps(runtime.platform, runtime.deadLetters);
    let m = meter();
    let started = performance.now();
    const mapped = await importExport(deps, readExportRows(file, mapping), mapping, { dryRun: true, file });
    const mapSeconds = (performance.now() - started) / 1000;
    const mapPeakMiB = m.stop();
    m = meter();
    started = performance.now();
    let reported = 0;
    const done = await importExport(deps, readExportRows(small, mapping), mapping, {
      dryRun: false,
      file: small,
      onProgress: (summary) => {
        if (summary.rows - reported < 50_000) return;
        reported = summary.rows;
        const seconds = (performance.now() - started) / 1000;
        progress(
          `${summary.rows} rows imported in ${seconds.toFixed(0)} s (${(summary.rows / seconds).toFixed(0)} rows/s)`,
        );
      },
    });
    const importSeconds = (performance.now() - started) / 1000;
    return {
      rows: mapped.rows,
      fileMiB: (await import('node:fs')).statSync(file).size / 2 ** 20,
      mapRowsPerSecond: mapped.rows / mapSeconds,
      mapPeakMiB,
      importRows: done.rows,
      importRowsPerSecond: done.rows / importSeconds,
      importEventsPerSecond: done.applied / importSeconds,
      importRefused: done.refused,
      importPeakMiB: m.stop(),
    };
  } finally {
    await runtime.close();
    rmSync(file, { force: true });
    rmSync(small, { force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
}
