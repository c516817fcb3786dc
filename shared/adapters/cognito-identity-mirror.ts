import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { User, UserDirectory, UserDirectoryDiff } from '../domain/users/user-directory.ts';
import type { IdentityMirror } from '../ports/identity-mirror.ts';

/**
 * `dunghan users --aws` (issue #30, ADR 0023): the user directory mirrored into the two Cognito user
 * pools — the administrators' pool holds whoever has `admin`, the staff pool whoever has another grant;
 * each grant is a group (created when first used). A person is never deleted (the audit names them):
 * removed or disabled, they are disabled and signed out everywhere. Idempotent: a mirror that died
 * half-way is completed by the same change put again.
 */
export class CognitoIdentityMirror implements IdentityMirror {
  constructor(
    private readonly client: CognitoIdentityProviderClient,
    private readonly pools: { staff: string; admins: string },
  ) {}

  async apply(diff: UserDirectoryDiff, next: UserDirectory): Promise<void> {
    const touched = new Set([...diff.added, ...diff.changed.map((c) => c.username)]);
    for (const user of next.users) if (touched.has(user.username)) await this.mirror(user);
    for (const username of diff.removed) {
      for (const pool of [this.pools.staff, this.pools.admins]) await this.disable(pool, username);
    }
  }

  private async mirror(user: User): Promise<void> {
    const admin = user.grants.filter((g) => g === 'admin');
    const staff = user.grants.filter((g) => g !== 'admin');
    for (const [pool, groups] of [
      [this.pools.admins, admin],
      [this.pools.staff, staff],
    ] as const) {
      if (groups.length === 0) {
        await this.disable(pool, user.username);
        continue;
      }
      await this.ensureUser(pool, user);
      await this.setGroups(pool, user.username, groups);
      if (user.disabled) await this.disable(pool, user.username);
      else await this.client.send(new AdminEnableUserCommand({ UserPoolId: pool, Username: user.username }));
    }
  }

  private async ensureUser(pool: string, user: User): Promise<void> {
    const attributes = [
      { Name: 'email', Value: user.email },
      { Name: 'email_verified', Value: 'true' },
      { Name: 'name', Value: user.name },
    ];
    try {
      // Cognito mails the invitation (the pool's Vietnamese template) with a temporary password.
      await this.client.send(
        new AdminCreateUserCommand({
          UserPoolId: pool,
          Username: user.username,
          UserAttributes: attributes,
          DesiredDeliveryMediums: ['EMAIL'],
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'UsernameExistsException') throw error;
      await this.client.send(
        new AdminUpdateUserAttributesCommand({ UserPoolId: pool, Username: user.username, UserAttributes: attributes }),
      );
    }
  }

  private async setGroups(pool: string, username: string, wanted: readonly string[]): Promise<void> {
    const held = new Set<string>();
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new AdminListGroupsForUserCommand({ UserPoolId: pool, Username: username, NextToken: token }),
      );
      for (const g of page.Groups ?? []) if (g.GroupName) held.add(g.GroupName);
      token = page.NextToken;
    } while (token);
    for (const group of wanted) {
      if (held.has(group)) continue;
      try {
        await this.client.send(new CreateGroupCommand({ UserPoolId: pool, GroupName: group }));
      } catch (error) {
        if ((error as Error).name !== 'GroupExistsException') throw error;
      }
      await this.client.send(
        new AdminAddUserToGroupCommand({ UserPoolId: pool, Username: username, GroupName: group }),
      );
    }
    for (const group of held) {
      if (!wanted.includes(group))
        await this.client.send(
          new AdminRemoveUserFromGroupCommand({ UserPoolId: pool, Username: username, GroupName: group }),
        );
    }
  }

  /** Disabled and signed out (refresh tokens revoked); nothing to do for a person the pool never had. */
  private async disable(pool: string, username: string): Promise<void> {
    try {
      await this.client.send(new AdminDisableUserCommand({ UserPoolId: pool, Username: username }));
      await this.client.send(new AdminUserGlobalSignOutCommand({ UserPoolId: pool, Username: username }));
    } catch (error) {
      if ((error as Error).name !== 'UserNotFoundException') throw error;
    }
  }
}
