import { readFileSync, writeFileSync } from 'node:fs';
import { renderXlsx } from '../shared/adapters/xlsx-report.ts';
import type { Actor } from '../shared/domain/authority/actors.ts';
import { defaultUnit } from '../shared/domain/authority/authority.ts';
import type { Report } from '../shared/domain/reports/build-report.ts';
import { parseTimelinessRules } from '../shared/domain/reports/parse-timeliness-rules.ts';
import { renderCsv, renderHtml, renderMarkdown } from '../shared/domain/reports/render-report.ts';
import { InvalidTimelinessRulesError, type TimelinessRules } from '../shared/domain/reports/timeliness.ts';
import {
  InvalidReportRequestError,
  parseReportRequest,
  produceReport,
  REPORT_FORMATS,
  type ReportFormat,
} from '../shared/use-cases/produce-report.ts';
import { onStore, type Register } from './command.ts';
import { type AdminOptions, withAdmin } from './config-commands.ts';
import { BadInputError } from './errors.ts';

export interface ReportOptions extends AdminOptions {
  from?: string;
  to?: string;
  unit?: string;
  by?: string;
  format?: string;
  out?: string;
  /** A counting-rules file for the QĐ 766 timeliness indicator (default: config/timeliness.yaml's settings). */
  timeliness?: string;
}

/** The report in a format: text for md, csv, html and json; bytes for xlsx. */
export async function renderReport(report: Report, format: ReportFormat): Promise<string | Buffer> {
  switch (format) {
    case 'md':
      return renderMarkdown(report);
    case 'csv':
      return renderCsv(report);
    case 'html':
      return renderHtml(report);
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'xlsx':
      return renderXlsx(report);
  }
}

/**
 * `dunghan report --from --to [--unit] [--by] [--format] [--out]`: counts the period from the report
 * index (local store, or the AWS table with --aws) and writes it to stdout or --out (xlsx needs --out).
 */
export async function runReport(options: ReportOptions, out: (text: string) => void): Promise<void> {
  const format = (options.format ?? 'md') as ReportFormat;
  if (!REPORT_FORMATS.includes(format))
    throw new BadInputError('--format', `must be one of ${REPORT_FORMATS.join(', ')}`);
  if (format === 'xlsx' && !options.out) throw new BadInputError('--out', 'is required for xlsx (a binary file)');
  let request: ReturnType<typeof parseReportRequest>;
  try {
    request = parseReportRequest(options);
  } catch (error) {
    if (error instanceof InvalidReportRequestError) throw new BadInputError(`--${error.field}`, error.reason);
    throw error;
  }
  const timeliness = options.timeliness ? readTimelinessRules(options.timeliness) : undefined;
  const report = await withAdmin(
    options,
    'report.read',
    (deps, actor) => {
      const index = deps.reports;
      if (!index) throw new Error('this store has no report index');
      return produceReport(
        index,
        { ...request, unit: request.unit ?? onlyUnitOf(actor), timeliness },
        deps.clock.now(),
      );
    },
    { units: request.unit ? [request.unit] : undefined },
  );
  const rendered = await renderReport(report, format);
  if (options.out) writeFileSync(options.out, rendered);
  else out(typeof rendered === 'string' ? rendered : rendered.toString('base64'));
}

/** A person who reports on one unit gets that unit's report; one with several names one (`--unit`). */
function onlyUnitOf(actor: Actor): string | undefined {
  const unit = defaultUnit(actor, 'report.read');
  if ('choose' in unit) throw new BadInputError('--unit', `name the unit to report on (${unit.choose.join(', ')})`);
  return unit.unit;
}

/** The counting rules from a file, or a bad-input error naming the file and the field. */
function readTimelinessRules(file: string): TimelinessRules {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new BadInputError('--timeliness', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  try {
    return parseTimelinessRules(text);
  } catch (error) {
    if (error instanceof InvalidTimelinessRulesError)
      throw new BadInputError('--timeliness', `${file}: ${error.message}`);
    throw error;
  }
}

/** `dunghan report`. */
export const registerReport: Register = (program, io) => {
  onStore(
    program
      .command('report')
      .summary('The annex tables of a period')
      .description(
        'Count a period from the report index (never a Scan): the annex tables of the seed report by field, ' +
          'unit or month (received, carried over, resolved early / on time / late, in progress), overdue by unit, ' +
          'apology compliance and late hand-overs per responsible unit, the monthly trend; the QĐ 766 timeliness ' +
          'indicator per unit (rate, points, the end-of-period forecast and the open dossiers that would cost the ' +
          'most if late), on time counted against the legal due date and after the one lawful re-appointment, ' +
          'side by side. Vietnamese headers.',
      )
      .requiredOption('--from <YYYY-MM-DD>', 'first day of the period (Vietnam time)')
      .requiredOption('--to <YYYY-MM-DD>', 'last day of the period, included')
      .option('--unit <id>', 'only this unit (agency id) and the units under it')
      .option('--by <grouping>', 'rows of the main table: field, unit or month', 'field')
      .option('--format <format>', 'md, csv, xlsx, html (a dashboard page with charts) or json', 'md')
      .option('--out <file>', 'write to this file instead of stdout (required for xlsx)')
      .option(
        '--timeliness <file>',
        'counting rules of the QĐ 766 timeliness indicator (YAML; see config/timeliness.yaml, ADR 0020)',
      ),
  ).action(async (options) => runReport(options, io.out));
};
