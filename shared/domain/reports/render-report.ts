import { escapeHtml, formatCount } from '../vietnamese/format.ts';
import type { Report } from './build-report.ts';
import {
  formatRate,
  formatScore,
  overdueRate,
  type ReportColumn,
  type ReportTable,
  reportHeading,
  reportTables,
} from './report-tables.ts';
import { timelinessPoints, timelinessRate } from './timeliness.ts';

type Cell = string | number | null;

function display(cell: Cell, column: ReportColumn | undefined): string {
  if (column?.kind === 'rate') return formatRate(cell as number | null);
  if (column?.kind === 'score') return formatScore(cell as number | null);
  if (typeof cell === 'number') return column?.kind === 'index' ? String(cell) : formatCount(cell);
  return cell ?? '';
}

/** Header text of a column with its group, for formats with one header row. */
function fullHeader(table: ReportTable, index: number): string {
  let at = 0;
  for (const group of table.groups ?? []) {
    if (index < at + group.span)
      return group.title ? `${group.title}: ${table.columns[index]?.header}` : `${table.columns[index]?.header}`;
    at += group.span;
  }
  return table.columns[index]?.header ?? '';
}

/** Titled tables, whatever produced them (a report, a reconciliation): what every format renders. */
export interface TableDocument {
  heading: { title: string; lines: string[] };
  tables: ReportTable[];
}

/** The report as the tables of its annex, under its heading. */
export function reportDocument(report: Report): TableDocument {
  return { heading: reportHeading(report), tables: reportTables(report) };
}

/** Markdown: the heading and every table, numbers as "1.716". */
export function renderMarkdown(report: Report): string {
  return renderTablesMarkdown(reportDocument(report));
}

