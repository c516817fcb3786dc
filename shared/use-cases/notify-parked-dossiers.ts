import { escapeHtml } from '../domain/vietnamese/format.ts';
import type { Clock } from '../ports/clock.ts';
import type { Mailer } from '../ports/mailer.ts';
import type { QuarantineStore } from '../ports/quarantine-store.ts';
import { VIETNAM_OFFSET_MS } from '../support/vietnam-time.ts';

export interface ParkedNoticeDeps {
  quarantine: QuarantineStore;
  mailer: Mailer;
  clock: Clock;
  config: { senderEmail: string; adminEmails: readonly string[] };
}

/**
 * Tells the administrators, once, which dossiers the detector parked after failing on them run after
 * run (ADR 0012): the dossier code, since when, how many runs, the last error, and what to do. The
 * notice is sent before the entries are marked, so a crash in between only repeats the notice.
 */
export async function notifyParkedDossiers(deps: ParkedNoticeDeps): Promise<{ notified: string[] }> {
  if (deps.config.adminEmails.length === 0) return { notified: [] };
  const fresh = (await deps.quarantine.listQuarantine()).filter((q) => q.parkedAt && !q.notifiedAt);
  if (fresh.length === 0) return { notified: [] };
  const when = (iso: string) =>
    new Date(Date.parse(iso) + VIETNAM_OFFSET_MS)
      .toISOString()
      .replace(/^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}).*$/, '$3/$2/$1 $4');
  const lines = fresh.map(
    (q) => `- ${q.dossierId}: lỗi ${q.failures} lần liên tiếp từ ${when(q.firstAt)}; lỗi gần nhất: ${q.reason}`,
  );
  const text = [
    `Bộ phát hiện đã tạm dừng theo dõi ${fresh.length} hồ sơ vì xử lý bị lỗi nhiều lần liên tiếp.`,
    'Các hồ sơ khác vẫn được theo dõi bình thường. Với các hồ sơ dưới đây, cán bộ cần kiểm tra thời hạn thủ công',
    'cho đến khi lỗi được khắc phục, rồi chạy lại: dunghan quarantine retry <mã hồ sơ> (thêm --aws trên hệ thống thật).',
    '',
    ...lines,
  ].join('\n');
  await deps.mailer.send({
    from: deps.config.senderEmail,
    to: [...deps.config.adminEmails],
    subject: `Đúng Hạn: ${fresh.length} hồ sơ bị tạm dừng theo dõi do lỗi`,
    text,
    html: `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"></head><body><pre style="white-space:pre-wrap;font-family:inherit">${escapeHtml(text)}</pre></body></html>`,
    messageId: `<parked-${fresh
      .map((q) => q.dossierId)
      .join('-')
      .slice(0, 120)
      .replace(/[^A-Za-z0-9.-]/g, '_')}@dunghan>`,
  });
  const at = new Date(deps.clock.now()).toISOString();
  await deps.quarantine.markNotified(
    fresh.map((q) => q.dossierId),
    at,
  );
  return { notified: fresh.map((q) => q.dossierId) };
}
