import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { page } from '../shared/domain/pages/html-page.ts';
import { escapeHtml as e } from '../shared/domain/vietnamese/format.ts';
import { VIETNAM_OFFSET_MS } from '../shared/support/vietnam-time.ts';

/** One message the emulator received, as a citizen's phone would show it. */
export interface StoredPhoneMessage {
  id: string;
  channel: 'zns' | 'sms';
  to: string;
  /** ZNS: the template and its parameters; SMS: the text and the sender. */
  templateId?: string;
  templateData?: Record<string, string>;
  text?: string;
  sender?: string;
  trackingId?: string;
  at: number;
}

/** What the next sends on a channel answer (tests): refused for good, a server error after taking the message, or no answer. */
export type PhoneFault = 'reject' | 'server_error_after_accepting' | 'throttle' | 'drop_after_accepting';

/** The local Zalo OA's credentials: what `ZALO_CREDENTIALS` says locally. */
export const LOCAL_ZALO = {
  appId: '4000000000000000000',
  secretKey: 'local-zalo-secret-key',
  accessToken: 'local-access-1',
  refreshToken: 'local-refresh-1',
  templateId: '300001',
} as const;

/**
 * A local stand-in for the citizens' phone channels, speaking the protocols the adapters speak in
 * production (issue #18): Zalo ZNS (`POST /message/template` with an `access_token` header; `POST
 * /v4/oa/access_token` to refresh, the refresh token single-use as Zalo's) and AWS End User Messaging
 * SMS (`POST /`, JSON 1.0, `X-Amz-Target: PinpointSMSVoiceV2.SendTextMessage`). The adapters are pointed
 * at it with the same variables as in production (ZALO_API_BASE, ZALO_OAUTH_BASE, the SMS endpoint). A
 * page at `/` shows the messages as phones would, `/store` gives them as JSON.
 */
export class PhoneEmulator {
  readonly messages: StoredPhoneMessage[] = [];
  private accessToken: string = LOCAL_ZALO.accessToken;
  private refreshToken: string = LOCAL_ZALO.refreshToken;
  private generation = 1;
  private readonly faults: Record<'zns' | 'sms', PhoneFault[]> = { zns: [], sms: [] };
  /** Numbers that are not Zalo users: ZNS refuses them (error -118), as Zalo does. */
  readonly notOnZalo = new Set<string>();
  private server: Server | undefined;
  endpoint = '';

  /** The next `times` sends on `channel` answer with `fault`. */
  fail(channel: 'zns' | 'sms', fault: PhoneFault, times = 1): void {
    for (let i = 0; i < times; i += 1) this.faults[channel].push(fault);
  }

  /** Expires the access token now (Zalo's last 25 hours): the next send must refresh it. */
  expireAccessToken(): void {
    this.accessToken = `expired-${this.generation}`;
  }

