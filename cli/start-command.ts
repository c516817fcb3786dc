import { resolve } from 'node:path';
import { DateTime } from 'luxon';
import { demoAccounts } from '../local/demo-accounts.ts';
import { simulate, summaryTable } from '../local/simulate.ts';
import { formatCount } from '../shared/domain/vietnamese/format.ts';
import type { Register } from './command.ts';
import { BadInputError } from './errors.ts';

/** `dunghan start`'s and `serve`'s arguments for servers on ports the system picks (tests, benchmarks). */
export const ON_FREE_PORTS = ['--dynamo-port', '0', '--ses-port', '0', '--api-port', '0'] as const;

export interface StartOptions {
  seed: string;
  days: string;
  from: string;
  speed: string;
  once?: boolean;
  json?: boolean;
  dataDir: string;
  keepData?: boolean;
  inMemory?: boolean;
  dynamoPort: string;
  sesPort: string;
  apiPort: string;
  approvalRate: string;
  scale: string;
}

function integer(value: string, name: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new BadInputError(name, `must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return n;
}

function decimal(value: string, name: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new BadInputError(name, `must be a number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return n;
}

/** Where the data is, and the commands that read it, now (through the running servers) and after Ctrl-C. */
function dataHint(options: StartOptions): string {
  const dir = options.dataDir === '.dunghan' ? '' : ` --data-dir ${options.dataDir}`;
  const to = DateTime.fromISO(options.from)
    .plus({ days: Number(options.days) - 1 })
    .toISODate();
  return (
    `Dữ liệu: ${resolve(options.dataDir)} (giữ lại sau khi dừng; lần chạy sau bắt đầu lại, trừ khi có --keep-data)\n` +
    `Các lệnh khác dùng được ngay, cả khi đang chạy: npx dunghan report --from ${options.from} --to ${to}${dir}; npx dunghan approvals${dir}; npx dunghan dossier <mã hồ sơ>${dir}; npx dunghan verify --from ${options.from} --to ${to}${dir}\n`
  );
}

/** `dunghan start` (`npm start`): the whole pipeline locally, on sample data, then the inbox stays up. */
export async function runStart(options: StartOptions, io: { out: (text: string) => void }): Promise<void> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(options.from) || Number.isNaN(Date.parse(options.from))) {
    throw new BadInputError('--from', `must be a date YYYY-MM-DD, got ${JSON.stringify(options.from)}`);
  }
  const { result, runtime } = await simulate({
    seed: integer(options.seed, '--seed', 0, 2 ** 31),
    days: integer(options.days, '--days', 1, 3660),
    start: options.from,
    speed: decimal(options.speed, '--speed', 0, 10_000),
    once: options.once ?? false,
    dataDir: options.inMemory ? undefined : options.dataDir,
    keepData: options.keepData ?? false,
    dynamoPort: integer(options.dynamoPort, '--dynamo-port', 0, 65535),
    sesPort: integer(options.sesPort, '--ses-port', 0, 65535),
    apiPort: integer(options.apiPort, '--api-port', 0, 65535),
    approvalRate: decimal(options.approvalRate, '--approval-rate', 0, 1),
    scale: decimal(options.scale, '--scale', 0.01, 100),
    out: io.out,
    err: process.stderr,
  });
  if (options.json) {
    io.out(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    io.out(`\nĐúng Hạn — tổng hợp theo lĩnh vực (${options.days} ngày từ ${options.from}, seed ${options.seed})\n\n`);
    // Fitted to a terminal's width; whole when the output goes to a file or a pipe.
    io.out(`${summaryTable(result.fields, process.stdout.isTTY ? process.stdout.columns : undefined)}\n\n`);
    const n = formatCount;
    io.out(
      `Sự kiện: ${n(result.generatedEvents)} sinh ra = ${n(result.ingested)} đã nhận + ${n(result.duplicates)} trùng + ${n(result.deadLettered)} bị loại ` +
        `(${result.reconciled ? 'khớp' : 'KHÔNG KHỚP'}). Bộ phát hiện chạy ${n(result.detectorRuns)} lần; ${n(result.approvals)} phiếu xin lỗi được duyệt; ${n(result.emails)} thư đã gửi.\n` +
        'PXL = phiếu xin lỗi; “PXL thiếu” = hồ sơ trễ hoặc đang quá hạn mà công dân chưa nhận phiếu; “Không hẹn” = giấy tiếp nhận không ghi ngày hẹn.\n\n',
    );
  }
  if (options.once) {
    await runtime.close();
    if (!result.reconciled) throw new Error('the summary does not reconcile with the generated events');
    return;
  }
  io.out(
    `Hộp thư (SES emulator): ${result.urls.inbox}\nTin nhắn Zalo/SMS đến điện thoại công dân (giả lập): ${result.urls.phones}\nTrang tra cứu hồ sơ của công dân: ${result.urls.citizens}\nBàn làm việc của cán bộ (đăng nhập bằng tài khoản mẫu): ${result.urls.console}\nTrang duyệt phiếu xin lỗi: ${result.urls.approval} (đường dẫn trong từng thư)\nDynamoDB (dynalite): ${result.urls.dynamodb}\n` +
      (await demoAccounts(runtime)) +
      (options.inMemory ? '' : dataHint(options)) +
      'Nhấn Ctrl-C để dừng.\n',
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await runtime.close();
  io.out('Đã dừng.\n');
}

/** `dunghan start` (npm start). */
export const registerStart: Register = (program, io) => {
  program
    .command('start')
    .summary('The whole pipeline locally (npm start)')
    .description(
      'Run the whole pipeline locally with no AWS account (npm start): dynalite and the SES emulator on loopback, ' +
        'a year of sample dossiers shaped after the seed report replayed through the same handlers on a simulated ' +
        'clock, the detector every working day, simulated officials approving apologies on the approval page; ' +
        'then a summary per field, and the inbox and approval page stay up until Ctrl-C.',
    )
    .option('--seed <n>', 'sample data seed (same seed, same data)', '2022')
    .option('--days <n>', 'days to simulate', '365')
    .option('--from <date>', 'first simulated day (YYYY-MM-DD)', '2022-01-01')
    .option('--speed <days/s>', 'simulated days per second; 0 = as fast as possible', '0')
    .option('--scale <x>', 'dossier volume relative to the seed report (1 = a district and three communes)', '1')
    .option('--approval-rate <0..1>', 'share of drafted apologies the simulated officials approve', '0.6')
    .option('--once', 'exit after the summary')
    .option('--json', 'print the result as JSON instead of the table')
    .option(
      '--data-dir <dir>',
      'where the simulated data stays for the other commands (emptied at each start)',
      '.dunghan',
    )
    .option('--keep-data', 'continue on the data already in --data-dir instead of starting afresh')
    .option('--in-memory', 'keep nothing on disk')
    .option('--dynamo-port <port>', 'dynalite port (0 = any free port)', '8000')
    .option('--ses-port <port>', 'SES emulator and web inbox port', '8005')
    .option('--api-port <port>', 'approval page port', '8080')
    .action(async (options) => runStart(options, io));
};
