import type { Platform } from '../../shared/adapters/platform.ts';
import type { SesClients } from '../../shared/adapters/ses-clients.ts';
import { SesMailer } from '../../shared/adapters/ses-mailer.ts';
import type { ParkedNoticeDeps } from '../../shared/use-cases/notify-parked-dossiers.ts';
import type { ProvisionalNoticeDeps } from '../../shared/use-cases/notify-provisional-years.ts';
import { calendarIdsOf, RuleBook } from '../../shared/use-cases/rule-book.ts';
import type { DetectorDeps } from '../../shared/use-cases/run-detector.ts';

/** What the detector is told besides the platform: addresses, the approval page, the link secret. */
export interface DetectorSettings {
  senderEmail: string;
  approvalBaseUrl: string;
  linkSecret: string;
  /** Administrators told about parked dossiers and provisional calendar years; none: no notices. */
  adminEmails: readonly string[];
  provisionalCheckFrom?: string | undefined;
  sesConfigurationSet?: string | undefined;
}

export interface DetectorWiring {
  detector: DetectorDeps;
  /** The administrators' notices, when there are administrators to tell. */
  notices?: { provisional: ProvisionalNoticeDeps; parked: ParkedNoticeDeps } | undefined;
}

/** The detector function's composition root: the Lambda handler and the local runtime build it here. */
export function detectorDeps(platform: Platform, ses: SesClients, settings: DetectorSettings): DetectorWiring {
  const { table, clock } = platform;
  const rules = new RuleBook(table.config, clock, platform.ruleCacheMs);
  // Two mailers, two delivery rules: officials' digests at least once, citizens' apologies at most once.
  const mailer = new SesMailer(ses.atLeastOnce, settings.sesConfigurationSet);
  const citizenMailer = new SesMailer(ses.atMostOnce, settings.sesConfigurationSet);
  const admins = { senderEmail: settings.senderEmail, adminEmails: settings.adminEmails };
  return {
    detector: {
      store: table.dossiers,
      index: table.due,
      quarantine: table.quarantine,
      rules,
      mailer,
      citizenMailer,
      publisher: platform.publisher,
      clock,
      config: {
        senderEmail: settings.senderEmail,
        approvalBaseUrl: settings.approvalBaseUrl,
        linkSecret: settings.linkSecret,
      },
    },
    notices:
      settings.adminEmails.length === 0
        ? undefined
        : {
            provisional: {
              rules,
              calendarIds: () => calendarIdsOf(table.config),
              notices: table.config,
              mailer,
              clock,
              config: { ...admins, checkFrom: settings.provisionalCheckFrom },
            },
            parked: { quarantine: table.quarantine, mailer, clock, config: admins },
          },
  };
}
