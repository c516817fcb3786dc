import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3AuditAnchorStore } from '../../shared/adapters/audit-anchor-stores.ts';
import type { AuditAnchor } from '../../shared/domain/audit/audit-chain.ts';
import { AnchorExistsError } from '../../shared/ports/audit-trail.ts';

/*
 * The S3 anchor store against a fake S3 at the HTTP layer (no S3 emulator is reachable here): the
 * production SDK client signs and sends real requests; the fake keeps objects, honours If-None-Match
 * the way S3 does (412 when the key exists), lists keys with paging, and counts what it was asked.
 */
const objects = new Map<string, string>();
const seen: { method: string; path: string; ifNoneMatch?: string }[] = [];
let server: Server;
let store: S3AuditAnchorStore;

function listXml(prefix: string, after: string | undefined): string {
  const keys = [...objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  const start = after ? keys.indexOf(after) + 1 : 0;
  const page = keys.slice(start, start + 2);
  const next = start + 2 < keys.length ? page.at(-1) : undefined;
  return `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>anchors-bucket</Name><Prefix>${prefix}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>2</MaxKeys><IsTruncated>${next ? 'true' : 'false'}</IsTruncated>${page
    .map((k) => `<Contents><Key>${k}</Key><Size>1</Size></Contents>`)
    .join('')}${next ? `<NextContinuationToken>${next}</NextContinuationToken>` : ''}</ListBucketResult>`;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const key = decodeURIComponent(url.pathname.replace(/^\/anchors-bucket\/?/, ''));
      seen.push({
        method: req.method ?? '',
        path: url.pathname,
        ifNoneMatch: req.headers['if-none-match'] as string | undefined,
      });
      if (req.method === 'GET' && url.searchParams.get('list-type') === '2') {
        res.writeHead(200, { 'content-type': 'application/xml' });
        res.end(listXml(url.searchParams.get('prefix') ?? '', url.searchParams.get('continuation-token') ?? undefined));
        return;
      }
      if (req.method === 'PUT') {
        if (req.headers['if-none-match'] === '*' && objects.has(key)) {
          res.writeHead(412, { 'content-type': 'application/xml' });
          res.end(
            '<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>',
          );
          return;
        }
        objects.set(key, Buffer.concat(chunks).toString('utf8'));
        res.writeHead(200, { etag: '"e"' }).end();
        return;
      }
      if (req.method === 'GET') {
        const body = objects.get(key);
        if (body === undefined) {
          res.writeHead(404, { 'content-type': 'application/xml' });
          res.end('<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(body);
        return;
      }
      res.writeHead(400).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = new S3Client({
    region: 'ap-southeast-1',
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  store = new S3AuditAnchorStore(client, 'anchors-bucket');
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const anchor = (day: string, prev = ''): AuditAnchor => ({
  day,
  entries: 3,
  shards: { '00': 'h0' },
  prev,
  head: `head-${day}`,
  anchoredAt: `${day}T17:30:00.000Z`,
});

describe('the S3 anchor store (a fake S3 at the HTTP layer)', () => {
  it('writes each day once, with If-None-Match, and refuses to replace it', async () => {
    await store.put(anchor('2026-11-28'));
    expect(seen.at(-1)).toMatchObject({
      method: 'PUT',
      path: '/anchors-bucket/anchors/2026-11-28.json',
      ifNoneMatch: '*',
    });
    await expect(store.put({ ...anchor('2026-11-28'), head: 'forged' })).rejects.toBeInstanceOf(AnchorExistsError);
    expect((await store.get('2026-11-28'))?.head).toBe('head-2026-11-28');
  });

  it('reads a missing day as undefined, and the latest day across pages of the listing', async () => {
    expect(await store.get('2026-01-01')).toBeUndefined();
    await store.put(anchor('2026-11-29', 'head-2026-11-28'));
    await store.put(anchor('2026-11-27'));
    objects.set('anchors/notes.txt', 'not an anchor');
    expect((await store.latest())?.day).toBe('2026-11-29');
    expect(seen.filter((r) => r.method === 'GET' && r.path === '/anchors-bucket/').length).toBeGreaterThanOrEqual(2);
    expect(store.location).toBe('s3://anchors-bucket/anchors/');
  });

  it("keeps the first day, and the day under way's checkpoints once each, the latest read back (issue #31)", async () => {
    expect((await store.first())?.day).toBe('2026-11-27');
    const checkpoint = (coveredTo: string) => ({
      day: '2026-11-30',
      coveredTo,
      entries: 2,
      shards: { '00': `h-${coveredTo}` },
      writtenAt: coveredTo,
    });
    await store.putCheckpoint(checkpoint('2026-11-30T01:14:00.000Z'));
    await store.putCheckpoint(checkpoint('2026-11-30T01:29:00.000Z'));
    await store.putCheckpoint(checkpoint('2026-11-30T01:44:00.000Z'));
    expect(seen.at(-1)).toMatchObject({
      method: 'PUT',
      path: '/anchors-bucket/checkpoints/2026-11-30/2026-11-30T01%3A44%3A00.000Z.json',
      ifNoneMatch: '*',
    });
    await expect(store.putCheckpoint({ ...checkpoint('2026-11-30T01:44:00.000Z'), entries: 9 })).rejects.toBeInstanceOf(
      AnchorExistsError,
    );
    // Across pages of the listing (two keys a page here).
    expect(await store.latestCheckpoint('2026-11-30')).toMatchObject({
      coveredTo: '2026-11-30T01:44:00.000Z',
      entries: 2,
    });
    expect(await store.latestCheckpoint('2026-12-01')).toBeUndefined();
  });

  it('keeps each clean verification once under verifications/, the latest read back (issue #31)', async () => {
    expect(await store.latestVerification()).toBeUndefined();
    const mark = (verifiedTo: string) => ({
      verifiedTo,
      from: '2026-11-01',
      head: `head-${verifiedTo}`,
      dossiers: 10,
      entries: 40,
      at: `${verifiedTo}T20:00:00.000Z`,
    });
    for (const day of ['2026-11-27', '2026-11-28', '2026-11-29']) await store.putVerification(mark(day));
    expect(seen.at(-1)).toMatchObject({
      method: 'PUT',
      path: '/anchors-bucket/verifications/2026-11-29.json',
      ifNoneMatch: '*',
    });
    await expect(store.putVerification({ ...mark('2026-11-29'), dossiers: 0 })).rejects.toBeInstanceOf(
      AnchorExistsError,
    );
    expect(await store.latestVerification()).toEqual(mark('2026-11-29'));
  });
});
