import { notifyParkedDossiers, type ParkedNoticeDeps } from './notify-parked-dossiers.ts';
import { notifyProvisionalYears, type ProvisionalNoticeDeps } from './notify-provisional-years.ts';
import { notifyTimelinessForecast, type TimelinessForecastDeps } from './notify-timeliness-forecast.ts';
import { type DetectorDeps, type DetectorReport, runDetector } from './run-detector.ts';

/*
 * One scheduled detector pass, as one use case (issue #33): the run over the dossiers, then the
 * administrators' notices (dossiers parked, calendar years still provisional) and the heads' weekly QĐ 766
 * section. A notice that fails never hides the run's report; the pass says which failed.
 */

export interface DetectorPassDeps {
  detector: DetectorDeps;
  /** The administrators' notices, when there are administrators to tell. */
  notices?: { provisional: ProvisionalNoticeDeps; parked: ParkedNoticeDeps } | undefined;
  /** The heads' weekly QĐ 766 section (ADR 0020). */
  forecast: TimelinessForecastDeps;
}

export interface DetectorPass {
  report: DetectorReport;
  /** Parked dossiers the administrators were told of this pass. */
  parkedNotified: string[];
  /** Provisional calendar years the administrators were told of. */
  provisionalSent: { calendarId: string; year: number }[];
  /** Units whose head got the weekly section, and those whose address was refused. */
  forecast: { sent: string[]; refused: string[] };
  /** The notices that failed (the run itself went through). */
  noticeErrors: { notice: 'parked' | 'provisional' | 'forecast'; error: unknown }[];
}

export async function runDetectorPass(deps: DetectorPassDeps, runId: string): Promise<DetectorPass> {
  const report = await runDetector(deps.detector, runId);
  const pass: DetectorPass = {
    report,
    parkedNotified: [],
    provisionalSent: [],
    forecast: { sent: [], refused: [] },
    noticeErrors: [],
  };
  const attempt = async (notice: DetectorPass['noticeErrors'][number]['notice'], run: () => Promise<void>) => {
    try {
      await run();
    } catch (error) {
      pass.noticeErrors.push({ notice, error });
    }
  };
  const { notices } = deps;
  if (notices) {
    await attempt('parked', async () => {
      pass.parkedNotified = (await notifyParkedDossiers(notices.parked)).notified;
    });
    // Once per calendar and year: tell administrators a year the deadlines reach is still provisional.
    await attempt('provisional', async () => {
      pass.provisionalSent = (await notifyProvisionalYears(notices.provisional)).sent;
    });
  }
  // Once a week: each unit head's QĐ 766 score, forecast and dossiers at risk (ADR 0020).
  await attempt('forecast', async () => {
    pass.forecast = await notifyTimelinessForecast(deps.forecast);
  });
  return pass;
}
