/**
 * `npm run bench`: measures the targets of docs/benchmarks.md and rewrites its generated section.
 * Targets are checked here and printed; they are never asserted in timed tests.
 */
import { cpus } from 'node:os';
import { benchBundles, bundleBudget } from './bundle-bench.ts';
import { benchDetector } from './detector-bench.ts';
import { writeBenchSection } from './doc-section.ts';
import { benchDueDates, benchRecompute } from './due-date-bench.ts';
import { benchIngest } from './ingest-bench.ts';
import { benchItemSizes, costPerMillion, PRICES } from './item-sizes.ts';
import { benchLocalMemory } from './memory-bench.ts';
import { benchQueue, QUEUE_TARGETS } from './queue-bench.ts';
import { benchRecomputeOnDynalite } from './recompute-bench.ts';
import { benchReports } from './report-bench.ts';
import { benchVerify, VERIFY_TARGET_PER_SECOND } from './verify-bench.ts';

process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const lines: string[] = [];
const say = (line = '') => {
  console.log(line);
  lines.push(line);
};

// Ingest first: it measures dynalite and the SDK, which the due-date runs' large arrays would disturb.
const ingest = await benchIngest();
const detector = await benchDetector();
// A busy day: 10,000 dossiers needing action in one pass (the schedule runs every 15 minutes).
const detectorBusy = await benchDetector(20_000, 0.5);

say(`Run ${new Date().toISOString()} · Node ${process.version} · ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}`);
say();
say('### Due dates (working days, random receipts 2021–2026, default calendar)');
say();
say('| working days | index (due dates/s) | day-by-day loop (due dates/s) | speed-up | target |');
say('|---:|---:|---:|---:|---|');
const rows = benchDueDates();
for (const r of rows) {
  const target = r.workingDays === 30 ? (r.speedup >= 10 ? '≥ 10× ✅' : '≥ 10× ❌') : '';
  say(
    `| ${r.workingDays} | ${fmt(r.indexPerSecond)} | ${fmt(r.loopPerSecond)} | ${r.speedup.toFixed(1)}× | ${target} |`,
  );
}
say();
say('### Recompute open dossiers after a holiday change');
say();
const re = benchRecompute();
say('| open dossiers | index rebuild | recompute | due dates changed | memory (arrays) |');
say('|---:|---:|---:|---:|---:|');
say(
  `| ${fmt(re.dossiers)} | ${re.rebuildMs.toFixed(0)} ms | ${re.recomputeMs.toFixed(0)} ms | ${fmt(re.changed)} | ${re.heapMiB.toFixed(0)} MiB |`,
);
say();
say(`Target: seconds, not hours — ${re.recomputeMs + re.rebuildMs < 10_000 ? '✅' : '❌'}`);

say();
say('### Ingest (use case + DynamoDB adapter on dynalite, vs raw PutItem of the same items)');
say();
say('| events | use case (events/s) | raw PutItem (events/s) | ratio | calls per event | target |');
say('|---:|---:|---:|---:|---:|---|');
say(
  `| ${fmt(ingest.events)} | ${fmt(ingest.useCasePerSecond)} | ${fmt(ingest.rawPerSecond)} | ${(ingest.ratio * 100).toFixed(0)}% | ${ingest.callsPerEvent.toFixed(2)} | ≥ 70% ${ingest.ratio >= 0.7 ? '✅' : '❌'} |`,
);
say();
say('### Detector read efficiency (100,000 open dossiers, 1% needing action)');
say();
say(
  '| open dossiers | needing action | detector: dossier items read | ratio | Scan baseline: items read | ratio | target |',
);
say('|---:|---:|---:|---:|---:|---:|---|');
say(
  `| ${fmt(detector.dossiers)} | ${fmt(detector.needingAction)} | ${fmt(detector.detectorItemsRead)} | ${detector.detectorRatio.toFixed(2)}× | ${fmt(detector.scanItemsRead)} | ${detector.scanRatio.toFixed(1)}× | ≤ 1.2× ${detector.detectorRatio <= 1.2 ? '✅' : '❌'} |`,
);
say();
say(
  `Detector pass ${detector.detectorSeconds.toFixed(1)} s (moved ${fmt(detector.needingAction)} dossiers, ${fmt(detector.emailsSent)} digests to the SES emulator); Scan ${detector.scanSeconds.toFixed(1)} s. The next-action index holds keys only: ${fmt(detector.indexEntriesRead)} key entries read besides the records. The pass is the first of its ISO week, so it also wrote the heads' weekly QĐ 766 section, reading ${fmt(detector.reportRowsRead)} report rows (the quarter's; once a week). Configuration reads (rules, calendars, watermarks) outside the count: ${detector.configurationReads}.`,
);
say();
say('### Detector pass time (one run, dynalite and the SES emulator on this machine)');
say();
say('| open dossiers | needing action | pass | dossiers moved per second | target |');
say('|---:|---:|---:|---:|---|');
for (const d of [detector, detectorBusy]) {
  say(
    `| ${fmt(d.dossiers)} | ${fmt(d.needingAction)} | ${d.detectorSeconds.toFixed(1)} s | ${fmt(d.movedPerSecond)} | well inside the 15-minute interval (≤ 300 s) ${d.detectorSeconds <= 300 ? '✅' : '❌'} |`,
  );
}

