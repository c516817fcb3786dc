import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import type { DossierRecord, NotificationKind } from '../dossier/dossier-record.ts';
import type { ResponsibleUnit } from '../dossier/responsibility.ts';
import { type ApologyLetter, renderLetterHtml, renderLetterText } from './apology-letter.ts';
import { type ControlSlip, renderSlipTable, renderSlipText } from './control-slip.ts';
import { escapeHtml, formatCount, shortDateTime, workingTimeVi } from './vietnamese-format.ts';

/** One dossier in an official's digest. */
export interface DigestItem {
  record: DossierRecord;
  kind: NotificationKind;
  /** The draft (or approved) letter for this dossier, when there is one to attach. */
  letter?: ApologyLetter | undefined;
  /** Signed link to the approval page, for drafts. */
  approvalUrl?: string | undefined;
  /** The inter-agency step (0-based) a step alert is about. */
  step?: number | undefined;
  /** The unit answering for the delay, when one is late (responsibility.ts). */
  responsible?: ResponsibleUnit | undefined;
  /** Units missing from the directory whose alerts this desk receives instead. */
  standingInFor?: { unitId: string; unitName: string }[] | undefined;
  /** An inter-agency dossier's process-control slip (shown once per dossier in a digest). */
  slip?: ControlSlip | undefined;
}

/** Digest order, most urgent first. */
const URGENCY: readonly NotificationKind[] = [
  'second_overrun',
  'overdue',
  'apology_deadline_missed',
  'step_overdue',
  'apology_unconfirmed',
  'apology_letter_for_desk',
  'due_soon',
  'step_due_soon',
  'apology_to_citizen',
];

/** A link that looks like a button in mail clients (inline styles only). */
const BUTTON =
  'display:inline-block;margin-top:6px;padding:10px 16px;background:#0b6bcb;color:#ffffff;border-radius:6px;text-decoration:none;font-weight:bold';

/**
 * "còn 2 ngày làm việc"; "đã hết hạn" from the due instant until a working minute has passed (at 17:00,
 * or 17:15 after closing); then "đã quá hạn 3 giờ làm việc".
 */
export function timeLeftVi(calendar: WorkingCalendar, due: number, now: number): string {
  if (due > now) return `còn ${workingTimeVi(calendar, now, due)}`;
  if (calendar.officePositionOfInstant(now) <= calendar.officePositionOfInstant(due)) return 'đã hết hạn';
  return `đã quá hạn ${workingTimeVi(calendar, due, now)}`;
}

const HEADLINE: Record<NotificationKind, string> = {
  due_soon: 'Sắp đến hạn trả kết quả — đã soạn sẵn phiếu xin lỗi',
  apology_deadline_missed: 'Đã qua thời điểm phải gửi phiếu xin lỗi (chậm nhất 01 ngày trước hạn)',
  overdue: 'Quá hạn trả kết quả',
  second_overrun: 'Quá cả ngày hẹn lại — không được hẹn lại lần thứ hai',
  apology_to_citizen: 'Phiếu xin lỗi gửi công dân',
  apology_zns: 'Phiếu xin lỗi gửi công dân qua Zalo',
  apology_sms: 'Phiếu xin lỗi gửi công dân qua tin nhắn SMS',
  apology_letter_for_desk:
    'Phiếu xin lỗi cần in và trao cho công dân (không gửi được qua email, Zalo hoặc tin nhắn SMS)',
  step_due_soon: 'Bước xử lý liên thông của đơn vị sắp đến hạn',
  step_overdue: 'Bước xử lý liên thông đã quá thời hạn được giao',
  apology_unconfirmed:
    'Chưa xác nhận được phiếu xin lỗi đã đến công dân (hệ thống bị gián đoạn khi gửi qua email, Zalo hoặc SMS): đề nghị liên hệ công dân và trao phiếu in nếu chưa nhận — hệ thống không tự gửi lại để tránh gửi trùng',
};

