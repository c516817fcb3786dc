import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake does with a request it decides to fault. */
export type SesFault = 'accept-then-500' | 'accept-then-reset' | 'accept-then-hang' | 'refuse-500' | 'throttle';

/**
 * A fake SES endpoint at the HTTP layer, in front of the real emulator: the SDK (its retries, its
 * timeouts) talks to it exactly as to SES. For requests `faulty` picks, it forwards the request to the
 * emulator (the message is accepted and delivered) and then answers 500, drops the connection, or never
 * answers — or refuses without forwarding. Every other request is proxied unchanged.
 */
export async function startFaultySes(
  emulator: string,
  faulty: (body: string) => SesFault | undefined,
): Promise<{ endpoint: string; requests: number; close(): Promise<void> }> {
  const state = { requests: 0 };
  const server: Server = createServer(async (req, res) => {
    state.requests += 1;
    const body = await read(req);
    const fault = faulty(body);
    if (fault === 'throttle') {
      // SES's own answer when the sending rate is exceeded: not accepted, retryable.
      res.writeHead(429, { 'content-type': 'application/json', 'x-amzn-errortype': 'TooManyRequestsException' });
      res.end('{"message":"Maximum sending rate exceeded."}');
      return;
    }
    if (fault === 'refuse-500') {
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"InternalFailure"}');
      return;
    }
    const answer = await forward(emulator, req, body);
    if (fault === 'accept-then-500') {
      res.writeHead(500, { 'content-type': 'application/json', 'x-amzn-errortype': 'InternalFailure' });
      res.end('{"message":"Internal Failure"}');
    } else if (fault === 'accept-then-reset') {
      req.socket.destroy();
    } else if (fault === 'accept-then-hang') {
      // Never answers; the client must give up on its own.
    } else {
      res.writeHead(answer.status, answer.headers).end(answer.body);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function read(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function forward(
  emulator: string,
  req: IncomingMessage,
  body: string,
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const out = httpRequest(
      `${emulator}${req.url ?? '/'}`,
      { method: req.method, headers: { ...req.headers, host: new URL(emulator).host } },
      async (res) => {
        const text = await read(res);
        const headers: Record<string, string> = { 'content-type': String(res.headers['content-type'] ?? '') };
        resolve({ status: res.statusCode ?? 500, headers, body: text });
      },
    );
    out.on('error', reject);
    out.end(body);
  });
}
