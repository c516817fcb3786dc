import {
  PinpointSMSVoiceV2Client,
  PinpointSMSVoiceV2ServiceException,
  SendTextMessageCommand,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import {
  MessageDeferredError,
  MessageRejectedError,
  type PhoneMessage,
  type PhoneMessenger,
} from '../ports/phone-messenger.ts';

/**
 * The citizens' phone channels (issue #18, ADR 0019), each sending a message once — no retry below,
 * since a retry after a lost answer would be a second message: the SDK client is built with one
 * attempt, the Zalo client never retries a send whose answer it did not read.
 */
export class PhoneChannels implements PhoneMessenger {
  constructor(private readonly channels: { zns?: PhoneMessenger | undefined; sms?: PhoneMessenger | undefined }) {}

  send(message: PhoneMessage): Promise<{ messageId: string }> {
    const channel = this.channels[message.channel];
    if (!channel) throw new MessageRejectedError(`the ${message.channel.toUpperCase()} channel is not configured`);
    return channel.send(message);
  }
}

/** SMS through AWS End User Messaging SMS refuses these for good (a blocked destination, an opted-out number…). */
const SMS_REFUSED = new Set([
  'ValidationException',
  'AccessDeniedException',
  'ConflictException',
  'ResourceNotFoundException',
]);
/** …and these for now: certainly not sent. */
const SMS_DEFERRED = new Set(['ThrottlingException', 'ServiceQuotaExceededException']);

/** SMS with AWS End User Messaging SMS (`SendTextMessage`), transactional, from the province's registered sender. */
export class EndUserSmsMessenger implements PhoneMessenger {
  constructor(
    /** A client with `maxAttempts: 1` (aws-clients.ts `phoneClients`). */
    private readonly client: PinpointSMSVoiceV2Client,
    private readonly options: { originationIdentity?: string | undefined; configurationSet?: string | undefined } = {},
  ) {}

  async send(message: PhoneMessage): Promise<{ messageId: string }> {
    if (message.channel !== 'sms') throw new MessageRejectedError('not an SMS');
    try {
      const answer = await this.client.send(
        new SendTextMessageCommand({
          DestinationPhoneNumber: message.phone,
          MessageBody: message.text,
          MessageType: 'TRANSACTIONAL',
          ...(this.options.originationIdentity ? { OriginationIdentity: this.options.originationIdentity } : {}),
          ...(this.options.configurationSet ? { ConfigurationSetName: this.options.configurationSet } : {}),
          Context: { trackingId: message.trackingId },
        }),
      );
      return { messageId: answer.MessageId ?? message.trackingId };
    } catch (error) {
      if (error instanceof PinpointSMSVoiceV2ServiceException) {
        if (SMS_REFUSED.has(error.name)) throw new MessageRejectedError(`SMS refused: ${error.name}`, { cause: error });
        if (SMS_DEFERRED.has(error.name))
          throw new MessageDeferredError(`SMS deferred: ${error.name}`, { cause: error });
      }
      throw error;
    }
  }
}

/** A Zalo Official Account's credentials: the app, and the OA tokens (the refresh token is single-use). */
export interface ZaloCredentials {
  appId: string;
  secretKey: string;
  accessToken: string;
  refreshToken: string;
  /** Epoch ms after which the access token is refreshed first (Zalo's lasts 25 hours). */
  expiresAt: number;
}

/** Where the credentials live (a Secrets Manager secret on AWS): read, and written back after each refresh. */
export interface ZaloCredentialStore {
  read(): Promise<ZaloCredentials>;
  write(credentials: ZaloCredentials): Promise<void>;
}

/** ZNS answers: the access token is invalid or expired — refreshed, then the message is sent (it was not). */
const ZNS_TOKEN_ERRORS = new Set([-124, -216]);
/** ZNS answers: quota or rate exceeded — not sent now, retried later. */
const ZNS_DEFERRED = new Set([-144, -1000]);

/**
 * Zalo ZNS (`POST /message/template` with the OA's access token) for the province's approved template.
 * The access token is refreshed through the OAuth endpoint (`POST /v4/oa/access_token`, `secret_key`
 * header, `grant_type=refresh_token`) a few minutes before it expires or when ZNS calls it invalid, and
 * the new pair is written back at once (a refresh token works once). A message whose answer was not read
 * (a timeout, a dropped connection, a server error) is never sent again: outcome unknown.
 */
export class ZaloZnsMessenger implements PhoneMessenger {
  private credentials: ZaloCredentials | undefined;

  constructor(
    private readonly store: ZaloCredentialStore,
    private readonly options: {
      templateId: string;
      /** https://business.openapi.zalo.me, or the local emulator. */
      apiBase?: string | undefined;
      /** https://oauth.zaloapp.com, or the local emulator. */
      oauthBase?: string | undefined;
      timeoutMs?: number | undefined;
      now?: () => number;
    },
  ) {}

  async send(message: PhoneMessage): Promise<{ messageId: string }> {
    if (message.channel !== 'zns') throw new MessageRejectedError('not a ZNS message');
    let token = await this.tokenOrDefer(false);
    for (let attempt = 1; ; attempt += 1) {
      const answer = await this.post(
        `${this.options.apiBase ?? 'https://business.openapi.zalo.me'}/message/template`,
        { 'content-type': 'application/json', access_token: token },
        JSON.stringify({
          phone: message.phone,
          template_id: this.options.templateId,
          template_data: message.templateData,
          tracking_id: message.trackingId,
        }),
      );
      const error = Number(answer.error ?? Number.NaN);
      if (error === 0)
        return { messageId: String((answer.data as { msg_id?: unknown })?.msg_id ?? message.trackingId) };
      if (ZNS_TOKEN_ERRORS.has(error) && attempt === 1) {
        token = await this.tokenOrDefer(true);
        continue;
      }
      const reason = `ZNS error ${answer.error}: ${String(answer.message ?? '')}`.slice(0, 300);
      if (ZNS_DEFERRED.has(error)) throw new MessageDeferredError(reason);
      if (Number.isFinite(error)) throw new MessageRejectedError(reason);
      throw new Error(`ZNS answered without an error code: ${JSON.stringify(answer).slice(0, 200)}`);
    }
  }

  /** The access token; any failure to get one means the message was certainly not sent: deferred. */
  private async tokenOrDefer(force: boolean): Promise<string> {
    try {
      return await this.accessToken(force);
    } catch (error) {
      if (error instanceof MessageDeferredError) throw error;
      throw new MessageDeferredError(`no Zalo access token: ${(error as Error).message}`, { cause: error });
    }
  }

  private async accessToken(force: boolean): Promise<string> {
    const now = (this.options.now ?? Date.now)();
    this.credentials ??= await this.store.read();
    if (!force && this.credentials.expiresAt - 5 * 60_000 > now) return this.credentials.accessToken;
    // Another container may have refreshed already: its pair is the one in the store.
    const stored = await this.store.read();
    if (!force && stored.expiresAt - 5 * 60_000 > now) {
      this.credentials = stored;
      return stored.accessToken;
    }
    if (force && stored.accessToken !== this.credentials.accessToken) {
      this.credentials = stored;
      return stored.accessToken;
    }
    const answer = await this.post(
      `${this.options.oauthBase ?? 'https://oauth.zaloapp.com'}/v4/oa/access_token`,
      { 'content-type': 'application/x-www-form-urlencoded', secret_key: stored.secretKey },
      new URLSearchParams({
        app_id: stored.appId,
        grant_type: 'refresh_token',
        refresh_token: stored.refreshToken,
      }).toString(),
    );
    if (typeof answer.access_token !== 'string' || typeof answer.refresh_token !== 'string')
      throw new MessageDeferredError(
        `Zalo refused to refresh the access token: ${String(answer.error_description ?? answer.error ?? 'no token')}`,
      );
    this.credentials = {
      ...stored,
      accessToken: answer.access_token,
      refreshToken: answer.refresh_token,
      expiresAt: now + Number(answer.expires_in ?? 90_000) * 1000,
    };
    await this.store.write(this.credentials);
    return this.credentials.accessToken;
  }

  private async post(url: string, headers: Record<string, string>, body: string): Promise<Record<string, unknown>> {
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    });
    if (response.status === 429) throw new MessageDeferredError('Zalo: too many requests');
    if (!response.ok) throw new Error(`Zalo answered HTTP ${response.status}`);
    return (await response.json()) as Record<string, unknown>;
  }
}

/** Time limits of one phone send: connecting, and the whole request (as the citizen's email, SES_TIMEOUTS). */
export const PHONE_TIMEOUTS = { connectionMs: 3_000, requestMs: 10_000 } as const;

/** The SMS client: one attempt (a retry after a lost answer would be a second SMS), timeouts enforced. */
export function createSmsClient(
  options: { region?: string; endpoint?: string; credentials?: { accessKeyId: string; secretAccessKey: string } } = {},
): PinpointSMSVoiceV2Client {
  return new PinpointSMSVoiceV2Client({
    maxAttempts: 1,
    ...(options.region ? { region: options.region } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    requestHandler: {
      connectionTimeout: PHONE_TIMEOUTS.connectionMs,
      requestTimeout: PHONE_TIMEOUTS.requestMs,
      throwOnRequestTimeout: true,
    },
  });
}
