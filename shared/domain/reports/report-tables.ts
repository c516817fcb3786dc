import { VIETNAM_OFFSET_MS, vietnamDayStart } from '../../support/vietnam-time.ts';
import { formatCount } from '../vietnamese/format.ts';
import type { AnnexCounts, ComplianceCounts, Report, StepTimeliness, TimelinessSection } from './build-report.ts';
import {
  TIMELINESS_RULE_IDS,
  TIMELINESS_RULES,
  TIMELINESS_SOURCE,
  type TimelinessCounts,
  timelinessPoints,
  timelinessRate,
} from './timeliness.ts';

/** A column: its Vietnamese header, what it holds, and its width in characters (for spreadsheets). */
export interface ReportColumn {
  header: string;
  /** `score`: an average of points (TT 01/2018 Điều 13), two decimals. */
  kind: 'index' | 'text' | 'count' | 'rate' | 'score';
  width: number;
}

/** One table of a report, in the form every format renders. A rate is a fraction, or null (no dossiers). */
export interface ReportTable {
  /** A spreadsheet sheet name (≤ 31 characters). */
  sheet: string;
  title: string;
  /** Header groups over the columns (the annex's two-row header), spans adding up to the columns. */
  groups?: { title: string; span: number }[] | undefined;
  columns: ReportColumn[];
  rows: (string | number | null)[][];
  total: (string | number | null)[];
}

const TOTAL = 'Tổng cộng';
const vnPercent = new Intl.NumberFormat('vi-VN', { style: 'percent', maximumFractionDigits: 1 });

