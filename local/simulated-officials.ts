import { LOCAL_DEMO_PASSWORD } from './identity-provider.ts';
import type { LocalRuntime } from './local-runtime.ts';
import { approveThroughPage, ScriptedBrowser } from './scripted-browser.ts';
import { sentEmails } from './ses-server.ts';

/*
 * The demo's simulated heads (ADR 0023): they read the digests in the emulator's inbox, open the
 * approval links bound to them, signed in at the local provider, and approve a share of the drafts.
 */

/**
 * Simulated officials open the approval links of new digests and approve a share of the drafts of the
 * dossiers that will really be late (an official knows which files are stuck).
 */
export async function officialsApprove(
  runtime: LocalRuntime,
  heads: SimulatedHeads,
  seen: Set<string>,
  since: number,
  late: Set<string>,
  decide: () => number,
  rate: number,
): Promise<number> {
  let approvals = 0;
  // In a deterministic order: digests of one run reach the inbox in any order and list their dossiers in
  // the order the run handled them, so the links are sorted by dossier before any decision is drawn — the
  // same seed then draws the same decisions for the same links, and gives the same figures every run.
  const links = new Map<string, URL>();
  for (const mail of await sentEmails(runtime.sesEndpoint ?? '', since)) {
    if (seen.has(mail.messageId)) continue;
    seen.add(mail.messageId);
    for (const match of (mail.body.text ?? '').matchAll(/Duyệt phiếu xin lỗi: (\S+)/g)) {
      const url = new URL(match[1] ?? '');
      const dossierId = decodeURIComponent(url.pathname.split('/').pop() ?? '');
      if (!links.has(dossierId)) links.set(dossierId, url);
    }
  }
  for (const [dossierId, url] of [...links].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (decide() >= rate) continue;
    if (!late.has(dossierId)) continue;
    const { record } = await runtime.store.load(dossierId);
    const proposed = record?.apology.proposedReturnAt?.slice(0, 10);
    if (!proposed) continue;
    // The link is bound to a head: that head opens it, signed in at the local provider (ADR 0023).
    const browser = await heads.signedIn(boundHead(url));
    if (!browser) continue;
    const response = await approveThroughPage(browser, `${runtime.apiUrl}${url.pathname}${url.search}`, {
      reason: 'Hồ sơ phải chờ ý kiến của cơ quan liên quan',
      newReturnDate: proposed,
    });
    if (response.ok) approvals += 1;
    await response.text();
  }
  return approvals;
}

/** The e-mail of the head an approval link is bound to (the token's `h`). */
function boundHead(url: URL): string | undefined {
  try {
    const [payload] = (url.searchParams.get('token') ?? '').split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as { h?: unknown };
    return typeof claims.h === 'string' ? claims.h : undefined;
  } catch {
    return undefined;
  }
}

/** The simulated heads' browsers, each signed in once on the pages as the person the directory names. */
export class SimulatedHeads {
  private readonly browsers = new Map<string, Promise<ScriptedBrowser | undefined>>();
  constructor(private readonly runtime: LocalRuntime) {}
  signedIn(email: string | undefined): Promise<ScriptedBrowser | undefined> {
    if (!email) return Promise.resolve(undefined);
    let browser = this.browsers.get(email);
    if (!browser) {
      browser = (async () => {
        const users = (await this.runtime.config.getUserDirectoryVersion())?.directory.users ?? [];
        const user = users.find((u) => u.email.toLowerCase() === email && !u.disabled);
        if (!user) return undefined;
        const signedIn = new ScriptedBrowser();
        const { response } = await signedIn.openSignedIn(
          `${this.runtime.apiUrl}/auth/login?next=/`,
          user.username,
          LOCAL_DEMO_PASSWORD,
        );
        await response.text();
        return signedIn;
      })();
      this.browsers.set(email, browser);
    }
    return browser;
  }
}
