import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD_ENV } from '../../cli/identity.ts';
import { run } from '../../cli/main.ts';
import { LOCAL_DEMO_PASSWORD } from '../../local/identity-provider.ts';
import { LOCAL_CREDENTIALS, type LocalRuntime, startLocalRuntime } from '../../local/local-runtime.ts';
import { FakeCognito } from '../support/fake-cognito.ts';

/*
 * Issue #30: `dunghan users` — the people who sign in, administered like units (validated, versioned,
 * audited), on the local store and, with --aws, mirrored into the Cognito user pools (a fake pool at the
 * HTTP layer here, speaking Cognito's administration protocol).
 */

async function dunghan(...args: string[]) {
  let out = '';
  let err = '';
  const code = await run(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('dunghan users on the local store', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'dunghan-users-'));
  beforeAll(() => {
    process.env[PASSWORD_ENV] = LOCAL_DEMO_PASSWORD;
  });

  it('adds a person, changes their grants, disables them — audited, and the sign-in follows at once', async () => {
    const listed = await dunghan('users', 'list', '--data-dir', dataDir);
    expect(listed.code, listed.err).toBe(0);
    expect(JSON.parse(listed.out).users.map((u: { username: string }) => u.username)).toContain('quantri');

    const bad = await dunghan(
      'users',
      'add',
      'x y',
      '--name',
      'X',
      '--email',
      'x@x.vn',
      '--grant',
      'head',
      '--data-dir',
      dataDir,
    );
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/username: must be 2–63 lower-case/);
    expect(bad.err).toMatch(/grants\.0: must be admin or <role>:<unit id>/);
    const unknown = await dunghan(
      ...['users', 'add', 'xy', '--name', 'X', '--email', 'x@x.vn', '--grant', 'head:NOPE', '--data-dir', dataDir],
    );
    expect(unknown.err).toMatch(/grants\.0: unit NOPE is not in the directory/);

    const added = await dunghan(
      ...['users', 'add', 'tam.dv', '--name', 'Đinh Văn Tâm', '--email', 'tam.dv@chugu.example.vn'],
      ...['--grant', 'official:H21.65.02', '--data-dir', dataDir],
    );
    expect(added.code, added.err).toBe(0);
    // The new official reads their commune's approvals, signed in at the local provider.
    const asOfficial = await dunghan('approvals', '--as', 'tam.dv', '--data-dir', dataDir);
    expect(asOfficial.code, asOfficial.err).toBe(0);
    // A supervisor of the district from now on, no longer an official.
    const changed = await dunghan(
      ...['users', 'roles', 'tam.dv', '--grant', 'supervisor:H21.65', '--revoke', 'official:H21.65.02'],
      ...['--data-dir', dataDir],
    );
    expect(JSON.parse(changed.out).diff.changed).toEqual([
      { username: 'tam.dv', granted: ['supervisor:H21.65'], revoked: ['official:H21.65.02'], fields: [] },
    ]);
    // Only an administrator manages people: the new supervisor may not.
    const refused = await dunghan('users', 'disable', 'an.nv', '--as', 'tam.dv', '--data-dir', dataDir);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/^dunghan: --as: Đinh Văn Tâm <tam\.dv> \(supervisor:H21\.65\): users\.manage/);
    // The administrator disables them: they can no longer sign in.
    const disabled = await dunghan('users', 'disable', 'tam.dv', '--as', 'quantri', '--data-dir', dataDir);
    expect(disabled.code, disabled.err).toBe(0);
    const after = await dunghan('approvals', '--as', 'tam.dv', '--data-dir', dataDir);
    expect(after.code).toBe(2);
    expect(after.err).toMatch(/sign-in refused for tam\.dv/);
    // Every change in the audit, with who made it.
    const audit = JSON.parse((await dunghan('audit', '--data-dir', dataDir)).out) as {
      action: string;
      author: string;
      actor?: { id: string; grants?: string[] };
    }[];
    const changes = audit.filter((a) => a.action === 'users.put');
    expect(changes).toHaveLength(3);
    expect(changes.at(-1)).toMatchObject({
      author: 'Lê Quang Vinh <quantri> (admin)',
      actor: { id: 'quantri', grants: ['admin'] },
    });
  }, 120_000);
});

describe('dunghan users --aws mirrors people into the Cognito user pools', () => {
  let runtime: LocalRuntime;
  let cognito: FakeCognito;
  const saved = { ...process.env };

  beforeAll(async () => {
    runtime = await startLocalRuntime({});
    cognito = await new FakeCognito({}).start();
    Object.assign(process.env, {
      TABLE_NAME: runtime.tableName,
      AWS_REGION: 'ap-southeast-1',
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: runtime.dynamoEndpoint,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.endpoint,
      STAFF_USER_POOL_ID: 'ap-southeast-1_Staff',
      ADMIN_USER_POOL_ID: 'ap-southeast-1_Admins',
    });
  });
  afterAll(async () => {
    process.env = saved;
    await cognito?.close();
    await runtime?.close();
  });

  it('creates the person with their groups, moves them between groups, disables and signs them out', async () => {
    const added = await dunghan(
      ...['users', 'add', 'nay.hbia', '--name', 'Nay H’Bia', '--email', 'nay.hbia@iarmok.example.vn'],
      ...['--grant', 'head:H21.65.01', '--aws'],
    );
    expect(added.code, `${added.err} ${added.out}`).toBe(0);
    expect(cognito.users['nay.hbia']).toMatchObject({
      email: 'nay.hbia@iarmok.example.vn',
      groups: ['head:H21.65.01'],
    });
    const created = cognito.calls.find((c) => c.target === 'AdminCreateUser');
    expect(created?.body).toMatchObject({ UserPoolId: 'ap-southeast-1_Staff', DesiredDeliveryMediums: ['EMAIL'] });
    await dunghan(
      'users',
      'roles',
      'nay.hbia',
      '--grant',
      'supervisor:H21.65.01',
      '--revoke',
      'head:H21.65.01',
      '--aws',
    );
    expect(cognito.users['nay.hbia']?.groups).toEqual(['supervisor:H21.65.01']);
    await dunghan('users', 'disable', 'nay.hbia', '--aws');
    expect(cognito.users['nay.hbia']?.disabled).toBe(true);
    expect(cognito.signedOut).toEqual(['nay.hbia']);
    // Never deleted: the audit names them.
    expect(cognito.calls.some((c) => c.target.startsWith('AdminDelete'))).toBe(false);
    // An administrator goes to the administrators' pool (MFA required there).
    const admin = await dunghan(
      'users',
      'add',
      'admin.moi',
      '--name',
      'Lê Quang Vinh',
      '--email',
      'vinh@x.vn',
      '--grant',
      'admin',
      '--aws',
    );
    expect(admin.code, admin.err).toBe(0);
    expect(cognito.users['nay.hbia']?.pool).toBe('ap-southeast-1_Staff');
    expect(cognito.users['admin.moi']?.pool).toBe('ap-southeast-1_Admins');
    expect(cognito.users['admin.moi']?.groups).toEqual(['admin']);
  }, 60_000);
});
