import type { TimelinessSection } from '../reports/build-report.ts';
import { formatRate, formatScore, timeLeftVi, vnDate, vnDateTime } from '../reports/report-tables.ts';
import { type DossierAtRisk, emptyTimeliness, timelinessPoints, timelinessRate } from '../reports/timeliness.ts';
import { escapeHtml, formatCount } from '../vietnamese/format.ts';

/** The weekly mail to a unit's head: the QĐ 766 score so far, its forecast, the dossiers at risk. */
export interface TimelinessDigest {
  subject: string;
  text: string;
  html: string;
}

/** How many dossiers at risk one head's mail lists (the report lists more). */
export const DIGEST_AT_RISK = 15;

/**
 * One head's weekly section (issue #19): the unit's indicator for the running period, the end-of-period
 * forecast if every open dossier finishes at its appointment, on time two ways, and the open dossiers it
 * received or holds that would cost the most points if late. Undefined when the unit has nothing counted
 * and nothing at risk.
 */
export function composeTimelinessDigest(
  unit: { id: string; name: string; headName: string; headTitle: string },
  section: TimelinessSection,
  period: { from: string; to: string; label: string; asOf: number },
): TimelinessDigest | undefined {
  const counts = section.byUnit.find((u) => u.id === unit.id)?.counts ?? emptyTimeliness();
  const atRisk: DossierAtRisk[] = section.atRisk
    .filter((d) => d.unitId === unit.id || d.holderId === unit.id)
    .slice(0, DIGEST_AT_RISK);
  if (counts.counted === 0 && atRisk.length === 0) return undefined;
  const { rules } = section;
  const max = formatScore(rules.maxPoints).replace(/,00$/, '');
  const score = formatScore(timelinessPoints(rules, counts.onTime, counts.counted));
  const forecast = formatScore(timelinessPoints(rules, counts.forecastOnTime, counts.forecastCounted));
  const lines =
    counts.counted === 0
      ? [
          `${unit.name} không tiếp nhận hồ sơ nào trong kỳ; các hồ sơ dưới đây do đơn vị khác tiếp nhận, đang ở ${unit.name} và được tính vào điểm của đơn vị tiếp nhận.`,
        ]
      : [
          `Điểm hiện tại: ${score}/${max} — ${formatCount(counts.onTime)}/${formatCount(counts.counted)} hồ sơ đúng hạn, trong hạn (${formatRate(timelinessRate(counts.onTime, counts.counted))}).`,
          `Dự báo cuối kỳ nếu mọi hồ sơ đang giải quyết xong đúng ngày hẹn: ${forecast}/${max}.`,
          `Đúng hạn theo thời hạn luật định: ${formatRate(timelinessRate(counts.legalOnTime, counts.counted))}; theo ngày hẹn lại hợp lệ: ${formatRate(timelinessRate(counts.reappointedOnTime, counts.counted))}.`,
        ];
  const riskLine = (d: DossierAtRisk) =>
    `${d.id} — ${d.field}; ${d.step ? `bước ${d.step.number}/${d.step.of}, ` : ''}đang ở: ${d.holderName}; phải xong trước ${vnDateTime(d.deadline)} (${timeLeftVi(d.deadline, period.asOf)}); ${d.unitId === unit.id ? '' : `${d.unitName} `}mất ${formatScore(d.points)} điểm nếu quá hạn`;
  const subject =
    counts.counted === 0
      ? `[Đúng Hạn] Tiến độ giải quyết ${period.label}: ${formatCount(atRisk.length)} hồ sơ đang ở đơn vị cần xong đúng hẹn — ${unit.name}`
      : `[Đúng Hạn] Tiến độ giải quyết ${period.label}: ${score}/${max} điểm, dự báo ${forecast} — ${unit.name}`;
  const intro = `Kính gửi ${unit.headTitle} ${unit.headName},`;
  const about = `Chỉ số tiến độ giải quyết (Bộ chỉ số 766, nhóm 2, tối đa ${max} điểm) của ${unit.name}, kỳ ${period.label} (từ ${vnDate(period.from)} đến ${vnDate(period.to)}), tính đến ${vnDateTime(new Date(period.asOf).toISOString())}:`;
  const riskTitle =
    atRisk.length > 0
      ? `${formatCount(atRisk.length)} hồ sơ đang trong hạn sẽ làm mất điểm nhiều nhất nếu quá hạn (ưu tiên xử lý):`
      : 'Không có hồ sơ đang giải quyết nào của đơn vị có nguy cơ làm mất điểm.';
  const footer =
    'Cách tính và nguồn của từng quy tắc: bảng "Biểu 5a" trong báo cáo (dunghan report). Thư này được gửi tự động mỗi tuần một lần.';
  const text = [
    intro,
    '',
    about,
    ...lines.map((l) => `  - ${l}`),
    '',
    riskTitle,
    ...atRisk.map((d, i) => `  ${i + 1}. ${riskLine(d)}`),
    '',
    footer,
  ].join('\n');
  const html = [
    '<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"></head>',
    '<body style="font-family:\'Times New Roman\',serif;max-width:640px">',
    `<p>${escapeHtml(intro)}</p>`,
    `<p>${escapeHtml(about)}</p>`,
    `<ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`,
    `<p><b>${escapeHtml(riskTitle)}</b></p>`,
    atRisk.length > 0 ? `<ol>${atRisk.map((d) => `<li>${escapeHtml(riskLine(d))}</li>`).join('')}</ol>` : '',
    `<p style="color:#555">${escapeHtml(footer)}</p>`,
    '</body></html>',
  ].join('');
  return { subject, text, html };
}