export function renderTablesMarkdown(document: TableDocument): string {
  const { heading } = document;
  const mdCell = (text: string) => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\s+/g, ' ');
  const out = [`# ${heading.title}`, '', ...heading.lines.map((l) => `${l}  `), ''];
  for (const table of document.tables) {
    out.push(`## ${table.title}`, '');
    out.push(`| ${table.columns.map((_, i) => mdCell(fullHeader(table, i))).join(' | ')} |`);
    out.push(`|${table.columns.map((c) => (c.kind === 'text' ? ' --- ' : ' ---: ')).join('|')}|`);
    for (const row of [...table.rows, table.total]) {
      out.push(`| ${row.map((cell, i) => mdCell(display(cell, table.columns[i]))).join(' | ')} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

/**
 * CSV (RFC 4180, UTF-8 with a byte-order mark so Excel reads the diacritics): each table under its
 * title, separated by an empty line; counts as plain integers and rates as fractions, for machines.
 */
export function renderCsv(report: Report): string {
  return renderTablesCsv(reportDocument(report));
}

/**
 * A text cell as a spreadsheet may not run it (issue #32, OWASP "CSV injection"): one that begins with
 * = + - @, a tab or a carriage return — an imported procedure or agency name such as `=HYPERLINK(…)` —
 * gets a leading apostrophe, so that Excel and LibreOffice show it as text. Numbers are left alone.
 */
export function neutraliseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export function renderTablesCsv(document: TableDocument): string {
  const quote = (value: Cell) => {
    const text = value === null ? '' : typeof value === 'string' ? neutraliseFormula(value) : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines: string[] = [];
  for (const table of document.tables) {
    if (lines.length > 0) lines.push('');
    lines.push(quote(table.title));
    lines.push(table.columns.map((_, i) => quote(fullHeader(table, i))).join(','));
    for (const row of [...table.rows, table.total]) {
      lines.push(
        row
          .map((cell, i) =>
            quote(
              (table.columns[i]?.kind === 'rate' || table.columns[i]?.kind === 'score') && typeof cell === 'number'
                ? Number(cell.toFixed(4))
                : cell,
            ),
          )
          .join(','),
      );
    }
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

const BAR = '#c0392b';
const OK = '#2e86c1';

/** A horizontal bar chart of rates (0–100 %) with its labels, as inline SVG. */
function rateBars(id: string, title: string, items: { label: string; rate: number | null }[]): string {
  return bars(
    id,
    title,
    items.map((i) => ({ label: i.label, share: i.rate, text: formatRate(i.rate) })),
  );
}

/** Counts as bars, the largest the full width (the late dossiers each unit answers for). */
function countBars(id: string, title: string, items: { label: string; count: number }[]): string {
  const most = Math.max(1, ...items.map((i) => i.count));
  return bars(
    id,
    title,
    items.map((i) => ({ label: i.label, share: i.count / most, text: formatCount(i.count) })),
  );
}

/** Horizontal bars, inline SVG: a label, a bar its share of the plot wide, and the value written after it. */
function bars(id: string, title: string, items: { label: string; share: number | null; text: string }[]): string {
  const rowHeight = 26;
  const width = 760;
  const labelWidth = 300;
  const plot = width - labelWidth - 70;
  const height = Math.max(1, items.length) * rowHeight + 10;
  const bars = items
    .map((item, i) => {
      const y = 5 + i * rowHeight;
      const w = item.share === null ? 0 : Math.max(item.share > 0 ? 2 : 0, Math.round(item.share * plot));
      const label = item.label.length > 42 ? `${item.label.slice(0, 41)}…` : item.label;
      return (
        `<text x="${labelWidth - 8}" y="${y + 17}" text-anchor="end">${escapeHtml(label)}</text>` +
        `<rect class="bar" x="${labelWidth}" y="${y + 4}" width="${w}" height="${rowHeight - 8}" fill="${BAR}"><title>${escapeHtml(item.label)}: ${item.text}</title></rect>` +
        `<text x="${labelWidth + w + 6}" y="${y + 17}">${item.text}</text>`
      );
    })
    .join('');
  return (
    `<figure id="${id}"><figcaption>${escapeHtml(title)}</figcaption>` +
    `<svg role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">` +
    `<line x1="${labelWidth}" y1="0" x2="${labelWidth}" y2="${height}" stroke="#555"/>${bars}</svg></figure>`
  );
}

/** Monthly trend: received and resolved as bars, the overdue rate as a line, inline SVG. */
function trendChart(report: Report): string {
  const months = report.byMonth;
  const width = 760;
  const height = 260;
  const left = 50;
  const bottom = 30;
  const plotHeight = height - bottom - 20;
  const step = (width - left - 20) / Math.max(1, months.length);
  const max = Math.max(1, ...months.map((m) => Math.max(m.counts.online + m.counts.inPerson, m.counts.resolved)));
  const y = (n: number) => 20 + plotHeight - (n / max) * plotHeight;
  const parts: string[] = [];
  const points: string[] = [];
  months.forEach((m, i) => {
    const x = left + i * step;
    const received = m.counts.online + m.counts.inPerson;
    const barWidth = Math.max(2, step / 2 - 4);
    parts.push(
      `<rect class="bar" x="${x + 2}" y="${y(received)}" width="${barWidth}" height="${20 + plotHeight - y(received)}" fill="${OK}"><title>${m.label}: tiếp nhận ${formatCount(received)}</title></rect>`,
      `<rect class="bar" x="${x + 2 + barWidth + 2}" y="${y(m.counts.resolved)}" width="${barWidth}" height="${20 + plotHeight - y(m.counts.resolved)}" fill="#7fb3d5"><title>${m.label}: giải quyết ${formatCount(m.counts.resolved)}</title></rect>`,
      `<text x="${x + step / 2}" y="${height - 10}" text-anchor="middle">${m.label.slice(0, 2)}</text>`,
    );
    const rate = overdueRate(m.counts);
    if (rate !== null) points.push(`${x + step / 2},${20 + plotHeight - rate * plotHeight}`);
  });
  const title = 'Theo tháng: tiếp nhận mới (cột đậm), đã giải quyết (cột nhạt), tỷ lệ quá hạn (đường đỏ, thang 0–100%)';
  return (
    `<figure id="chart-trend"><figcaption>${title}</figcaption>` +
    `<svg role="img" aria-label="${title}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">` +
    `<line x1="${left}" y1="${20 + plotHeight}" x2="${width - 10}" y2="${20 + plotHeight}" stroke="#555"/>` +
    `<text x="${left - 6}" y="24" text-anchor="end">${formatCount(max)}</text>` +
    `<text x="${width - 12}" y="24" text-anchor="end" fill="${BAR}">100%</text>` +
    parts.join('') +
    (points.length > 0
      ? `<polyline class="line" points="${points.join(' ')}" fill="none" stroke="${BAR}" stroke-width="3"/>`
      : '') +
    `</svg></figure>`
  );
}

function htmlTable(table: ReportTable): string {
  const head = `${
    table.groups
      ? `<tr>${table.groups.map((g) => `<th colspan="${g.span}">${escapeHtml(g.title)}</th>`).join('')}</tr>`
      : ''
  }<tr>${table.columns.map((c) => `<th>${escapeHtml(c.header)}</th>`).join('')}</tr>`;
  const body = table.rows
    .map(
      (row) =>
        `<tr>${row.map((cell, i) => `<td class="${table.columns[i]?.kind}">${escapeHtml(display(cell, table.columns[i]))}</td>`).join('')}</tr>`,
    )
    .join('');
  const total = `<tr class="total">${table.total.map((cell, i) => `<td class="${table.columns[i]?.kind}">${escapeHtml(display(cell, table.columns[i]))}</td>`).join('')}</tr>`;
  return `<section><h2>${escapeHtml(table.title)}</h2><div class="scroll" tabindex="0" role="region" aria-label="${escapeHtml(table.title)}"><table><thead>${head}</thead><tbody>${body}${total}</tbody></table></div></section>`;
}

const PAGE_STYLE = `body{font-family:"Times New Roman",Times,serif;margin:24px;color:#1b1b1b;max-width:1200px}
h1{font-size:22px;text-align:center}h2{font-size:17px;margin-top:28px}
.meta{text-align:center;font-style:italic}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:20px 0}
.card{border:1px solid #ccc;border-radius:6px;padding:10px 14px;min-width:160px}
.card .value{font-size:24px;font-weight:bold}
figure{margin:16px 0}figcaption{font-weight:bold;margin-bottom:6px}
svg{max-width:100%;height:auto;font:13px "Times New Roman",Times,serif}
.scroll{overflow-x:auto}
table{border-collapse:collapse;font-size:14px}th,td{border:1px solid #999;padding:4px 6px}
th{background:#f0f0f0}td.count,td.rate,td.score,td.index{text-align:right}tr.total td{font-weight:bold}`;

/** A page's head and its title, the same for every page of tables. */
function pageHead(heading: TableDocument['heading']): string {
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(heading.title)} — ${escapeHtml(heading.lines[0] ?? '')}</title>
<style>
${PAGE_STYLE}
</style></head><body>
<h1>${escapeHtml(heading.title)}</h1>`;
}

/** A self-contained page of the tables (no script, no external resource); every value escaped. */
export function renderTablesHtml(document: TableDocument): string {
  return `${pageHead(document.heading)}
${document.heading.lines.map((l) => `<p class="meta">${escapeHtml(l)}</p>`).join('\n')}
${document.tables.map(htmlTable).join('\n')}
</body></html>
`;
}

/** The QĐ 766 figures on the dashboard: the score, its forecast while the period runs, on time two ways. */
function timelinessCards(report: Report): [string, string][] {
  const { rules, total, forecast } = report.timeliness;
  const max = formatScore(rules.maxPoints).replace(/,00$/, '');
  const cards: [string, string][] = [
    [
      `Điểm tiến độ giải quyết (Bộ chỉ số 766, tối đa ${max})`,
      formatScore(timelinessPoints(rules, total.onTime, total.counted)),
    ],
  ];
  if (forecast)
    cards.push([
      'Dự báo điểm tiến độ cuối kỳ',
      formatScore(timelinessPoints(rules, total.forecastOnTime, total.forecastCounted)),
    ]);
  cards.push([
    'Đúng hạn theo luật định / theo ngày hẹn lại',
    `${formatRate(timelinessRate(total.legalOnTime, total.counted))} / ${formatRate(
      timelinessRate(total.reappointedOnTime, total.counted),
    )}`,
  ]);
  return cards;
}

/**
 * A self-contained dashboard page (no script, no external resource): the key figures, charts of the
 * overdue rate by field and by unit and the monthly trend, then every table. Every value is escaped.
 */
export function renderHtml(report: Report): string {
  return `${pageHead(reportHeading(report))}
${dashboardBody(report)}
</body></html>
`;
}

/** The dashboard's content under its title (the console's report page shows it in its own frame). */
export function dashboardBody(report: Report): string {
  const heading = reportHeading(report);
  const t = report.total;
  const cards = [
    ['Hồ sơ nhận giải quyết', formatCount(t.received)],
    ['Đã giải quyết', formatCount(t.resolved)],
    ['Giải quyết đúng và trước hạn', formatRate(t.resolved === 0 ? null : (t.early + t.onTime) / t.resolved)],
    ['Quá hạn (đã và đang giải quyết)', formatCount(t.late + t.inProgressOverdue)],
    ['Hồ sơ phải xin lỗi chưa có phiếu', formatCount(report.complianceTotal.apologyMissing)],
    ...timelinessCards(report),
  ]
    .map(([label, value]) => `<div class="card"><div class="value">${value}</div><div>${label}</div></div>`)
    .join('');
  return `${heading.lines.map((l) => `<p class="meta">${escapeHtml(l)}</p>`).join('\n')}
<div class="cards">${cards}</div>
${rateBars(
  'chart-field',
  'Tỷ lệ hồ sơ quá hạn theo lĩnh vực',
  report.byField.map((r) => ({ label: r.label, rate: overdueRate(r.counts) })),
)}
${rateBars(
  'chart-unit',
  'Tỷ lệ hồ sơ quá hạn theo đơn vị',
  report.byUnit.map((r) => ({ label: r.label, rate: overdueRate(r.counts) })),
)}
${countBars(
  'chart-responsible',
  'Hồ sơ trễ hạn theo đơn vị chịu trách nhiệm về việc chậm',
  report.compliance
    .filter((r) => r.counts.apologyNeeded > 0)
    .map((r) => ({ label: r.label, count: r.counts.apologyNeeded })),
)}
${trendChart(report)}
${reportTables(report).map(htmlTable).join('\n')}`;
}
