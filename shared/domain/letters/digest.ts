import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import type { DossierRecord, NotificationKind } from '../dossier/dossier-record.ts';
import type { ResponsibleUnit } from '../dossier/responsibility.ts';
import { escapeHtml, formatCount, shortDateTime, workingTimeVi } from '../vietnamese/format.ts';
import { type ApologyLetter, renderLetterHtml, renderLetterText } from './apology-letter.ts';
import { type ControlSlip, renderSlipTable, renderSlipText } from './control-slip.ts';

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

/**
 * Draft letters attached to one digest at most, the most urgent dossiers' first: a backlog (an import, a
 * land registry office's hundreds of late files) would otherwise attach hundreds of .docx — megabytes a
 * mail server may refuse (many cap messages at 10–25 MB) and no one opens. The others are written on
 * their approval pages. Letters the desk must print are always attached.
 */
export const MAX_ATTACHED_DRAFTS = 20;

/** Alerts a more urgent one of the same dossier makes moot: "sắp đến hạn" says nothing once it is overdue. */
const MOOT_BESIDE: Partial<Record<NotificationKind, readonly NotificationKind[]>> = {
  due_soon: ['overdue', 'second_overrun'],
  overdue: ['second_overrun'],
};

/**
 * An official's digest for one detector run: subject, text and HTML, in Vietnamese. One entry per
 * dossier, however many of its alerts the run sends (several stages at once after missed runs, a late
 * import, a short time limit): its most urgent alert as the headline, the others after "Đồng thời", and
 * its details, slip, approval link and printable letter once.
 */