  async listen(port = 0): Promise<string> {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ message: String(error) }));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.endpoint;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://local');
    const body = await readBody(request);
    const json = (status: number, value: unknown, headers: Record<string, string> = {}): undefined => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(value));
      return undefined;
    };
    if (request.method === 'GET' && url.pathname === '/store') return json(200, { messages: this.messages });
    if (request.method === 'POST' && url.pathname === '/clear-store') {
      this.messages.length = 0;
      return json(200, {});
    }
    if (request.method === 'GET' && url.pathname === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(this.inboxPage());
      return;
    }
    if (request.method === 'POST' && url.pathname === '/v4/oa/access_token') return this.refresh(request, body, json);
    if (request.method === 'POST' && url.pathname === '/message/template')
      return this.zns(request, body, json, response);
    const target = String(request.headers['x-amz-target'] ?? '');
    if (request.method === 'POST' && target.startsWith('PinpointSMSVoiceV2.'))
      return this.sms(target, body, json, response);
    json(404, { message: 'not found' });
  }

  private refresh(request: IncomingMessage, body: string, json: (s: number, v: unknown) => undefined) {
    const form = new URLSearchParams(body);
    if (request.headers.secret_key !== LOCAL_ZALO.secretKey || form.get('app_id') !== LOCAL_ZALO.appId)
      return json(200, { error: -14002, error_description: 'Invalid app id or secret key' });
    if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== this.refreshToken)
      return json(200, { error: -14014, error_description: 'Invalid refresh token' });
    this.generation += 1;
    this.accessToken = `local-access-${this.generation}`;
    this.refreshToken = `local-refresh-${this.generation}`;
    json(200, { access_token: this.accessToken, refresh_token: this.refreshToken, expires_in: '90000' });
  }

  private zns(
    request: IncomingMessage,
    body: string,
    json: (s: number, v: unknown) => undefined,
    response: ServerResponse,
  ) {
    if (request.headers.access_token !== this.accessToken)
      return json(200, { error: -124, message: 'Access token is invalid' });
    const input = JSON.parse(body) as {
      phone?: string;
      template_id?: string;
      template_data?: Record<string, string>;
      tracking_id?: string;
    };
    if (!input.phone || !/^84\d{9}$/.test(input.phone))
      return json(200, { error: -108, message: 'Phone number is invalid' });
    if (input.template_id !== LOCAL_ZALO.templateId)
      return json(200, { error: -1123, message: 'Template is not approved' });
    if (this.notOnZalo.has(input.phone)) return json(200, { error: -118, message: 'Zalo account does not exist' });
    const fault = this.faults.zns.shift();
    if (fault === 'reject') return json(200, { error: -118, message: 'Zalo account does not exist' });
    if (fault === 'throttle') return json(200, { error: -144, message: 'OA has exceeded the daily quota' });
    const id = randomUUID().replaceAll('-', '');
    this.messages.push({
      id,
      channel: 'zns',
      to: input.phone,
      templateId: input.template_id,
      templateData: input.template_data ?? {},
      trackingId: input.tracking_id,
      at: Date.now(),
    });
    if (fault === 'server_error_after_accepting') return json(502, { message: 'Bad gateway' });
    if (fault === 'drop_after_accepting') {
      response.socket?.destroy();
      return;
    }
    json(200, { error: 0, message: 'Success', data: { msg_id: id, sent_time: String(Date.now()) } });
  }

  private sms(
    target: string,
    body: string,
    json: (s: number, v: unknown, h?: Record<string, string>) => undefined,
    response: ServerResponse,
  ) {
    const error = (status: number, type: string, message: string) =>
      json(status, { __type: type, message }, { 'x-amzn-errortype': type });
    if (target !== 'PinpointSMSVoiceV2.SendTextMessage') return error(400, 'UnknownOperationException', target);
    const input = JSON.parse(body) as {
      DestinationPhoneNumber?: string;
      MessageBody?: string;
      OriginationIdentity?: string;
      Context?: Record<string, string>;
    };
    if (!input.DestinationPhoneNumber || !/^\+\d{8,15}$/.test(input.DestinationPhoneNumber))
      return error(400, 'ValidationException', 'DestinationPhoneNumber is not E.164');
    const fault = this.faults.sms.shift();
    if (fault === 'reject') return error(400, 'ValidationException', 'Destination is blocked');
    if (fault === 'throttle') return error(400, 'ThrottlingException', 'Rate exceeded');
    const id = randomUUID();
    this.messages.push({
      id,
      channel: 'sms',
      to: input.DestinationPhoneNumber,
      text: input.MessageBody ?? '',
      ...(input.OriginationIdentity ? { sender: input.OriginationIdentity } : {}),
      trackingId: input.Context?.trackingId,
      at: Date.now(),
    });
    if (fault === 'server_error_after_accepting') return error(500, 'InternalServerException', 'Internal error');
    if (fault === 'drop_after_accepting') {
      response.socket?.destroy();
      return;
    }
    json(200, { MessageId: id });
  }

  private inboxPage(): string {
    const items = [...this.messages]
      .reverse()
      .map((m) => {
        const local = new Date(m.at + VIETNAM_OFFSET_MS).toISOString();
        const when = `${local.slice(11, 16)} ${local.slice(8, 10)}/${local.slice(5, 7)}/${local.slice(0, 4)}`;
        const content =
          m.channel === 'sms'
            ? `<p>${e(m.text ?? '')}</p>`
            : `<dl>${Object.entries(m.templateData ?? {})
                .map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`)
                .join('')}</dl>`;
        return `<div class="card"><p class="note">${m.channel === 'zns' ? `Zalo ZNS (mẫu ${e(m.templateId ?? '')})` : `SMS${m.sender ? ` từ ${e(m.sender)}` : ''}`} → ${e(m.to)} · ${e(when)}</p>${content}</div>`;
      })
      .join('\n');
    return page(
      'Tin nhắn điện thoại (giả lập)',
      `<h1>Tin nhắn gửi đến điện thoại công dân (giả lập Zalo ZNS và SMS)</h1>${items || '<div class="card">Chưa có tin nhắn.</div>'}`,
    );
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads the emulator's messages. */
export async function sentPhoneMessages(endpoint: string): Promise<StoredPhoneMessage[]> {
  return ((await (await fetch(`${endpoint}/store`)).json()) as { messages: StoredPhoneMessage[] }).messages;
}
