import { resolve } from 'node:path';
import { deskApprovalDeps } from '../functions/approval-page/deps.ts';
import { demoAccounts } from '../local/demo-accounts.ts';
import { type LocalRuntime, startLocalRuntime } from '../local/local-runtime.ts';
import { type Platform, platformFromEnvironment } from '../shared/adapters/platform.ts';
import { type Actor, describeActor } from '../shared/domain/authority/actors.ts';
import { AccessDeniedError, authorize } from '../shared/domain/authority/authority.ts';
import { EMPTY_DIRECTORY, UnitBook } from '../shared/domain/units/unit-directory.ts';
import { readConfig } from '../shared/settings/env.ts';
import { kindOf } from '../shared/support/errors.ts';
import { approveAtDesk, listAwaitingApproval } from '../shared/use-cases/approve-through-link.ts';
import { parseInstantWithOffset } from './due-command.ts';
import { BadInputError } from './errors.ts';
import { type ActingOptions, localOperator, withActor } from './identity.ts';
import type { StoreOptions } from './local-store.ts';

/*
 * The desk's commands (issue #16): the apologies awaiting approval, an approval made at the desk through
 * the same use case as the page, and `dunghan serve`, which keeps the approval page up on the local store.
 */

export interface DeskOptions extends StoreOptions {
  aws?: boolean;
}

/** `dunghan approvals`: the drafted apologies awaiting approval, the oldest first. */
export async function runApprovals(options: DeskOptions & ActingOptions) {
  const list = async (platform: Platform, actor: Actor) => {
    const units = new UnitBook((await platform.table.config.getUnitDirectory()) ?? EMPTY_DIRECTORY);
    try {
      authorize(actor, 'approvals.list', {}, units);
    } catch (error) {
      if (error instanceof AccessDeniedError)
        throw new BadInputError('--as', `${describeActor(actor)}: ${error.message}`);
      throw error;
    }
    return listAwaitingApproval(platform.table.reports, actor, units);
  };
  if (options.aws) return list(platformFromEnvironment(readConfig()), localOperator());
  return withActor(options, (runtime, actor) => list(runtime.platform, actor));
}

/** `dunghan approve <id> --reason --new-date --by`: the one re-appointment, from the desk. */
export async function runApprove(
  dossierId: string,
  options: DeskOptions & ActingOptions & { reason: string; newDate: string; now?: string },
) {
  if (options.now !== undefined && options.aws)
    throw new BadInputError('--now', 'is for the local store only: on AWS an approval happens now');
  if (options.aws)
    throw new BadInputError(
      '--aws',
      'an apology is approved by its head, signed in: on AWS, through the approval page',
    );
  if (options.as === undefined)
    throw new BadInputError(
      '--as',
      'an apology is approved by a head of the issuing unit: name them, --as <user name>',
    );
  const now = options.now === undefined ? undefined : parseInstantWithOffset(options.now, '--now');
  const approve = async (deps: Parameters<typeof approveAtDesk>[0], actor: Actor) => {
    try {
      const saved = await approveAtDesk(deps, {
        dossierId,
        reason: options.reason,
        newReturnDate: options.newDate,
        actor,
      });
      return {
        dossierId,
        extendedDueAt: saved.extendedDueAt,
        channel: saved.apology.channel,
        approvedBy: saved.apology.approvedBy,
      };
    } catch (error) {
      // The refusal names its field (reason, newReturnAt, dossier): exit 2 with it.
      if (error instanceof AccessDeniedError)
        throw new BadInputError(
          '--as',
          `${options.as} may not approve this apology: only a head of the issuing unit may`,
        );
      if (kindOf(error) === 'refused' || kindOf(error) === 'not_found')
        throw new BadInputError(`--${fieldOption(error)}`, (error as Error).message);
      throw error;
    }
  };
  return withActor(
    options,
    (runtime, actor) => approve(deskApprovalDeps(runtime.platform), actor),
    now === undefined ? {} : { clock: { now: () => now } },
  );
}

function fieldOption(error: unknown): string {
  const field = (error as { field?: string }).field;
  return field === 'reason' ? 'reason' : field === 'newReturnAt' ? 'new-date' : 'dossier';
}

/**
 * `dunghan serve`: the approval page and the SES emulator on the local store until Ctrl-C, so the links
 * in digests sent by `dunghan detect` open, and approvals are delivered at once.
 */
export async function runServe(
  options: StoreOptions & { apiPort: string; sesPort: string },
  io: { out: (text: string) => void },
): Promise<void> {
  const runtime: LocalRuntime = await startLocalRuntime({
    dataDir: resolve(options.dataDir, 'dynamodb'),
    mail: true,
    // The other commands work through these servers meanwhile.
    announce: true,
    keepPublished: false,
    apiPort: Number(options.apiPort),
    sesPort: Number(options.sesPort),
  });
  io.out(
    `Trang duyệt phiếu xin lỗi: ${runtime.apiUrl}/approve/…\nNguồn đồng bộ từ hệ thống một cửa: POST ${runtime.apiUrl}/sync (thử: npx dunghan sync docs/examples/sync/dong-bo-ho-so.json)\nHộp thư (SES emulator): ${runtime.sesEndpoint}/\nTin nhắn Zalo/SMS (giả lập): ${runtime.phone?.endpoint ?? ''}/\nTrang tra cứu hồ sơ của công dân: ${runtime.apiUrl}/tra-cuu\n${await demoAccounts(runtime)}Dữ liệu: ${resolve(options.dataDir)}\nNhấn Ctrl-C để dừng.\n`,
  );
  await new Promise<void>((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
  await runtime.close();
  io.out('Đã dừng.\n');
}
