import { LOCAL_DEMO_PASSWORD } from '../../local/identity-provider.ts';
import type { LocalRuntime } from '../../local/local-runtime.ts';
import { passwordSignIn } from '../../local/password-sign-in.ts';
import { approveThroughPage, ScriptedBrowser } from '../../local/scripted-browser.ts';
import type { User } from '../../shared/domain/users/user-directory.ts';
import { addUser, getUser } from '../../shared/use-cases/administer-config.ts';

/** The head on the dossier factory's receipts (test/support/dossier-factory.ts), as a person who signs in. */
export const FACTORY_HEAD: Omit<User, 'disabled'> = {
  username: 'hoa.rlt.test',
  name: 'Rơ Lan Thị Hoa',
  email: 'hoa.rlt@example.vn',
  grants: ['head:H21.65'],
};

/** Adds people to the runtime's user directory (audited like any change), unless they are there. */
export async function ensureUsers(runtime: LocalRuntime, ...users: Omit<User, 'disabled'>[]): Promise<void> {
  const deps = {
    config: runtime.config,
    dossiers: runtime.store,
    openDossiers: runtime.platform.table.reports,
    clock: runtime.platform.clock,
  };
  for (const user of users) {
    const known = await getUser(deps, user.username).catch(() => undefined);
    if (!known) await addUser(deps, user, 'test');
  }
}

/** A browser signed in on the runtime's pages as this person, through the local provider's form. */
export async function signedInBrowser(runtime: LocalRuntime, username: string): Promise<ScriptedBrowser> {
  const browser = new ScriptedBrowser();
  const { response, url } = await browser.openSignedIn(
    `${runtime.apiUrl}/auth/login?next=/`,
    username,
    LOCAL_DEMO_PASSWORD,
  );
  await response.text();
  if (!url.href.startsWith(runtime.apiUrl ?? '-')) throw new Error(`sign-in as ${username} ended at ${url.href}`);
  return browser;
}

/** Opens an approval link in a signed-in browser and posts the form with its session's CSRF token. */
export function approveInBrowser(browser: ScriptedBrowser, link: string, form: Record<string, string>) {
  return approveThroughPage(browser, link, form);
}

/** The administrator of the sample user directory (config/users.yaml), and what the audit names them. */
export const SAMPLE_ADMIN = { username: 'quantri', author: 'Lê Quang Vinh <quantri> (admin)' } as const;

/** An ID token of this person from the runtime's local provider (the bearer of the staff API). */
export async function tokenOf(runtime: LocalRuntime, username: string): Promise<string> {
  if (!runtime.identityIssuer) throw new Error('start the runtime with identity: true');
  return (await passwordSignIn(runtime.identityIssuer, username, LOCAL_DEMO_PASSWORD)).idToken;
}
