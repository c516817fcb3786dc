import { ROLE_NAMES } from '../shared/domain/authority/actors.ts';
import { grantsOfUser } from '../shared/domain/users/user-directory.ts';
import { LOCAL_DEMO_PASSWORD } from './identity-provider.ts';
import type { LocalRuntime } from './local-runtime.ts';

/**
 * The demo's accounts as `npm start` and `dunghan serve` print them (issue #30): who can sign in at the
 * local provider, with which role in which unit, and the one demo password.
 */
export async function demoAccounts(runtime: LocalRuntime): Promise<string> {
  if (!runtime.identityIssuer) return '';
  const users = (await runtime.config.getUserDirectoryVersion())?.directory.users ?? [];
  const units = new Map(((await runtime.config.getUnitDirectory())?.units ?? []).map((u) => [u.id, u.name]));
  const rows = users
    .filter((u) => !u.disabled)
    .map((u) => {
      const roles = grantsOfUser(u)
        .map((g) => (g.unitId ? `${ROLE_NAMES[g.role]} ${units.get(g.unitId) ?? g.unitId}` : ROLE_NAMES[g.role]))
        .join('; ');
      return `  ${u.username.padEnd(17)} ${u.name.padEnd(18)} ${roles}`;
    });
  return (
    `Đăng nhập (máy chủ OpenID thử nghiệm): ${runtime.identityIssuer} — mật khẩu của mọi tài khoản mẫu: ${LOCAL_DEMO_PASSWORD}\n` +
    `${rows.join('\n')}\n` +
    `Lệnh với tư cách một người: npx dunghan … --as <tài khoản> (mật khẩu trong biến DUNGHAN_PASSWORD hoặc nhập khi được hỏi)\n`
  );
}
