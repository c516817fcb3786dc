import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { CALENDARS_DIR, RULES_DIR, startLocalRuntime } from '../../local/local-runtime.ts';
import { checkPortsFree } from '../../local/preflight.ts';
import { loadConfigDirs } from '../../shared/adapters/config-files.ts';
import { DEFAULT_CALENDAR_DEFINITION } from '../../shared/domain/calendar/default-calendar.ts';
import { dunghan } from '../support/run-cli.ts';

/** Issue #13: the local store and runtime fail in one sentence, and never leave a half-loaded configuration. */
const dir = (name: string) => join(tmpdir(), `dunghan-local-${name}-${process.pid}-${Date.now()}`);

describe('the local store', () => {
  it('completes a first load that crashed half-way, instead of counting with fallback rules for ever', async () => {
    const dataDir = dir('seed');
    const store = join(dataDir, 'dynamodb');
    mkdirSync(store, { recursive: true });
    const { rules, calendars } = await loadConfigDirs(RULES_DIR, CALENDARS_DIR, [DEFAULT_CALENDAR_DEFINITION.id]);
    // The crash: the first batch of rules written, the rest and the audit entry never.
    const crashed = await startLocalRuntime({ dataDir: store, seed: 'never' });
    await crashed.config.putAll(rules.slice(0, 3), calendars, 'dunghan (initial load)', new Date().toISOString());
    expect(await crashed.config.listRules()).toHaveLength(3);
    await crashed.close();
    const listed = await dunghan('rules', 'list', '--data-dir', dataDir);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toHaveLength(rules.length);
  });

  it('completes a first load killed between its seals, and calls it no tampering (issue #31)', async () => {
    const dataDir = dir('seed-sealed');
    const store = join(dataDir, 'dynamodb');
    mkdirSync(store, { recursive: true });
    const { rules, calendars } = await loadConfigDirs(RULES_DIR, CALENDARS_DIR, [DEFAULT_CALENDAR_DEFINITION.id]);
    // The load as seedConfig runs it — its audit entry `applying` first, the rules and calendars written
    // and chained — killed half-way through the unit directory's items, before that write was chained.
    const crashed = await startLocalRuntime({ dataDir: store, seed: 'never' });
    const at = new Date().toISOString();
    const author = 'dunghan (initial load)';
    await crashed.config.putAudit({
      ...{ changeId: 'seed-killed', at, author, action: 'seed', status: 'applying' },
      ...{ sources: [], legalBasis: [], what: {} },
    });
    await crashed.config.putAll(rules, calendars, author, at);
    await crashed.clients.documents.send(
      new PutCommand({
        TableName: crashed.tableName,
        Item: { pk: 'CONFIG', sk: 'UNITSVER#000001#0000', entity: 'units', version: 1, part: 0, parts: 1, at },
      }),
    );
    await crashed.close();
    // The next start completes the load; the configuration is the one its chain records.
    const listed = await dunghan('rules', 'list', '--data-dir', dataDir);
    expect(listed.stderr).toBe('');
    expect(JSON.parse(listed.stdout)).toHaveLength(rules.length);
    const verified = await dunghan('verify', '--data-dir', dataDir);
    expect(verified.stdout).toContain('Cấu hình (quy tắc, lịch, đơn vị, người dùng): khớp chuỗi nhật ký.');
    expect(verified.code).toBe(0);
  });

  it('names a data directory another process holds, and what to do', async () => {
    const dataDir = dir('locked');
    const holder = await startLocalRuntime({ dataDir: join(dataDir, 'dynamodb') });
    try {
      const result = await dunghan('dossier', 'X', '--data-dir', dataDir);
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([
        `dunghan: the data directory ${join(dataDir, 'dynamodb')} is in use by another process (npm start, dunghan serve or another command): stop it, or use another --data-dir`,
      ]);
    } finally {
      await holder.close();
    }
  });

  it('names a damaged data directory, and what to do', async () => {
    const dataDir = dir('damaged');
    const held = await startLocalRuntime({ dataDir: join(dataDir, 'dynamodb') });
    await held.close();
    writeFileSync(join(dataDir, 'dynamodb', 'CURRENT'), 'garbage');
    const result = await dunghan('dossier', 'X', '--data-dir', dataDir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot be read \(LEVEL_CORRUPTION\): move it away or delete it/);
  });
});

describe('npm start on a busy port', () => {
  it('says which port and which option, and exits instead of hanging', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const result = await dunghan(
        'start',
        '--once',
        '--in-memory',
        '--days',
        '1',
        '--dynamo-port',
        String(port),
        '--ses-port',
        '0',
        '--api-port',
        '0',
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`port ${port} is already in use`);
      expect(result.stderr).toContain('--dynamo-port <port>');
    } finally {
      busy.close();
    }
  });

  it('names every busy port at once, and a port given to two options (issue #35)', async () => {
    const servers = [createServer(), createServer()];
    for (const server of servers) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const [dynamo, ses] = servers.map((s) => (s.address() as { port: number }).port) as [number, number];
    try {
      await expect(
        checkPortsFree([
          { port: dynamo, option: '--dynamo-port' },
          { port: ses, option: '--ses-port' },
          { port: 0, option: '--api-port' },
        ]),
      ).rejects.toThrow(
        new RegExp(
          `^2 ports cannot be used: port ${dynamo} is already in use .*--dynamo-port <port>.*; port ${ses} is already in use .*--ses-port <port>`,
        ),
      );
    } finally {
      for (const server of servers) server.close();
    }
    await expect(
      checkPortsFree([
        { port: 48_123, option: '--ses-port' },
        { port: 48_123, option: '--api-port' },
      ]),
    ).rejects.toThrow('port 48123 is given to both --ses-port and --api-port');
  });
});
