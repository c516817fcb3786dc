import * as z from '../contracts/z.ts';
import { ROLES } from '../domain/authority/actors.ts';
import { ConfigError, envProblems } from './env.ts';

/*
 * The OpenID Connect issuers whose tokens Đúng Hạn accepts (issue #30, ADR 0023): on AWS the two Cognito
 * user pools (staff; administrators with MFA), locally the embedded provider, or a province's single
 * sign-on (Keycloak, WSO2 Identity Server) — each named by its issuer, its audience and the claims that
 * carry the person and their roles.
 */

export const IDENTITY_ENV = {
  /** JSON: a list of issuers (below). */
  issuers: 'IDENTITY_ISSUERS',
  /** JSON: the web sign-in client: `{issuer, clientId, clientSecret?, redirectUri, logoutUri?}` (pages). */
  webClient: 'IDENTITY_WEB_CLIENT',
  webClientSecretArn: 'IDENTITY_WEB_CLIENT_SECRET_ARN',
  /** The Cognito pools a change of the user directory is mirrored into (the console, `dunghan users --aws`). */
  staffPool: 'STAFF_USER_POOL_ID',
  adminPool: 'ADMIN_USER_POOL_ID',
} as const;

/** The user pools to mirror people into, both named, or a configuration error naming what is missing. */
export function readUserPools(env: Record<string, string | undefined> = process.env): {
  staff: string;
  admins: string;
} {
  const staff = env[IDENTITY_ENV.staffPool];
  const admins = env[IDENTITY_ENV.adminPool];
  if (!staff || !admins)
    throw new ConfigError(
      `invalid configuration: ${IDENTITY_ENV.staffPool} and ${IDENTITY_ENV.adminPool}: must name the user pools people are mirrored into`,
    );
  return { staff, admins };
}

const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const issuerSettingsSchema = z.object({
  /** The `iss` of its tokens, exactly. */
  issuer: url,
  /** The client ids whose tokens are accepted (`aud` of ID tokens, `client_id` of Cognito access tokens). */
  audience: z.array(z.string().check(z.minLength(1))).check(z.minLength(1, 'must name at least one client id')),
  /** The key set; default `<issuer>/.well-known/jwks.json` (Cognito's, and the local provider's). */
  jwksUri: z.optional(url),
  /** Where the person and their grants are in the claims (dotted paths for nested claims). */
  claims: z._default(
    z.object({
      subject: z._default(z.string(), 'sub'),
      name: z._default(z.string(), 'name'),
      email: z._default(z.string(), 'email'),
      username: z._default(z.string(), 'cognito:username'),
      /** A list of grants written `admin` or `<role>:<unit id>` (Cognito's groups, Keycloak's realm roles). */
      grants: z._default(z.string(), 'cognito:groups'),
    }),
    { subject: 'sub', name: 'name', email: 'email', username: 'cognito:username', grants: 'cognito:groups' },
  ),
  /** The roles this issuer may grant (the staff pool never grants `admin`: administrators sign in with MFA). */
  roles: z._default(z.array(z.enum(ROLES)), [...ROLES]),
});

export type IssuerSettings = z.output<typeof issuerSettingsSchema>;

const issuersSchema = z.array(issuerSettingsSchema).check(z.maxLength(10, 'must name at most 10 issuers'));

/** The issuers from `IDENTITY_ISSUERS`; none configured means nobody can sign in (every protected route answers 401). */
export function readIdentityIssuers(env: Record<string, string | undefined> = process.env): IssuerSettings[] {
  const raw = env[IDENTITY_ENV.issuers];
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(`invalid configuration: ${IDENTITY_ENV.issuers}: must be JSON (a list of issuers)`);
  }
  const result = issuersSchema.safeParse(parsed);
  if (!result.success)
    throw new ConfigError(`invalid configuration: ${IDENTITY_ENV.issuers}.${envProblems(result.error)}`);
  return result.data;
}
