import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalDeps, webAuth } from '../../functions/approval-page/deps.ts';
import { createApprovalPageHandler } from '../../functions/approval-page/handler.ts';
import { routeLikeHttpApi, serveHttpApi } from '../../local/local-http-api.ts';
import { LOCAL_LINK_SECRET, type LocalRuntime, localContext, startLocalRuntime } from '../../local/local-runtime.ts';
import { hiddenField, ScriptedBrowser } from '../../local/scripted-browser.ts';
import type { IssuerSettings } from '../../shared/settings/identity-env.ts';
import { resumeSession, SESSION_COOKIE, type WebAuthDeps } from '../../shared/use-cases/web-session.ts';
import { FakeCognito, totp } from '../support/fake-cognito.ts';

/*
 * Issue #30: on AWS the pages sign people in with their own form, in Vietnamese (Cognito's managed login
 * has none), against the user pool — a fake pool at the HTTP layer here, speaking Cognito's protocol —
 * through the first sign-in's new password, enrolling an authenticator (administrators must), the code,
 * refresh and sign-out; the tokens are verified by the same verifier as every other.
 */

let runtime: LocalRuntime;
let cognito: FakeCognito;
let admins: FakeCognito;
let web: WebAuthDeps;
let pages: { url: string; close(): Promise<void> };

beforeAll(async () => {
  cognito = await new FakeCognito({
    'bia.nh': {
      password: 'Mật-khẩu-đúng-1',
      email: 'bia.nh@iarmok.example.vn',
      name: 'Nay H’Bia',
      groups: ['head:H21.65.01'],
      totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
    },
  }).start();
  // The administrators' own pool (MFA required): the same form finds them there.
  admins = await new FakeCognito(
    {
      quantri: {
        password: 'Tạm-thời-123',
        email: 'vinh.lq@gialai.example.vn',
        name: 'Lê Quang Vinh',
        groups: ['admin'],
        mustChangePassword: true,
        mustEnrolTotp: true,
      },
    },
    'ap-southeast-1_FakeAdmins',
  ).start();
  runtime = await startLocalRuntime({});
  const claims = {
    subject: 'sub',
    name: 'name',
    email: 'email',
    username: 'cognito:username',
    grants: 'cognito:groups',
  };
  const issuers: IssuerSettings[] = [
    { issuer: cognito.issuer, audience: [cognito.clientId], claims, roles: ['official', 'head', 'supervisor'] },
    { issuer: admins.issuer, audience: [admins.clientId], claims, roles: ['admin'] },
  ];
  let handler: ReturnType<typeof createApprovalPageHandler> | undefined;
  pages = await serveHttpApi(
    routeLikeHttpApi({ '/auth/': (e, c) => (handler as NonNullable<typeof handler>)(e, c) }),
    () => localContext('approval-page'),
  );
  web = webAuth(runtime.platform, issuers, {
    mode: 'cognito',
    issuer: cognito.issuer,
    clientId: cognito.clientId,
    region: 'ap-southeast-1',
    pools: [cognito, admins].map((pool) => ({
      issuer: pool.issuer,
      clientId: pool.clientId,
      clientSecret: pool.clientSecret,
      endpoint: pool.endpoint,
    })),
    redirectUri: `${pages.url}/auth/callback`,
    signedOutUri: `${pages.url}/auth/signed-out`,
  });
  handler = createApprovalPageHandler(approvalDeps(runtime.platform, LOCAL_LINK_SECRET), web);
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
}, 60_000);

afterAll(async () => {
  await pages?.close();
  await runtime?.close();
  await cognito?.close();
  await admins?.close();
});

/** Opens the form and posts the user name and password with its anti-forgery token. */
async function signIn(browser: ScriptedBrowser, username: string, password: string) {
  const form = await browser.open(`${pages.url}/auth/login?next=/approve/X`);
  const html = await form.response.text();
  expect(form.response.status).toBe(200);
  expect(html).toContain('Đăng nhập Đúng Hạn');
  return browser.submit(`${pages.url}/auth/login`, {
    username,
    password,
    csrf: hiddenField(html, 'csrf') ?? '',
    next: hiddenField(html, 'next') ?? '',
  });
}

async function sessionOf(browser: ScriptedBrowser) {
  const cookie = /__Host-dunghan-session=([^;]+)/.exec(browser.cookieHeader(new URL(pages.url)))?.[1];
  return resumeSession(web, cookie);
}