say();
say('### A holiday added by an administrator (preview and apply on dynalite)');
say();
const recompute = await benchRecomputeOnDynalite();
say('| open dossiers | index entries read | whole dossiers read | moved | preview | apply (write + audit) |');
say('|---:|---:|---:|---:|---:|---:|');
say(
  `| ${fmt(recompute.dossiers)} | ${fmt(recompute.indexEntriesRead)} | ${fmt(recompute.dossiersRead)} | ${fmt(recompute.moved)} | ${recompute.previewSeconds.toFixed(1)} s | ${recompute.applySeconds.toFixed(1)} s |`,
);
say();
say('### Reports from the report index (30,000 dossiers received 2021–2023 on dynalite)');
say();
const reports = await benchReports();
say('| period | dossiers alive in it | report rows read | ratio | time | heap while counting | target |');
say('|---|---:|---:|---:|---:|---:|---|');
for (const p of reports.periods) {
  const ratio = p.rowsRead / p.alive;
  say(
    `| ${p.period} | ${fmt(p.alive)} | ${fmt(p.rowsRead)} | ${ratio.toFixed(2)}× | ${p.seconds.toFixed(2)} s | ${p.heapMiB.toFixed(0)} MiB | ≤ 1.05× ${ratio <= 1.05 ? '✅' : '❌'} |`,
  );
}
say();
say(`A Scan would read all ${fmt(reports.dossiers)} dossiers (whole items) for either period.`);
say();
say("### The desk's queue (issue #34, ADR 0027): a unit holding 10,000 dossiers, on dynalite");
say();
const queue = await benchQueue();
const readPerRow = queue.rowsRead / Math.max(1, queue.rowsShown);
say(
  '| dossiers held | rows shown | rows read | read per row | entries counted | first page | next page | page size | targets |',
);
say('|---:|---:|---:|---:|---:|---:|---:|---:|---|');
say(
  `| ${fmt(queue.open)} | ${queue.rowsShown} | ${queue.rowsRead} | ${readPerRow.toFixed(2)}× | ${fmt(queue.counted)} | ${queue.firstPageSeconds.toFixed(2)} s | ${queue.nextPageSeconds.toFixed(2)} s | ${(queue.pageBytes / 1024).toFixed(0)} KB | ≤ ${QUEUE_TARGETS.firstPageSeconds} s ${queue.firstPageSeconds <= QUEUE_TARGETS.firstPageSeconds ? '✅' : '❌'}, ≤ ${QUEUE_TARGETS.readPerRow}× ${readPerRow <= QUEUE_TARGETS.readPerRow ? '✅' : '❌'}, ≤ ${QUEUE_TARGETS.pageBytes / 1024} KB ${queue.pageBytes <= QUEUE_TARGETS.pageBytes ? '✅' : '❌'} |`,
);
say();
say(
  "The first page as the console renders it (the rule book read first, as a cold function does): one Query of the unit's partition of the report index for the rows, and four COUNT queries for the urgent groups' counts, which the store counts without handing a row back (their read units are those of the entries counted).",
);
say();
say('### Function bundles (esbuild, minified, AWS SDK provided by the runtime)');
say();
const bundles = await benchBundles();
say('| function | bundle | module init (median of 5 cold imports) | target |');
say('|---|---:|---:|---|');
for (const b of bundles) {
  say(
    `| ${b.name} | ${(b.bytes / 1024).toFixed(0)} KB | ${b.initMs.toFixed(0)} ms | ≤ ${bundleBudget(b.name) / 1024} KB ${b.bytes <= bundleBudget(b.name) ? '✅' : '❌'} |`,
  );
}

