import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as sesModule from 'aws-ses-v2-local';
import { startServerWorker } from './server-worker.ts';
import { spillInboxToFiles } from './ses-inbox-spill.mjs';

/** A running SES emulator (aws-ses-v2-local): the SES API, a web inbox at `/`, sent mail as JSON at `/store`. */
export interface LocalSes {
  endpoint: string;
  close(): Promise<void>;
}

type Start = (config?: { host?: string; port?: number }) => Promise<Server>;

/** Starts the SES emulator in-process on loopback (never on all interfaces). Port 0 picks a free port. */
export async function startSesEmulator(port = 0, thread = false): Promise<LocalSes> {
  if (thread) {
    const worker = await startServerWorker(new URL('./ses-worker.mjs', import.meta.url), { port });
    return { endpoint: `http://127.0.0.1:${worker.port}`, close: worker.close };
  }
  const candidate = sesModule as unknown as { default?: unknown };
  const start = (
    typeof candidate === 'function'
      ? candidate
      : ((candidate.default as { default?: unknown })?.default ?? candidate.default)
  ) as Start;
  const server = await start({ host: '127.0.0.1', port });
  const stopSpilling = spillInboxToFiles();
  const address = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => {
          stopSpilling();
          resolve();
        });
      }),
  };
}

/** One sent email as the emulator stores it. */
export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  attachments: {
    content: string;
    contentType: string;
    contentDisposition?: string;
    filename?: string;
    size: number;
  }[];
  headers?: { name: string; value: string }[];
  at: number;
}

/** Reads the emulator's sent mail (only what was sent at or after `since`, epoch seconds, when given). */
export async function sentEmails(endpoint: string, since?: number): Promise<StoredEmail[]> {
  const response = await fetch(`${endpoint}/store${since === undefined ? '' : `?since=${Math.floor(since)}`}`);
  return ((await response.json()) as { emails: StoredEmail[] }).emails;
}

/** Empties the emulator's mailbox (it is one per process). */
export async function clearSentEmails(endpoint: string): Promise<void> {
  await fetch(`${endpoint}/clear-store`, { method: 'POST' });
}