const vnScore = new Intl.NumberFormat('vi-VN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** "1,50", or "—" when there is nothing to average. */
export function formatScore(score: number | null): string {
  return score === null ? '—' : vnScore.format(score);
}

/** TT 01/2018 Điều 13 index 2 of a unit: the mean of 2 (shorter than allotted), 1 (equal), 0 (longer). */
export function stepScore(c: StepTimeliness): number | null {
  const n = c.early + c.onTime + c.late;
  return n === 0 ? null : (2 * c.early + c.onTime) / n;
}

/** "58,1%", or "—" when there is nothing to divide. */
export function formatRate(rate: number | null): string {
  return rate === null ? '—' : vnPercent.format(rate);
}

/** Share of the dossiers handled (resolved or still in progress) that were or are overdue. */
export function overdueRate(c: AnnexCounts): number | null {
  const handled = c.resolved + c.inProgress;
  return handled === 0 ? null : (c.late + c.inProgressOverdue) / handled;
}

/** "01/01/2022" from "2022-01-01". */
export function vnDate(day: string): string {
  return `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;
}

const annexColumns = (label: string): ReportColumn[] => [
  { header: 'STT', kind: 'index', width: 5 },
  { header: label, kind: 'text', width: 44 },
  { header: 'Tổng số', kind: 'count', width: 10 },
  { header: 'Kỳ trước chuyển qua', kind: 'count', width: 12 },
  { header: 'Trực tuyến', kind: 'count', width: 11 },
  { header: 'Trực tiếp, dịch vụ bưu chính', kind: 'count', width: 14 },
  { header: 'Tổng số', kind: 'count', width: 10 },
  { header: 'Trước hạn', kind: 'count', width: 10 },
  { header: 'Đúng hạn', kind: 'count', width: 10 },
  { header: 'Quá hạn', kind: 'count', width: 10 },
  { header: 'Rút hồ sơ, từ chối', kind: 'count', width: 11 },
  { header: 'Tổng số', kind: 'count', width: 10 },
  { header: 'Trong hạn', kind: 'count', width: 10 },
  { header: 'Quá hạn', kind: 'count', width: 10 },
];

const ANNEX_GROUPS = [
  { title: '', span: 2 },
  { title: 'Số hồ sơ nhận giải quyết', span: 4 },
  { title: 'Số hồ sơ đã giải quyết', span: 5 },
  { title: 'Số hồ sơ đang giải quyết', span: 3 },
];

const annexCells = (c: AnnexCounts) => [
  c.received,
  c.carriedOver,
  c.online,
  c.inPerson,
  c.resolved,
  c.early,
  c.onTime,
  c.late,
  c.withdrawn,
  c.inProgress,
  c.inProgressWithinTime,
  c.inProgressOverdue,
];

function annexTable(
  sheet: string,
  title: string,
  label: string,
  rows: { label: string; counts: AnnexCounts }[],
  total: AnnexCounts,
): ReportTable {
  return {
    sheet,
    title,
    groups: ANNEX_GROUPS,
    columns: annexColumns(label),
    rows: rows.map((r, i) => [i + 1, r.label, ...annexCells(r.counts)]),
    total: ['', TOTAL, ...annexCells(total)],
  };
}

const complianceCells = (c: ComplianceCounts) => [
  c.apologyNeeded,
  c.apologyInTime,
  c.apologyLate,
  c.apologyMissing,
  c.receiptWithoutAppointment,
  c.appointmentBeyondLimit,
  c.unexplainedReappointments,
  c.lateHandovers,
  c.secondOverruns,
];

const timelinessCells = (c: StepTimeliness) => [c.early + c.onTime + c.late, c.early, c.onTime, c.late, stepScore(c)];

/** "còn 3 ngày", "còn 5 giờ" from an instant to a deadline (calendar time: a list, not a legal count). */
export function timeLeftVi(deadline: string, asOf: number): string {
  const hours = Math.max(0, (Date.parse(deadline) - asOf) / 3_600_000);
  return hours < 24 ? `còn ${Math.ceil(hours)} giờ` : `còn ${Math.floor(hours / 24)} ngày`;
}

/** "31/12/2025 16:30" (Vietnam time) from an instant. */
export function vnDateTime(iso: string): string {
  const local = new Date(Date.parse(iso) + VIETNAM_OFFSET_MS).toISOString();
  return `${vnDate(local.slice(0, 10))} ${local.slice(11, 16)}`;
}

/** A unit's or the total's QĐ 766 cells: counted, on time, late, rate, points (and the forecast). */
function indicatorCells(section: TimelinessSection, c: TimelinessCounts) {
  const { rules } = section;
  return [
    c.counted,
    c.onTime,
    c.counted - c.onTime,
    timelinessRate(c.onTime, c.counted),
    timelinessPoints(rules, c.onTime, c.counted),
    ...(section.forecast
      ? [
          timelinessRate(c.forecastOnTime, c.forecastCounted),
          timelinessPoints(rules, c.forecastOnTime, c.forecastCounted),
        ]
      : []),
  ];
}

/** On time counted two ways: by the legal due date and after the one lawful re-appointment. */
function twoWayCells(c: TimelinessCounts) {
  const legal = timelinessRate(c.legalOnTime, c.counted);
  const after = timelinessRate(c.reappointedOnTime, c.counted);
  return [
    c.counted,
    c.legalOnTime,
    legal,
    c.reappointedOnTime,
    after,
    c.reappointedOnTime - c.legalOnTime,
    legal === null || after === null ? null : after - legal,
  ];
}

function twoWayColumns(label: string): ReportColumn[] {
  return [
    { header: 'STT', kind: 'index', width: 5 },
    { header: label, kind: 'text', width: 44 },
    { header: 'Hồ sơ tính', kind: 'count', width: 10 },
    { header: 'Đúng hạn theo thời hạn luật định', kind: 'count', width: 13 },
    { header: 'Tỷ lệ', kind: 'rate', width: 9 },
    { header: 'Đúng hạn theo ngày hẹn lại hợp lệ', kind: 'count', width: 13 },
    { header: 'Tỷ lệ', kind: 'rate', width: 9 },
    { header: 'Đúng hạn chỉ nhờ hẹn lại', kind: 'count', width: 12 },
    { header: 'Chênh lệch tỷ lệ', kind: 'rate', width: 10 },
  ];
}

/** Biểu 5: the indicator by unit, with the end-of-period forecast while the period runs. */
function indicatorTable(section: TimelinessSection): ReportTable {
  const max = formatScore(section.rules.maxPoints).replace(/,00$/, '');
  return {
    sheet: 'Biểu 5',
    title: `Biểu 5. Chỉ số tiến độ giải quyết (Bộ chỉ số 766, chỉ tiêu 2.1, tối đa ${max} điểm) theo đơn vị${
      section.forecast ? ', kèm dự báo cuối kỳ' : ''
    }`,
    columns: [
      { header: 'STT', kind: 'index', width: 5 },
      { header: 'Đơn vị', kind: 'text', width: 44 },
      { header: 'Hồ sơ tiếp nhận, xử lý trong kỳ', kind: 'count', width: 12 },
      { header: 'Đã và đang xử lý đúng hạn, trong hạn', kind: 'count', width: 13 },
      { header: 'Quá hạn', kind: 'count', width: 10 },
      { header: 'Tỷ lệ', kind: 'rate', width: 9 },
      { header: `Điểm (tối đa ${max})`, kind: 'score', width: 10 },
      ...(section.forecast
        ? ([
            { header: 'Dự báo tỷ lệ cuối kỳ', kind: 'rate', width: 11 },
            { header: 'Dự báo điểm cuối kỳ', kind: 'score', width: 11 },
          ] as ReportColumn[])
        : []),
    ],
    rows: section.byUnit.map((r, i) => [i + 1, r.label, ...indicatorCells(section, r.counts)]),
    total: ['', TOTAL, ...indicatorCells(section, section.total)],
  };
}

/**
 * The QĐ 766 tables (ADR 0020): the indicator by unit (with the end-of-period forecast while the period
 * runs), on time counted two ways by unit and by field, the rules in force with their sources, and the
 * open dossiers that would cost the most points if they went late.
 */
export function timelinessTables(section: TimelinessSection): ReportTable[] {
  const { rules } = section;
  const tables: ReportTable[] = [
    indicatorTable(section),
    {
      sheet: 'Biểu 5a',
      title: 'Biểu 5a. Quy tắc tính chỉ số tiến độ giải quyết đang áp dụng và nguồn',
      columns: [
        { header: 'STT', kind: 'index', width: 5 },
        { header: 'Quy tắc đang áp dụng', kind: 'text', width: 60 },
        { header: 'Bật', kind: 'text', width: 6 },
        { header: 'Nguồn', kind: 'text', width: 60 },
        { header: 'Mức chắc chắn', kind: 'text', width: 12 },
      ],
      rows: TIMELINESS_RULE_IDS.map((id, i) => {
        const text = TIMELINESS_RULES[id];
        const on = rules.switches[id];
        return [
          i + 1,
          on ? text.on : text.off,
          on ? 'Có' : 'Không',
          text.source,
          text.certain ? 'Có căn cứ' : 'Cách hiểu',
        ];
      }),
      total: ['', TIMELINESS_SOURCE, '', '', ''],
    },
    {
      sheet: 'Biểu 6',
      title:
        'Biểu 6. Đúng hạn tính hai cách theo đơn vị: theo thời hạn luật định và theo ngày hẹn lại hợp lệ (NĐ 61/2018, Điều 19 k9)',
      columns: twoWayColumns('Đơn vị'),
      rows: section.byUnit.map((r, i) => [i + 1, r.label, ...twoWayCells(r.counts)]),
      total: ['', TOTAL, ...twoWayCells(section.total)],
    },
    {
      sheet: 'Biểu 6b',
      title: 'Biểu 6b. Đúng hạn tính hai cách theo lĩnh vực',
      columns: twoWayColumns('Lĩnh vực'),
      rows: section.byField.map((r, i) => [i + 1, r.label, ...twoWayCells(r.counts)]),
      total: ['', TOTAL, ...twoWayCells(section.total)],
    },
  ];
  if (section.forecast) {
    tables.push({
      sheet: 'Biểu 7',
      title: 'Biểu 7. Hồ sơ đang giải quyết sẽ làm mất điểm nhiều nhất nếu quá hạn',
      columns: [
        { header: 'STT', kind: 'index', width: 5 },
        { header: 'Mã hồ sơ', kind: 'text', width: 24 },
        { header: 'Đơn vị', kind: 'text', width: 30 },
        { header: 'Lĩnh vực', kind: 'text', width: 24 },
        { header: 'Bước liên thông', kind: 'text', width: 10 },
        { header: 'Đơn vị đang giải quyết', kind: 'text', width: 30 },
        { header: 'Phải xong trước', kind: 'text', width: 17 },
        { header: 'Còn lại', kind: 'text', width: 10 },
        { header: 'Điểm mất nếu quá hạn', kind: 'score', width: 11 },
      ],
      rows: section.atRisk.map((d, i) => [
        i + 1,
        d.id,
        d.unitName,
        d.field,
        d.step ? `${d.step.number}/${d.step.of}` : '',
        d.holderName,
        vnDateTime(d.deadline),
        timeLeftVi(d.deadline, section.asOf),
        d.points,
      ]),
      total: ['', `${formatCount(section.atRisk.length)} hồ sơ`, '', '', '', '', '', '', null],
    });
  }
  return tables;
}

/** The report's tables, with the headers of the seed report's annex and those it lacked. */
export function reportTables(report: Report): ReportTable[] {
  const mainLabel = { field: 'Lĩnh vực', unit: 'Đơn vị', month: 'Tháng' }[report.by];
  const mainTitle = { field: 'theo lĩnh vực', unit: 'theo đơn vị', month: 'theo tháng' }[report.by];
  const unitOverdue = (c: AnnexCounts) => [
    c.received,
    c.resolved,
    c.late,
    c.inProgressOverdue,
    c.late + c.inProgressOverdue,
    overdueRate(c),
  ];
  return [
    annexTable(
      'Biểu 1',
      `Biểu 1. Tình hình, kết quả giải quyết hồ sơ thủ tục hành chính ${mainTitle}`,
      mainLabel,
      report.main,
      report.total,
    ),
    {
      sheet: 'Biểu 2',
      title: 'Biểu 2. Kết quả giải quyết và hồ sơ quá hạn theo đơn vị',
      columns: [
        { header: 'STT', kind: 'index', width: 5 },
        { header: 'Đơn vị', kind: 'text', width: 44 },
        { header: 'Hồ sơ nhận giải quyết', kind: 'count', width: 12 },
        { header: 'Đã giải quyết', kind: 'count', width: 12 },
        { header: 'Đã giải quyết quá hạn', kind: 'count', width: 12 },
        { header: 'Đang giải quyết quá hạn', kind: 'count', width: 12 },
        { header: 'Tổng số quá hạn', kind: 'count', width: 12 },
        { header: 'Tỷ lệ quá hạn', kind: 'rate', width: 10 },
      ],
      rows: report.byUnit.map((r, i) => [i + 1, r.label, ...unitOverdue(r.counts)]),
      total: ['', TOTAL, ...unitOverdue(report.total)],
    },
    {
      sheet: 'Biểu 3',
      title: 'Biểu 3. Xin lỗi, hẹn trả kết quả và chuyển liên thông theo đơn vị chịu trách nhiệm',
      groups: [
        { title: '', span: 2 },
        { title: 'Phiếu xin lỗi và hẹn lại ngày trả kết quả', span: 4 },
        { title: 'Vi phạm về thời hạn', span: 5 },
      ],
      columns: [
        { header: 'STT', kind: 'index', width: 5 },
        { header: 'Đơn vị', kind: 'text', width: 44 },
        { header: 'Hồ sơ phải xin lỗi', kind: 'count', width: 11 },
        { header: 'Xin lỗi trước hạn ít nhất 1 ngày', kind: 'count', width: 13 },
        { header: 'Xin lỗi muộn', kind: 'count', width: 10 },
        { header: 'Không có phiếu xin lỗi', kind: 'count', width: 11 },
        { header: 'Tiếp nhận không hẹn ngày trả', kind: 'count', width: 12 },
        { header: 'Hẹn trả quá thời hạn quy định', kind: 'count', width: 12 },
        { header: 'Hẹn lại không có phiếu xin lỗi', kind: 'count', width: 12 },
        { header: 'Chuyển liên thông trễ hạn', kind: 'count', width: 12 },
        { header: 'Quá hạn lần thứ hai', kind: 'count', width: 10 },
      ],
      rows: report.compliance.map((r, i) => [i + 1, r.label, ...complianceCells(r.counts)]),
      total: ['', TOTAL, ...complianceCells(report.complianceTotal)],
    },
    {
      sheet: 'Biểu 3b',
      title:
        'Biểu 3b. Thời gian giải quyết của từng đơn vị so với thời gian được giao trong quy trình liên thông (Thông tư 01/2018/TT-VPCP, Điều 13)',
      columns: [
        { header: 'STT', kind: 'index', width: 5 },
        { header: 'Đơn vị', kind: 'text', width: 44 },
        { header: 'Số bước đã chuyển tiếp', kind: 'count', width: 12 },
        { header: 'Trước hạn (2 điểm)', kind: 'count', width: 11 },
        { header: 'Đúng hạn (1 điểm)', kind: 'count', width: 11 },
        { header: 'Quá hạn (0 điểm)', kind: 'count', width: 11 },
        { header: 'Điểm bình quân (tối đa 2)', kind: 'score', width: 12 },
      ],
      rows: report.stepTimeliness.map((r, i) => [i + 1, r.label, ...timelinessCells(r.counts)]),
      total: ['', TOTAL, ...timelinessCells(report.stepTimelinessTotal)],
    },
    {
      sheet: 'Biểu 4',
      title: 'Biểu 4. Diễn biến theo tháng',
      columns: [
        { header: 'STT', kind: 'index', width: 5 },
        { header: 'Tháng', kind: 'text', width: 12 },
        { header: 'Tiếp nhận mới', kind: 'count', width: 11 },
        { header: 'Đã giải quyết', kind: 'count', width: 11 },
        { header: 'Đã giải quyết quá hạn', kind: 'count', width: 12 },
        { header: 'Đang giải quyết quá hạn (cuối tháng)', kind: 'count', width: 14 },
        { header: 'Tỷ lệ quá hạn', kind: 'rate', width: 10 },
      ],
      rows: report.byMonth.map((r, i) => [
        i + 1,
        r.label,
        r.counts.online + r.counts.inPerson,
        r.counts.resolved,
        r.counts.late,
        r.counts.inProgressOverdue,
        overdueRate(r.counts),
      ]),
      total: [
        '',
        TOTAL,
        report.total.online + report.total.inPerson,
        report.total.resolved,
        report.total.late,
        report.total.inProgressOverdue,
        overdueRate(report.total),
      ],
    },
    ...timelinessTables(report.timeliness),
  ];
}

/** The report's heading lines, in Vietnamese. */
export function reportHeading(report: Report): { title: string; lines: string[] } {
  const cutoff = Date.parse(report.asOf);
  const asOf = new Date(cutoff + VIETNAM_OFFSET_MS).toISOString();
  const endOfPeriod = vietnamDayStart(report.period.to) + 86_400_000;
  const when =
    cutoff >= endOfPeriod
      ? `hết ngày ${vnDate(report.period.to)}`
      : `${asOf.slice(11, 16)} ngày ${vnDate(asOf.slice(0, 10))} (giờ Việt Nam)`;
  return {
    title: 'BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH',
    lines: [
      `Kỳ báo cáo: từ ngày ${vnDate(report.period.from)} đến ngày ${vnDate(report.period.to)}`,
      ...(report.unit ? [`Đơn vị: ${report.unit}`] : []),
      `Số liệu tính đến ${when}, từ ${formatCount(report.rowsRead)} hồ sơ trong chỉ mục báo cáo`,
    ],
  };
}
