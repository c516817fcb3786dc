/**
 * `dunghan verify`'s speed (issue #31: ≥ 1,000 dossiers verified per second on this machine against the
 * local store). A province's density, not a district's: twenty times the seed report's volume for sixty
 * days (≈ 130 dossiers received a day), simulated through the pipeline with dynalite on a core of its own,
 * as `dunghan verify` runs it; then every day verified, each dossier refolded.
 */
import { headlessSimulation, simulate } from '../local/simulate.ts';
import { RuleBook } from '../shared/use-cases/rule-book.ts';
import { verifyDossiers } from '../shared/use-cases/verify-dossiers.ts';

export const VERIFY_TARGET_PER_SECOND = 1_000;

export interface VerifyBenchResult {
  dossiers: number;
  entries: number;
  days: number;
  failed: number;
  seconds: number;
  perSecond: number;
}

export async function benchVerify(scale = 20, days = 60): Promise<VerifyBenchResult> {
  const { runtime } = await simulate(headlessSimulation({ seed: 2022, days, start: '2022-01-01', scale }));
  try {
    const deps = {
      trail: runtime.platform.table.audit,
      anchors: runtime.anchors,
      store: runtime.store,
      rules: new RuleBook(runtime.config, runtime.platform.clock),
    };
    const range = {
      from: '2021-12-31',
      to: new Date(Date.parse('2022-01-01') + days * 86_400_000).toISOString().slice(0, 10),
    };
    const started = performance.now();
    const report = await verifyDossiers(deps, range);
    const seconds = (performance.now() - started) / 1000;
    return {
      dossiers: report.verified,
      entries: report.entries,
      days: report.days.length,
      failed: report.failed.length,
      seconds,
      perSecond: report.verified / Math.max(0.001, seconds),
    };
  } finally {
    await runtime.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await benchVerify());