describe("the pages' own sign-in at a Cognito user pool", () => {
  it('signs a head in with the password and the authenticator code, in Vietnamese, and refuses wrong ones', async () => {
    const browser = new ScriptedBrowser();
    const wrong = await signIn(browser, 'bia.nh', 'sai mật khẩu');
    expect(wrong.response.status).toBe(401);
    expect(await wrong.response.text()).toContain('Tên đăng nhập hoặc mật khẩu không đúng.');
    const code = await signIn(browser, 'bia.nh', 'Mật-khẩu-đúng-1');
    expect(await code.response.text()).toContain('Nhập mã 6 chữ số đang hiện trong ứng dụng xác thực');
    const mistyped = await browser.submit(`${pages.url}/auth/challenge`, { answer: '000000' });
    expect(mistyped.response.status).toBe(400);
    expect(await mistyped.response.text()).toContain('Mã không đúng hoặc đã hết hạn.');
    const done = await browser.submit(`${pages.url}/auth/challenge`, {
      answer: totp('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'),
    });
    await done.response.text();
    expect(done.url.pathname).toBe('/approve/X');
    expect((await sessionOf(browser))?.person).toMatchObject({
      name: 'Nay H’Bia',
      grants: [{ role: 'head', unitId: 'H21.65.01' }],
    });
    // The secret hash went with every call; no password in any other call than the first.
    const signIns = cognito.calls.filter((c) => c.target === 'InitiateAuth');
    expect(signIns.every((c) => (c.body.AuthParameters as Record<string, string>).SECRET_HASH)).toBe(true);
  });

  it("walks an administrator, found in the administrators' pool, through the new password and enrolling an authenticator", async () => {
    const browser = new ScriptedBrowser();
    const newPassword = await signIn(browser, 'quantri', 'Tạm-thời-123');
    expect(await newPassword.response.text()).toContain('Đặt mật khẩu mới');
    const tooShort = await browser.submit(`${pages.url}/auth/challenge`, { answer: 'ngắn' });
    expect(await tooShort.response.text()).toContain('Mật khẩu chưa đạt yêu cầu.');
    const setup = await browser.submit(`${pages.url}/auth/challenge`, { answer: 'Mật-khẩu-mới-của-tôi-2026' });
    const html = await setup.response.text();
    expect(html).toContain('Cài đặt xác thực hai lớp');
    expect(html).toContain('aria-label="Mã QR cài đặt ứng dụng xác thực"');
    const secret = /<code>([A-Z2-7]+)<\/code>/.exec(html)?.[1] ?? '';
    const done = await browser.submit(`${pages.url}/auth/challenge`, { answer: totp(secret) });
    await done.response.text();
    expect(done.url.pathname).toBe('/approve/X');
    expect((await sessionOf(browser))?.person).toMatchObject({ issuer: admins.issuer, grants: [{ role: 'admin' }] });
    // The staff's pool was asked first and did not know them.
    expect(cognito.calls.some((c) => (c.body.AuthParameters as { USERNAME?: string })?.USERNAME === 'quantri')).toBe(
      true,
    );
  });

  it('refreshes at the pool when the token expires, and ends the session when the pool refuses (disabled)', async () => {
    cognito.idTokenSeconds = 1;
    const browser = new ScriptedBrowser();
    const code = await signIn(browser, 'bia.nh', 'Mật-khẩu-đúng-1');
    await code.response.text();
    await (
      await browser.submit(`${pages.url}/auth/challenge`, { answer: totp('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP') })
    ).response.text();
    await new Promise((r) => setTimeout(r, 1_100));
    const before = cognito.calls.filter((c) => c.body.AuthFlow === 'REFRESH_TOKEN_AUTH').length;
    expect((await sessionOf(browser))?.person.name).toBe('Nay H’Bia');
    expect(cognito.calls.filter((c) => c.body.AuthFlow === 'REFRESH_TOKEN_AUTH').length).toBe(before + 1);
    (cognito.users['bia.nh'] as { disabled?: boolean }).disabled = true;
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await sessionOf(browser)).toBeUndefined();
    (cognito.users['bia.nh'] as { disabled?: boolean }).disabled = false;
    cognito.idTokenSeconds = 600;
  });

  it('refuses a sign-in posted from elsewhere (no form token) and signs out by revoking the refresh token', async () => {
    const forged = await new ScriptedBrowser().submit(`${pages.url}/auth/login`, {
      username: 'bia.nh',
      password: 'Mật-khẩu-đúng-1',
      csrf: 'guessed',
      next: '/',
    });
    expect(forged.response.status).toBe(401);
    expect(cognito.calls.at(-1)?.body).not.toMatchObject({
      AuthParameters: { USERNAME: 'bia.nh', PASSWORD: 'Mật-khẩu-đúng-1' },
    });
    const browser = new ScriptedBrowser();
    await (await signIn(browser, 'bia.nh', 'Mật-khẩu-đúng-1')).response.text();
    await (
      await browser.submit(`${pages.url}/auth/challenge`, { answer: totp('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP') })
    ).response.text();
    const session = await sessionOf(browser);
    const out = await browser.submit(`${pages.url}/auth/logout`, { csrf: session?.csrf ?? '' });
    await out.response.text();
    expect(out.url.pathname).toBe('/auth/signed-out');
    expect(cognito.calls.at(-1)?.target).toBe('RevokeToken');
    expect(browser.cookieHeader(new URL(pages.url))).not.toContain(SESSION_COOKIE);
  });

  it('says the sign-in service is unavailable (503) when the pool does not answer, and keeps no half session', async () => {
    const down = webAuth(runtime.platform, [], {
      mode: 'cognito',
      issuer: cognito.issuer,
      clientId: cognito.clientId,
      clientSecret: cognito.clientSecret,
      region: 'ap-southeast-1',
      endpoint: 'http://127.0.0.1:9',
      redirectUri: `${pages.url}/auth/callback`,
      signedOutUri: `${pages.url}/auth/signed-out`,
    });
    const handler = createApprovalPageHandler(approvalDeps(runtime.platform, LOCAL_LINK_SECRET), down);
    const server = await serveHttpApi(routeLikeHttpApi({ '/auth/': handler }), () => localContext('approval-page'));
    try {
      const browser = new ScriptedBrowser();
      const form = await browser.open(`${server.url}/auth/login?next=/x`);
      const html = await form.response.text();
      const answer = await browser.submit(`${server.url}/auth/login`, {
        username: 'bia.nh',
        password: 'Mật-khẩu-đúng-1',
        csrf: hiddenField(html, 'csrf') ?? '',
        next: '/x',
      });
      expect(answer.response.status).toBe(503);
      expect(await answer.response.text()).toContain('Máy chủ đăng nhập tạm thời không trả lời.');
      expect(browser.cookieHeader(new URL(server.url))).not.toContain(SESSION_COOKIE);
    } finally {
      await server.close();
    }
  });
});