say();
say('### Item sizes and cost per million dossiers (input of docs/cost.md)');
say();
const sizes = await benchItemSizes();
const cost = costPerMillion(sizes);
say(
  `Sample pipeline, 90 days: ${fmt(sizes.dossiers)} dossiers, ${fmt(sizes.events)} events, ${sizes.detectorRuns} detector runs, ${fmt(sizes.emails)} emails. ` +
    `Dossier item (META) ${fmt(sizes.metaBytes)} B, event item ${fmt(sizes.eventItemBytes)} B, audit entry ${fmt(sizes.auditItemBytes)} B; per dossier ${sizes.eventsPerDossier.toFixed(2)} events, ${sizes.stageMovesPerDossier.toFixed(2)} stage moves, ${sizes.emailsPerDossier.toFixed(2)} emails.`,
);
say();
say(
  '| per million dossiers | write units | read units | Lambda invocations | bus events | emails | storage | USD requests+compute | USD storage / month |',
);
say('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
say(
  `| measured | ${fmt(cost.writeUnits)} | ${fmt(cost.readUnits)} | ${fmt(cost.lambdaInvocations)} | ${fmt(cost.busEvents)} | ${fmt(cost.emails)} | ${cost.storageGb.toFixed(1)} GB | ${(cost.usd.total - cost.usd.storageMonth).toFixed(0)} | ${cost.usd.storageMonth.toFixed(2)} |`,
);

say();
say(
  `Write units per dossier, measured: ${Object.entries(sizes.writesBy)
    .map(([what, units]) => `${what} ${units.toFixed(2)}`)
    .join(
      ', ',
    )} (total ${sizes.writeUnitsPerDossier.toFixed(1)}; target ≤ 12 ${sizes.writeUnitsPerDossier <= 12 ? '✅' : '❌'}); read units ${sizes.readUnitsPerDossier.toFixed(1)}. ` +
    `The detector's bookkeeping (shard watermarks, quarantine, notices' claims) is a fixed ${sizes.bookkeepingWriteUnitsPerRun.toFixed(1)} write units per run, whatever the number of dossiers.`,
);

say();
say('### Tamper evidence: the audit chain and `dunghan verify` (ADR 0021)');
say();
const v = sizes.verify;
const verifyReadsPer100k = v.readUnitsPerDossier * 100_000;
const auditWrites = sizes.writesBy['audit entries'] ?? 0;
say(
  '| audit entries per dossier | write units per dossier | verify: dossiers | failed | read units per dossier | read units per 100,000 | USD per 100,000 | dossiers/s here | 100,000 dossiers here |',
);
say('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
say(
  `| ${sizes.auditEntriesPerDossier.toFixed(2)} | ${auditWrites.toFixed(2)} | ${fmt(v.dossiers)} | ${fmt(v.failed)} | ${v.readUnitsPerDossier.toFixed(2)} | ${fmt(verifyReadsPer100k)} | ${((verifyReadsPer100k / 1_000_000) * PRICES.dynamoReadUnitsPerMillion).toFixed(3)} | ${fmt(v.dossiersPerSecond)} | ${(100_000 / Math.max(1, v.dossiersPerSecond) / 60).toFixed(1)} min |`,
);
say();
say(
  `Verify reads each day's audit partitions (16 shards), each verified dossier's record and its event log, and refolds it; ${v.days} days were anchored in the run. ` +
    `The chain costs ${auditWrites.toFixed(2)} write units per dossier (${fmt(auditWrites * 1_000_000)} per million, USD ${(auditWrites * PRICES.dynamoWriteUnitsPerMillion).toFixed(2)}).`,
);

say();
say("### `dunghan verify`'s speed at a province's density (issue #31)");
say();
const speed = await benchVerify();
say('| days | dossiers | audit entries | failed | time | dossiers/s | target |');
say('|---:|---:|---:|---:|---:|---:|---|');
say(
  `| ${speed.days} | ${fmt(speed.dossiers)} | ${fmt(speed.entries)} | ${speed.failed} | ${speed.seconds.toFixed(1)} s | ${fmt(speed.perSecond)} | ≥ ${fmt(VERIFY_TARGET_PER_SECOND)} ${speed.perSecond >= VERIFY_TARGET_PER_SECOND ? '✅' : '❌'} |`,
);
say();
say(
  `Twenty times the seed report's volume for sixty days (≈ 130 dossiers received a day), dynalite on a core of its own as \`dunghan verify\` runs it; every dossier refolded from its event log. A province's million would take ${(1_000_000 / Math.max(1, speed.perSecond) / 60).toFixed(0)} minutes here; a plain verify walks only the days since the last clean one.`,
);

say();
say('### Memory of the local runtime (the sample year, peak resident set of the process)');
say();
say('| run | peak | time | target |');
say('|---|---:|---:|---|');
const memory = [await benchLocalMemory(false), await benchLocalMemory(true)];
for (const m of memory) {
  say(
    `| ${m.label} | ${fmt(m.peakMiB)} MiB | ${m.seconds.toFixed(0)} s | ≤ 500 MiB ${m.peakMiB <= 500 ? '✅' : '❌'} |`,
  );
}

writeBenchSection('results', 'Results', lines);
const failed =
  rows.some((r) => r.workingDays === 30 && r.speedup < 10) ||
  ingest.ratio < 0.7 ||
  detector.detectorRatio > 1.2 ||
  detectorBusy.detectorSeconds > 300 ||
  bundles.some((b) => b.bytes > bundleBudget(b.name)) ||
  reports.periods.some((p) => p.rowsRead > 1.05 * p.alive) ||
  queue.firstPageSeconds > QUEUE_TARGETS.firstPageSeconds ||
  readPerRow > QUEUE_TARGETS.readPerRow ||
  queue.pageBytes > QUEUE_TARGETS.pageBytes ||
  speed.perSecond < VERIFY_TARGET_PER_SECOND;
process.exitCode = failed ? 1 : 0;