export function buildDigest(
  officialName: string,
  unordered: readonly DigestItem[],
  calendar: WorkingCalendar,
  now: number,
): { subject: string; text: string; html: string; attachments: { dossierId: string; letter: ApologyLetter }[] } {
  // The most urgent first (issue #16); the order the run found them in otherwise.
  const items = [...unordered].sort((a, b) => URGENCY.indexOf(a.kind) - URGENCY.indexOf(b.kind));
  const groups = new Map<string, DigestItem[]>();
  for (const item of items) {
    const id = item.record.state.dossierId;
    const group = groups.get(id);
    if (group) group.push(item);
    else groups.set(id, [item]);
  }
  const overdue = [...groups.values()].filter((g) =>
    g.some((i) => i.kind === 'overdue' || i.kind === 'second_overrun'),
  ).length;
  const subject = `[Đúng Hạn] ${formatCount(groups.size)} hồ sơ cần xử lý${overdue > 0 ? `, ${formatCount(overdue)} quá hạn` : ''} — ${shortDateTime(calendar, now)}`;
  const entries = [...groups.values()].map((group) => describe(group, calendar, now));
  // The letters to attach: every printable one; the drafts of the most urgent dossiers up to the limit.
  const drafts = entries.filter((d) => !d.letter && d.draft);
  const attachments = [...entries.filter((d) => d.letter), ...drafts.slice(0, MAX_ATTACHED_DRAFTS)].map((d) => ({
    dossierId: d.code,
    letter: (d.letter ?? d.draft) as ApologyLetter,
  }));
  const footer =
    attachments.length === 0
      ? 'Thư này được gửi tự động.'
      : drafts.length > MAX_ATTACHED_DRAFTS
        ? `Thư này được gửi tự động; phiếu xin lỗi dự thảo của ${formatCount(MAX_ATTACHED_DRAFTS)} hồ sơ khẩn nhất được đính kèm dưới dạng .docx để chỉnh sửa và ký; đề nghị đồng chí xem, sửa và duyệt phiếu của ${formatCount(drafts.length - MAX_ATTACHED_DRAFTS)} hồ sơ còn lại qua nút “Xem, sửa và duyệt phiếu xin lỗi” của từng hồ sơ.`
        : 'Thư này được gửi tự động; phiếu xin lỗi đính kèm dưới dạng .docx để chỉnh sửa, ký hoặc in.';
  const text = [
    `Kính gửi ${officialName},`,
    '',
    `Hệ thống Đúng Hạn ghi nhận ${formatCount(groups.size)} hồ sơ cần đồng chí xử lý:`,
    '',
    ...entries.flatMap((d, index) => [
      `${index + 1}. ${d.headline}`,
      ...(d.also ? [`   ${d.also}`] : []),
      `   Hồ sơ ${d.code} — ${d.procedure}`,
      `   ${d.due}`,
      ...(d.extended ? [`   ${d.extended}`] : []),
      ...d.notes.map((note) => `   ${note}`),
      ...(d.slip
        ? ['   Phiếu kiểm soát quá trình giải quyết hồ sơ:', ...renderSlipText(d.slip).map((l) => `     ${l}`)]
        : []),
      ...(d.approvalUrl ? [`   Duyệt phiếu xin lỗi: ${d.approvalUrl}`] : []),
      ...(d.letter ? ['', renderLetterText(d.letter), ''] : []),
      '',
    ]),
    'Theo Nghị định 61/2018/NĐ-CP (nay là Nghị định 118/2025/NĐ-CP), hồ sơ có thể trễ hạn phải được thông báo và gửi phiếu xin lỗi cho công dân chậm nhất 01 ngày trước hạn, nêu rõ lý do và ngày hẹn trả mới; chỉ được hẹn lại một lần.',
    '',
    footer,
  ].join('\n');
  const e = escapeHtml;
  const html = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${e(subject)}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222">
<p>Kính gửi ${e(officialName)},</p>
<p>Hệ thống Đúng Hạn ghi nhận <b>${formatCount(groups.size)}</b> hồ sơ cần đồng chí xử lý:</p>
<ol>
${entries
  .map(
    (d) =>
      `<li style="margin-bottom:12px"><b>${e(d.headline)}</b>${d.also ? `<br>${e(d.also)}` : ''}<br>Hồ sơ <b>${e(d.code)}</b> — ${e(d.procedure)}<br>${e(d.due)}${
        d.extended ? `<br>${e(d.extended)}` : ''
      }${d.notes.map((note) => `<br>${e(note)}`).join('')}${
        d.slip
          ? `<div style="margin-top:8px"><b>Phiếu kiểm soát quá trình giải quyết hồ sơ</b>${renderSlipTable(d.slip)}</div>`
          : ''
      }${d.approvalUrl ? `<br><a href="${e(d.approvalUrl)}" style="${BUTTON}">Xem, sửa và duyệt phiếu xin lỗi</a>` : ''}${
        d.letter ? `<div style="margin-top:8px">${renderLetterHtml(d.letter)}</div>` : ''
      }</li>`,
  )
  .join('\n')}
</ol>
<p style="color:#555">Theo Nghị định 61/2018/NĐ-CP (nay là Nghị định 118/2025/NĐ-CP), hồ sơ có thể trễ hạn phải được thông báo và gửi phiếu xin lỗi cho công dân chậm nhất 01 ngày trước hạn, nêu rõ lý do và ngày hẹn trả mới; chỉ được hẹn lại một lần.</p>
<p style="color:#555">${e(footer)}</p>
</body></html>`;
  return { subject, text, html, attachments };
}

/** One dossier's entry: its alerts, most urgent first, and what they say about it, each once. */
function describe(group: readonly DigestItem[], calendar: WorkingCalendar, now: number) {
  const lead = group[0] as DigestItem;
  const { state } = lead.record;
  const kinds = [...new Set(group.map((i) => i.kind))];
  const headlines = kinds.filter((k) => !MOOT_BESIDE[k]?.some((m) => kinds.includes(m))).map((k) => HEADLINE[k]);
  const due = Date.parse(state.dueAt ?? state.originalDueAt ?? '');
  const printable = group.find((i) => i.letter && printsLetter(i.kind));
  return {
    headline: headlines[0] ?? HEADLINE[lead.kind],
    also: headlines.length > 1 ? `Đồng thời: ${headlines.slice(1).join('; ')}` : '',
    procedure: state.received?.procedure.name ?? '',
    code: state.dossierId,
    due: `Hạn trả kết quả: ${shortDateTime(calendar, due)} (${timeLeftVi(calendar, due, now)})`,
    extended: lead.record.extendedDueAt
      ? `Ngày hẹn lại: ${shortDateTime(calendar, Date.parse(lead.record.extendedDueAt))}`
      : '',
    notes: [
      ...new Set([
        ...group.flatMap((item) => stepLines(item, calendar, now)),
        ...group.flatMap((item) => responsibleLines(item, calendar, now)),
        ...group.flatMap(standInLines),
      ]),
    ],
    slip: group.find((i) => i.slip)?.slip,
    approvalUrl: group.find((i) => i.approvalUrl)?.approvalUrl,
    letter: printable?.letter,
    /** The draft to attach, when the run drafted or re-sends one (a due-soon alert carries it). */
    draft: group.find((i) => i.letter && i.kind === 'due_soon')?.letter,
  };
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
