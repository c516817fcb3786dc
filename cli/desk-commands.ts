import { resolve } from 'node:path';
import { deskApprovalDeps } from '../functions/approval-page/deps.ts';
import { demoAccounts } from '../local/demo-accounts.ts';
import { type LocalRuntime, startLocalRuntime } from '../local/local-runtime.ts';
import type { Actor } from '../shared/domain/authority/actors.ts';
import { AccessDeniedError } from '../shared/domain/authority/authority.ts';
import type { UnitBook } from '../shared/domain/units/unit-directory.ts';
import { kindOf } from '../shared/support/errors.ts';
import { approveAtDesk, listAwaitingApproval } from '../shared/use-cases/approve-through-link.ts';
import { asOption, dataDirOption, printer, type Register } from './command.ts';
import { parseInstantWithOffset } from './due-command.ts';
import { BadInputError } from './errors.ts';
import type { ActingOptions } from './identity.ts';
import type { StoreOptions } from './platform.ts';
import { onPlatform } from './platform.ts';

/*
 * The desk's commands (issue #16): the apologies awaiting approval, an approval made at the desk through
 * the same use case as the page, and `dunghan serve`, which keeps the approval page up on the local store.
 */

export interface DeskOptions extends StoreOptions {
  aws?: boolean;
}

/** `dunghan approvals`: the drafted apologies awaiting approval, the oldest first. */
export async function runApprovals(options: DeskOptions & ActingOptions) {
  return onPlatform(options, { action: 'approvals.list' }, (site) =>
    listAwaitingApproval(site.platform.table.reports, site.actor, site.units as UnitBook),
  );
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
  return onPlatform(options, { local: now === undefined ? {} : { clock: { now: () => now } } }, (site) =>
    approve(deskApprovalDeps(site.platform), site.actor),
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
    `Trang duyệt phiếu xin lỗi: ${runtime.apiUrl}/approve/…\nNguồn đồng bộ từ hệ thống một cửa: POST ${runtime.apiUrl}/sync (thử: npx dunghan sync docs/examples/sync/dong-bo-ho-so.json)\nHộp thư (SES emulator): ${runtime.sesEndpoint}/\nTin nhắn Zalo/SMS (giả lập): ${runtime.phone?.endpoint ?? ''}/\nTrang tra cứu hồ sơ của công dân: ${runtime.apiUrl}/tra-cuu\nBàn làm việc của cán bộ: ${runtime.apiUrl}/console\n${await demoAccounts(runtime)}Dữ liệu: ${resolve(options.dataDir)}\nNhấn Ctrl-C để dừng.\n`,
  );
  await new Promise<void>((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
  await runtime.close();
  io.out('Đã dừng.\n');
}

/** The desk's commands: the apologies awaiting approval, an approval, the pages kept up. */
export const registerDesk: Register = (program, io) => {
  const print = printer(io);
  program
    .command('approvals')
    .summary('The apologies awaiting approval')
    .description('The drafted apologies awaiting approval on the local store (or --aws), the oldest draft first.')
    .addOption(dataDirOption())
    .option('--aws', 'read the AWS table named by TABLE_NAME (credentials from the environment)')
    .addOption(asOption())
    .action(async (options) => print(await runApprovals(options)));

  program
    .command('approve')
    .summary("Approve a dossier's apology from the desk")
    .argument('<dossierId>', 'the dossier code')
    .description(
      'Approve a dossier’s apology from the desk, through the same rules as the approval page: the reason, the ' +
        'one new return date (after the legal due date, a working day, not past), signed in as a head of the issuing ' +
        'unit (--as; only a head signs, ADR 0023). The letter is sent at once ' +
        'where the delivery function runs (AWS, `dunghan serve`, `npm start`), else at the next detector pass.',
    )
    .requiredOption('--reason <text>', 'the reason for the delay, as the letter states it')
    .requiredOption('--new-date <date>', 'the new return date, dd/mm/yyyy or YYYY-MM-DD')
    .addOption(asOption())
    .option(
      '--now <iso>',
      'the instant of the approval on the local store, ISO-8601 with offset (a replayed past; default: now, ' +
        'or the last simulated instant while `npm start` serves the data directory)',
    )
    .addOption(dataDirOption())
    .option('--aws', 'work on the AWS table named by TABLE_NAME (credentials from the environment)')
    .action(async (dossierId: string, options) => print(await runApprove(dossierId, options)));

  program
    .command('serve')
    .summary('Keep the approval page and the inbox up')
    .description(
      'Keep the approval page and the SES emulator up on the local store until Ctrl-C: the links in the digests ' +
        '`dunghan detect` sends open here, and an approval is delivered at once; it also takes the portal sync ' +
        'feed at POST /sync (`dunghan sync`).',
    )
    .option('--api-port <port>', 'approval page port', '8080')
    .option('--ses-port <port>', 'SES emulator port', '8005')
    .addOption(dataDirOption())
    .action(async (options) => runServe(options, io));
};
