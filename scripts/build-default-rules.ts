/**
 * Builds config/rules/*.yaml, the sample deadline rules shipped with Đúng Hạn, from the procedure
 * catalogue ../shared/data/procedures-sample.json (40 real procedures across every field of the seed
 * report's annex). Every rule is marked `sample: true`: an administrator confirms it before relying on
 * it. Run: `npx tsx scripts/build-default-rules.ts [catalogue.json]`.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

interface CatalogueEntry {
  code: string | null;
  name: string;
  field: string;
  level: string;
  duration: { amount: number; unit: 'working_days' | 'calendar_days' | 'same_day' };
  cutoff: string | null;
  steps: { unit: string; amount: number | null; unitOfTime?: string }[] | null;
  legalBasis: string;
  source: string;
  verified: boolean;
}

export const CATALOGUE_PATH = fileURLToPath(new URL('../../shared/data/procedures-sample.json', import.meta.url));
export const RULES_DIR = fileURLToPath(new URL('../config/rules/', import.meta.url));
const SINCE_NĐ61 = '2018-06-21';
const SAMPLE_NOTE = 'Dữ liệu mẫu lấy từ danh mục TTHC công bố; quản trị viên cần xác nhận trước khi áp dụng.';

function durationText(d: CatalogueEntry['duration']): string {
  if (d.unit === 'same_day') return '0wd';
  return `${d.amount}${d.unit === 'working_days' ? 'wd' : 'd'}`;
}

function stepText(
  amount: number,
  unitOfTime: string | undefined,
  fallback: CatalogueEntry['duration']['unit'],
): string {
  const unit = unitOfTime ?? fallback;
  return `${amount}${unit === 'calendar_days' ? 'd' : 'wd'}`;
}

function ruleOf(entry: CatalogueEntry): Record<string, unknown> {
  const short =
    entry.duration.unit === 'same_day' || (entry.duration.unit === 'working_days' && entry.duration.amount <= 1);
  const steps = (entry.steps ?? [])
    .filter((s) => typeof s.amount === 'number' && entry.duration.unit !== 'same_day')
    .map((s) => ({ unit: s.unit, duration: stepText(s.amount as number, s.unitOfTime, entry.duration.unit) }));
  return {
    procedureCode: entry.code,
    name: entry.name,
    effectiveFrom: SINCE_NĐ61,
    legalBasis: entry.legalBasis,
    duration: durationText(entry.duration),
    cutoff: entry.cutoff,
    ...(steps.length > 0 && entry.duration.unit !== 'calendar_days' ? { steps } : {}),
    warnLeadTime: short ? '2wh' : '2wd',
    suggestedExtension: short ? '1wd' : entry.duration.amount >= 15 ? '10wd' : '5wd',
    calendarId: 'vn-civil-service',
    sample: true,
    note: `${SAMPLE_NOTE} Cấp: ${entry.level}. Nguồn: ${entry.source}${entry.verified ? '' : ' (chưa xác minh)'}`,
  };
}

/** The most common limit in a field (ties: the longer one) becomes the field's default. */
function fieldDefault(field: string, entries: CatalogueEntry[]): Record<string, unknown> {
  const counts = new Map<string, { n: number; entry: CatalogueEntry }>();
  for (const e of entries) {
    const key = durationText(e.duration);
    counts.set(key, { n: (counts.get(key)?.n ?? 0) + 1, entry: e });
  }
  const [best] = [...counts.values()].sort((a, b) => b.n - a.n || b.entry.duration.amount - a.entry.duration.amount);
  const entry = best?.entry ?? entries[0];
  if (!entry) throw new Error(`no procedures for ${field}`);
  const short = entry.duration.unit === 'same_day';
  return {
    field,
    name: `Mặc định lĩnh vực ${field}`,
    effectiveFrom: SINCE_NĐ61,
    legalBasis: `Thời hạn phổ biến nhất của các thủ tục mẫu trong lĩnh vực (${entries.length} thủ tục)`,
    duration: durationText(entry.duration),
    cutoff: entry.cutoff,
    warnLeadTime: short ? '2wh' : '2wd',
    suggestedExtension: short ? '1wd' : '5wd',
    calendarId: 'vn-civil-service',
    sample: true,
    note: `${SAMPLE_NOTE} Dùng cho thủ tục chưa có quy tắc riêng; hồ sơ được đánh dấu để quản trị viên bổ sung.`,
  };
}

function slug(field: string): string {
  return field
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
}

/** Rules files (name → YAML text) built from the catalogue. */
export function buildDefaultRules(cataloguePath: string): Map<string, string> {
  const catalogue = JSON.parse(readFileSync(cataloguePath, 'utf8')) as CatalogueEntry[];
  const byField = new Map<string, CatalogueEntry[]>();
  for (const entry of catalogue) byField.set(entry.field, [...(byField.get(entry.field) ?? []), entry]);
  const files = new Map<string, string>();
  for (const [field, entries] of byField) {
    const rules: Record<string, unknown>[] = [fieldDefault(field, entries)];
    for (const entry of entries) {
      if (!entry.code) continue;
      rules.push(ruleOf(entry));
      if (entry.code === '1.013831') {
        // Versioned by receipt date: 10 days before the 2025 reform (NĐ 43/2014 as amended by NĐ 01/2017),
        // 8 working days under NĐ 151/2025 from 01/7/2025.
        const before = rules.at(-1) as Record<string, unknown>;
        before.duration = '10wd';
        before.legalBasis = 'NĐ 43/2014/NĐ-CP sửa đổi bởi NĐ 01/2017/NĐ-CP (chuyển nhượng, tặng cho: ≤10 ngày) [S]';
        rules.push({ ...ruleOf(entry), effectiveFrom: '2025-07-01' });
      }
    }
    const header = `# Quy tắc thời hạn — lĩnh vực: ${field}\n# ${SAMPLE_NOTE}\n# Sinh bởi scripts/build-default-rules.ts từ danh mục thủ tục mẫu.\n`;
    files.set(`${slug(field)}.yaml`, `${header}${stringify({ rules }, { lineWidth: 0 })}`);
  }
  files.set(
    '_global.yaml',
    `# Quy tắc mặc định toàn hệ thống: chỉ dùng khi thủ tục và lĩnh vực đều chưa có quy tắc.\n${stringify(
      {
        rules: [
          {
            global: true,
            name: 'Mặc định toàn hệ thống',
            effectiveFrom: SINCE_NĐ61,
            legalBasis: 'Mặc định của hệ thống Đúng Hạn, không thay thế thời hạn của từng thủ tục',
            duration: '10wd',
            cutoff: null,
            warnLeadTime: '2wd',
            suggestedExtension: '5wd',
            calendarId: 'vn-civil-service',
            sample: true,
            note: 'Hồ sơ dùng quy tắc này được đánh dấu để quản trị viên bổ sung quy tắc riêng.',
          },
        ],
      },
      { lineWidth: 0 },
    )}`,
  );
  return files;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = buildDefaultRules(process.argv[2] ?? CATALOGUE_PATH);
  rmSync(RULES_DIR, { recursive: true, force: true });
  const { mkdirSync } = await import('node:fs');
  mkdirSync(RULES_DIR, { recursive: true });
  for (const [name, content] of files) writeFileSync(`${RULES_DIR}${name}`, content);
  console.log(`wrote ${files.size} rule files to ${RULES_DIR}`);
}
