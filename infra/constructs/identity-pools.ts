import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  UserPool,
  UserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/**
 * Who signs in (issue #30, ADR 0023): two Cognito user pools — the staff (officials, heads, supervisors;
 * MFA optional) and the administrators (MFA required, TOTP) — so that an administrator's token can come
 * only from a pool that enforced a second factor. No self sign-up: people are added by `dunghan users`
 * (AdminCreateUser, groups); the groups are the grants (`admin`, `head:<unit id>`, …). Threat protection
 * (the Plus plan) blocks compromised credentials and risky sign-ins. Stateful: the people outlive
 * deployments.
 */
export class IdentityPools extends Construct {
  readonly staff: UserPool;
  readonly admins: UserPool;
  /** The domain prefixes of the pools' sign-in pages (`<prefix>.auth.<region>.amazoncognito.com`). */
  readonly staffDomainPrefix: string;
  readonly adminDomainPrefix: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const pool = (name: string, mfa: Mfa) =>
      new UserPool(this, name, {
        userPoolName: `dunghan-${name.toLowerCase()}`,
        selfSignUpEnabled: false,
        signInAliases: { username: true, email: true },
        signInCaseSensitive: false,
        standardAttributes: { email: { required: true, mutable: true }, fullname: { required: true, mutable: true } },
        mfa,
        mfaSecondFactor: { otp: true, sms: false },
        passwordPolicy: {
          minLength: 12,
          requireLowercase: true,
          requireUppercase: true,
          requireDigits: true,
          requireSymbols: true,
          tempPasswordValidity: Duration.days(3),
        },
        accountRecovery: AccountRecovery.EMAIL_ONLY,
        featurePlan: FeaturePlan.PLUS,
        standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
        userVerification: {
          emailSubject: 'Mã xác minh Đúng Hạn',
          emailBody: 'Mã xác minh địa chỉ thư của anh/chị trên Đúng Hạn: {####}',
        },
        userInvitation: {
          emailSubject: 'Tài khoản Đúng Hạn của anh/chị',
          emailBody:
            'Anh/chị được cấp tài khoản Đúng Hạn. Tên đăng nhập: {username}. Mật khẩu tạm thời: {####} (đổi ở lần đăng nhập đầu tiên, trong 3 ngày).',
        },
        deletionProtection: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    this.staff = pool('Staff', Mfa.OPTIONAL);
    this.admins = pool('Admins', Mfa.REQUIRED);
    new UserPoolGroup(this, 'AdminGroup', {
      userPool: this.admins,
      groupName: 'admin',
      description: 'Quản trị: quy tắc, lịch, đơn vị, người dùng, hệ thống gửi',
    });
    const account = Stack.of(this).account;
    this.staffDomainPrefix = `dunghan-staff-${account}`;
    this.adminDomainPrefix = `dunghan-admin-${account}`;
    this.staff.addDomain('StaffDomain', { cognitoDomain: { domainPrefix: this.staffDomainPrefix } });
    this.admins.addDomain('AdminDomain', { cognitoDomain: { domainPrefix: this.adminDomainPrefix } });
  }
}
