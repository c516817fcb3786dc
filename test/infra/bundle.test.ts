import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleBudget } from '../../bench/bundle-bench.ts';
import { buildFunctionBundle } from '../../infra/constructs/bundle-settings.ts';
import {
  LOCAL_CREDENTIALS,
  LOCAL_EVENT_SEAL_KEY,
  type LocalRuntime,
  localContext,
  startLocalRuntime,
} from '../../local/local-runtime.ts';
import { toRecord } from '../../shared/adapters/dynamo-items.ts';
import { fixture } from '../support/fixtures.ts';

let runtime: LocalRuntime;
beforeAll(async () => {
  runtime = await startLocalRuntime();
});
afterAll(async () => {
  await runtime?.close();
});

describe('the deployed bundle of the ingest function', () => {
  it('is built with the Lambda settings and handles an EventBridge event from its environment alone', async () => {
    // Inside node_modules' parent, so the runtime-provided @aws-sdk/* resolve as they do on Lambda.
    const out = mkdtempSync(join(process.cwd(), 'node_modules', '.dunghan-bundle-'));
    try {
      await buildFunctionBundle('ingest-dossier-event', join(out, 'index.mjs'), { minify: false });
      Object.assign(process.env, {
        TABLE_NAME: runtime.tableName,
        EVENT_SEAL_KEY: LOCAL_EVENT_SEAL_KEY,
        EVENT_BUS_NAME: 'default',
        AWS_REGION: 'ap-southeast-1',
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
        AWS_ENDPOINT_URL_DYNAMODB: runtime.dynamoEndpoint,
        AWS_ENDPOINT_URL_EVENTBRIDGE: runtime.busEndpoint,
      });
      const { handler } = (await import(pathToFileURL(join(out, 'index.mjs')).href)) as {
        handler: (event: unknown, context: unknown) => Promise<{ outcome: string; version: number }>;
      };
      const result = await handler(fixture('dossier-received'), localContext('ingest-dossier-event'));
      expect(result).toMatchObject({ outcome: 'applied', version: 1 });
      const { Item } = await runtime.clients.documents.send(
        new GetCommand({ TableName: runtime.tableName, Key: { pk: 'DOSSIER#H21.65-220408-0012', sk: 'META' } }),
      );
      // The record is stored deflated (ADR 0011): read it back as the adapter does.
      expect(toRecord(Item ?? {}).state.dueAt).toBe('2022-04-25T17:00:00+07:00');
      await expect(
        handler({ ...fixture('dossier-received'), detail: {} }, localContext('ingest-dossier-event')),
      ).rejects.toThrow(/invalid DossierReceived: detail\.schemaVersion/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('every function bundle', () => {
  it('stays within the 300 KB budget (ADR 0007, 0009)', async () => {
    // A size, not a time: a library or a file parser creeping into a handler's imports fails here, not
    // only when someone next runs the benchmarks (the YAML parser and luxon once did, issue #13's stop).
    const out = mkdtempSync(join(process.cwd(), 'node_modules', '.dunghan-bundles-'));
    try {
      const sizes: Record<string, number> = {};
      for (const name of readdirSync('functions').sort()) {
        const file = join(out, `${name}.mjs`);
        await buildFunctionBundle(name, file);
        sizes[name] = statSync(file).size;
      }
      expect(Object.keys(sizes).length).toBeGreaterThanOrEqual(8);
      expect(Object.entries(sizes).filter(([name, bytes]) => bytes > bundleBudget(name))).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
