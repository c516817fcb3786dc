import { once } from 'node:events';
import { createWriteStream, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalRuntime } from '../local/local-runtime.ts';
import { readExportRows } from '../shared/adapters/export-files.ts';
import { readExportMapping } from '../shared/domain/sync/export-mapping.ts';
import { systemClock } from '../shared/ports/clock.ts';
import { importExport } from '../shared/use-cases/import-export.ts';
import { RuleBook } from '../shared/use-cases/rule-book.ts';
import { syncSource } from '../shared/use-cases/sync-from-portal.ts';

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

/** `dunghan import`'s throughput and memory: a million-row export mapped, and a slice of it imported. */
export async function benchImport(rows = 1_000_000, imported = 10_000): Promise<ImportBenchResult> {
  const file = join(tmpdir(), `dunghan-import-bench-${process.pid}.csv`);
  const small = join(tmpdir(), `dunghan-import-bench-${process.pid}-slice.csv`);
  await bigExport(file, rows);
  await bigExport(small, imported);
  const mapping = readExportMapping(readFileSync(MAPPING, 'utf8'), MAPPING);
  // On disk, as `dunghan import` runs: the resident set is then the import's, not an in-memory database's.
  const dataDir = join(tmpdir(), `dunghan-import-bench-${process.pid}-store`);
  const runtime = await startLocalRuntime({ dataDir });
  try {
    const rules = new RuleBook(runtime.config, systemClock, 3_600_000);
    const deps = {
      rules,
      deadLetters: runtime.deadLetters,
      clock: systemClock,
      ingest: async (event: Parameters<Parameters<typeof importExport>[0]['ingest']>[0]) => {
        const [delivery] = await runtime.deliver(
          runtime.bus.envelope({ source: syncSource('import'), detailType: event.type, detail: event.detail }),
        );
        return delivery?.ok ? ('applied' as const) : ('refused' as const);
      },
    };
    let m = meter();
    let started = performance.now();
    const mapped = await importExport(deps, readExportRows(file, mapping), mapping, { dryRun: true, file });
    const mapSeconds = (performance.now() - started) / 1000;
    const mapPeakMiB = m.stop();
    m = meter();
    started = performance.now();
    const done = await importExport(deps, readExportRows(small, mapping), mapping, { dryRun: false, file: small });
    const importSeconds = (performance.now() - started) / 1000;
    return {
      rows: mapped.rows,
      fileMiB: (await import('node:fs')).statSync(file).size / 2 ** 20,
      mapRowsPerSecond: mapped.rows / mapSeconds,
      mapPeakMiB,
      importRows: done.rows,
      importRowsPerSecond: done.rows / importSeconds,
      importEventsPerSecond: done.applied / importSeconds,
      importPeakMiB: m.stop(),
    };
  } finally {
    await runtime.close();
    rmSync(file, { force: true });
    rmSync(small, { force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
}
