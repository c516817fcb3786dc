import { simulate, summaryTable } from '../local/simulate.ts';
import { BadInputError } from './errors.ts';

export interface StartOptions {
  seed: string;
  days: string;
  from: string;
  speed: string;
  once?: boolean;
  json?: boolean;
  dataDir?: string;
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
    dataDir: options.dataDir,
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
    io.out(`${summaryTable(result.fields)}\n\n`);
    io.out(
      `Sự kiện: ${result.generatedEvents} sinh ra = ${result.ingested} đã nhận + ${result.duplicates} trùng + ${result.deadLettered} bị loại ` +
        `(${result.reconciled ? 'khớp' : 'KHÔNG KHỚP'}). Bộ phát hiện chạy ${result.detectorRuns} lần; ${result.approvals} phiếu xin lỗi được duyệt; ${result.emails} thư đã gửi.\n` +
        'PXL = phiếu xin lỗi; “PXL thiếu” = hồ sơ trễ hoặc đang quá hạn mà công dân chưa nhận phiếu; “Không hẹn” = giấy tiếp nhận không ghi ngày hẹn.\n\n',
    );
  }
  if (options.once) {
    await runtime.close();
    if (!result.reconciled) throw new Error('the summary does not reconcile with the generated events');
    return;
  }
  io.out(
    `Hộp thư (SES emulator): ${result.urls.inbox}\nTrang duyệt phiếu xin lỗi: ${result.urls.approval} (đường dẫn trong từng thư)\nDynamoDB (dynalite): ${result.urls.dynamodb}\nNhấn Ctrl-C để dừng.\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await runtime.close();
  io.out('Đã dừng.\n');
}
