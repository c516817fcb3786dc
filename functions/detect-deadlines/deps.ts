import { readLinkSecret } from '../../shared/adapters/link-secret.ts';
import {
  createSmsClient,
  EndUserSmsMessenger,
  PHONE_TIMEOUTS,
  PhoneChannels,
  ZaloZnsMessenger,
} from '../../shared/adapters/phone-channels.ts';
import { type Platform, platformFromEnvironment } from '../../shared/adapters/platform.ts';
import { createSesClients, type SesClients } from '../../shared/adapters/ses-clients.ts';
import { SesMailer } from '../../shared/adapters/ses-mailer.ts';
import {
  InMemoryZaloCredentials,
  parseZaloCredentials,
  SecretsManagerZaloCredentials,
} from '../../shared/adapters/zalo-credentials.ts';
import type { PhoneMessenger } from '../../shared/ports/phone-messenger.ts';
import { type DetectorConfig, readDetectorConfig } from '../../shared/settings/detector-env.ts';
import type { DetectorPassDeps } from '../../shared/use-cases/detector-pass.ts';
import { calendarIdsOf, RuleBook } from '../../shared/use-cases/rule-book.ts';

/** What the detector is told besides the platform: addresses, the approval page, the link secret. */
export interface DetectorSettings {
  senderEmail: string;
  approvalBaseUrl: string;
  linkSecret: string;
  /** Administrators told about parked dossiers and provisional calendar years; none: no notices. */
  adminEmails: readonly string[];
  provisionalCheckFrom?: string | undefined;
  sesConfigurationSet?: string | undefined;
  /** Citizens' phones (Zalo ZNS, SMS); none: a phone notice falls back to the next channel. */
  phone?: PhoneMessenger | undefined;
  smsTemplate?: string | undefined;
}

/** What one pass needs (shared/use-cases/detector-pass.ts). */
export type DetectorWiring = DetectorPassDeps;

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
      phone: settings.phone,
      publisher: platform.publisher,
      clock,
      config: {
        senderEmail: settings.senderEmail,
        approvalBaseUrl: settings.approvalBaseUrl,
        linkSecret: settings.linkSecret,
        smsTemplate: settings.smsTemplate,
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
    forecast: {
      reports: table.reports,
      rules,
      notices: table.config,
      mailer,
      clock,
      config: { senderEmail: settings.senderEmail },
    },
  };
}

/** Production wiring: the composition root with the platform and settings from the environment. */
export async function detectorWiringFromEnvironment(): Promise<DetectorWiring> {
  const config = readDetectorConfig();
  return detectorDeps(platformFromEnvironment(config), createSesClients(), {
    senderEmail: config.SENDER_EMAIL,
    approvalBaseUrl: config.APPROVAL_BASE_URL,
    linkSecret: await readLinkSecret(),
    adminEmails: config.ADMIN_EMAILS,
    provisionalCheckFrom: config.PROVISIONAL_CHECK_FROM,
    sesConfigurationSet: config.SES_CONFIGURATION_SET,
    phone: phoneChannelsFromConfig(config),
    smsTemplate: config.SMS_TEMPLATE,
  });
}

/**
 * The citizens' phone channels the environment configures (ADR 0019): ZNS with the approved template and
 * the OA's credentials (a Secrets Manager secret, or JSON locally), SMS when enabled; undefined for none.
 */
export function phoneChannelsFromConfig(
  config: DetectorConfig,
  options: {
    smsEndpoint?: string;
    credentials?: { accessKeyId: string; secretAccessKey: string };
    region?: string;
  } = {},
): PhoneMessenger | undefined {
  const zaloStore = config.ZALO_SECRET_ARN
    ? new SecretsManagerZaloCredentials(config.ZALO_SECRET_ARN)
    : config.ZALO_CREDENTIALS
      ? new InMemoryZaloCredentials(parseZaloCredentials(config.ZALO_CREDENTIALS))
      : undefined;
  const zns =
    zaloStore && config.ZNS_TEMPLATE_ID
      ? new ZaloZnsMessenger(zaloStore, {
          templateId: config.ZNS_TEMPLATE_ID,
          apiBase: config.ZALO_API_BASE,
          oauthBase: config.ZALO_OAUTH_BASE,
          timeoutMs: PHONE_TIMEOUTS.requestMs,
        })
      : undefined;
  const sms =
    config.SMS_ENABLED === 'true'
      ? new EndUserSmsMessenger(
          createSmsClient({
            ...(options.smsEndpoint ? { endpoint: options.smsEndpoint } : {}),
            ...(options.credentials ? { credentials: options.credentials } : {}),
            ...(options.region ? { region: options.region } : {}),
          }),
          { originationIdentity: config.SMS_ORIGINATION_IDENTITY, configurationSet: config.SMS_CONFIGURATION_SET },
        )
      : undefined;
  return zns || sms ? new PhoneChannels({ zns, sms }) : undefined;
}
