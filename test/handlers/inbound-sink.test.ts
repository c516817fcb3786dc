import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBridgeInboundSink } from '../../shared/adapters/eventbridge-publisher.ts';

/*
 * Issue #17: the sync feed's events reach the bus or are reported back to their sender, never lost in
 * between. Faults are injected below the SDK, in a fake EventBridge speaking PutEvents over HTTP.
 */

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A fake EventBridge: `answer` decides, per call, which entries fail (or the whole call, with a status). */
async function fakeBus(answer: (call: number, details: string[]) => { failed?: number[]; status?: number }) {
  const taken: string[] = [];
  let calls = 0;
  const fake = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      calls += 1;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Entries: { Detail: string }[] };
      const details = body.Entries.map((e) => e.Detail);
      const { failed = [], status = 200 } = answer(calls, details);
      if (status !== 200) {
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify({ __type: 'InternalException', message: 'injected' }));
        return;
      }
      const entries = details.map((d, i) => {
        if (failed.includes(i)) return { ErrorCode: 'ThrottlingException', ErrorMessage: 'injected' };
        taken.push(d);
        return { EventId: `e-${calls}-${i}` };
      });
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify({ FailedEntryCount: failed.length, Entries: entries }));
    });
  });
  server = fake;
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  const client = new EventBridgeClient({
    region: 'ap-southeast-1',
    endpoint: `http://127.0.0.1:${(fake.address() as AddressInfo).port}`,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 3,
  });
  return { taken, calls: () => calls, sink: new EventBridgeInboundSink(client, 'default', { retryPauseMs: 1 }) };
}

const events = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ source: 'sync.test', detailType: 'DossierSupplemented', detail: { n: i } }));

describe('putting the sync feed on the bus', () => {
  it('puts again the entries the bus refused, and loses none', async () => {
    const bus = await fakeBus((call) => (call <= 2 ? { failed: [1, 4] } : {}));
    // 25 events: three calls of at most 10; the first two refuse two entries each, taken on their retry.
    expect(await bus.sink.put(events(25))).toEqual([]);
    expect(bus.taken.map((d) => JSON.parse(d).n).sort((a: number, b: number) => a - b)).toEqual(
      Array.from({ length: 25 }, (_, i) => i),
    );
  });

  it('reports the entries still refused after its retries, so their sender sends them again', async () => {
    const bus = await fakeBus((_, details) => ({
      failed: details.flatMap((d, i) => (JSON.parse(d).n === 7 ? [i] : [])),
    }));
    expect(await bus.sink.put(events(12))).toEqual([7]);
    expect(bus.taken).toHaveLength(11);
  });

  it('fails the request when the bus answers 500 beyond the SDK’s own retries (the sender retries it whole)', async () => {
    const bus = await fakeBus(() => ({ status: 500 }));
    await expect(bus.sink.put(events(3))).rejects.toThrow();
    // The SDK tried three times (maxAttempts): nothing was half-taken.
    expect(bus.calls()).toBe(3);
    expect(bus.taken).toEqual([]);
  });
});