/** Kinds whose digest item carries the printable letter for the desk to hand over. */
export function printsLetter(kind: NotificationKind): boolean {
  return kind === 'apology_letter_for_desk' || kind === 'apology_unconfirmed';
}

/** An official's digest for one detector run: subject, text and HTML, in Vietnamese. */
export function buildDigest(
  officialName: string,
  unordered: readonly DigestItem[],
  calendar: WorkingCalendar,
  now: number,
): { subject: string; text: string; html: string } {
  // The most urgent first (issue #16); the order the run found them in otherwise.
  const items = [...unordered].sort((a, b) => URGENCY.indexOf(a.kind) - URGENCY.indexOf(b.kind));
  // The subject counts dossiers, not notices: one dossier may owe several in one run.
  const dossiers = new Set(items.map((i) => i.record.state.dossierId)).size;
  const overdue = new Set(
    items.filter((i) => i.kind === 'overdue' || i.kind === 'second_overrun').map((i) => i.record.state.dossierId),
  ).size;
  const subject = `[Đúng Hạn] ${formatCount(dossiers)} hồ sơ cần xử lý${overdue > 0 ? `, ${formatCount(overdue)} quá hạn` : ''} — ${shortDateTime(calendar, now)}`;
  const describe = (item: DigestItem) => {
    const { state } = item.record;
    const due = Date.parse(state.dueAt ?? state.originalDueAt ?? '');
    const left = timeLeftVi(calendar, due, now);
    return {
      headline: HEADLINE[item.kind],
      procedure: state.received?.procedure.name ?? '',
      code: state.dossierId,
      due: `Hạn trả kết quả: ${shortDateTime(calendar, due)} (${left})`,
      extended: item.record.extendedDueAt
        ? `Ngày hẹn lại: ${shortDateTime(calendar, Date.parse(item.record.extendedDueAt))}`
        : '',
      notes: [...stepLines(item, calendar, now), ...responsibleLines(item, calendar, now), ...standInLines(item)],
    };
  };
  const text = [
    `Kính gửi ${officialName},`,
    '',
    `Hệ thống Đúng Hạn ghi nhận ${formatCount(dossiers)} hồ sơ cần đồng chí xử lý:`,
    '',
    ...items.flatMap((item, index) => {
      const d = describe(item);
      return [
        `${index + 1}. ${d.headline}`,
        `   Hồ sơ ${d.code} — ${d.procedure}`,
        `   ${d.due}`,
        ...(d.extended ? [`   ${d.extended}`] : []),
        ...d.notes.map((note) => `   ${note}`),
        ...(slipShown(items, index)
          ? [
              '   Phiếu kiểm soát quá trình giải quyết hồ sơ:',
              ...renderSlipText(item.slip as ControlSlip).map((l) => `     ${l}`),
            ]
          : []),
        ...(item.approvalUrl ? [`   Duyệt phiếu xin lỗi: ${item.approvalUrl}`] : []),
        ...(item.letter && printsLetter(item.kind) ? ['', renderLetterText(item.letter), ''] : []),
        '',
      ];
    }),
    'Theo Nghị định 61/2018/NĐ-CP (nay là Nghị định 118/2025/NĐ-CP), hồ sơ có thể trễ hạn phải được thông báo và gửi phiếu xin lỗi cho công dân chậm nhất 01 ngày trước hạn, nêu rõ lý do và ngày hẹn trả mới; chỉ được hẹn lại một lần.',
    '',
    'Thư này được gửi tự động; phiếu xin lỗi dự thảo đính kèm dưới dạng .docx để chỉnh sửa và ký.',
  ].join('\n');
  const e = escapeHtml;
  const html = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${e(subject)}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222">
<p>Kính gửi ${e(officialName)},</p>
<p>Hệ thống Đúng Hạn ghi nhận <b>${formatCount(dossiers)}</b> hồ sơ cần đồng chí xử lý:</p>
<ol>
${items
  .map((item, index) => {
    const d = describe(item);
    return `<li style="margin-bottom:12px"><b>${e(d.headline)}</b><br>Hồ sơ <b>${e(d.code)}</b> — ${e(d.procedure)}<br>${e(d.due)}${
      d.extended ? `<br>${e(d.extended)}` : ''
    }${d.notes.map((note) => `<br>${e(note)}`).join('')}${
      slipShown(items, index)
        ? `<div style="margin-top:8px"><b>Phiếu kiểm soát quá trình giải quyết hồ sơ</b>${renderSlipTable(item.slip as ControlSlip)}</div>`
        : ''
    }${item.approvalUrl ? `<br><a href="${e(item.approvalUrl)}" style="${BUTTON}">Xem, sửa và duyệt phiếu xin lỗi</a>` : ''}${
      item.letter && printsLetter(item.kind) ? `<div style="margin-top:8px">${renderLetterHtml(item.letter)}</div>` : ''
    }</li>`;
  })
  .join('\n')}
</ol>
<p style="color:#555">Theo Nghị định 61/2018/NĐ-CP (nay là Nghị định 118/2025/NĐ-CP), hồ sơ có thể trễ hạn phải được thông báo và gửi phiếu xin lỗi cho công dân chậm nhất 01 ngày trước hạn, nêu rõ lý do và ngày hẹn trả mới; chỉ được hẹn lại một lần.</p>
<p style="color:#555">Thư này được gửi tự động; phiếu xin lỗi dự thảo đính kèm dưới dạng .docx để chỉnh sửa và ký.</p>
</body></html>`;
  return { subject, text, html };
}

/** A step alert's own limit: which step, which unit, its due date and how much time is left or over. */
function stepLines(item: DigestItem, calendar: WorkingCalendar, now: number): string[] {
  const step = item.step === undefined ? undefined : item.record.state.steps[item.step];
  if (!step) return [];
  const due = Date.parse(step.dueAt);
  const end = step.finishedAt ? Date.parse(step.finishedAt) : now;
  const left = timeLeftVi(calendar, due, end);
  return [
    `Bước ${item.step === undefined ? '' : item.step + 1}: ${step.unitName ?? step.unitId} — hạn của bước: ${shortDateTime(calendar, due)} (${left}${step.finishedAt ? `, đã chuyển tiếp lúc ${shortDateTime(calendar, end)}` : ''})`,
  ];
}

/** The unit answering for the delay (the first whose own step overran; else the unit holding the dossier). */
function responsibleLines(item: DigestItem, calendar: WorkingCalendar, now: number): string[] {
  const who = item.responsible;
  if (!who) return [];
  const due = Date.parse(who.dueAt);
  const end = who.until ? Date.parse(who.until) : now;
  return [
    `Đơn vị chịu trách nhiệm về sự chậm trễ: ${who.unitName}${who.step ? ` (bước ${who.step})` : ''}, quá hạn ${workingTimeVi(calendar, due, end)}`,
  ];
}

/** Why this desk receives another unit's alerts: that unit is not in the directory. */
function standInLines(item: DigestItem): string[] {
  return (item.standingInFor ?? []).map(
    (u) =>
      `Lưu ý: đơn vị ${u.unitName} (mã ${u.unitId}) chưa có trong danh bạ đơn vị nên cảnh báo được gửi đến bộ phận tiếp nhận hồ sơ; đề nghị chuyển thông tin cho đơn vị và báo quản trị viên bổ sung danh bạ.`,
  );
}

/** Whether this item shows its dossier's slip: it has one, and no earlier item of the digest showed it. */
function slipShown(items: readonly DigestItem[], index: number): boolean {
  const item = items[index];
  if (!item?.slip) return false;
  const id = item.record.state.dossierId;
  return !items.slice(0, index).some((i) => i.slip && i.record.state.dossierId === id);
}
